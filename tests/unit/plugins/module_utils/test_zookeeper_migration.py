# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Unit tests for plugins/module_utils/_zookeeper_migration.py.

The znode contents below are those a Kafka 3.9.2 cluster wrote during a real migration
(tests/integration/test_kafka_migration.py), at each phase.
"""

from __future__ import annotations

import pytest

from ansible_collections.streamops.kafka.plugins.module_utils._zookeeper_migration import (
    MigrationStateError,
    build_report,
    is_kraft_controller,
    is_migration_completed,
    parse_broker_ids,
    parse_cluster_id,
    parse_connect,
    parse_controller_epoch,
    parse_json_znode,
)

CLUSTER_ID = b'{"version":"1","id":"4S9m8QM_RX2MLxVvv_OKGg"}'
# a ZooKeeper-mode broker is the controller (Kafka 3.4+ writes kraftControllerEpoch -1)
ZK_CONTROLLER = b'{"version":2,"brokerid":2,"timestamp":"1795309099116","kraftControllerEpoch":-1}'
# Kafka before 3.4
ZK_CONTROLLER_V1 = b'{"version":1,"brokerid":1,"timestamp":"1700000000000"}'
# the KRaft controller has claimed the controllership
KRAFT_CONTROLLER = b'{"version":2,"brokerid":3000,"timestamp":"1795309146850","kraftControllerEpoch":1}'
# the KRaft controller started in migration mode, brokers not migrated yet
MIGRATION_CREATED = (b'{"version":0,"kraft_metadata_offset":-1,"kraft_controller_id":-1,'
                     b'"kraft_metadata_epoch":-1,"kraft_controller_epoch":-1}')
# every broker runs in migration mode: the KRaft controller has claimed /controller
MIGRATION_CLAIMED = (b'{"version":0,"kraft_metadata_offset":-1,"kraft_controller_id":3000,'
                     b'"kraft_metadata_epoch":-1,"kraft_controller_epoch":1}')
# the metadata is in the KRaft log
MIGRATION_DONE = (b'{"version":0,"kraft_metadata_offset":96,"kraft_controller_id":3000,'
                  b'"kraft_metadata_epoch":1,"kraft_controller_epoch":1}')


# --------------------------------------------------------------------------- parse_connect

@pytest.mark.parametrize('connect, expected', [
    ('127.0.0.1:2181', (['127.0.0.1:2181'], None)),
    ('zk1:2181,zk2:2181,zk3:2181', (['zk1:2181', 'zk2:2181', 'zk3:2181'], None)),
    ('zk1:2181,zk2:2181/kafka', (['zk1:2181', 'zk2:2181'], '/kafka')),
    ('zk1:2181/kafka/prod/', (['zk1:2181'], '/kafka/prod')),
    ('zk1:2181/', (['zk1:2181'], None)),
    ('zk1', (['zk1'], None)),
    (' [::1]:2181, [fe80::1]:2182 ', (['[::1]:2181', '[fe80::1]:2182'], None)),
    ('zk_1.example.com:2181', (['zk_1.example.com:2181'], None)),
])
def test_parse_connect(connect: str, expected: tuple[list[str], str | None]) -> None:
    assert parse_connect(connect) == expected


@pytest.mark.parametrize('connect, message', [
    ('', 'is empty'),
    ('   ', 'is empty'),
    ('zk1:2181,', "invalid server ''"),
    ('zk1:abc', "invalid server 'zk1:abc'"),
    ('zk1:0', 'invalid port'),
    ('zk1:65536', 'invalid port'),
    ('zk1:2181/ka fka', 'invalid chroot'),
    ('zk1:2181//kafka', 'invalid chroot'),
    ('::1:2181', 'invalid server'),
])
def test_parse_connect_refuses(connect: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_connect(connect)


# --------------------------------------------------------------------------- znodes

def test_parse_json_znode() -> None:
    assert parse_json_znode('/x', None) is None
    assert parse_json_znode('/x', b'') is None
    assert parse_json_znode('/x', b'  ') is None
    assert parse_json_znode('/x', b'{"a": 1}') == {'a': 1}
    assert parse_json_znode('/x', '{"a": 1}') == {'a': 1}


@pytest.mark.parametrize('data, message', [
    (b'{"a":', '/x does not hold JSON'),
    (b'[1, 2]', '/x holds list, not a JSON object'),
    (b'\xff\xfe', '/x does not hold UTF-8 text'),
])
def test_parse_json_znode_refuses(data: bytes, message: str) -> None:
    with pytest.raises(MigrationStateError, match=message):
        parse_json_znode('/x', data)


def test_parse_cluster_id() -> None:
    assert parse_cluster_id(CLUSTER_ID) == '4S9m8QM_RX2MLxVvv_OKGg'
    assert parse_cluster_id(None) is None
    with pytest.raises(MigrationStateError, match='/cluster/id has no "id"'):
        parse_cluster_id(b'{"version":"1"}')
    with pytest.raises(MigrationStateError, match='/cluster/id has no "id"'):
        parse_cluster_id(b'{"version":"1","id":""}')


def test_parse_controller_epoch() -> None:
    assert parse_controller_epoch(b'3') == 3
    assert parse_controller_epoch(b'1\n') == 1
    assert parse_controller_epoch(None) is None
    with pytest.raises(MigrationStateError, match='/controller_epoch does not hold a number'):
        parse_controller_epoch(b'three')


@pytest.mark.parametrize('data, expected', [
    (None, False),
    (ZK_CONTROLLER, False),
    (ZK_CONTROLLER_V1, False),
    (KRAFT_CONTROLLER, True),
    (b'{"version":2,"brokerid":3000,"timestamp":"1","kraftControllerEpoch":0}', True),
    (b'{"version":2,"brokerid":3000,"timestamp":"1","kraftControllerEpoch":"7"}', True),
    (b'{"version":2,"brokerid":3000,"timestamp":"1","kraftControllerEpoch":null}', False),
    (b'{"version":2,"brokerid":3000,"timestamp":"1","kraftControllerEpoch":"x"}', False),
])
def test_is_kraft_controller(data: bytes | None, expected: bool) -> None:
    assert is_kraft_controller(parse_json_znode('/controller', data)) is expected


@pytest.mark.parametrize('data, expected', [
    (None, False),
    (MIGRATION_CREATED, False),
    (MIGRATION_CLAIMED, False),
    (MIGRATION_DONE, True),
    (b'{"version":0,"kraft_metadata_offset":0,"kraft_controller_id":3000}', True),
    (b'{"version":0}', False),
])
def test_is_migration_completed(data: bytes | None, expected: bool) -> None:
    assert is_migration_completed(parse_json_znode('/migration', data)) is expected


def test_parse_broker_ids() -> None:
    assert parse_broker_ids(['2', '10', '1']) == [1, 2, 10]
    assert parse_broker_ids(['1', 'not-a-broker', '1']) == [1]
    assert parse_broker_ids([]) == []
    assert parse_broker_ids(None) == []


# --------------------------------------------------------------------------- build_report

def test_report_zookeeper_mode() -> None:
    report = build_report({'/cluster/id': CLUSTER_ID, '/controller': ZK_CONTROLLER, '/controller_epoch': b'1',
                           '/migration': None}, ['1', '2'])
    assert report == dict(
        cluster_id='4S9m8QM_RX2MLxVvv_OKGg',
        controller={'version': 2, 'brokerid': 2, 'timestamp': '1795309099116', 'kraftControllerEpoch': -1},
        kraft_controller=False,
        controller_epoch=1,
        migration=None,
        migration_completed=False,
        broker_ids=[1, 2],
    )


def test_report_controller_waits_for_brokers() -> None:
    report = build_report({'/cluster/id': CLUSTER_ID, '/controller': ZK_CONTROLLER, '/controller_epoch': b'1',
                           '/migration': MIGRATION_CREATED}, ['1', '2'])
    assert report['kraft_controller'] is False
    assert report['migration']['kraft_controller_id'] == -1
    assert report['migration_completed'] is False


def test_report_migrated() -> None:
    report = build_report({'/cluster/id': CLUSTER_ID, '/controller': KRAFT_CONTROLLER, '/controller_epoch': b'3',
                           '/migration': MIGRATION_DONE}, ['2', '1'])
    assert report['kraft_controller'] is True
    assert report['controller']['brokerid'] == 3000
    assert report['controller_epoch'] == 3
    assert report['migration_completed'] is True
    assert report['migration']['kraft_metadata_offset'] == 96
    assert report['broker_ids'] == [1, 2]


def test_report_empty_zookeeper() -> None:
    assert build_report({}, None) == dict(cluster_id=None, controller=None, kraft_controller=False,
                                          controller_epoch=None, migration=None, migration_completed=False,
                                          broker_ids=[])


def test_report_refuses_garbage() -> None:
    with pytest.raises(MigrationStateError, match='/migration does not hold JSON'):
        build_report({'/migration': b'garbage'}, [])
