# -*- coding: utf-8 -*-
# Copyright: (c) 2025, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Unit tests of the kafka_topic planner (plugins/module_utils/_kafka_topic.py)."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.streamops.kafka.plugins.module_utils import _kafka_topic as kt


def spec(name='orders', state='present', partitions=None, replication_factor=None, config=None):
    return dict(name=name, state=state, partitions=partitions, replication_factor=replication_factor,
                config=dict(config or {}))


def cfg(value, source='DEFAULT_CONFIG', ctype=None):
    return dict(value=value, source=source, type=ctype)


def snapshot(topics=None, configs=None, brokers=3, defaults=None, running=None, load=None, racks=None):
    return dict(broker_count=brokers, brokers=dict((b, (racks or {}).get(b)) for b in range(1, brokers + 1)),
                topics=copy.deepcopy(dict(topics or {})), configs=dict(configs or {}),
                defaults=dict(defaults or dict(partitions=1, replication_factor=1)),
                running=dict(running or {}), load=dict(load or {}))


def assignment(*replica_lists):
    return dict((i, dict(replicas=list(r), leader=r[0], isr=list(r))) for i, r in enumerate(replica_lists))


ORDERS = dict(partitions=6, replication_factor=3, internal=False, assignment=assignment(*([[1, 2, 3]] * 6)))


def only(result):
    assert len(result['topics']) == 1
    return result['topics'][0]


# -- specs from params ---------------------------------------------------------------

def test_specs_single_name():
    specs = kt.topic_specs_from_params(dict(name='a', partitions=3, replication_factor=2,
                                            config={'retention.ms': 1}, state='present', topics=None))
    assert specs == [dict(name='a', state='present', partitions=3, replication_factor=2,
                          config={'retention.ms': 1})]


def test_specs_list_inherits_and_merges_config():
    specs = kt.topic_specs_from_params(dict(
        name=None, partitions=3, replication_factor=2, state='present',
        config={'min.insync.replicas': 2, 'retention.ms': 1},
        topics=[dict(name='a', partitions=None, replication_factor=None, config=None, state=None),
                dict(name='b', partitions=6, replication_factor=None, config={'retention.ms': 5}, state='absent')]))
    assert specs[0] == dict(name='a', state='present', partitions=3, replication_factor=2,
                            config={'min.insync.replicas': 2, 'retention.ms': 1})
    assert specs[1] == dict(name='b', state='absent', partitions=6, replication_factor=2,
                            config={'min.insync.replicas': 2, 'retention.ms': 5})


def test_specs_do_not_share_config_dicts():
    specs = kt.topic_specs_from_params(dict(name=None, config={'a': 1}, state='present',
                                            topics=[dict(name='x'), dict(name='y')]))
    specs[0]['config']['b'] = 2
    assert specs[1]['config'] == {'a': 1}


# -- snapshot -----------------------------------------------------------------------------

def test_snapshot_from_cluster():
    metadata = [
        dict(name='orders', error_code=0, is_internal=False, partitions=[
            dict(partition_index=i, replica_nodes=[1, 2, 3]) for i in range(6)]),
        dict(name='missing', error_code=3, is_internal=False, partitions=[]),
        dict(name='__consumer_offsets', error_code=0, is_internal=True, partitions=[
            dict(partition_index=0, replica_nodes=[1])]),
    ]
    configs = {'orders': {'retention.ms': dict(value='1000', config_source='DYNAMIC_TOPIC_CONFIG',
                                               config_type='LONG', read_only=False)},
               'missing': {}}
    snap = kt.snapshot_from_cluster(metadata, [1, 2, 3], configs,
                                    {'num.partitions': dict(value='4'), 'default.replication.factor': dict(value='2')})
    assert snap['broker_count'] == 3
    assert snap['topics'] == {
        'orders': dict(partitions=6, replication_factor=3, internal=False, assignment=dict(
            (i, dict(replicas=[1, 2, 3], leader=-1, isr=[])) for i in range(6))),
        '__consumer_offsets': dict(partitions=1, replication_factor=1, internal=True,
                                   assignment={0: dict(replicas=[1], leader=-1, isr=[])})}
    assert snap['configs'] == {'orders': {'retention.ms': dict(value='1000', source='DYNAMIC_TOPIC_CONFIG',
                                                               type='LONG')}}
    assert snap['defaults'] == dict(partitions=4, replication_factor=2)


def test_snapshot_defaults_unknown():
    snap = kt.snapshot_from_cluster([], [], None, None)
    assert snap['defaults'] == dict(partitions=None, replication_factor=None)
    assert snap['broker_count'] == 0


# -- create ---------------------------------------------------------------------------------

def test_create_new_topic():
    result = kt.plan_topics([spec(partitions=3, replication_factor=3, config={'retention.ms': 1000})], snapshot())
    plan = only(result)
    assert result['errors'] == []
    assert result['changed'] is True
    assert plan['action'] == 'create'
    assert plan['changed'] is True
    assert plan['create'] == dict(num_partitions=3, replication_factor=3, configs={'retention.ms': '1000'})
    assert plan['partitions'] == 3
    assert plan['replication_factor'] == 3
    assert plan['before'] == dict(state='absent')
    assert plan['after'] == dict(state='present', partitions=3, replication_factor=3, config={'retention.ms': '1000'})


def test_create_uses_broker_defaults_when_counts_missing():
    plan = only(kt.plan_topics([spec()], snapshot(defaults=dict(partitions=4, replication_factor=2))))
    assert plan['action'] == 'create'
    assert plan['create']['num_partitions'] == -1
    assert plan['create']['replication_factor'] == -1
    assert plan['partitions'] == 4
    assert plan['replication_factor'] == 2


def test_create_default_replication_factor_above_brokers_fails():
    plan = only(kt.plan_topics([spec(partitions=1)], snapshot(brokers=1, defaults=dict(partitions=1, replication_factor=3))))
    assert plan['action'] == 'error'
    assert "default.replication.factor 3 of topic 'orders' exceeds the 1 live broker(s)" in plan['error']


def test_create_normalises_config_values():
    plan = only(kt.plan_topics([spec(partitions=1, config={
        'preallocate': True, 'unclean.leader.election.enable': 'False', 'cleanup.policy': ['delete', 'compact'],
        'min.cleanable.dirty.ratio': 0.5, 'segment.bytes': '1073741824'})], snapshot()))
    assert plan['create']['configs'] == {
        'preallocate': 'true', 'unclean.leader.election.enable': 'false', 'cleanup.policy': 'compact,delete',
        'min.cleanable.dirty.ratio': '0.5', 'segment.bytes': '1073741824'}


def test_create_ignores_null_config_values():
    plan = only(kt.plan_topics([spec(partitions=1, config={'retention.ms': None, 'segment.ms': 10})], snapshot()))
    assert plan['create']['configs'] == {'segment.ms': '10'}
    assert plan['config'] == {'retention.ms': None, 'segment.ms': '10'}


def test_replication_factor_above_brokers_fails_and_blocks_other_topics():
    result = kt.plan_topics([spec('ok', partitions=1, replication_factor=1),
                             spec('too-big', partitions=1, replication_factor=4)], snapshot(brokers=3))
    assert result['errors'] == ["replication_factor 4 of topic 'too-big' exceeds the 3 live broker(s); "
                                "no topic was changed"]
    ok, bad = result['topics']
    assert ok['action'] == 'create'  # planned, but the caller must not apply anything
    assert bad['action'] == 'error'
    assert bad['changed'] is False
    assert bad['create'] is None


@pytest.mark.parametrize('field, value, message', [
    ('partitions', 0, "partitions of topic 'orders' must be at least 1, got 0"),
    ('partitions', -3, "partitions of topic 'orders' must be at least 1, got -3"),
    ('replication_factor', 0, "replication_factor of topic 'orders' must be at least 1, got 0"),
    ('replication_factor', 40000, "replication_factor of topic 'orders' must be at most 32767, got 40000"),
    ('partitions', True, "partitions of topic 'orders' must be an integer, got True"),
])
def test_bad_counts(field, value, message):
    plan = only(kt.plan_topics([spec(**{field: value})], snapshot()))
    assert plan['action'] == 'error'
    assert message in plan['error']


# -- existing topics ----------------------------------------------------------------------------

def test_existing_topic_no_change():
    snap = snapshot(topics={'orders': ORDERS},
                    configs={'orders': {'retention.ms': cfg('1000', 'DYNAMIC_TOPIC_CONFIG', 'LONG')}})
    result = kt.plan_topics([spec(partitions=6, replication_factor=3, config={'retention.ms': 1000})], snap)
    plan = only(result)
    assert plan['action'] == 'none'
    assert plan['changed'] is False
    assert result['changed'] is False
    assert plan['changes'] == []
    assert plan['before'] == plan['after']
    assert plan['partitions'] == 6 and plan['replication_factor'] == 3


def test_existing_topic_without_counts_is_left_alone():
    plan = only(kt.plan_topics([spec()], snapshot(topics={'orders': ORDERS})))
    assert plan['action'] == 'none'
    assert plan['partitions'] == 6


def test_grow_partitions():
    plan = only(kt.plan_topics([spec(partitions=12)], snapshot(topics={'orders': ORDERS})))
    assert plan['action'] == 'update'
    assert plan['grow_to'] == 12
    assert plan['changes'] == ['partitions 6 -> 12']
    assert plan['before']['partitions'] == 6
    assert plan['after']['partitions'] == 12
    assert plan['partitions'] == 12


def test_decrease_partitions_names_both_counts():
    plan = only(kt.plan_topics([spec(partitions=3)], snapshot(topics={'orders': ORDERS})))
    assert plan['action'] == 'error'
    assert plan['error'] == "cannot reduce partitions of topic 'orders' from 6 to 3: Kafka can only add partitions"
    assert plan['grow_to'] is None


def test_replication_factor_decrease_plans_a_reassignment_keeping_leaders():
    topic = dict(ORDERS, assignment=assignment([1, 2, 3], [2, 3, 1], [3, 1, 2], [1, 2, 3], [2, 3, 1], [3, 1, 2]))
    plan = only(kt.plan_topics([spec(replication_factor=2)], snapshot(topics={'orders': topic},
                                                                      load={1: 6, 2: 6, 3: 6})))
    assert plan['error'] is None
    assert plan['action'] == 'update' and plan['changed'] is True
    assert plan['replication_factor'] == 2
    assert sorted(plan['reassign']) == list(range(6))
    for index, replicas in plan['reassign'].items():
        assert len(replicas) == 2
        assert replicas[0] == topic['assignment'][index]['leader']
    # Every broker keeps 4 of the 12 replicas left.
    held = [r for replicas in plan['reassign'].values() for r in replicas]
    assert sorted(held.count(b) for b in (1, 2, 3)) == [4, 4, 4]
    assert plan['before']['assignment'][0] == [1, 2, 3]
    assert plan['after']['assignment'] == plan['reassign']
    assert plan['changes'][0].startswith('replication factor 3 -> 2 (partition 0: [1, 2, 3] -> [1, ')


def test_replication_factor_increase_spreads_new_replicas():
    topic = dict(partitions=4, replication_factor=1, internal=False, assignment=assignment([1], [2], [3], [1]))
    plan = only(kt.plan_topics([spec(replication_factor=3)], snapshot(topics={'orders': topic}, brokers=4,
                                                                      load={1: 2, 2: 1, 3: 1})))
    assert plan['error'] is None
    assert plan['reassign'][0][0] == 1 and plan['reassign'][3][0] == 1
    assert all(len(set(r)) == 3 for r in plan['reassign'].values())
    held = [r for replicas in plan['reassign'].values() for r in replicas]
    assert sorted(held.count(b) for b in (1, 2, 3, 4)) == [3, 3, 3, 3]


def test_replication_factor_increase_is_rack_aware():
    topic = dict(partitions=1, replication_factor=1, internal=False, assignment=assignment([1]))
    racks = {1: 'a', 2: 'a', 3: 'b', 4: 'c'}
    plan = only(kt.plan_topics([spec(replication_factor=3)], snapshot(topics={'orders': topic}, brokers=4,
                                                                      racks=racks, load={2: 0, 3: 9, 4: 9})))
    # Broker 2 holds least but shares rack a with the leader: racks b and c come first.
    assert plan['reassign'] == {0: [1, 3, 4]}


def test_replication_factor_decrease_drops_out_of_sync_replicas_first():
    topic = dict(partitions=1, replication_factor=3, internal=False,
                 assignment={0: dict(replicas=[1, 2, 3], leader=2, isr=[1, 2])})
    plan = only(kt.plan_topics([spec(replication_factor=2)], snapshot(topics={'orders': topic})))
    assert plan['reassign'] == {0: [2, 1]}


def test_replication_factor_change_of_a_leaderless_partition_fails():
    topic = dict(partitions=2, replication_factor=1, internal=False,
                 assignment={0: dict(replicas=[1], leader=1, isr=[1]), 1: dict(replicas=[2], leader=-1, isr=[])})
    plan = only(kt.plan_topics([spec(replication_factor=2)], snapshot(topics={'orders': topic})))
    assert plan['action'] == 'error'
    assert "partition 1 of topic 'orders' has no leader" in plan['error']
    assert plan['reassign'] == {}


def test_replication_factor_change_above_brokers_fails():
    plan = only(kt.plan_topics([spec(replication_factor=4)], snapshot(topics={'orders': ORDERS})))
    assert plan['error'] == "replication_factor 4 of topic 'orders' exceeds the 3 live broker(s); no topic was changed"


def test_running_reassignment_to_the_wanted_count_is_waited_for_not_restarted():
    topic = dict(partitions=2, replication_factor=1, internal=False, assignment=assignment([1], [2]))
    running = {('orders', 0): dict(replicas=[1, 3], adding_replicas=[3], removing_replicas=[])}
    plan = only(kt.plan_topics([spec(replication_factor=2)], snapshot(topics={'orders': topic}, running=running)))
    assert plan['error'] is None
    assert plan['reassign'][0] == [1, 3]
    assert len(plan['reassign'][1]) == 2 and plan['reassign'][1][0] == 2
    assert plan['reassign_running'] == [0]
    assert 'partition 0: [1] -> [1, 3] (already running)' in plan['changes'][0]
    assert [r['status'] for r in kt.result_entry(plan)['reassignment']] == ['already running', 'planned']


def test_running_reassignment_elsewhere_fails_the_task():
    topic = dict(partitions=1, replication_factor=1, internal=False, assignment=assignment([1]))
    running = {('orders', 0): dict(replicas=[1, 3, 2], adding_replicas=[3, 2], removing_replicas=[])}
    plan = only(kt.plan_topics([spec(replication_factor=2)], snapshot(topics={'orders': topic}, running=running)))
    assert plan['action'] == 'error'
    assert ("partition 0 of topic 'orders' is already being reassigned to [1, 3, 2] (adding [3, 2], removing []), "
            "not to 2 replica(s)") in plan['error']


def test_new_partitions_get_the_new_replication_factor():
    topic = dict(partitions=2, replication_factor=1, internal=False, assignment=assignment([1], [2]))
    plan = only(kt.plan_topics([spec(partitions=4, replication_factor=2)], snapshot(topics={'orders': topic})))
    assert plan['grow_to'] == 4
    assert [len(r) for r in plan['grow_assignments']] == [2, 2]
    assert plan['replication_factor'] == 2


def test_same_replication_factor_with_broker_down_is_fine():
    plan = only(kt.plan_topics([spec(replication_factor=3)], snapshot(topics={'orders': ORDERS}, brokers=2)))
    assert plan['action'] == 'none'
    assert plan['error'] is None


@pytest.mark.parametrize('desired', [True, 'true', 'True', 'TRUE', 1, '1', 'yes'])
def test_boolean_does_not_flap(desired):
    snap = snapshot(topics={'orders': ORDERS},
                    configs={'orders': {'preallocate': cfg('true', 'DYNAMIC_TOPIC_CONFIG', 'BOOLEAN')}})
    plan = only(kt.plan_topics([spec(config={'preallocate': desired})], snap))
    assert plan['action'] == 'none', plan['changes']


@pytest.mark.parametrize('desired', [604800000, '604800000', 604800000.0, ' 604800000'])
def test_integer_does_not_flap(desired):
    snap = snapshot(topics={'orders': ORDERS},
                    configs={'orders': {'retention.ms': cfg('604800000', 'DEFAULT_CONFIG', 'LONG')}})
    plan = only(kt.plan_topics([spec(config={'retention.ms': desired})], snap))
    assert plan['action'] == 'none'


def test_list_order_does_not_flap():
    snap = snapshot(topics={'orders': ORDERS},
                    configs={'orders': {'cleanup.policy': cfg('compact,delete', 'DYNAMIC_TOPIC_CONFIG', 'LIST')}})
    plan = only(kt.plan_topics([spec(config={'cleanup.policy': ['delete', 'compact']})], snap))
    assert plan['action'] == 'none'


def test_config_change_sets_only_declared_keys():
    snap = snapshot(topics={'orders': ORDERS}, configs={'orders': {
        'retention.ms': cfg('1000', 'DYNAMIC_TOPIC_CONFIG', 'LONG'),
        'preallocate': cfg('false', 'DEFAULT_CONFIG', 'BOOLEAN'),
        'segment.ms': cfg('5000', 'DYNAMIC_TOPIC_CONFIG', 'LONG'),
    }})
    plan = only(kt.plan_topics([spec(config={'retention.ms': 2000, 'preallocate': False})], snap))
    assert plan['action'] == 'update'
    assert plan['config_set'] == {'retention.ms': '2000'}
    assert plan['config_delete'] == []
    assert plan['changes'] == ['set retention.ms=2000 (was 1000)']
    assert plan['before']['config'] == {'retention.ms': '1000', 'preallocate': 'false'}
    assert plan['after']['config'] == {'retention.ms': '2000', 'preallocate': 'false'}
    assert 'segment.ms' not in plan['after']['config']


def test_config_equal_to_inherited_default_is_no_change():
    snap = snapshot(topics={'orders': ORDERS},
                    configs={'orders': {'cleanup.policy': cfg('delete', 'DEFAULT_CONFIG', 'LIST')}})
    plan = only(kt.plan_topics([spec(config={'cleanup.policy': 'delete'})], snap))
    assert plan['action'] == 'none'


def test_config_key_missing_from_describe_is_set():
    snap = snapshot(topics={'orders': ORDERS}, configs={'orders': {}})
    plan = only(kt.plan_topics([spec(config={'retention.ms': 1})], snap))
    assert plan['config_set'] == {'retention.ms': '1'}
    assert plan['changes'] == ['set retention.ms=1 (was None)']


def test_null_removes_override_only_when_overridden():
    snap = snapshot(topics={'orders': ORDERS}, configs={'orders': {
        'retention.ms': cfg('1000', 'DYNAMIC_TOPIC_CONFIG', 'LONG'),
        'segment.ms': cfg('604800000', 'DEFAULT_CONFIG', 'LONG'),
    }})
    plan = only(kt.plan_topics([spec(config={'retention.ms': None, 'segment.ms': None})], snap))
    assert plan['action'] == 'update'
    assert plan['config_delete'] == ['retention.ms']
    assert plan['config_set'] == {}
    assert plan['before']['config'] == {'retention.ms': '1000', 'segment.ms': None}
    assert plan['after']['config'] == {'retention.ms': None, 'segment.ms': None}
    assert plan['changes'] == ['remove override retention.ms (was 1000)']


def test_null_on_not_overridden_key_is_idempotent():
    snap = snapshot(topics={'orders': ORDERS},
                    configs={'orders': {'retention.ms': cfg('604800000', 'DEFAULT_CONFIG', 'LONG')}})
    plan = only(kt.plan_topics([spec(config={'retention.ms': None})], snap))
    assert plan['action'] == 'none'


def test_grow_and_config_together():
    snap = snapshot(topics={'orders': ORDERS},
                    configs={'orders': {'retention.ms': cfg('1000', 'DYNAMIC_TOPIC_CONFIG', 'LONG')}})
    plan = only(kt.plan_topics([spec(partitions=8, config={'retention.ms': 5})], snap))
    assert plan['action'] == 'update'
    assert plan['grow_to'] == 8
    assert plan['config_set'] == {'retention.ms': '5'}
    assert len(plan['changes']) == 2


# -- config validation -----------------------------------------------------------------------------

def test_unknown_config_key_rejected_with_hint():
    plan = only(kt.plan_topics([spec(partitions=1, config={'retention.msec': 1})], snapshot()))
    assert plan['action'] == 'error'
    assert "unknown config key(s) for topic 'orders': retention.msec (did you mean 'retention.ms'?)" in plan['error']


def test_config_key_reported_by_broker_is_accepted():
    snap = snapshot(topics={'orders': ORDERS, 'other': ORDERS},
                    configs={'other': {'future.topic.key': cfg('x', 'DEFAULT_CONFIG', 'STRING')}})
    result = kt.plan_topics([spec('orders', config={'future.topic.key': 'y'}),
                             spec('new', partitions=1, config={'future.topic.key': 'y'})], snap)
    assert result['errors'] == []
    assert result['topics'][0]['config_set'] == {'future.topic.key': 'y'}
    assert result['topics'][1]['create']['configs'] == {'future.topic.key': 'y'}


def test_broker_type_is_used_for_unknown_keys():
    snap = snapshot(topics={'orders': ORDERS},
                    configs={'orders': {'future.flag': cfg('true', 'DYNAMIC_TOPIC_CONFIG', 'BOOLEAN')}})
    plan = only(kt.plan_topics([spec(config={'future.flag': 'True'})], snap))
    assert plan['action'] == 'none'


@pytest.mark.parametrize('key, value, message', [
    ('preallocate', 'maybe', "invalid value for config 'preallocate' of topic 'orders': 'maybe' is not a boolean"),
    ('retention.ms', 'a week', "invalid value for config 'retention.ms' of topic 'orders': 'a week' is not an integer"),
    ('min.cleanable.dirty.ratio', 'half', "'half' is not a number"),
])
def test_bad_config_values_name_key_topic_and_value(key, value, message):
    plan = only(kt.plan_topics([spec(partitions=1, config={key: value})], snapshot()))
    assert plan['action'] == 'error'
    assert message in plan['error']


def test_several_problems_of_one_topic_are_all_reported():
    plan = only(kt.plan_topics([spec(partitions=2, replication_factor=4, config={'nope': 1})],
                               snapshot(topics={'orders': ORDERS})))
    assert 'unknown config key' in plan['error']
    assert 'cannot reduce partitions' in plan['error']
    assert "replication_factor 4 of topic 'orders' exceeds the 3 live broker(s)" in plan['error']


# -- names -----------------------------------------------------------------------------------------

@pytest.mark.parametrize('name', ['bad name', '.', '..', 'x' * 250, '', 'a/b'])
def test_bad_names_fail_the_plan(name):
    result = kt.plan_topics([spec('fine', partitions=1), spec(name, partitions=1)], snapshot())
    assert len(result['errors']) == 1
    assert result['topics'][1]['action'] == 'error'
    assert result['topics'][0]['action'] == 'create'


def test_duplicate_names_rejected():
    result = kt.plan_topics([spec('a', partitions=1), spec('a', partitions=2)], snapshot())
    assert [p['error'] for p in result['topics']] == ["topic 'a' is listed 2 times in one task"] * 2


def test_dot_underscore_collision_in_batch():
    result = kt.plan_topics([spec('a.b', partitions=1), spec('a_b', partitions=1)], snapshot())
    assert result['topics'][0]['action'] == 'create'
    assert result['topics'][1]['action'] == 'error'
    assert "topic names 'a.b' and 'a_b' collide" in result['topics'][1]['error']


def test_bad_state_rejected():
    plan = only(kt.plan_topics([spec(state='gone')], snapshot()))
    assert plan['error'] == "state of topic 'orders' must be present or absent, got 'gone'"


# -- delete ---------------------------------------------------------------------------------------

def test_delete_existing():
    plan = only(kt.plan_topics([spec(state='absent')], snapshot(topics={'orders': ORDERS})))
    assert plan['action'] == 'delete'
    assert plan['changed'] is True
    assert plan['before'] == dict(state='present', partitions=6, replication_factor=3, config={})
    assert plan['after'] == dict(state='absent')
    assert plan['changes'] == ['delete topic with 6 partition(s)']


def test_delete_missing_is_no_change():
    plan = only(kt.plan_topics([spec(state='absent')], snapshot()))
    assert plan['action'] == 'none'
    assert plan['changed'] is False
    assert plan['before'] == plan['after'] == dict(state='absent')


@pytest.mark.parametrize('topics', [
    {'__consumer_offsets': dict(partitions=50, replication_factor=3, internal=True)},
    {},
])
def test_internal_topic_delete_refused(topics):
    plan = only(kt.plan_topics([spec('__consumer_offsets', state='absent')], snapshot(topics=topics)))
    assert plan['action'] == 'error'
    assert plan['error'] == "refusing to delete internal topic '__consumer_offsets': Kafka needs it"


def test_topic_flagged_internal_by_broker_delete_refused():
    plan = only(kt.plan_topics([spec('_confluent-metrics', state='absent')], snapshot(
        topics={'_confluent-metrics': dict(partitions=1, replication_factor=1, internal=True)})))
    assert plan['action'] == 'error'


def test_internal_topic_config_can_be_managed():
    snap = snapshot(topics={'__consumer_offsets': dict(partitions=50, replication_factor=3, internal=True)},
                    configs={'__consumer_offsets': {'segment.bytes': cfg('104857600', 'DYNAMIC_TOPIC_CONFIG', 'INT')}})
    plan = only(kt.plan_topics([spec('__consumer_offsets', config={'segment.bytes': 104857600})], snap))
    assert plan['action'] == 'none'


# -- batches, results, diff -------------------------------------------------------------------------

def test_many_topics_mixed_actions():
    snap = snapshot(topics={'keep': ORDERS, 'grow': ORDERS, 'drop': ORDERS})
    specs = [spec('keep', partitions=6), spec('grow', partitions=7), spec('drop', state='absent'),
             spec('new', partitions=2, replication_factor=2)]
    result = kt.plan_topics(specs, snap)
    assert [p['action'] for p in result['topics']] == ['none', 'update', 'delete', 'create']
    assert result['errors'] == []
    assert result['changed'] is True


def test_thousand_topics_plan():
    specs = [spec('t%04d' % i, partitions=1, replication_factor=1) for i in range(1000)]
    existing = dict(('t%04d' % i, dict(partitions=1, replication_factor=1, internal=False)) for i in range(500))
    result = kt.plan_topics(specs, snapshot(topics=existing))
    actions = [p['action'] for p in result['topics']]
    assert actions.count('none') == 500
    assert actions.count('create') == 500


def test_plan_is_pure():
    snap = snapshot(topics={'orders': ORDERS},
                    configs={'orders': {'retention.ms': cfg('1000', 'DYNAMIC_TOPIC_CONFIG', 'LONG')}})
    specs = [spec(partitions=8, config={'retention.ms': 5})]
    snap_copy, specs_copy = copy.deepcopy(snap), copy.deepcopy(specs)
    first = kt.plan_topics(specs, snap)
    second = kt.plan_topics(specs, snap)
    assert first == second
    assert snap == snap_copy and specs == specs_copy


def test_result_entry_shape():
    plan = only(kt.plan_topics([spec(partitions=12)], snapshot(topics={'orders': ORDERS})))
    assert kt.result_entry(plan) == dict(name='orders', state='present', action='update', changed=True,
                                         partitions=12, replication_factor=3, config={},
                                         changes=['partitions 6 -> 12'], error=None, reassignment=[])


def test_diff_only_changing_topics():
    snap = snapshot(topics={'keep': ORDERS, 'grow': ORDERS})
    result = kt.plan_topics([spec('keep'), spec('grow', partitions=9), spec('new', partitions=1)], snap)
    diff = kt.diff_from_plans(result['topics'])
    assert set(diff['before']) == {'grow', 'new'}
    assert diff['before']['new'] == dict(state='absent')
    assert diff['after']['new'] == dict(state='present', partitions=1, replication_factor=1, config={})
    assert diff['before']['grow']['partitions'] == 6
    assert diff['after']['grow']['partitions'] == 9


def test_requests_are_split_below_the_kraft_controller_record_limit():
    # 10 000 new topics of 1 partition and one config key: 3 records each, 30 000 in all; a KRaft
    # controller refuses more than 10 000 in one request.
    plans = kt.plan_topics([spec('t%05d' % i, partitions=1, replication_factor=1, config={'retention.ms': '1'})
                            for i in range(10000)], snapshot())['topics']
    creates = [p for p in plans if p['create'] is not None]
    assert len(creates) == 10000
    batches = kt.request_batches(creates, 'create')
    sizes = [sum(kt.request_records(p, 'create') for p in batch) for batch in batches]
    assert max(sizes) <= kt.MAX_RECORDS_PER_REQUEST
    assert [len(b) for b in batches] == [1666] * 6 + [4]      # 4998 records per full batch
    assert [p['name'] for batch in batches for p in batch] == [p['name'] for p in creates]   # order kept


def test_a_plan_larger_than_the_limit_goes_alone_and_small_requests_stay_one():
    big = kt.plan_topics([spec('big', partitions=6000, replication_factor=1)], snapshot())['topics']
    small = kt.plan_topics([spec('s%d' % i, partitions=3, replication_factor=1) for i in range(3)],
                           snapshot())['topics']
    assert [len(b) for b in kt.request_batches(small + big + small, 'create')] == [3, 1, 3]
    assert kt.request_batches([], 'create') == []
    assert [len(b) for b in kt.request_batches(small, 'create', limit=8)] == [2, 1]   # 4 records each


def test_delete_and_alter_batches_count_partitions_and_keys():
    topics = dict(('d%d' % i, dict(partitions=2499, replication_factor=1,
                                   assignment=dict((p, dict(replicas=[1], isr=[1], leader=1)) for p in range(2499))))
                  for i in range(3))
    plans = kt.plan_topics([spec('d%d' % i, state='absent') for i in range(3)], snapshot(topics=topics))['topics']
    assert [kt.request_records(p, 'delete') for p in plans] == [2500, 2500, 2500]
    assert [len(b) for b in kt.request_batches(plans, 'delete')] == [2, 1]
