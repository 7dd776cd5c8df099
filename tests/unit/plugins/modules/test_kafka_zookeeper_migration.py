# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Unit tests of the kafka_zookeeper_migration module: main() against a fake kazoo client."""

from __future__ import annotations

import json
import logging
import types
import typing as t

import pytest

from ansible.module_utils import basic

from ansible_collections.streamops.kafka.plugins.modules import kafka_zookeeper_migration as module

from module_harness import exit_json, fail_json, run_main

from kazoo.exceptions import BadVersionError, ConnectionLoss, NoNodeError
from kazoo.handlers.threading import KazooTimeoutError

CLUSTER_ID = b'{"version":"1","id":"4S9m8QM_RX2MLxVvv_OKGg"}'
KRAFT_CONTROLLER = b'{"version":2,"brokerid":3000,"timestamp":"1795309146850","kraftControllerEpoch":1}'
ZK_CONTROLLER = b'{"version":2,"brokerid":2,"timestamp":"1795309099116","kraftControllerEpoch":-1}'
MIGRATION_DONE = (b'{"version":0,"kraft_metadata_offset":96,"kraft_controller_id":3000,'
                  b'"kraft_metadata_epoch":1,"kraft_controller_epoch":1}')
MIGRATING = {'/cluster/id': CLUSTER_ID, '/controller': KRAFT_CONTROLLER, '/controller_epoch': b'3',
             '/migration': MIGRATION_DONE, '/brokers/ids': None}


class FakeKazoo:
    """Just what the module uses of KazooClient, over a dict of znodes (children of /brokers/ids apart)."""

    instances: list['FakeKazoo'] = []

    def __init__(self, znodes: dict[str, bytes | None], brokers: list[str] | None, fail_start: Exception | None = None,
                 bump: str | None = None, **kwargs: t.Any) -> None:
        self.znodes = {path: data for path, data in znodes.items() if data is not None}
        self.versions = {path: 4 for path in self.znodes}
        self.brokers = brokers
        self.fail_start = fail_start
        self.bump = bump  # a path some other client rewrites between read and delete
        self.kwargs = kwargs
        self.tls: dict[str, t.Any] = {}
        self.deleted: list[tuple[str, int]] = []
        self.stopped = False
        FakeKazoo.instances.append(self)

    def start(self, timeout: float) -> None:
        self.start_timeout = timeout
        if self.fail_start:
            # what kazoo logs for each failed connection attempt before its start times out
            for reason in self.kwargs.get('dropped', ()):
                logging.getLogger('kazoo.client').warning('Connection dropped: %s', reason)
            raise self.fail_start

    def get(self, path: str) -> tuple[bytes, t.Any]:
        if path not in self.znodes:
            raise NoNodeError(path)
        return self.znodes[path], types.SimpleNamespace(version=self.versions[path])

    def get_children(self, path: str) -> list[str]:
        assert path == '/brokers/ids'
        if self.brokers is None:
            raise NoNodeError(path)
        return list(self.brokers)

    def delete(self, path: str, version: int = -1) -> None:
        if path not in self.znodes:
            raise NoNodeError(path)
        if path == self.bump:
            raise BadVersionError(path)
        assert version == self.versions[path]
        self.deleted.append((path, version))
        del self.znodes[path]

    def stop(self) -> None:
        self.stopped = True

    def close(self) -> None:
        pass


class Run:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
        monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
        FakeKazoo.instances = []

    def __call__(self, args: dict[str, t.Any], znodes: dict[str, bytes | None] | None = None,
                 brokers: list[str] | None = None, **fake: t.Any) -> tuple[bool, dict[str, t.Any]]:
        def factory(hosts: str, timeout: float, connection_retry: dict[str, t.Any], **tls: t.Any) -> FakeKazoo:
            client = FakeKazoo(dict(znodes or {}), brokers, hosts=hosts, timeout=timeout,
                               connection_retry=connection_retry, **fake)
            client.tls = tls
            return client

        self.monkeypatch.setattr(module, 'KazooClient', factory)
        return run_main(module, args)

    @property
    def client(self) -> FakeKazoo:
        assert len(FakeKazoo.instances) == 1
        return FakeKazoo.instances[0]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Run:
    return Run(monkeypatch)


CONNECT = '10.0.0.1:2181,10.0.0.2:2181/kafka'


def test_reads_the_migration_state(run: Run) -> None:
    failed, result = run({'zookeeper_connect': CONNECT}, MIGRATING, ['2', '1'])
    assert failed is False
    assert result['changed'] is False
    assert result['cluster_id'] == '4S9m8QM_RX2MLxVvv_OKGg'
    assert result['controller'] == {'version': 2, 'brokerid': 3000, 'timestamp': '1795309146850',
                                    'kraftControllerEpoch': 1}
    assert result['kraft_controller'] is True
    assert result['controller_epoch'] == 3
    assert result['migration']['kraft_controller_id'] == 3000
    assert result['migration_completed'] is True
    assert result['broker_ids'] == [1, 2]
    assert result['removed'] == []
    assert run.client.kwargs['hosts'] == CONNECT
    assert run.client.kwargs['timeout'] == 10
    assert run.client.start_timeout == 10
    assert run.client.deleted == []
    assert run.client.stopped is True
    assert run.client.tls == {}  # plaintext unless ssl=true
    assert json.loads(json.dumps(result)) == result


def test_empty_zookeeper(run: Run) -> None:
    failed, result = run({'zookeeper_connect': '127.0.0.1:2181', 'timeout': 3}, {}, None)
    assert failed is False
    assert result == dict(changed=False, removed=[], cluster_id=None, controller=None, kraft_controller=False,
                          controller_epoch=None, migration=None, migration_completed=False, broker_ids=[])
    assert run.client.start_timeout == 3


def test_reset_deletes_controller_and_migration(run: Run) -> None:
    failed, result = run({'zookeeper_connect': CONNECT, 'reset': True}, MIGRATING, [])
    assert failed is False
    assert result['changed'] is True
    assert result['removed'] == ['/controller', '/migration']
    # what the znodes held before
    assert result['kraft_controller'] is True
    assert result['migration']['kraft_metadata_offset'] == 96
    assert run.client.deleted == [('/controller', 4), ('/migration', 4)]
    assert set(run.client.znodes) == {'/cluster/id', '/controller_epoch'}


def test_reset_check_mode_deletes_nothing(run: Run) -> None:
    failed, result = run({'zookeeper_connect': CONNECT, 'reset': True, '_ansible_check_mode': True}, MIGRATING, [])
    assert failed is False
    assert result['changed'] is True
    assert result['removed'] == ['/controller', '/migration']
    assert run.client.deleted == []


def test_reset_only_what_exists(run: Run) -> None:
    znodes = {'/cluster/id': CLUSTER_ID, '/controller': ZK_CONTROLLER, '/controller_epoch': b'1'}
    failed, result = run({'zookeeper_connect': CONNECT, 'reset': True}, znodes, ['1', '2'])
    assert failed is False
    assert result['changed'] is True
    assert result['removed'] == ['/controller']
    assert result['kraft_controller'] is False


def test_reset_nothing_to_delete(run: Run) -> None:
    failed, result = run({'zookeeper_connect': CONNECT, 'reset': True}, {'/cluster/id': CLUSTER_ID}, ['1'])
    assert failed is False
    assert result['changed'] is False
    assert result['removed'] == []


def test_reset_refuses_a_znode_rewritten_meanwhile(run: Run) -> None:
    failed, result = run({'zookeeper_connect': CONNECT, 'reset': True}, MIGRATING, [], bump='/migration')
    assert failed is True
    assert result['msg'] == ('/migration changed while it was being deleted: is a KRaft controller still running? '
                             'Stop every KRaft controller before the reset (ZooKeeper at 10.0.0.1:2181,10.0.0.2:2181/kafka)')


def test_unreachable_names_the_servers(run: Run) -> None:
    failed, result = run({'zookeeper_connect': CONNECT, 'timeout': 2}, fail_start=KazooTimeoutError('Connection time-out'))
    assert failed is True
    assert result['msg'] == 'Cannot connect to ZooKeeper at 10.0.0.1:2181,10.0.0.2:2181: no server answered within 2 s'
    assert 'removed' not in result


def test_read_error(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    def lost(_self: FakeKazoo, path: str) -> t.NoReturn:
        raise ConnectionLoss()

    monkeypatch.setattr(FakeKazoo, 'get', lost)
    failed, result = run({'zookeeper_connect': CONNECT}, MIGRATING, [])
    assert failed is True
    assert result['msg'].startswith('Cannot read the migration state from ZooKeeper at 10.0.0.1:2181,10.0.0.2:2181/kafka: '
                                    'ConnectionLoss')


def test_garbage_is_reported_and_nothing_deleted(run: Run) -> None:
    znodes = dict(MIGRATING, **{'/migration': b'not json'})
    failed, result = run({'zookeeper_connect': CONNECT, 'reset': True}, znodes, [])
    assert failed is True
    assert result['msg'].startswith('Unexpected content in ZooKeeper at 10.0.0.1:2181,10.0.0.2:2181/kafka: '
                                    '/migration does not hold JSON')
    assert run.client.deleted == []


@pytest.mark.parametrize('args, message', [
    ({'zookeeper_connect': 'zk1:2181,'}, "zookeeper_connect has an invalid server ''"),
    ({'zookeeper_connect': 'zk1:2181', 'timeout': 0}, 'timeout must be a positive number of seconds, got 0'),
])
def test_invalid_options(run: Run, args: dict[str, t.Any], message: str) -> None:
    failed, result = run(args)
    assert failed is True
    assert result['msg'].startswith(message)
    assert FakeKazoo.instances == []


def test_missing_kazoo(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, 'HAS_KAZOO', False)
    monkeypatch.setattr(module, 'KAZOO_IMPORT_ERROR', 'Traceback: No module named kazoo')
    failed, result = run({'zookeeper_connect': CONNECT})
    assert failed is True
    assert 'kazoo' in result['msg']
    assert FakeKazoo.instances == []


# --------------------------------------------------------------------------- TLS options

def test_ssl_options_reach_kazoo(run: Run, tmp_path: t.Any) -> None:
    ca = tmp_path / 'ca.pem'
    keystore = tmp_path / 'client.pem'
    ca.write_text('CA')
    keystore.write_text('KEY+CERT')
    failed, result = run({'zookeeper_connect': '127.0.0.1:2281', 'ssl': True, 'ssl_cafile': str(ca),
                          'ssl_certfile': str(keystore)}, {'/cluster/id': CLUSTER_ID}, ['1'])
    assert failed is False and result['cluster_id'] == '4S9m8QM_RX2MLxVvv_OKGg'
    assert run.client.tls == dict(use_ssl=True, ca=str(ca), certfile=str(keystore), keyfile=str(keystore),
                                  verify_certs=True, check_hostname=True)


def test_tls_failure_is_named_on_timeout(run: Run) -> None:
    dropped = ['socket connection error: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: '
               'self-signed certificate in certificate chain (_ssl.c:1006)']
    failed, result = run({'zookeeper_connect': '127.0.0.1:2281', 'ssl': True, 'timeout': 2},
                         fail_start=KazooTimeoutError('Connection time-out'), dropped=dropped)
    assert failed is True
    assert result['msg'] == ('Cannot connect to ZooKeeper at 127.0.0.1:2281 over TLS: no server answered within 2 s '
                             '(connection errors: %s)' % dropped[0])
    assert not any(isinstance(h, module.KazooConnectionErrors) for h in logging.getLogger('kazoo').handlers)


@pytest.mark.parametrize('args, message', [
    ({'ssl_certfile': '/etc/kafka/client.pem'}, 'ssl_certfile=/etc/kafka/client.pem is only used with ssl=true'),
    ({'ssl': True, 'ssl_cafile': '/nonexistent/ca.pem'}, 'ssl_cafile=/nonexistent/ca.pem: no such file'),
])
def test_bad_tls_options_fail_before_connecting(run: Run, args: dict[str, t.Any], message: str) -> None:
    failed, result = run(dict(args, zookeeper_connect=CONNECT))
    assert failed is True and result['msg'] == message
    assert FakeKazoo.instances == []
