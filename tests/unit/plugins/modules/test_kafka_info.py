# -*- coding: utf-8 -*-
# Copyright: (c) 2025, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Unit tests of the kafka_info module: main() against a fake KafkaAdminClient."""

from __future__ import annotations

import typing as t

import pytest

from ansible.module_utils import basic

from ansible_collections.streamops.kafka.plugins.modules import kafka_info as module

from module_harness import exit_json, fail_json, run_main


def partition(index: int, leader: int, replicas: list[int], isr: list[int], offline: list[int] | None = None,
              ) -> dict[str, t.Any]:
    return dict(partition_index=index, leader_id=leader, replica_nodes=replicas, isr_nodes=isr,
                offline_replicas=offline or [], error_code=0, leader_epoch=3)


TOPICS = {
    'orders': dict(name='orders', error_code=0, is_internal=False, topic_id=None, partitions=[
        partition(1, 2, [2, 3, 1], [2, 1], [3]), partition(0, 1, [1, 2, 3], [1, 2, 3])]),
    '__consumer_offsets': dict(name='__consumer_offsets', error_code=0, is_internal=True, partitions=[
        partition(0, -1, [3], [], [3])]),
    'payments': dict(name='payments', error_code=0, is_internal=False, partitions=[
        partition(0, 1, [1, 2], [1, 2])]),
}


class FakeAdmin:
    def __init__(self, fail: Exception | None = None) -> None:
        self.fail = fail
        self.asked: list[t.Any] = []
        self.closed = False

    def describe_cluster(self) -> dict[str, t.Any]:
        if self.fail:
            raise self.fail
        return dict(cluster_id='cid-1', controller_id=2, brokers=[
            dict(broker_id=2, host='k2', port=9092, rack='b'), dict(broker_id=1, host='k1', port=9092, rack='a')])

    def describe_topics(self, names: list[str] | None = None) -> list[dict[str, t.Any]]:
        self.asked.append(names)
        if names is None:
            return list(TOPICS.values())
        return [TOPICS.get(n, dict(name=n, error_code=3, is_internal=False, partitions=[])) for n in names]

    def close(self) -> None:
        self.closed = True


def run(monkeypatch: pytest.MonkeyPatch, admin: FakeAdmin, **args: t.Any) -> tuple[bool, dict[str, t.Any]]:
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    monkeypatch.setattr(module, 'connect_admin', lambda _module: admin)
    args.setdefault('bootstrap_servers', ['k1:9092'])
    return run_main(module, args)


def test_whole_cluster(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = FakeAdmin()
    failed, result = run(monkeypatch, admin)
    assert failed is False
    assert admin.asked == [None]
    assert admin.closed is True
    assert result['changed'] is False
    assert result['cluster_id'] == 'cid-1'
    assert result['controller_id'] == 2
    assert result['brokers'] == [dict(id=1, host='k1', port=9092, rack='a'), dict(id=2, host='k2', port=9092, rack='b')]
    assert result['broker_count'] == 2
    assert [t['name'] for t in result['topics']] == ['orders', 'payments']
    assert result['topic_count'] == 2
    orders = result['topics'][0]
    assert orders['partitions'][0] == dict(partition=0, leader=1, replicas=[1, 2, 3], isr=[1, 2, 3], offline_replicas=[])
    assert orders['replication_factor'] == 3
    # health covers the internal topic even though it is not listed
    assert result['under_replicated_partitions'] == 2
    assert [(p['topic'], p['partition']) for p in result['under_replicated_partition_list']] == [
        ('__consumer_offsets', 0), ('orders', 1)]
    assert result['offline_partitions'] == 1
    assert result['offline_partition_list'][0]['topic'] == '__consumer_offsets'
    assert result['missing_topics'] == []


def test_include_internal(monkeypatch: pytest.MonkeyPatch) -> None:
    failed, result = run(monkeypatch, FakeAdmin(), include_internal=True)
    assert failed is False
    assert [t['name'] for t in result['topics']] == ['__consumer_offsets', 'orders', 'payments']
    assert result['topics'][0]['internal'] is True


def test_topic_filter(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = FakeAdmin()
    failed, result = run(monkeypatch, admin, topics=['payments', 'ghost', 'payments'])
    assert failed is False
    assert admin.asked == [['payments', 'ghost']]
    assert [t['name'] for t in result['topics']] == ['payments']
    assert result['missing_topics'] == ['ghost']
    assert result['under_replicated_partitions'] == 0


def test_empty_topic_filter_reads_no_topic(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = FakeAdmin()
    failed, result = run(monkeypatch, admin, topics=[])
    assert failed is False
    assert admin.asked == []
    assert result['topics'] == [] and result['broker_count'] == 2


def test_check_mode_reads_too(monkeypatch: pytest.MonkeyPatch) -> None:
    failed, result = run(monkeypatch, FakeAdmin(), _ansible_check_mode=True)
    assert failed is False
    assert result['topic_count'] == 2


def test_error_names_the_servers(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = FakeAdmin(fail=RuntimeError('broker went away'))
    failed, result = run(monkeypatch, admin, bootstrap_servers=['k1:9092', 'k2:9092'])
    assert failed is True
    assert result['msg'] == 'Cannot read the cluster metadata from k1:9092,k2:9092: RuntimeError: broker went away'
    assert admin.closed is True
