# -*- coding: utf-8 -*-
# Copyright: (c) 2025, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Unit tests of the kafka_info module: main() against a fake KafkaAdminClient."""

from __future__ import annotations

import typing as t

import kafka.errors as kafka_errors
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


ZK_FEATURES = {'metadata.version': {'supported': (1, 21)}}  # ZooKeeper-mode brokers never finalize it
KRAFT_FEATURES = {
    'metadata.version': {'supported': (7, 25), 'finalized': (25, 25), 'finalized_epoch': 4242},
    'kraft.version': {'supported': (0, 1), 'finalized': (1, 1), 'finalized_epoch': 4242},
}
NOW = 1767225600000


def replica(replica_id: int, log_end_offset: int, ms_ago: int = 0) -> dict[str, t.Any]:
    return dict(replica_id=replica_id, replica_directory_id=None, log_end_offset=log_end_offset,
                last_fetch_timestamp=NOW - ms_ago, last_caught_up_timestamp=NOW - ms_ago)


def quorum_answer(leader_id: int = 3, voter3_offset: int = 1000, error: str | None = None) -> dict[str, t.Any]:
    """describe_metadata_quorum() of kafka-python 3.0.12 for controllers 1-3 and brokers 4-5 as observers."""
    voters = [] if error else [replica(1, 1000, 150), replica(2, 999, 80), replica(3, voter3_offset)]
    observers = [] if error else [replica(5, 1000, 40), replica(4, 1000, 60)]
    return dict(nodes=[], topics=[dict(topic_name='__cluster_metadata', partitions=[dict(
        partition_index=0, error=error, leader_id=leader_id, leader_epoch=12, high_watermark=1000,
        current_voters=voters, observers=observers)])])


class FakeAdmin:
    """KafkaAdminClient of a ZooKeeper-mode cluster (3.9) or, with ``quorum``, of a KRaft one (4.x)."""

    def __init__(self, fail: Exception | list[Exception] | None = None, quorum: t.Any = None,
                 features: t.Any = None, users: t.Any = None, acls: t.Any = None) -> None:
        self.fail = fail
        self.quorum = quorum
        self.features = features
        # SCRAM users (describe_user_scram_credentials answer or an exception); ACLs (a count or an exception)
        self.users = {} if users is None else users
        self.acls = kafka_errors.SecurityDisabledError('No Authorizer is configured.') if acls is None else acls
        self.asked: list[t.Any] = []
        self.closed = False

    def describe_cluster(self) -> dict[str, t.Any]:
        if isinstance(self.fail, list):  # a broker that just stopped refuses the first requests
            if self.fail:
                raise self.fail.pop(0)
        elif self.fail:
            raise self.fail
        return dict(cluster_id='cid-1', controller_id=2, brokers=[
            dict(broker_id=2, host='k2', port=9092, rack='b'), dict(broker_id=1, host='k1', port=9092, rack='a')])

    def describe_topics(self, names: list[str] | None = None) -> list[dict[str, t.Any]]:
        self.asked.append(names)
        if names is None:
            return list(TOPICS.values())
        return [TOPICS.get(n, dict(name=n, error_code=3, is_internal=False, partitions=[])) for n in names]

    def describe_features(self) -> dict[str, t.Any]:
        if isinstance(self.features, Exception):
            raise self.features
        if self.features is not None:
            return self.features
        return KRAFT_FEATURES if self.quorum is not None else ZK_FEATURES

    def describe_metadata_quorum(self) -> dict[str, t.Any]:
        if self.quorum is None:
            # what kafka-python raises when the brokers' ApiVersions lack DescribeQuorum
            raise kafka_errors.IncompatibleBrokerVersion(
                "Kafka broker does not support the 'DescribeQuorumRequest' Kafka protocol.")
        if isinstance(self.quorum, Exception):
            raise self.quorum
        return self.quorum

    def describe_user_scram_credentials(self, users: list[str] | None = None) -> dict[str, t.Any]:
        if isinstance(self.users, Exception):
            raise self.users
        return self.users

    def describe_acls(self, acl_filter: t.Any) -> tuple[list[t.Any], t.Any]:
        assert acl_filter.resource_pattern.resource_type.name == 'ANY'
        if isinstance(self.acls, Exception):
            raise self.acls
        return [object()] * self.acls, kafka_errors.NoError

    def close(self) -> None:
        self.closed = True


def run(monkeypatch: pytest.MonkeyPatch, admin: FakeAdmin, **args: t.Any) -> tuple[bool, dict[str, t.Any]]:
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda _self, warning: WARNINGS.append(warning))
    monkeypatch.setattr(module, 'connect_admin', lambda _module: admin)
    args.setdefault('bootstrap_servers', ['k1:9092'])
    del WARNINGS[:]
    return run_main(module, args)


WARNINGS: list[str] = []


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
    # ZooKeeper mode: the brokers do not offer DescribeQuorum
    assert result['mode'] == 'zookeeper'
    assert result['quorum'] is None
    assert result['metadata_version'] is None
    assert result['finalized_features'] == {}


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


def test_retriable_errors_are_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = FakeAdmin(fail=[kafka_errors.KafkaConnectionError('111 ECONNREFUSED')] * 2)
    failed, result = run(monkeypatch, admin)
    assert failed is False
    assert admin.fail == []
    assert result['broker_count'] == 2


def test_retriable_errors_fail_after_request_timeout_ms(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = FakeAdmin(fail=[kafka_errors.KafkaConnectionError('111 ECONNREFUSED')] * 100)
    failed, result = run(monkeypatch, admin, request_timeout_ms=600)
    assert failed is True
    assert result['msg'] == 'Cannot read the cluster metadata from k1:9092: KafkaConnectionError: 111 ECONNREFUSED'
    assert 90 <= len(admin.fail) <= 98


# -- KRaft --------------------------------------------------------------------------------------

def test_kraft_cluster(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = FakeAdmin(quorum=quorum_answer())
    failed, result = run(monkeypatch, admin)
    assert failed is False
    assert admin.closed is True
    assert result['changed'] is False
    assert result['mode'] == 'kraft'
    # the quorum leader, not the random broker DescribeCluster names (KAFKA-17404)
    assert result['controller_id'] == 3
    assert result['metadata_version'] == 25
    assert result['finalized_features'] == {'kraft.version': dict(min_version=1, max_version=1),
                                            'metadata.version': dict(min_version=25, max_version=25)}
    quorum = result['quorum']
    assert (quorum['leader_id'], quorum['leader_epoch'], quorum['high_watermark'], quorum['healthy']) == (3, 12, 1000, True)
    assert [(v['id'], v['lag'], v['caught_up']) for v in quorum['voters']] == [(1, 0, True), (2, 1, True), (3, 0, True)]
    assert [o['id'] for o in quorum['observers']] == [4, 5]
    assert result['broker_count'] == 2 and result['topic_count'] == 2
    assert WARNINGS == []


def test_kraft_lagging_voter_and_the_quorum_max_lag_option(monkeypatch: pytest.MonkeyPatch) -> None:
    answer = quorum_answer(leader_id=1, voter3_offset=985)
    failed, result = run(monkeypatch, FakeAdmin(quorum=answer))
    assert failed is False
    assert result['quorum']['voters'][2]['lag'] == 15
    assert result['quorum']['voters'][2]['caught_up'] is False
    assert result['quorum']['healthy'] is False
    failed, result = run(monkeypatch, FakeAdmin(quorum=answer), quorum_max_lag=20)
    assert failed is False
    assert result['quorum']['healthy'] is True


def test_kraft_without_leader_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    answer = quorum_answer(leader_id=0, error='[Error 6] NotLeaderForPartitionError: None')
    failed, result = run(monkeypatch, FakeAdmin(quorum=answer))
    assert failed is False
    assert result['mode'] == 'kraft'
    assert result['quorum']['leader_id'] == -1 and result['quorum']['healthy'] is False
    assert result['controller_id'] is None
    assert WARNINGS == ['DescribeQuorum answered [Error 6] NotLeaderForPartitionError: None: '
                        'the quorum is reported without leader and voters']


def test_broker_refusing_describe_quorum_is_zookeeper_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = FakeAdmin(quorum=kafka_errors.UnsupportedVersionError(), features={})
    failed, result = run(monkeypatch, admin)
    assert failed is False
    assert result['mode'] == 'zookeeper' and result['quorum'] is None and result['controller_id'] == 2


def test_brokers_too_old_for_features(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = FakeAdmin(features=kafka_errors.IncompatibleBrokerVersion('no ApiVersions v3'))
    failed, result = run(monkeypatch, admin)
    assert failed is False
    assert result['mode'] == 'zookeeper' and result['finalized_features'] == {}


def test_kraft_with_describe_quorum_unsendable_fails_naming_api_version(monkeypatch: pytest.MonkeyPatch) -> None:
    # api_version 3.9 pins kafka-python's 3.9 protocol table, which has no DescribeQuorum
    admin = FakeAdmin(features=KRAFT_FEATURES)
    failed, result = run(monkeypatch, admin, api_version='3.9')
    assert failed is True
    assert result['msg'] == (
        'The cluster at k1:9092 runs in KRaft mode (metadata.version 25 is finalized) but the client cannot send it '
        'DescribeQuorum: api_version=3.9 pins a protocol table without it; leave api_version unset or set it to '
        '4.0 or later')
    assert result['mode'] == 'kraft'
    failed, result = run(monkeypatch, FakeAdmin(features=KRAFT_FEATURES))
    assert failed is True
    assert result['msg'] == ('The cluster at k1:9092 runs in KRaft mode (metadata.version 25 is finalized) but the '
                             'client cannot send it DescribeQuorum (brokers offer it from Kafka 3.3 on)')


def test_describe_quorum_parse_error_of_kafka_python(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = FakeAdmin(quorum=KeyError('error_message'))
    failed, result = run(monkeypatch, admin)
    assert failed is True
    assert result['msg'].startswith("Cannot read the cluster metadata from k1:9092: QuorumUnreadable: kafka-python ")
    assert "cannot parse the DescribeQuorum answer of these brokers (KeyError 'error_message')" in result['msg']
    assert admin.closed is True


def test_other_describe_quorum_errors_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    # not mistaken for ZooKeeper mode
    admin = FakeAdmin(quorum=kafka_errors.ClusterAuthorizationFailedError())
    failed, result = run(monkeypatch, admin)
    assert failed is True
    assert result['msg'].startswith('Cannot read the cluster metadata from k1:9092: ClusterAuthorizationFailedError')


@pytest.mark.parametrize('option', ['quorum_max_lag', 'quorum_max_lag_ms'])
def test_negative_lag_options_fail_before_connecting(monkeypatch: pytest.MonkeyPatch, option: str) -> None:
    admin = FakeAdmin()
    failed, result = run(monkeypatch, admin, **{option: -1})
    assert failed is True
    assert result['msg'] == '%s must be 0 or more, got -1' % option
    assert admin.asked == [] and admin.closed is False  # never connected


class ChangingAdmins:
    """open_admin() of the wait: each call hands out the next admin; a stopped cluster raises."""

    def __init__(self, admins: list[t.Any]) -> None:
        self.admins = admins
        self.opened = 0

    def __call__(self, _kwargs: dict[str, t.Any]) -> t.Any:
        self.opened += 1
        admin = self.admins.pop(0) if len(self.admins) > 1 else self.admins[0]
        if isinstance(admin, Exception):
            raise admin
        return admin


class GrowingAdmin(FakeAdmin):
    """A cluster where broker 1 registers only from the ``after``-th DescribeCluster on."""

    def __init__(self, after: int, **kwargs: t.Any) -> None:
        super().__init__(**kwargs)
        self.after = after
        self.reads = 0

    def describe_cluster(self) -> dict[str, t.Any]:
        self.reads += 1
        answer = super().describe_cluster()
        if self.reads < self.after:
            answer['brokers'] = [b for b in answer['brokers'] if b['broker_id'] != 1]
        return answer


def run_wait(monkeypatch: pytest.MonkeyPatch, opener: ChangingAdmins, clock: list[float] | None = None,
             **args: t.Any) -> tuple[bool, dict[str, t.Any]]:
    """main() with a wait: a fake clock that moves only when the module sleeps."""
    clock = [0.0] if clock is None else clock
    monkeypatch.setattr(module, 'open_admin', opener)
    monkeypatch.setattr(module, 'connect_admin', lambda _module: pytest.fail('a wait opens its client with open_admin'))
    monkeypatch.setattr(module.time, 'monotonic', lambda: clock[0])
    monkeypatch.setattr(module.time, 'sleep', lambda s: clock.__setitem__(0, clock[0] + s))
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda _self, warning: WARNINGS.append(warning))
    args.setdefault('bootstrap_servers', ['k1:9092'])
    del WARNINGS[:]
    return run_main(module, args)


def test_wait_for_reads_with_one_client_until_the_conditions_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = GrowingAdmin(after=3)
    opener = ChangingAdmins([admin])
    failed, result = run_wait(monkeypatch, opener, topics=['payments'], wait_for={'brokers': [1, 2], 'replication': True})
    assert failed is False, result
    assert [b['id'] for b in result['brokers']] == [1, 2]
    assert result['waited']['reads'] == 3 and opener.opened == 1 and admin.closed is True


def test_wait_for_reconnects_after_a_failed_read(monkeypatch: pytest.MonkeyPatch) -> None:
    gone = FakeAdmin(fail=kafka_errors.KafkaConnectionError('node 2 went away'))
    opener = ChangingAdmins([kafka_errors.KafkaConnectionError('no broker up yet'), gone, FakeAdmin()])
    failed, result = run_wait(monkeypatch, opener, topics=['payments'], wait_for={'brokers': [1, 2]},
                              request_timeout_ms=1)
    assert failed is False, result
    assert result['waited']['reads'] == 3 and opener.opened == 3 and gone.closed is True


def test_wait_for_fails_at_the_timeout_naming_what_is_unmet(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [0.0]
    failed, result = run_wait(monkeypatch, ChangingAdmins([FakeAdmin()]), wait_for={'brokers': [1, 2, 7], 'replication': True},
                              wait_timeout=10, wait_interval=1, clock=clock)
    assert failed is True and clock == [10.0]
    assert 'still lacks: brokers [7] registered (registered: [1, 2]); no under-replicated or offline partition' in result['msg']
    assert result['msg'].startswith('After ') and 'k1:9092' in result['msg']
    assert result['waited'] == {'seconds': 10.0, 'reads': 11} and result['brokers']  # the last reading comes with it


def test_wait_for_quorum_conditions(monkeypatch: pytest.MonkeyPatch) -> None:
    failed, result = run_wait(monkeypatch, ChangingAdmins([FakeAdmin(quorum=quorum_answer())]), topics=[],
                              wait_for={'quorum_healthy': True, 'voters': [3, 1, 2], 'voters_caught_up': [1, 2, 3]})
    assert failed is False, result
    assert result['quorum']['leader_id'] == 3 and result['waited']['reads'] == 1


def test_wait_without_kafka_python_fails_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, 'check_kafka_library', lambda m: m.fail_json(msg='Failed to import kafka-python'))
    opener = ChangingAdmins([FakeAdmin()])
    failed, result = run_wait(monkeypatch, opener, wait_for={'brokers': [1]})
    assert failed is True and result['msg'] == 'Failed to import kafka-python' and opener.opened == 0


@pytest.mark.parametrize('args, message', [
    ({'wait_timeout': -1}, 'wait_timeout must be 0 or more seconds, got -1'),
    ({'wait_interval': 0}, 'wait_interval must be more than 0 seconds, got 0.0'),
])
def test_bad_wait_options_fail_before_connecting(monkeypatch: pytest.MonkeyPatch, args: dict[str, t.Any],
                                                 message: str) -> None:
    opener = ChangingAdmins([FakeAdmin()])
    failed, result = run_wait(monkeypatch, opener, wait_for={'brokers': [1]}, **args)
    assert failed is True and result['msg'] == message and opener.opened == 0


# --------------------------------------------------------------------------------------------------
# SCRAM users and ACLs, best-effort


def scram(*credentials: tuple[str, int, int]) -> dict[str, t.Any]:
    from kafka.admin import ScramMechanism

    out: dict[str, t.Any] = {}
    for user, mechanism, iterations in credentials:
        out.setdefault(user, dict(error=None, credential_infos=[]))['credential_infos'].append(
            dict(mechanism=ScramMechanism(mechanism), iterations=iterations))
    return out


def test_users_and_acls_of_a_secured_cluster(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = FakeAdmin(users=scram(('zed', 1, 4096), ('admin', 2, 8192), ('zed', 2, 16384)), acls=3)
    failed, result = run(monkeypatch, admin)
    assert failed is False
    assert result['users'] == [
        dict(name='admin', mechanisms=[dict(mechanism='SCRAM-SHA-512', iterations=8192)]),
        dict(name='zed', mechanisms=[dict(mechanism='SCRAM-SHA-256', iterations=4096),
                                     dict(mechanism='SCRAM-SHA-512', iterations=16384)])]
    assert result['user_count'] == 2
    assert result['authorizer'] is True
    assert result['acl_count'] == 3
    assert WARNINGS == []


def test_no_authorizer_is_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    failed, result = run(monkeypatch, FakeAdmin())
    assert failed is False
    assert result['authorizer'] is False
    assert result['acl_count'] is None
    assert result['users'] == [] and result['user_count'] == 0
    assert WARNINGS == []


def test_users_and_acls_refused_are_null_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = FakeAdmin(users=kafka_errors.ClusterAuthorizationFailedError('Cluster authorization failed.'),
                      acls=kafka_errors.ClusterAuthorizationFailedError('Cluster authorization failed.'))
    failed, result = run(monkeypatch, admin)
    assert failed is False
    assert result['users'] is None and result['user_count'] is None
    assert result['authorizer'] is True and result['acl_count'] is None
    assert WARNINGS == ['Cannot read the SCRAM users: ClusterAuthorizationFailedError: [Error 31] ClusterAuthorizationFailedError: '
                        'Cluster authorization failed.',
                        'Cannot read the ACLs: ClusterAuthorizationFailedError: [Error 31] ClusterAuthorizationFailedError: '
                        'Cluster authorization failed.']


def test_acls_unreadable_for_another_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    failed, result = run(monkeypatch, FakeAdmin(acls=RuntimeError('boom')))
    assert failed is False
    assert result['authorizer'] is None and result['acl_count'] is None
    assert WARNINGS == ['Cannot read the ACLs: RuntimeError: boom']


class CountingAdmin(FakeAdmin):
    """Counts the SCRAM and ACL reads."""

    def __init__(self, **kwargs: t.Any) -> None:
        super().__init__(**kwargs)
        self.security_reads = 0

    def describe_user_scram_credentials(self, users: list[str] | None = None) -> dict[str, t.Any]:
        self.security_reads += 1
        return super().describe_user_scram_credentials(users)


def test_wait_for_reads_users_and_acls_once_at_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = CountingAdmin(users=scram(('admin', 2, 8192)), acls=1)
    growing = GrowingAdmin(after=3, users=scram(('admin', 2, 8192)), acls=1)
    growing.describe_user_scram_credentials = admin.describe_user_scram_credentials  # type: ignore[method-assign]
    failed, result = run_wait(monkeypatch, ChangingAdmins([growing]), wait_for=dict(brokers=[1, 2]))
    assert failed is False
    assert result['waited']['reads'] == 3
    assert admin.security_reads == 1
    assert result['user_count'] == 1 and result['authorizer'] is True and result['acl_count'] == 1
