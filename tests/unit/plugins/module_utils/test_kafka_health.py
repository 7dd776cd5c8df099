# -*- coding: utf-8 -*-
# Copyright: (c) 2025, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Unit tests of plugins/module_utils/_kafka_health.py: metadata shaping, cluster health, KRaft quorum."""

from __future__ import annotations

from ansible_collections.streamops.kafka.plugins.module_utils import _kafka_health as k


# -- metadata helpers ----------------------------------------------------------------------------

def meta_partition(index, leader, replicas, isr, offline=(), error_code=0):
    return dict(partition_index=index, leader_id=leader, replica_nodes=list(replicas), isr_nodes=list(isr),
                offline_replicas=list(offline), error_code=error_code, leader_epoch=0)


def meta_topic(name, partitions, internal=False, error_code=0):
    return dict(name=name, is_internal=internal, partitions=partitions, error_code=error_code)


def test_replication_factor_of():
    assert k.replication_factor_of([meta_partition(0, 1, [1, 2, 3], [1, 2, 3])]) == 3
    assert k.replication_factor_of([]) is None
    # one partition being reassigned shows 4 replicas; the topic's factor stays 3
    parts = [meta_partition(0, 1, [1, 2, 3, 4], [1, 2, 3]), meta_partition(1, 2, [2, 3, 1], [2]),
             meta_partition(2, 3, [3, 1, 2], [3])]
    assert k.replication_factor_of(parts) == 3


def test_topic_not_ready_reason():
    ready = meta_topic('t', [meta_partition(0, 1, [1], [1]), meta_partition(1, 2, [2], [2])])
    assert k.topic_not_ready_reason(ready) is None
    assert k.topic_not_ready_reason(ready, 2) is None
    assert k.topic_not_ready_reason(ready, 3) == '2 of 3 partitions in metadata'
    assert k.topic_not_ready_reason(None) == 'missing from metadata'
    assert k.topic_not_ready_reason(meta_topic('t', [], error_code=3)).startswith('UnknownTopicOrPartitionError(3)')
    assert k.topic_not_ready_reason(meta_topic('t', [])) == 'no partitions in metadata'
    leaderless = meta_topic('t', [meta_partition(0, -1, [1], []), meta_partition(1, 2, [2], [2])])
    assert k.topic_not_ready_reason(leaderless) == 'p0 has no leader'
    # REPLICA_NOT_AVAILABLE with a leader is usable
    degraded = meta_topic('t', [meta_partition(0, 1, [1, 2], [1], offline=[2], error_code=9)])
    assert k.topic_not_ready_reason(degraded) is None
    errored = meta_topic('t', [meta_partition(0, 1, [1], [1], error_code=5)])
    assert k.topic_not_ready_reason(errored) == 'p0 LeaderNotAvailableError(5)'


def test_cluster_health_counts_under_replicated_and_offline():
    topics = [
        meta_topic('b', [meta_partition(0, 1, [1, 2, 3], [1, 2, 3]), meta_partition(1, 2, [2, 3, 1], [2, 1], offline=[3])]),
        meta_topic('a', [meta_partition(0, -1, [3], [], offline=[3])]),
    ]
    health = k.cluster_health(topics)
    assert [(p['topic'], p['partition']) for p in health['under_replicated']] == [('a', 0), ('b', 1)]
    assert [(p['topic'], p['partition']) for p in health['offline']] == [('a', 0)]
    assert health['under_replicated'][1] == dict(topic='b', partition=1, leader=2, replicas=[2, 3, 1], isr=[2, 1],
                                                 offline_replicas=[3])


def test_build_cluster_info_filters_internal_but_counts_it():
    cluster = dict(cluster_id='abc', controller_id=2, brokers=[
        dict(broker_id=3, host='h3', port=9094, rack=None), dict(broker_id=1, host='h1', port=9092, rack='r1')])
    topics = [
        meta_topic('__consumer_offsets', [meta_partition(0, 1, [1, 3], [1], offline=[3])], internal=True),
        meta_topic('orders', [meta_partition(1, 3, [3, 1], [3, 1]), meta_partition(0, 1, [1, 3], [1, 3])]),
    ]
    info = k.build_cluster_info(cluster, topics)
    assert info['cluster_id'] == 'abc'
    assert info['controller_id'] == 2
    assert info['brokers'] == [dict(id=1, host='h1', port=9092, rack='r1'), dict(id=3, host='h3', port=9094, rack=None)]
    assert info['broker_count'] == 2
    assert [t['name'] for t in info['topics']] == ['orders']
    assert info['topic_count'] == 1
    assert [p['partition'] for p in info['topics'][0]['partitions']] == [0, 1]
    assert info['topics'][0]['replication_factor'] == 2
    assert info['topics'][0]['partition_count'] == 2
    assert info['under_replicated_partitions'] == 1
    assert info['under_replicated_partition_list'][0]['topic'] == '__consumer_offsets'
    assert info['offline_partitions'] == 0
    with_internal = k.build_cluster_info(cluster, topics, include_internal=True)
    assert [t['name'] for t in with_internal['topics']] == ['__consumer_offsets', 'orders']
    assert with_internal['topics'][0]['internal'] is True


def test_build_cluster_info_requested_topics_and_missing():
    cluster = dict(cluster_id='abc', controller_id=-1, brokers=[])
    topics = [meta_topic('__consumer_offsets', [meta_partition(0, 1, [1], [1])], internal=True),
              meta_topic('nope', [], error_code=3)]
    info = k.build_cluster_info(cluster, topics, requested=['__consumer_offsets', 'nope'])
    assert info['controller_id'] is None
    assert [t['name'] for t in info['topics']] == ['__consumer_offsets']
    assert info['missing_topics'] == ['nope']
    assert info['under_replicated_partitions'] == 0


def test_broker_from_metadata_accepts_both_shapes():
    assert k.broker_from_metadata(dict(node_id=1, host='h', port=1, rack=None))['id'] == 1
    assert k.broker_from_metadata(dict(broker_id=2, host='h', port=1, rack='r'))['id'] == 2
