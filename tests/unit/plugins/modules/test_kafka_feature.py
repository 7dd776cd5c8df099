# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Unit tests of the kafka_feature module: main() against a fake KafkaAdminClient and controller."""

from __future__ import annotations

import typing as t

import kafka.errors as kafka_errors
import pytest

from ansible.module_utils import basic

from ansible_collections.streamops.kafka.plugins.modules import kafka_feature as module

from module_harness import exit_json, fail_json, run_main

WARNINGS: list[str] = []


def refusal(level: int, text: str) -> kafka_errors.InvalidUpdateVersionError:
    """What kafka-python 3.0.12 raises for an UpdateFeatures answer with error 95."""
    return kafka_errors.InvalidUpdateVersionError(
        "Request 'UpdateFeaturesRequest(version=2, feature_updates=[FeatureUpdateKey(max_version_level=%d)])' failed with "
        "response 'UpdateFeaturesResponse(version=2, throttle_time_ms=0, error_code=95, error_message='The update failed for "
        "all features since the following feature had an error: Invalid update version %d for feature metadata.version. "
        "%s')'." % (level, level, text))


class FakeAdmin:
    """A KRaft cluster: the connected broker supports metadata.version 7-``broker_max``, every node up to ``cluster_max``."""

    def __init__(self, finalized: int | None = 25, broker_max: int = 30, cluster_max: int = 30,
                 validate_unsupported: bool = False) -> None:
        self.levels = {'metadata.version': finalized, 'transaction.version': 2}
        self.broker_max = broker_max
        self.cluster_max = cluster_max
        self.validate_unsupported = validate_unsupported
        self.updates: list[tuple[dict[str, int], bool]] = []
        self.closed = False

    def describe_features(self) -> dict[str, t.Any]:
        answer: dict[str, t.Any] = {
            'metadata.version': {'supported': (7, self.broker_max)},
            'transaction.version': {'supported': (0, 2)},
            'share.version': {'supported': (0, 1)},
        }
        for name, level in self.levels.items():
            if level:  # level 0: not finalized
                answer[name].update(finalized=(level, level), finalized_epoch=9)
        return answer

    def update_features(self, updates: dict[str, int], validate_only: bool = False, timeout_ms: int = 60000) -> dict[str, str]:
        self.updates.append((dict(updates), validate_only))
        if validate_only and self.validate_unsupported:
            raise kafka_errors.IncompatibleBrokerVersion('UpdateFeaturesRequest v1 is not supported')
        for name, level in updates.items():
            if level > self.cluster_max:
                raise refusal(level, 'Broker 3 does not support this feature.')
            if not validate_only:
                self.levels[name] = level
        return dict((name, 'OK') for name in updates)

    def close(self) -> None:
        self.closed = True


def run(monkeypatch: pytest.MonkeyPatch, admin: FakeAdmin, check_mode: bool = False,
        **args: t.Any) -> tuple[bool, dict[str, t.Any]]:
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda _self, warning: WARNINGS.append(warning))
    monkeypatch.setattr(module, 'connect_admin', lambda _module: admin)
    args.setdefault('bootstrap_servers', ['k1:9092'])
    if check_mode:
        args['_ansible_check_mode'] = True
    del WARNINGS[:]
    return run_main(module, args)


def real_updates(admin: FakeAdmin) -> list[dict[str, int]]:
    return [update for update, validate_only in admin.updates if not validate_only]


def test_describe_only(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = FakeAdmin(finalized=25, cluster_max=28)
    failed, result = run(monkeypatch, admin)
    assert failed is False, result
    assert result['changed'] is False
    assert result['feature'] == 'metadata.version'
    assert (result['finalized_level'], result['finalized_version']) == (25, '4.0-IV3')
    assert (result['previous_level'], result['previous_version']) == (25, '4.0-IV3')
    assert (result['supported_max_level'], result['supported_max_version']) == (28, '4.2-IV0')
    assert result['supported_max_scope'] == 'cluster'
    assert result['supported_min_level'] == 7
    assert result['target_level'] is None
    assert real_updates(admin) == []
    # the controller was asked from the broker's maximum down, validate_only only
    assert admin.updates == [({'metadata.version': 30}, True), ({'metadata.version': 29}, True), ({'metadata.version': 28}, True)]
    assert admin.closed is True


def test_latest_raises_to_what_every_node_supports(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = FakeAdmin(finalized=25, cluster_max=30)
    failed, result = run(monkeypatch, admin, version='latest')
    assert failed is False, result
    assert result['changed'] is True
    assert (result['previous_level'], result['finalized_level'], result['finalized_version']) == (25, 30, '4.3-IV0')
    assert result['target_level'] == 30
    assert real_updates(admin) == [{'metadata.version': 30}]
    assert result['diff'] == {'before': 'metadata.version: 4.0-IV3 (25)\n', 'after': 'metadata.version: 4.3-IV0 (30)\n'}
    assert WARNINGS == []

    failed, result = run(monkeypatch, admin, version='latest')
    assert failed is False and result['changed'] is False
    assert result['finalized_level'] == 30
    assert real_updates(admin) == [{'metadata.version': 30}]


def test_latest_stops_at_an_older_node(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = FakeAdmin(finalized=25, broker_max=30, cluster_max=27)
    failed, result = run(monkeypatch, admin, version='latest')
    assert failed is False, result
    assert result['finalized_level'] == 27 and result['finalized_version'] == '4.1-IV1'
    assert real_updates(admin) == [{'metadata.version': 27}]


@pytest.mark.parametrize('version, level', [('4.1', 27), ('4.1-IV0', 26), ('28', 28), ('4.2.0', 29)])
def test_named_targets(monkeypatch: pytest.MonkeyPatch, version: str, level: int) -> None:
    admin = FakeAdmin(finalized=25)
    failed, result = run(monkeypatch, admin, version=version)
    assert failed is False, result
    assert result['changed'] is True and result['finalized_level'] == level
    assert real_updates(admin) == [{'metadata.version': level}]


def test_same_level_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = FakeAdmin(finalized=27)
    failed, result = run(monkeypatch, admin, version='4.1-IV1')
    assert failed is False and result['changed'] is False
    assert result['diff']['before'] == result['diff']['after'] == 'metadata.version: 4.1-IV1 (27)\n'
    assert real_updates(admin) == []


def test_downgrade_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = FakeAdmin(finalized=27)
    failed, result = run(monkeypatch, admin, version='4.0')
    assert failed is True
    assert result['msg'] == 'metadata.version 4.0-IV3 (25) is below the finalized 4.1-IV1 (27); downgrades are refused'
    assert result['finalized_level'] == 27
    assert real_updates(admin) == []


def test_above_the_cluster_maximum_is_refused_before_any_update(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = FakeAdmin(finalized=25, broker_max=30, cluster_max=28)
    failed, result = run(monkeypatch, admin, version='4.3')
    assert failed is True
    assert result['msg'].startswith('metadata.version 4.3-IV0 (30) is above the highest level the cluster supports, '
                                    '4.2-IV0 (28) (the controller refused 29: InvalidUpdateVersionError: Invalid update '
                                    'version 29 for feature metadata.version. Broker 3 does not support this feature.')
    assert result['supported_max_level'] == 28
    assert real_updates(admin) == []

    admin = FakeAdmin(finalized=25)
    failed, result = run(monkeypatch, admin, version='31')
    assert failed is True
    assert result['msg'] == 'metadata.version 4.4-IV0 (31) is above the highest level the cluster supports, 4.3-IV0 (30)'
    assert real_updates(admin) == []


def test_unknown_name_is_refused_before_connecting(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = FakeAdmin()
    failed, result = run(monkeypatch, admin, version='4.1-IV7')
    assert failed is True
    assert "unknown metadata.version '4.1-IV7'" in result['msg']
    assert admin.updates == []


def test_check_mode_validates_without_applying(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = FakeAdmin(finalized=25)
    failed, result = run(monkeypatch, admin, check_mode=True, version='latest')
    assert failed is False, result
    assert result['changed'] is True
    assert result['finalized_level'] == 30 and result['previous_level'] == 25
    assert admin.levels['metadata.version'] == 25
    assert real_updates(admin) == []
    assert admin.updates[-1] == ({'metadata.version': 30}, True)


def test_without_validate_only_the_broker_maximum_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = FakeAdmin(finalized=25, broker_max=29, validate_unsupported=True)
    failed, result = run(monkeypatch, admin, version='latest')
    assert failed is False, result
    assert result['supported_max_scope'] == 'broker' and result['supported_max_level'] == 29
    assert result['finalized_level'] == 29
    assert real_updates(admin) == [{'metadata.version': 29}]
    assert 'cannot validate' in WARNINGS[0]


def test_kafka_refusal_of_the_update_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = FakeAdmin(finalized=25, broker_max=30, cluster_max=26, validate_unsupported=True)
    failed, result = run(monkeypatch, admin, version='28')
    assert failed is True
    assert result['msg'] == ('Raising metadata.version from 4.0-IV3 (25) to 4.2-IV0 (28) failed: InvalidUpdateVersionError: '
                             'Invalid update version 28 for feature metadata.version. Broker 3 does not support this feature.')


def test_zookeeper_mode_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = FakeAdmin(finalized=None)
    failed, result = run(monkeypatch, admin, version='latest')
    assert failed is True
    assert 'has no finalized metadata.version: it is not a KRaft cluster' in result['msg']
    assert admin.updates == []


def test_other_features(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = FakeAdmin()
    failed, result = run(monkeypatch, admin, feature='share.version', version='latest')
    assert failed is False, result
    assert (result['previous_level'], result['finalized_level']) == (0, 1)
    assert result['finalized_version'] is None
    assert real_updates(admin) == [{'share.version': 1}]
    assert WARNINGS == []

    failed, result = run(monkeypatch, admin, feature='transaction.version', version='1')
    assert failed is True and result['msg'] == 'transaction.version 1 is below the finalized 2; downgrades are refused'

    failed, result = run(monkeypatch, admin, feature='transaction.version', version='4.1')
    assert failed is True and 'takes latest or an integer level' in result['msg']

    failed, result = run(monkeypatch, admin, feature='no.such.feature', version='1')
    assert failed is True
    assert result['msg'] == ('The brokers at k1:9092 do not know the feature no.such.feature; they know metadata.version, '
                             'share.version, transaction.version')


def test_connection_errors_are_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = FakeAdmin()

    def broken() -> dict[str, t.Any]:
        raise kafka_errors.KafkaConnectionError('connection refused')
    admin.describe_features = broken  # type: ignore[method-assign]
    failed, result = run(monkeypatch, admin, version='latest', request_timeout_ms=300)
    assert failed is True
    assert result['msg'].startswith('Cannot read or update the feature metadata.version at k1:9092: KafkaConnectionError')
    assert admin.closed is True


def test_warns_when_the_broker_does_not_show_the_new_level(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = FakeAdmin(finalized=25)
    real_update = admin.update_features

    def update_not_seen(updates: dict[str, int], validate_only: bool = False, timeout_ms: int = 60000) -> dict[str, str]:
        answer = real_update(updates, validate_only, timeout_ms)
        admin.levels['metadata.version'] = 25  # the broker's metadata cache lags behind
        return answer
    admin.update_features = update_not_seen  # type: ignore[method-assign]
    failed, result = run(monkeypatch, admin, version='4.1', request_timeout_ms=500)
    assert failed is False and result['changed'] is True
    assert result['finalized_level'] == 27
    assert WARNINGS == ['metadata.version was raised to 4.1-IV1 (27) but the connected broker still reports 4.0-IV3 (25) after 500 ms']
