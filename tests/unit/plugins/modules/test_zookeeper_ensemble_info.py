# -*- coding: utf-8 -*-
# Copyright: (c) 2025, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Unit tests of the zookeeper_ensemble_info module: main() with a patched probe."""

from __future__ import annotations

import json
import ssl
import typing as t

import pytest

from ansible.module_utils import basic

from ansible_collections.streamops.kafka.plugins.module_utils import _zookeeper as zk
from ansible_collections.streamops.kafka.plugins.modules import zookeeper_ensemble_info as module

from module_harness import exit_json, fail_json, run_main


VERSION = 'Zookeeper version: 3.8.4-9316c2a7a97e1666d8f4593f34dd6fc36ecc436c, built on 2024-02-12 22:16 UTC\n'


def srvr(mode: str, zxid: str = '0x100000004') -> str:
    return (VERSION
            + 'Latency min/avg/max: 0/0.5/12\nReceived: 36\nSent: 35\nConnections: 3\nOutstanding: 0\n'
            + 'Zxid: %s\nMode: %s\nNode count: 5\n' % (zxid, mode))


LEADER = srvr('leader')
FOLLOWER = srvr('follower', '0x100000003')
OBSERVER = srvr('observer', '0x100000003')
STANDALONE = srvr('standalone', '0x0')
WHITELIST = 'srvr is not executed because it is not in the whitelist.\n'
NOT_SERVING = 'This ZooKeeper instance is not currently serving requests\n'
UNREACHABLE = object()
# A CA certificate (EC P-256, valid 2026-2126) for the ssl_cafile tests: the module loads it into its TLS context.
CA_PEM = """\
-----BEGIN CERTIFICATE-----
MIIBPjCB5aADAgECAgEBMAoGCCqGSM49BAMCMBwxGjAYBgNVBAMMEXN0cmVhbW9w
cyB1bml0IENBMCAXDTI2MDEwMTAwMDAwMFoYDzIxMjYwMTAxMDAwMDAwWjAcMRow
GAYDVQQDDBFzdHJlYW1vcHMgdW5pdCBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEH
A0IABChCtxtYllkliiQmhSR7p/Hl6W2+/nadKKJNUULPPlQLXjnLyvtL/yDB5wte
Mw+VAW3hiBerjS+1EOWoCFzkntejFjAUMBIGA1UdEwEB/wQIMAYBAf8CAQAwCgYI
KoZIzj0EAwIDSAAwRQIhAL0OUU4sFVnAsGRCtDIxU3WjRCyYiwiGTEQDZzfIfPrx
AiA8qrpIRp52uAr0UfzBZ5wKXWzcG+ZA6mp4S1y3zEhxJg==
-----END CERTIFICATE-----
"""


class Run:
    """Run the module's main() against canned answers per ``host:port``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.probed: list[tuple[str, int, float]] = []
        self.contexts: list[t.Any] = []
        monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
        monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)

    def __call__(self, args: dict[str, t.Any], answers: dict[str, t.Any]) -> tuple[bool, dict[str, t.Any]]:
        def fake_probe(host: str, port: int, timeout: float, context: t.Any = None) -> dict[str, t.Any]:
            self.probed.append((host, port, timeout))
            self.contexts.append(context)
            key = ('[%s]:%d' if ':' in host else '%s:%d') % (host, port)
            answer = answers[key]
            if isinstance(answer, dict):  # a whole probe record, e.g. a failed TLS handshake
                return dict(zk.empty_server(), **answer)
            if answer is UNREACHABLE:
                record = zk.empty_server()
                record.update(mode='unreachable', error='connection refused')
                return record
            return zk.parse_srvr(answer)

        self.monkeypatch.setattr(module, 'probe', fake_probe)
        return run_main(module, args)


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Run:
    return Run(monkeypatch)


SERVERS = ['10.0.0.1:2181', '10.0.0.2:2181', '10.0.0.3:2181']


def test_healthy(run: Run) -> None:
    failed, result = run({'servers': SERVERS, 'expected_voters': 3},
                         {'10.0.0.1:2181': FOLLOWER, '10.0.0.2:2181': LEADER, '10.0.0.3:2181': FOLLOWER})
    assert failed is False
    assert result['changed'] is False
    assert result['healthy'] is True
    assert result['leader'] == '10.0.0.2:2181'
    assert result['problems'] == []
    assert result['counts'] == {'leader': 1, 'follower': 2, 'observer': 0, 'standalone': 0, 'unreachable': 0,
                                'not_serving': 0}
    assert [s['address'] for s in result['servers']] == SERVERS
    assert [s['mode'] for s in result['servers']] == ['follower', 'leader', 'follower']
    assert result['servers'][1]['zxid'] == 0x100000004
    assert result['servers'][1]['epoch'] == 1
    assert result['servers'][1]['version'] == '3.8.4-9316c2a7a97e1666d8f4593f34dd6fc36ecc436c'
    assert result['servers'][1]['latency'] == {'min': 0, 'avg': 0.5, 'max': 12}
    assert result['servers'][0]['error'] is None
    assert set(result['servers'][0]) == set(zk.SERVER_KEYS)
    assert run.probed == [('10.0.0.1', 2181, 5.0), ('10.0.0.2', 2181, 5.0), ('10.0.0.3', 2181, 5.0)]
    # The result is plain JSON data.
    assert json.loads(json.dumps(result)) == result


def test_check_mode_still_probes(run: Run) -> None:
    failed, result = run({'servers': SERVERS, '_ansible_check_mode': True, 'timeout': 1.5},
                         {'10.0.0.1:2181': FOLLOWER, '10.0.0.2:2181': LEADER, '10.0.0.3:2181': FOLLOWER})
    assert failed is False
    assert result['changed'] is False
    assert result['healthy'] is True
    assert len(run.probed) == 3
    assert {p[2] for p in run.probed} == {1.5}


def test_unreachable_fails_with_data(run: Run) -> None:
    failed, result = run({'servers': SERVERS},
                         {'10.0.0.1:2181': FOLLOWER, '10.0.0.2:2181': LEADER, '10.0.0.3:2181': UNREACHABLE})
    assert failed is True
    assert result['msg'] == 'ZooKeeper ensemble is not healthy: 10.0.0.3:2181: unreachable (connection refused)'
    assert result['healthy'] is False
    assert result['leader'] == '10.0.0.2:2181'
    assert result['problems'] == ['10.0.0.3:2181: unreachable (connection refused)']
    assert result['servers'][2]['mode'] == 'unreachable'
    assert result['counts']['unreachable'] == 1
    assert result['changed'] is False


def test_unhealthy_without_failing(run: Run) -> None:
    failed, result = run({'servers': SERVERS, 'fail_on_unhealthy': False},
                         {'10.0.0.1:2181': NOT_SERVING, '10.0.0.2:2181': UNREACHABLE, '10.0.0.3:2181': WHITELIST})
    assert failed is False
    assert result['healthy'] is False
    assert result['leader'] is None
    assert [s['mode'] for s in result['servers']] == ['not_serving', 'unreachable', 'not_serving']
    assert len(result['problems']) == 4
    assert result['problems'][0].startswith('10.0.0.1:2181: not serving (not serving requests')
    assert result['problems'][1] == '10.0.0.2:2181: unreachable (connection refused)'
    assert 'whitelist' in result['problems'][2]
    assert result['problems'][3] == 'no leader: none of the listed servers is serving'


def test_split_brain_fails_naming_both_leaders(run: Run) -> None:
    failed, result = run({'servers': SERVERS},
                         {'10.0.0.1:2181': LEADER, '10.0.0.2:2181': srvr('leader', '0x200000001'),
                          '10.0.0.3:2181': FOLLOWER})
    assert failed is True
    assert result['leader'] is None
    assert '10.0.0.1:2181 (epoch 1)' in result['msg']
    assert '10.0.0.2:2181 (epoch 2)' in result['msg']
    assert result['msg'].startswith('ZooKeeper ensemble is not healthy: split brain: 2 servers claim')


def test_leaderless_fails(run: Run) -> None:
    failed, result = run({'servers': SERVERS},
                         {'10.0.0.1:2181': FOLLOWER, '10.0.0.2:2181': NOT_SERVING, '10.0.0.3:2181': FOLLOWER})
    assert failed is True
    assert 'no leader' in result['msg']
    assert '10.0.0.2:2181: not serving' in result['msg']


def test_expected_counts_mismatch(run: Run) -> None:
    answers = {'10.0.0.1:2181': FOLLOWER, '10.0.0.2:2181': LEADER, '10.0.0.3:2181': OBSERVER}
    failed, result = run({'servers': SERVERS, 'expected_voters': 3, 'expected_observers': 0}, answers)
    assert failed is True
    assert result['problems'] == [
        'expected 3 voters (leader + followers), found 2 serving: 10.0.0.1:2181, 10.0.0.2:2181',
        'expected 0 observers, found 1 serving: 10.0.0.3:2181',
    ]
    failed, result = run({'servers': SERVERS, 'expected_voters': 2, 'expected_observers': 1}, answers)
    assert failed is False
    assert result['healthy'] is True
    assert result['counts']['observer'] == 1


def test_standalone(run: Run) -> None:
    failed, result = run({'servers': ['[::1]:2181']}, {'[::1]:2181': STANDALONE})
    assert failed is False
    assert result['healthy'] is True
    assert result['leader'] is None
    assert result['servers'][0]['address'] == '[::1]:2181'
    assert result['servers'][0]['mode'] == 'standalone'
    assert run.probed == [('::1', 2181, 5.0)]


@pytest.mark.parametrize('servers, words', [
    (['10.0.0.1:2181', 'zk2'], "invalid server address 'zk2': missing \":port\""),
    (['10.0.0.1:99999'], "invalid server address '10.0.0.1:99999': port 99999 is not in 1-65535"),
    (['::1:2181'], "invalid server address '::1:2181'"),
    ([':2181'], "invalid server address ':2181': empty host"),
    (['10.0.0.1:2181', '10.0.0.1:2181'], "server address '10.0.0.1:2181' is listed more than once"),
    ([], 'servers must list at least one'),
])
def test_bad_addresses_fail_before_probing(run: Run, servers: list[str], words: str) -> None:
    failed, result = run({'servers': servers}, {})
    assert failed is True
    assert words in result['msg']
    assert run.probed == []
    assert 'servers' not in result


def test_every_bad_address_is_named(run: Run) -> None:
    failed, result = run({'servers': ['a', 'b:0', 'c:2181']}, {})
    assert failed is True
    assert "'a'" in result['msg'] and "'b:0'" in result['msg']
    assert "'c:2181'" not in result['msg']


@pytest.mark.parametrize('args, words', [
    ({'timeout': 0}, 'timeout must be a positive number'),
    ({'expected_voters': -1}, 'expected_voters must not be negative'),
    ({'expected_observers': -2}, 'expected_observers must not be negative'),
])
def test_bad_numbers(run: Run, args: dict[str, t.Any], words: str) -> None:
    args['servers'] = SERVERS
    failed, result = run(args, {})
    assert failed is True
    assert words in result['msg']
    assert run.probed == []


def test_servers_required(run: Run) -> None:
    failed, result = run({}, {})
    assert failed is True
    assert 'servers' in result['msg']


def fake_clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """time.monotonic/sleep of the module: the clock moves only when the module sleeps."""
    clock = [0.0]
    monkeypatch.setattr(module.time, 'monotonic', lambda: clock[0])
    monkeypatch.setattr(module.time, 'sleep', lambda s: clock.__setitem__(0, clock[0] + s))
    return clock


class Election(dict):
    """Answers per address that change: each address's list is consumed one probe at a time (the last stays)."""

    def __getitem__(self, key: str) -> t.Any:
        answers = dict.__getitem__(self, key)
        return answers.pop(0) if len(answers) > 1 else answers[0]


def test_wait_until_healthy_probes_until_the_election_is_over(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = fake_clock(monkeypatch)
    failed, result = run({'servers': SERVERS, 'wait_until': 'healthy', 'wait_interval': 0.5},
                         Election({'10.0.0.1:2181': [NOT_SERVING, NOT_SERVING, FOLLOWER],
                                   '10.0.0.2:2181': [UNREACHABLE, LEADER], '10.0.0.3:2181': [FOLLOWER]}))
    assert failed is False, result
    assert result['healthy'] is True and result['leader'] == '10.0.0.2:2181'
    assert result['waited'] == {'seconds': 1.0, 'reads': 3} and clock == [1.0] and len(run.probed) == 9


def test_wait_until_serving_is_met_by_a_follower_alone(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_clock(monkeypatch)
    failed, result = run({'servers': ['10.0.0.1:2181'], 'wait_until': 'serving', 'fail_on_unhealthy': False},
                         Election({'10.0.0.1:2181': [UNREACHABLE, FOLLOWER]}))
    assert failed is False, result
    assert result['servers'][0]['mode'] == 'follower' and result['waited']['reads'] == 2


def test_wait_until_fails_at_the_timeout_naming_the_problems(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = fake_clock(monkeypatch)
    failed, result = run({'servers': SERVERS, 'wait_until': 'healthy', 'wait_timeout': 5, 'fail_on_unhealthy': False},
                         {'10.0.0.1:2181': FOLLOWER, '10.0.0.2:2181': LEADER, '10.0.0.3:2181': UNREACHABLE})
    assert failed is True
    assert result['msg'] == ('After 5.0 s (6 probes) the ZooKeeper servers are not healthy: '
                             '10.0.0.3:2181: unreachable (connection refused)')
    assert clock == [5.0] and result['waited'] == {'seconds': 5.0, 'reads': 6} and result['healthy'] is False


def test_without_wait_until_one_probe(run: Run) -> None:
    failed, result = run({'servers': SERVERS, 'fail_on_unhealthy': False},
                         {'10.0.0.1:2181': FOLLOWER, '10.0.0.2:2181': LEADER, '10.0.0.3:2181': UNREACHABLE})
    assert failed is False and 'waited' not in result and len(run.probed) == 3


@pytest.mark.parametrize('args, message', [
    ({'wait_timeout': -1}, 'wait_timeout must be 0 or more seconds, got -1'),
    ({'wait_interval': 0}, 'wait_interval must be more than 0 seconds, got 0.0'),
])
def test_bad_wait_options_fail_before_probing(run: Run, args: dict[str, t.Any], message: str) -> None:
    failed, result = run({'servers': SERVERS, 'wait_until': 'healthy', **args}, {})
    assert failed is True and result['msg'] == message and run.probed == []


# --------------------------------------------------------------------------- TLS options

def test_without_ssl_no_tls_context(run: Run) -> None:
    failed, _result = run({'servers': SERVERS[:1]}, {'10.0.0.1:2181': STANDALONE})
    assert failed is False and run.contexts == [None]


def test_ssl_probes_every_server_with_one_context(run: Run, tmp_path: t.Any) -> None:
    ca = tmp_path / 'ca.pem'
    ca.write_text(CA_PEM)
    failed, result = run({'servers': SERVERS, 'ssl': True, 'ssl_cafile': str(ca), 'ssl_check_hostname': False},
                         {'10.0.0.1:2181': FOLLOWER, '10.0.0.2:2181': LEADER, '10.0.0.3:2181': FOLLOWER})
    assert failed is False and result['healthy'] is True
    assert len(run.contexts) == 3 and len({id(c) for c in run.contexts}) == 1
    context = run.contexts[0]
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname is False
    assert [cert['subject'] for cert in context.get_ca_certs()] == [((('commonName', 'streamops unit CA'),),)]


def test_tls_handshake_failure_names_the_server(run: Run) -> None:
    refused = dict(mode='unreachable', error='TLS handshake failed: certificate verify failed: '
                                             'self-signed certificate in certificate chain')
    failed, result = run({'servers': SERVERS[:1], 'ssl': True}, {'10.0.0.1:2181': refused})
    assert failed is True
    assert result['msg'] == ('ZooKeeper ensemble is not healthy: 10.0.0.1:2181: unreachable (TLS handshake failed: '
                             'certificate verify failed: self-signed certificate in certificate chain); '
                             'no leader: none of the listed servers is serving')
    assert isinstance(run.contexts[0], ssl.SSLContext) and run.contexts[0].check_hostname is True


@pytest.mark.parametrize('args, message', [
    ({'ssl_cafile': '/etc/zk/ca.pem'}, 'ssl_cafile=/etc/zk/ca.pem is only used with ssl=true'),
    ({'ssl': True, 'ssl_cafile': '/nonexistent/ca.pem'}, 'ssl_cafile=/nonexistent/ca.pem: no such file'),
    ({'ssl': True, 'ssl_keyfile': '/nonexistent/client.key'},
     'ssl_keyfile=/nonexistent/client.key needs ssl_certfile, the client certificate of that key; '
     'ssl_keyfile=/nonexistent/client.key: no such file'),
])
def test_bad_tls_options_fail_before_probing(run: Run, args: dict[str, t.Any], message: str) -> None:
    failed, result = run(dict(args, servers=SERVERS), {})
    assert failed is True and result['msg'] == message and run.probed == []


def test_unusable_ca_file_fails_before_probing(run: Run, tmp_path: t.Any) -> None:
    ca = tmp_path / 'ca.pem'
    ca.write_text('not a certificate\n')
    failed, result = run({'servers': SERVERS, 'ssl': True, 'ssl_cafile': str(ca)}, {})
    assert failed is True and run.probed == []
    assert result['msg'].startswith('ssl_cafile=%s holds no usable CA certificate (PEM): ' % ca)
