# -*- coding: utf-8 -*-
# Copyright: (c) 2025, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Unit tests of plugins/module_utils/_kafka_config.py: topic names, config types and value normalisation."""

from __future__ import annotations

import re

import pytest

from ansible_collections.streamops.kafka.plugins.module_utils import _kafka_config as k


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
