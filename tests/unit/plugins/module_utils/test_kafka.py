# -*- coding: utf-8 -*-
# Copyright: (c) 2025, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Unit tests of the pure helpers in plugins/module_utils/_kafka.py."""

from __future__ import annotations

import re

import pytest

from ansible_collections.streamops.kafka.plugins.module_utils import _kafka as k


def params(**overrides):
    base = dict(
        bootstrap_servers=['127.0.0.1:9092'], security_protocol='PLAINTEXT', ssl_cafile=None,
        ssl_certfile=None, ssl_keyfile=None, ssl_password=None, ssl_check_hostname=True,
        sasl_mechanism=None, sasl_plain_username=None, sasl_plain_password=None,
        request_timeout_ms=30000, api_version=None,
    )
    base.update(overrides)
    return base


# -- argument spec -------------------------------------------------------------

def test_common_spec_has_every_connection_option():
    spec = k.kafka_common_argument_spec()
    assert set(spec) == {
        'bootstrap_servers', 'security_protocol', 'ssl_cafile', 'ssl_certfile', 'ssl_keyfile',
        'ssl_password', 'ssl_check_hostname', 'sasl_mechanism', 'sasl_plain_username',
        'sasl_plain_password', 'request_timeout_ms', 'api_version'}
    assert spec['bootstrap_servers'] == dict(type='list', elements='str', required=True)
    assert spec['ssl_password']['no_log'] is True
    assert spec['sasl_plain_password']['no_log'] is True
    assert spec['security_protocol']['choices'] == ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']
    assert spec['sasl_mechanism']['choices'] == ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']


def test_common_spec_returns_a_fresh_dict():
    first = k.kafka_common_argument_spec()
    first['name'] = dict(type='str')
    assert 'name' not in k.kafka_common_argument_spec()


def test_spec_matches_doc_fragment():
    import yaml
    from ansible_collections.streamops.kafka.plugins.doc_fragments.kafka import ModuleDocFragment

    doc = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    spec = k.kafka_common_argument_spec()
    assert set(doc) == set(spec)
    for name, option in spec.items():
        assert doc[name]['type'] == option['type'], name
        assert doc[name].get('default') == option.get('default'), name
        assert doc[name].get('choices') == option.get('choices'), name
        assert doc[name].get('required', False) == option.get('required', False), name


# -- api_version -----------------------------------------------------------------

@pytest.mark.parametrize('text, expected', [
    ('3.9', (3, 9)), ('2.8.1', (2, 8, 1)), (' 3.7 ', (3, 7)), (None, None), ('', None),
])
def test_parse_api_version(text, expected):
    assert k.parse_api_version(text) == expected


@pytest.mark.parametrize('text', ['3', 'three', '3.x', '3.9.1.2', 'v3.9'])
def test_parse_api_version_rejects_garbage_naming_it(text):
    with pytest.raises(ValueError, match=r"api_version must look like '3.9'.*%r" % text):
        k.parse_api_version(text)


# -- client kwargs ------------------------------------------------------------------

def test_client_kwargs_plaintext_minimal():
    kwargs = k.client_kwargs(params(bootstrap_servers=[' a:9092 ', 'b:9092', '']))
    assert kwargs == dict(bootstrap_servers=['a:9092', 'b:9092'], security_protocol='PLAINTEXT',
                          request_timeout_ms=30000, bootstrap_timeout_ms=30000, client_id='streamops.kafka')


def test_client_kwargs_api_version_tuple():
    assert k.client_kwargs(params(api_version='3.9'))['api_version'] == (3, 9)


def test_client_kwargs_ssl_passes_files_and_hostname_check():
    kwargs = k.client_kwargs(params(security_protocol='SSL', ssl_cafile='/ca.pem', ssl_certfile='/c.pem',
                                    ssl_keyfile='/k.pem', ssl_password='pw', ssl_check_hostname=False))
    assert kwargs['ssl_cafile'] == '/ca.pem'
    assert kwargs['ssl_certfile'] == '/c.pem'
    assert kwargs['ssl_keyfile'] == '/k.pem'
    assert kwargs['ssl_password'] == 'pw'
    assert kwargs['ssl_check_hostname'] is False
    assert 'sasl_mechanism' not in kwargs


def test_client_kwargs_sasl_ssl():
    kwargs = k.client_kwargs(params(security_protocol='SASL_SSL', sasl_mechanism='SCRAM-SHA-512',
                                    sasl_plain_username='admin', sasl_plain_password='secret',
                                    ssl_cafile='/ca.pem'))
    assert kwargs['sasl_mechanism'] == 'SCRAM-SHA-512'
    assert kwargs['sasl_plain_username'] == 'admin'
    assert kwargs['sasl_plain_password'] == 'secret'
    assert kwargs['ssl_cafile'] == '/ca.pem'


@pytest.mark.parametrize('overrides, message', [
    (dict(bootstrap_servers=[]), 'bootstrap_servers must name at least one'),
    (dict(bootstrap_servers=['  ']), 'bootstrap_servers must name at least one'),
    (dict(request_timeout_ms=0), 'request_timeout_ms must be a positive number.*0'),
    (dict(security_protocol='SASL_PLAINTEXT'), 'security_protocol=SASL_PLAINTEXT requires sasl_mechanism'),
    (dict(security_protocol='SASL_SSL', sasl_mechanism='PLAIN'), 'sasl_mechanism=PLAIN requires sasl_plain_username'),
    (dict(sasl_mechanism='PLAIN'), 'sasl_mechanism=PLAIN requires security_protocol SASL_PLAINTEXT or SASL_SSL'),
    (dict(ssl_cafile='/ca.pem'), 'ssl_cafile=/ca.pem is only used with security_protocol SSL'),
    (dict(security_protocol='TLS'), "security_protocol must be one of .*'TLS'"),
    (dict(api_version='three'), "api_version must look like"),
])
def test_client_kwargs_inconsistent(overrides, message):
    with pytest.raises(ValueError, match=message):
        k.client_kwargs(params(**overrides))


# -- topic names -----------------------------------------------------------------------

@pytest.mark.parametrize('name', ['orders', 'a', 'A.b_c-9', 'x' * 249, '...', '_under', '__consumer_offsets'])
def test_valid_topic_names(name):
    assert k.validate_topic_name(name) is None


@pytest.mark.parametrize('name, message', [
    ('', 'non-empty'),
    (None, 'non-empty'),
    (3, 'non-empty'),
    ('.', "'.' and '..' are not allowed"),
    ('..', "'.' and '..' are not allowed"),
    ('x' * 250, '250 characters, at most 249'),
    ('bad name', "character\\(s\\) ' ' not allowed"),
    ('caf\u00e9', "'\u00e9' not allowed"),
    ('a/b:c', "'/' ':' not allowed"),
])
def test_invalid_topic_names(name, message):
    problem = k.validate_topic_name(name)
    assert problem is not None
    assert re.search(message, problem), problem


def test_invalid_topic_name_names_the_topic():
    assert "'bad name'" in k.validate_topic_name('bad name')


def test_internal_topic_names():
    assert k.is_internal_topic_name('__consumer_offsets')
    assert k.is_internal_topic_name('__transaction_state')
    assert not k.is_internal_topic_name('_schemas')
    assert not k.is_internal_topic_name('orders__x')


# -- config value normalisation -----------------------------------------------------------

@pytest.mark.parametrize('value', [True, 'true', 'True', 'TRUE', ' true ', 1, '1', 'yes', 'on'])
def test_boolean_true_forms(value):
    assert k.normalize_config_value(value, 'BOOLEAN') == 'true'


@pytest.mark.parametrize('value', [False, 'false', 'False', 0, '0', 'no', 'off'])
def test_boolean_false_forms(value):
    assert k.normalize_config_value(value, 'BOOLEAN') == 'false'


@pytest.mark.parametrize('value', ['maybe', 2, '2', 'tru', ''])
def test_boolean_rejects(value):
    with pytest.raises(ValueError, match='is not a boolean'):
        k.normalize_config_value(value, 'BOOLEAN')


@pytest.mark.parametrize('ctype', ['INT', 'LONG', 'SHORT'])
@pytest.mark.parametrize('value, expected', [
    (1000, '1000'), ('1000', '1000'), (' 1000 ', '1000'), (1000.0, '1000'), ('+5', '5'), ('-1', '-1'),
    ('007', '7'), ('1000.0', '1000'), (604800000, '604800000'), (9223372036854775807, '9223372036854775807'),
])
def test_integer_forms(ctype, value, expected):
    assert k.normalize_config_value(value, ctype) == expected


@pytest.mark.parametrize('value', ['1e3', '10.5', 10.5, 'ten', True, '', '1,000'])
def test_integer_rejects(value):
    with pytest.raises(ValueError, match='is not an integer'):
        k.normalize_config_value(value, 'LONG')


@pytest.mark.parametrize('value, expected', [
    (0.5, '0.5'), ('0.5', '0.5'), ('0.50', '0.5'), (1, '1.0'), ('1', '1.0'), ('1e-1', '0.1'),
])
def test_double_forms(value, expected):
    assert k.normalize_config_value(value, 'DOUBLE') == expected


@pytest.mark.parametrize('value', ['half', True, ''])
def test_double_rejects(value):
    with pytest.raises(ValueError, match='is not a number'):
        k.normalize_config_value(value, 'DOUBLE')


@pytest.mark.parametrize('value, expected', [
    ('delete', 'delete'),
    ('compact,delete', 'compact,delete'),
    ('delete, compact', 'compact,delete'),
    (['delete', 'compact'], 'compact,delete'),
    (['compact'], 'compact'),
    ('', ''),
    ([], ''),
    ('0:1, 1:2', '0:1,1:2'),
])
def test_list_forms(value, expected):
    assert k.normalize_config_value(value, 'LIST') == expected


@pytest.mark.parametrize('value, expected', [
    ('producer', 'producer'), (' lz4 ', 'lz4'), (True, 'true'), (3, '3'), ('CreateTime', 'CreateTime'),
])
def test_string_forms(value, expected):
    assert k.normalize_config_value(value, 'STRING') == expected


def test_null_value_is_rejected():
    with pytest.raises(ValueError, match='must not be null'):
        k.normalize_config_value(None, 'STRING')


def test_config_type_prefers_the_broker():
    assert k.config_type_for('retention.ms') == 'LONG'
    assert k.config_type_for('preallocate') == 'BOOLEAN'
    assert k.config_type_for('cleanup.policy') == 'LIST'
    assert k.config_type_for('brand.new.key') == 'STRING'
    assert k.config_type_for('brand.new.key', 'BOOLEAN') == 'BOOLEAN'
    assert k.config_type_for('retention.ms', 'UNKNOWN') == 'LONG'


@pytest.mark.parametrize('desired, current, ctype, equal', [
    (True, 'true', 'BOOLEAN', True),
    ('True', 'true', 'BOOLEAN', True),
    (1, 'true', 'BOOLEAN', True),
    (False, 'true', 'BOOLEAN', False),
    (86400000, '86400000', 'LONG', True),
    ('86400000', '86400000', 'LONG', True),
    (86400001, '86400000', 'LONG', False),
    (0.5, '0.5', 'DOUBLE', True),
    (['delete', 'compact'], 'compact,delete', 'LIST', True),
    ('compact', 'compact,delete', 'LIST', False),
    ('lz4', 'producer', 'STRING', False),
    ('lz4', None, 'STRING', False),
    (None, None, 'STRING', True),
    ('garbage', 'true', 'BOOLEAN', False),
])
def test_values_equal(desired, current, ctype, equal):
    assert k.values_equal(desired, current, ctype) is equal


def test_static_config_names_cover_the_kafka_39_list():
    expected = {
        'cleanup.policy', 'compression.type', 'delete.retention.ms', 'file.delete.delay.ms', 'flush.messages',
        'flush.ms', 'follower.replication.throttled.replicas', 'index.interval.bytes',
        'leader.replication.throttled.replicas', 'local.retention.bytes', 'local.retention.ms',
        'max.compaction.lag.ms', 'max.message.bytes', 'message.downconversion.enable', 'message.format.version',
        'message.timestamp.after.max.ms', 'message.timestamp.before.max.ms', 'message.timestamp.difference.max.ms',
        'message.timestamp.type', 'min.cleanable.dirty.ratio', 'min.compaction.lag.ms', 'min.insync.replicas',
        'preallocate', 'remote.storage.enable', 'retention.bytes', 'retention.ms', 'segment.bytes',
        'segment.index.bytes', 'segment.jitter.ms', 'segment.ms', 'unclean.leader.election.enable'}
    assert expected <= set(k.TOPIC_CONFIG_TYPES)
    assert set(k.TOPIC_CONFIG_TYPES.values()) <= {'BOOLEAN', 'INT', 'LONG', 'DOUBLE', 'LIST', 'STRING'}


def test_suggest_config_key():
    known = k.TOPIC_CONFIG_TYPES
    assert k.suggest_config_key('retention.msec', known) == " (did you mean 'retention.ms'?)"
    assert k.suggest_config_key('min.insync.replica', known) == " (did you mean 'min.insync.replicas'?)"
    assert k.suggest_config_key('zzz', known) == ''


# -- errors ------------------------------------------------------------------------------------

def test_error_from_code():
    assert k.error_from_code(0) is None
    assert k.error_from_code(None) is None
    assert k.error_from_code(36, "Topic 'x' already exists.") == "TopicAlreadyExistsError(36): Topic 'x' already exists."
    assert k.error_from_code(38).startswith('InvalidReplicationFactorError(38)')


def test_describe_error():
    assert k.describe_error(ValueError('boom')) == 'ValueError: boom'
    assert k.describe_error(ValueError()) == 'ValueError'
    from kafka import errors
    assert k.describe_error(errors.KafkaConnectionError()) == 'KafkaConnectionError'
    assert k.describe_error(errors.KafkaTimeoutError('late')) == 'KafkaTimeoutError: late'


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
