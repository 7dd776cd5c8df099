# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Unit tests of plugins/module_utils/_kafka_feature.py: the metadata.version table, parsing, planning."""

from __future__ import annotations

import kafka.errors as kafka_errors
import pytest

from ansible_collections.streamops.kafka.plugins.module_utils import _kafka_feature as f

MV = f.METADATA_VERSION_FEATURE


# -- the table ------------------------------------------------------------------------------------

def test_table_levels_are_contiguous_and_names_unique():
    levels = [level for level, _name, _production in f.METADATA_VERSIONS]
    assert levels == list(range(1, 32))
    names = [name for _level, name, _production in f.METADATA_VERSIONS]
    assert len(set(names)) == len(names)
    # only the newest (4.4-IV0 in Kafka 4.3.1) is not production
    assert [name for _level, name, production in f.METADATA_VERSIONS if not production] == ['4.4-IV0']


@pytest.mark.parametrize('level, name', [
    (1, '3.0-IV1'), (4, '3.3-IV0'), (7, '3.3-IV3'), (8, '3.4-IV0'), (19, '3.7-IV4'), (20, '3.8-IV0'),
    (21, '3.9-IV0'), (22, '4.0-IV0'), (25, '4.0-IV3'), (26, '4.1-IV0'), (27, '4.1-IV1'), (28, '4.2-IV0'),
    (29, '4.2-IV1'), (30, '4.3-IV0'), (31, '4.4-IV0'),
])
def test_name_and_level_both_ways(level, name):
    assert f.metadata_version_name(level) == name
    assert f.parse_version(MV, name) == level
    assert f.parse_version(MV, name.lower()) == level


def test_names_of_unknown_levels_and_other_features():
    assert f.metadata_version_name(0) is None
    assert f.metadata_version_name(99) is None
    assert f.metadata_version_name(None) is None
    assert f.version_name('transaction.version', 2) is None
    assert f.describe_level(MV, 27) == '4.1-IV1 (27)'
    assert f.describe_level(MV, 99) == '99'
    assert f.describe_level('kraft.version', 1) == '1'
    assert f.describe_level(MV, None) == 'none'


def test_known_releases():
    releases = f.known_releases()
    assert releases[0] == '3.0' and releases[-1] == '4.3'
    assert '4.4' not in releases  # 4.4-IV0 is not production in Kafka 4.3.1


# -- parse_version ---------------------------------------------------------------------------------

@pytest.mark.parametrize('value, level', [
    ('4.0', 25), ('4.1', 27), ('4.2', 29), ('4.3', 30), ('3.9', 21), ('3.7', 19), ('3.3', 7), ('3.4', 8),
    ('4.1.0', 27), ('4.0.1', 25), ('3.9.2', 21), (' 4.1 ', 27),
])
def test_a_release_means_its_newest_production_level(value, level):
    assert f.parse_version(MV, value) == level


@pytest.mark.parametrize('value, level', [('27', 27), (27, 27), ('1', 1), (' 30 ', 30), ('99', 99)])
def test_integer_levels(value, level):
    # levels above the table are accepted here; the cluster decides whether it supports them
    assert f.parse_version(MV, value) == level


@pytest.mark.parametrize('value', ['latest', 'LATEST', ' Latest '])
def test_latest(value):
    assert f.parse_version(MV, value) is f.LATEST
    assert f.parse_version('group.version', value) is f.LATEST


@pytest.mark.parametrize('value, words', [
    ('4.1-IV9', ["unknown metadata.version '4.1-IV9'", '3.0-IV1 to 4.4-IV0']),
    ('9.9-IV0', ["unknown metadata.version '9.9-IV0'"]),
    ('4.4', ["unknown metadata.version release '4.4'", '4.3']),
    ('2.8', ["unknown metadata.version release '2.8'"]),
    ('four', ["cannot read metadata.version 'four'"]),
    ('4.1-IV', ["cannot read metadata.version '4.1-IV'"]),
    ('0', ['metadata.version level must be 1 or more, got 0']),
    ('-3', ['metadata.version level must be 1 or more, got -3']),
])
def test_unreadable_metadata_versions_are_named(value, words):
    with pytest.raises(f.FeatureError) as err:
        f.parse_version(MV, value)
    for word in words:
        assert word in str(err.value)


def test_other_features_take_levels_only():
    assert f.parse_version('transaction.version', '2') == 2
    assert f.parse_version('transaction.version', '0') == 0
    with pytest.raises(f.FeatureError, match=r"transaction.version takes latest or an integer level, got '4.1'"):
        f.parse_version('transaction.version', '4.1')
    with pytest.raises(f.FeatureError, match='must be 0 or more, got -1'):
        f.parse_version('group.version', -1)
    with pytest.raises(f.FeatureError):
        f.parse_version(MV, True)


# -- plan_change -----------------------------------------------------------------------------------

def test_plan_upgrade_same_and_downgrade():
    assert f.plan_change(MV, 30, 25, 30) is True
    assert f.plan_change(MV, 27, 25, None) is True  # maximum unknown: Kafka decides
    assert f.plan_change(MV, 25, 25, 30) is False
    with pytest.raises(f.FeatureError) as err:
        f.plan_change(MV, 25, 27, 30)
    assert str(err.value) == 'metadata.version 4.0-IV3 (25) is below the finalized 4.1-IV1 (27); downgrades are refused'


def test_plan_refuses_above_the_supported_maximum():
    with pytest.raises(f.FeatureError) as err:
        f.plan_change(MV, 31, 25, 30)
    assert str(err.value) == 'metadata.version 4.4-IV0 (31) is above the highest level the cluster supports, 4.3-IV0 (30)'
    with pytest.raises(f.FeatureError, match='transaction.version 3 is above the highest level the cluster supports, 2'):
        f.plan_change('transaction.version', 3, 0, 2)


def test_downgrade_is_refused_before_the_maximum_is_looked_at():
    with pytest.raises(f.FeatureError, match='downgrades are refused'):
        f.plan_change(MV, 21, 25, 22)


# -- highest_accepted ------------------------------------------------------------------------------

def test_highest_accepted_walks_down_to_the_first_accepted_level():
    asked = []

    def accepts(level):
        asked.append(level)
        return level <= 27  # e.g. a controller still on Kafka 4.1

    assert f.highest_accepted(25, 30, accepts) == 27
    assert asked == [30, 29, 28, 27]


def test_highest_accepted_is_the_finalized_level_when_nothing_higher_is_accepted():
    asked = []
    assert f.highest_accepted(25, 30, lambda level: asked.append(level) and False) == 25
    assert asked == [30, 29, 28, 27, 26]
    assert f.highest_accepted(30, 30, lambda level: pytest.fail('nothing to ask')) == 30


# -- feature_levels and errors ---------------------------------------------------------------------

def test_feature_levels_reads_both_answer_shapes():
    answer = {'metadata.version': {'supported': (7, 30), 'finalized': (25, 25), 'finalized_epoch': 21},
              'share.version': {'supported': (0, 1)}}
    assert f.feature_levels(answer, MV) == (25, 7, 30)
    assert f.feature_levels(answer, 'share.version') == (None, 0, 1)
    assert f.feature_levels(answer, 'nope') == (None, None, None)
    documented = {'supported_features': {MV: (7, 30)}, 'finalized_features': {MV: (25, 25)}, 'finalized_features_epoch': 3}
    assert f.feature_levels(documented, MV) == (25, 7, 30)
    assert f.feature_levels(None, MV) == (None, None, None)


def test_kafka_error_text_keeps_the_controllers_message():
    exc = kafka_errors.InvalidUpdateVersionError(
        "Request 'UpdateFeaturesRequest(version=2, timeout_ms=60000, feature_updates=[...], validate_only=True)' failed with "
        "response 'UpdateFeaturesResponse(version=2, throttle_time_ms=0, error_code=95, error_message='The update failed for "
        "all features since the following feature had an error: Invalid update version 31 for feature metadata.version. "
        "Local controller 1 only supports versions 7-30')'.")
    assert f.kafka_error_text(exc) == ('InvalidUpdateVersionError: Invalid update version 31 for feature metadata.version. '
                                       'Local controller 1 only supports versions 7-30')
    exc = kafka_errors.InvalidUpdateVersionError(
        "Request 'x' failed with response 'UpdateFeaturesResponse(error_code=95, error_message=\"Can't downgrade\")'.")
    assert f.kafka_error_text(exc) == "InvalidUpdateVersionError: Can't downgrade"
    assert f.kafka_error_text(kafka_errors.InvalidUpdateVersionError('plain')) == 'InvalidUpdateVersionError: plain'
    assert f.kafka_error_text(RuntimeError('boom')) == 'RuntimeError: boom'
