# -*- coding: utf-8 -*-
# Copyright: (c) 2025, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Unit tests of plugins/module_utils/_kafka_health.py: metadata shaping, cluster health, KRaft quorum."""

from __future__ import annotations

import pytest

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


def test_build_cluster_info_leaves_out_fenced_brokers():
    # DescribeCluster v2 (Kafka 4.0+) lists fenced brokers too; kafka-python asks for them
    cluster = dict(cluster_id='abc', controller_id=5, brokers=[
        dict(broker_id=4, host='h4', port=9092, rack=None, is_fenced=False),
        dict(broker_id=5, host='h5', port=9092, rack=None, is_fenced=True),
        dict(broker_id=6, host='h6', port=9092, rack=None, is_fenced=False)])
    info = k.build_cluster_info(cluster, [])
    assert [b['id'] for b in info['brokers']] == [4, 6]
    assert info['broker_count'] == 2


# -- KRaft: features, mode, quorum ----------------------------------------------------------------

NOW = 1767225600000  # the leader's clock, ms


def replica(replica_id, log_end_offset, caught_up_ms_ago=0, fetch_ms_ago=None, directory_id=None):
    """A ReplicaState as kafka-python 3.0.12's describe_metadata_quorum() returns it (DescribeQuorum v2)."""
    return dict(replica_id=replica_id, replica_directory_id=directory_id, log_end_offset=log_end_offset,
                last_fetch_timestamp=NOW - (caught_up_ms_ago if fetch_ms_ago is None else fetch_ms_ago),
                last_caught_up_timestamp=NOW - caught_up_ms_ago)


def quorum_answer(leader_id=2, high_watermark=1000, voters=None, observers=None, error=None, leader_epoch=7):
    if voters is None:
        voters = [replica(1, 1000, 120), replica(2, 1001), replica(3, 999, 300)]
    return dict(
        topics=[dict(topic_name='__cluster_metadata', partitions=[dict(
            partition_index=0, error=error, leader_id=leader_id, leader_epoch=leader_epoch,
            high_watermark=high_watermark, current_voters=voters, observers=observers or [])])],
        nodes=[dict(node_id=n, listeners=[dict(name='CONTROLLER', host='c%d' % n, port=9093)]) for n in (1, 2, 3)],
    )


def shape(answer, max_lag=10, max_lag_ms=5000):
    return k.shape_quorum(answer, max_lag, max_lag_ms)


def by_id(replicas):
    return dict((r['id'], r) for r in replicas)


KAFKA_PYTHON_FEATURES = {
    'metadata.version': {'supported': (7, 25), 'finalized': (25, 25), 'finalized_epoch': 4242},
    'kraft.version': {'supported': (0, 1), 'finalized': (1, 1), 'finalized_epoch': 4242},
    'group.version': {'supported': (0, 1)},
}


def test_finalized_features_from_kafka_python_answer():
    assert k.finalized_features(KAFKA_PYTHON_FEATURES) == {
        'kraft.version': dict(min_version=1, max_version=1),
        'metadata.version': dict(min_version=25, max_version=25)}


def test_finalized_features_from_the_documented_shape():
    documented = dict(supported_features={'metadata.version': (7, 25)},
                      finalized_features={'metadata.version': (21, 21)}, finalized_features_epoch=9)
    assert k.finalized_features(documented) == {'metadata.version': dict(min_version=21, max_version=21)}


def test_finalized_features_none_or_supported_only():
    assert k.finalized_features(None) == {}
    assert k.finalized_features({}) == {}
    assert k.finalized_features({'metadata.version': {'supported': (1, 21)}}) == {}


def test_metadata_version():
    assert k.metadata_version(k.finalized_features(KAFKA_PYTHON_FEATURES)) == 25
    assert k.metadata_version({'group.version': dict(min_version=1, max_version=1)}) is None
    assert k.metadata_version({}) is None


@pytest.mark.parametrize('answered, features, mode', [
    (True, {}, 'kraft'),
    (True, {'metadata.version': dict(min_version=25, max_version=25)}, 'kraft'),
    # DescribeQuorum not sendable (api_version pinned below 4.0), but only KRaft finalizes metadata.version
    (False, {'metadata.version': dict(min_version=21, max_version=21)}, 'kraft'),
    (False, {}, 'zookeeper'),
    (False, {'group.version': dict(min_version=1, max_version=1)}, 'zookeeper'),
])
def test_detect_mode(answered, features, mode):
    assert k.detect_mode(answered, features) == mode


def test_healthy_quorum():
    quorum, error = shape(quorum_answer(observers=[replica(6, 1000, 90), replica(4, 1000, 40)]))
    assert error is None
    assert list(quorum) == ['leader_id', 'leader_epoch', 'high_watermark', 'healthy', 'voters', 'observers']
    assert quorum['leader_id'] == 2 and quorum['leader_epoch'] == 7 and quorum['high_watermark'] == 1000
    assert quorum['healthy'] is True
    assert [v['id'] for v in quorum['voters']] == [1, 2, 3]
    assert [o['id'] for o in quorum['observers']] == [4, 6]
    assert quorum['voters'][0] == dict(id=1, directory_id=None, log_end_offset=1000, lag=0,
                                       last_fetch_timestamp=NOW - 120, last_caught_up_timestamp=NOW - 120,
                                       caught_up=True)
    voters = by_id(quorum['voters'])
    assert voters[2]['lag'] == 0  # the leader's log end is past the high watermark: lag is never negative
    assert voters[3]['lag'] == 1 and voters[3]['caught_up'] is True  # the no-op flicker


def test_leader_lagging_voter_makes_the_quorum_unhealthy():
    voters = [replica(1, 1000), replica(2, 1000), replica(3, 400, 20000)]
    quorum, _error = shape(quorum_answer(leader_id=1, voters=voters))
    lagging = by_id(quorum['voters'])[3]
    assert lagging['lag'] == 600
    assert lagging['caught_up'] is False
    assert quorum['healthy'] is False
    # a tolerant threshold in records alone is not enough: it last caught up 20 s ago
    quorum, _error = shape(quorum_answer(leader_id=1, voters=voters), max_lag=1000)
    assert by_id(quorum['voters'])[3]['caught_up'] is False
    quorum, _error = shape(quorum_answer(leader_id=1, voters=voters), max_lag=1000, max_lag_ms=30000)
    assert by_id(quorum['voters'])[3]['caught_up'] is True
    assert quorum['healthy'] is True


def test_stopped_voter_in_an_idle_log_is_caught_by_time():
    # no new records since voter 3 stopped: no lag in records, but it has not fetched for 8 s
    voters = [replica(1, 1000), replica(2, 1000, 200), replica(3, 1000, 8000)]
    quorum, _error = shape(quorum_answer(leader_id=1, voters=voters))
    assert by_id(quorum['voters'])[3]['lag'] == 0
    assert by_id(quorum['voters'])[3]['caught_up'] is False
    assert quorum['healthy'] is False


def test_lag_threshold_is_inclusive():
    voters = [replica(1, 1000), replica(2, 990), replica(3, 989)]
    quorum, _error = shape(quorum_answer(leader_id=1, voters=voters), max_lag=10)
    assert [(v['id'], v['lag'], v['caught_up']) for v in quorum['voters']] == [
        (1, 0, True), (2, 10, True), (3, 11, False)]


def test_the_leader_is_always_caught_up():
    # the leader's own entry: fetch times are its current time; a stale-looking entry still counts
    voters = [replica(1, 1000, 60000), replica(2, 1000), replica(3, 1000)]
    quorum, _error = shape(quorum_answer(leader_id=1, voters=voters), max_lag=0, max_lag_ms=0)
    assert by_id(quorum['voters'])[1]['caught_up'] is True


def test_no_leader():
    voters = [replica(1, 1000), replica(2, 1000), replica(3, 1000)]
    quorum, error = shape(quorum_answer(leader_id=-1, voters=voters))
    assert error is None
    assert quorum['leader_id'] == -1
    assert quorum['healthy'] is False


def test_lagging_observer_does_not_make_the_quorum_unhealthy():
    observers = [replica(4, 1000, 100), replica(5, 10, 90000)]
    quorum, _error = shape(quorum_answer(observers=observers))
    assert quorum['healthy'] is True
    observer = by_id(quorum['observers'])[5]
    assert observer['lag'] == 990 and observer['caught_up'] is False
    assert by_id(quorum['observers'])[4]['caught_up'] is True


def test_unknown_log_end_offset_is_not_caught_up():
    voters = [replica(1, 1000), replica(2, 1000), dict(replica_id=3, replica_directory_id=None, log_end_offset=-1,
                                                       last_fetch_timestamp=-1, last_caught_up_timestamp=-1)]
    quorum, _error = shape(quorum_answer(leader_id=1, voters=voters))
    unknown = by_id(quorum['voters'])[3]
    assert unknown == dict(id=3, directory_id=None, log_end_offset=-1, lag=1001, last_fetch_timestamp=None,
                           last_caught_up_timestamp=None, caught_up=False)
    assert quorum['healthy'] is False


def test_unknown_high_watermark_only_the_leader_is_caught_up():
    quorum, _error = shape(quorum_answer(leader_id=2, high_watermark=-1))
    assert [(v['id'], v['caught_up']) for v in quorum['voters']] == [(1, False), (2, True), (3, False)]


def test_directory_ids():
    voters = [replica(1, 1000, directory_id='3d1f8a61-3c3f-4d6e-9a43-6c3b4f7e2a10'),
              replica(2, 1000, directory_id='00000000-0000-0000-0000-000000000000'),
              replica(3, 1000, directory_id='AAAAAAAAAAAAAAAAAAAAAA')]
    quorum, _error = shape(quorum_answer(leader_id=1, voters=voters))
    assert [v['directory_id'] for v in quorum['voters']] == ['3d1f8a61-3c3f-4d6e-9a43-6c3b4f7e2a10', None, None]


def test_answer_without_timestamps_is_judged_by_lag():
    # DescribeQuorum v0 has no fetch times
    voters = [dict(replica_id=1, log_end_offset=1000), dict(replica_id=2, log_end_offset=995),
              dict(replica_id=3, log_end_offset=900)]
    quorum, _error = shape(quorum_answer(leader_id=1, voters=voters))
    assert [(v['id'], v['caught_up'], v['last_fetch_timestamp']) for v in quorum['voters']] == [
        (1, True, None), (2, True, None), (3, False, None)]


def test_partition_error_reports_no_leader():
    answer = quorum_answer(leader_id=0, leader_epoch=0, voters=[], error='[Error 6] NotLeaderForPartitionError: None')
    quorum, error = shape(answer)
    assert error == '[Error 6] NotLeaderForPartitionError: None'
    assert quorum == dict(leader_id=-1, leader_epoch=-1, high_watermark=-1, healthy=False, voters=[], observers=[])


def test_raw_partition_error_code_is_read_too():
    answer = quorum_answer()
    partition = answer['topics'][0]['partitions'][0]
    del partition['error']
    partition['error_code'] = 6
    _quorum, error = shape(answer)
    assert error == 'NotLeaderForPartitionError(6)'


def test_answer_without_the_metadata_partition():
    quorum, error = shape(dict(topics=[], nodes=[]))
    assert error == 'no __cluster_metadata partition 0 in the DescribeQuorum answer'
    assert quorum['healthy'] is False and quorum['leader_id'] == -1


def test_cluster_mode_info_zookeeper():
    cluster = dict(cluster_id='abc', controller_id=2, brokers=[])
    info = k.cluster_mode_info(cluster, {}, None)
    assert info == dict(mode='zookeeper', quorum=None, metadata_version=None, finalized_features={}, controller_id=2)
    assert k.cluster_mode_info(dict(controller_id=-1), {}, None)['controller_id'] is None


def test_cluster_mode_info_kraft_controller_is_the_quorum_leader():
    # DescribeCluster on a KRaft broker names a random broker as controller (KAFKA-17404)
    cluster = dict(cluster_id='abc', controller_id=5, brokers=[])
    features = k.finalized_features(KAFKA_PYTHON_FEATURES)
    quorum, _error = shape(quorum_answer(leader_id=2))
    info = k.cluster_mode_info(cluster, features, quorum)
    assert info['mode'] == 'kraft'
    assert info['controller_id'] == 2
    assert info['metadata_version'] == 25
    assert info['finalized_features'] is features
    assert info['quorum'] is quorum
    leaderless, _error = shape(quorum_answer(leader_id=-1))
    assert k.cluster_mode_info(cluster, features, leaderless)['controller_id'] is None


WAIT_INFO = {
    'brokers': [{'id': 2}, {'id': 1}],
    'under_replicated_partitions': 0,
    'offline_partitions': 0,
    'quorum': {'leader_id': 3, 'healthy': False,
               'voters': [{'id': 3, 'caught_up': True}, {'id': 1, 'caught_up': True}, {'id': 2, 'caught_up': False}]},
}


@pytest.mark.parametrize('wait_for, unmet', [
    ({}, []),
    ({'brokers': [1, 2], 'replication': True, 'quorum_leader': True, 'voters_caught_up': [1, 3], 'voters': [1, 2, 3]}, []),
    ({'brokers': [1, 4, 5]}, ['brokers [4, 5] registered (registered: [1, 2])']),
    ({'quorum_healthy': True}, ['a healthy quorum (leader 3, voters caught up: [1, 3])']),
    ({'voters_caught_up': [2, 9]}, ['voters [2, 9] caught up (caught up: [1, 3])']),
    ({'voters': [1, 3]}, ['voters exactly [1, 3] (voters: [1, 2, 3])']),
    # empty or unset values are no condition
    ({'brokers': [], 'replication': False, 'voters': None, 'voters_caught_up': None}, []),
])
def test_unmet_wait_conditions(wait_for, unmet):
    assert k.unmet_wait_conditions(WAIT_INFO, wait_for) == unmet


def test_unmet_wait_conditions_of_a_sick_zookeeper_mode_cluster():
    info = {'brokers': [], 'under_replicated_partitions': 2, 'offline_partitions': 1, 'quorum': None}
    assert k.unmet_wait_conditions(info, {'brokers': [1], 'replication': True, 'quorum_leader': True}) == [
        'brokers [1] registered (registered: [])',
        'no under-replicated or offline partition (under-replicated 2, offline 1)',
        'a quorum leader (none)']
