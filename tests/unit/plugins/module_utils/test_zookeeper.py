# -*- coding: utf-8 -*-
# Copyright: (c) 2025, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Unit tests for plugins/module_utils/_zookeeper.py.

The answers below are shaped like those of real ZooKeeper servers of each release
(3.4 ... 3.9): ``srvr`` lines ``Key: value``, ``mntr`` lines ``key<TAB>value``.
"""

from __future__ import annotations

import socket
import threading
import typing as t

import pytest

from ansible_collections.streamops.kafka.plugins.module_utils import _zookeeper as zk
from ansible_collections.streamops.kafka.plugins.module_utils._zookeeper import (
    AddressError,
    evaluate,
    parse_address,
    parse_mntr,
    parse_srvr,
    probe,
)

# --------------------------------------------------------------------------- answers

SRVR_34_FOLLOWER = (
    'Zookeeper version: 3.4.14-4c25d480e66aadd371de8bd2fd8da255ac140bcf, built on 03/06/2019 16:18 GMT\n'
    'Latency min/avg/max: 0/0/0\n'
    'Received: 12\n'
    'Sent: 11\n'
    'Connections: 1\n'
    'Outstanding: 0\n'
    'Zxid: 0x100000002\n'
    'Mode: follower\n'
    'Node count: 4\n'
)

SRVR_35_LEADER = (
    'Zookeeper version: 3.5.9-83df9301aa5c2a5d284a9940177808c01bc35cef, built on 01/06/2021 19:49 GMT\n'
    'Latency min/avg/max: 0/0/2209\n'
    'Received: 278202469\n'
    'Sent: 279449055\n'
    'Connections: 31\n'
    'Outstanding: 0\n'
    'Zxid: 0x20033fc12\n'
    'Mode: leader\n'
    'Node count: 10084\n'
    'Proposal sizes last/min/max: 36/32/31260\n'
)

SRVR_36_FOLLOWER = (
    'Zookeeper version: 3.6.4--d65253dcf68e9097c6e95a126463fd5fdeb4521c, built on 12/18/2022 18:10 GMT\n'
    'Latency min/avg/max: 0/0.3333/2\n'
    'Received: 7\n'
    'Sent: 6\n'
    'Connections: 1\n'
    'Outstanding: 0\n'
    'Zxid: 0x300000007\n'
    'Mode: follower\n'
    'Node count: 6\n'
)

SRVR_37_OBSERVER = (
    'Zookeeper version: 3.7.2-8d1e0a8d0ad9d5e2e14e2e5fd4df0e1f0ea9b5fe, built on 2023-10-05 07:09 UTC\n'
    'Latency min/avg/max: 1/1.5/2\n'
    'Received: 4\n'
    'Sent: 3\n'
    'Connections: 2\n'
    'Outstanding: 1\n'
    'Zxid: 0x30000000a\n'
    'Mode: observer\n'
    'Node count: 6\n'
)

SRVR_38_LEADER = (
    'Zookeeper version: 3.8.4-9316c2a7a97e1666d8f4593f34dd6fc36ecc436c, built on 2024-02-12 22:16 UTC\n'
    'Latency min/avg/max: 0/0.5/12\n'
    'Received: 36\n'
    'Sent: 35\n'
    'Connections: 3\n'
    'Outstanding: 0\n'
    'Zxid: 0x100000004\n'
    'Mode: leader\n'
    'Node count: 5\n'
    'Proposal sizes last/min/max: 48/48/48\n'
)

SRVR_38_FOLLOWER = SRVR_38_LEADER.replace('Mode: leader', 'Mode: follower').replace(
    'Proposal sizes last/min/max: 48/48/48\n', '').replace('Zxid: 0x100000004', 'Zxid: 0x100000003')

SRVR_39_STANDALONE = (
    'Zookeeper version: 3.9.3-c26634f34490bb0ea7a09cc51e05ede3b4e320ee, built on 2024-10-17 23:21 UTC\n'
    'Latency min/avg/max: 0/0.0/0\n'
    'Received: 2\n'
    'Sent: 1\n'
    'Connections: 1\n'
    'Outstanding: 0\n'
    'Zxid: 0x0\n'
    'Mode: standalone\n'
    'Node count: 5\n'
)

SRVR_39_FOLLOWER_EPOCH_0 = SRVR_39_STANDALONE.replace('Mode: standalone', 'Mode: follower')

SRVR_WHITELIST = 'srvr is not executed because it is not in the whitelist.\n'
MNTR_WHITELIST = 'mntr is not executed because it is not in the whitelist.\n'
NOT_SERVING = 'This ZooKeeper instance is not currently serving requests\n'

MNTR_34_LEADER = (
    'zk_version\t3.4.14-4c25d480e66aadd371de8bd2fd8da255ac140bcf, built on 03/06/2019 16:18 GMT\n'
    'zk_avg_latency\t0\n'
    'zk_max_latency\t0\n'
    'zk_min_latency\t0\n'
    'zk_packets_received\t70\n'
    'zk_packets_sent\t69\n'
    'zk_num_alive_connections\t1\n'
    'zk_outstanding_requests\t0\n'
    'zk_server_state\tleader\n'
    'zk_znode_count\t4\n'
    'zk_watch_count\t0\n'
    'zk_ephemerals_count\t0\n'
    'zk_approximate_data_size\t27\n'
    'zk_open_file_descriptor_count\t23\n'
    'zk_max_file_descriptor_count\t4096\n'
    'zk_fsync_threshold_exceed_count\t0\n'
    'zk_followers\t2\n'
    'zk_synced_followers\t2\n'
    'zk_pending_syncs\t0\n'
    'zk_last_proposal_size\t-1\n'
    'zk_max_proposal_size\t-1\n'
    'zk_min_proposal_size\t-1\n'
)

MNTR_35_FOLLOWER = (
    'zk_version\t3.5.9-83df9301aa5c2a5d284a9940177808c01bc35cef, built on 01/06/2021 19:49 GMT\n'
    'zk_avg_latency\t0\n'
    'zk_max_latency\t2209\n'
    'zk_min_latency\t0\n'
    'zk_packets_received\t190\n'
    'zk_packets_sent\t189\n'
    'zk_num_alive_connections\t7\n'
    'zk_outstanding_requests\t0\n'
    'zk_server_state\tfollower\n'
    'zk_znode_count\t313\n'
    'zk_watch_count\t2\n'
    'zk_ephemerals_count\t4\n'
    'zk_approximate_data_size\t25605\n'
    'zk_open_file_descriptor_count\t106\n'
    'zk_max_file_descriptor_count\t65536\n'
)

MNTR_36_LEADER = (
    'zk_version\t3.6.4--d65253dcf68e9097c6e95a126463fd5fdeb4521c, built on 12/18/2022 18:10 GMT\n'
    'zk_server_state\tleader\n'
    'zk_peer_state\tleading - broadcast\n'
    'zk_ephemerals_count\t0\n'
    'zk_num_alive_connections\t1\n'
    'zk_avg_latency\t0.3333\n'
    'zk_outstanding_requests\t0\n'
    'zk_znode_count\t6\n'
    'zk_global_sessions\t0\n'
    'zk_non_mtls_remote_conn_count\t0\n'
    'zk_last_client_response_size\t16\n'
    'zk_packets_sent\t6\n'
    'zk_packets_received\t7\n'
    'zk_max_client_response_size\t16\n'
    'zk_connection_drop_probability\t0.0\n'
    'zk_watch_count\t1\n'
    'zk_auth_failed_count\t0\n'
    'zk_min_latency\t0\n'
    'zk_max_file_descriptor_count\t1048576\n'
    'zk_approximate_data_size\t44\n'
    'zk_open_file_descriptor_count\t71\n'
    'zk_local_sessions\t0\n'
    'zk_uptime\t1473697\n'
    'zk_max_latency\t2\n'
    'zk_outstanding_tls_handshake\t0\n'
    'zk_min_client_response_size\t16\n'
    'zk_non_mtls_local_conn_count\t0\n'
    'zk_quorum_size\t3\n'
    'zk_learners\t2\n'
    'zk_synced_followers\t2\n'
    'zk_synced_non_voting_followers\t0\n'
    'zk_synced_observers\t0\n'
    'zk_pending_syncs\t0\n'
    'zk_leader_uptime\t1473500\n'
    'zk_last_proposal_size\t48\n'
    'zk_max_proposal_size\t48\n'
    'zk_min_proposal_size\t48\n'
    'zk_avg_follower_sync_time\t0.0\n'
    'zk_min_follower_sync_time\t0\n'
    'zk_max_follower_sync_time\t0\n'
    'zk_cnt_follower_sync_time\t0\n'
    'zk_sum_follower_sync_time\t0\n'
    'zk_p50_follower_sync_time\t0\n'
)

MNTR_37_FOLLOWER = (
    'zk_version\t3.7.0-e3704b390a6697bfdf4b0bef79e3da7a4f6bac4b, built on 2021-03-17 09:46 UTC\n'
    'zk_server_state\tfollower\n'
    'zk_peer_state\tfollowing - broadcast\n'
    'zk_ephemerals_count\t0\n'
    'zk_num_alive_connections\t2\n'
    'zk_avg_latency\t0.2778\n'
    'zk_outstanding_requests\t0\n'
    'zk_znode_count\t10\n'
    'zk_global_sessions\t1\n'
    'zk_packets_sent\t21\n'
    'zk_packets_received\t21\n'
    'zk_connection_drop_probability\t0.0\n'
    'zk_watch_count\t0\n'
    'zk_min_latency\t0\n'
    'zk_max_file_descriptor_count\t4096\n'
    'zk_approximate_data_size\t269\n'
    'zk_open_file_descriptor_count\t75\n'
    'zk_uptime\t1473697\n'
    'zk_max_latency\t1\n'
    'zk_quorum_size\t3\n'
)

MNTR_38_LEADER = MNTR_36_LEADER.replace(
    '3.6.4--d65253dcf68e9097c6e95a126463fd5fdeb4521c, built on 12/18/2022 18:10 GMT',
    '3.8.4-9316c2a7a97e1666d8f4593f34dd6fc36ecc436c, built on 2024-02-12 22:16 UTC',
).replace('zk_znode_count\t6\n', 'zk_znode_count\t5\n').replace('zk_learners\t2\n', 'zk_learners\t3\n')

MNTR_39_FOLLOWER = MNTR_37_FOLLOWER.replace(
    '3.7.0-e3704b390a6697bfdf4b0bef79e3da7a4f6bac4b, built on 2021-03-17 09:46 UTC',
    '3.9.3-c26634f34490bb0ea7a09cc51e05ede3b4e320ee, built on 2024-10-17 23:21 UTC',
)


# --------------------------------------------------------------------------- parse_srvr

@pytest.mark.parametrize('text, expected', [
    (SRVR_34_FOLLOWER, dict(mode='follower', zxid=0x100000002, epoch=1,
                            version='3.4.14-4c25d480e66aadd371de8bd2fd8da255ac140bcf',
                            latency={'min': 0, 'avg': 0, 'max': 0}, connections=1, outstanding=0, node_count=4)),
    (SRVR_35_LEADER, dict(mode='leader', zxid=0x20033fc12, epoch=2,
                          version='3.5.9-83df9301aa5c2a5d284a9940177808c01bc35cef',
                          latency={'min': 0, 'avg': 0, 'max': 2209}, connections=31, outstanding=0,
                          node_count=10084)),
    (SRVR_36_FOLLOWER, dict(mode='follower', zxid=0x300000007, epoch=3,
                            version='3.6.4--d65253dcf68e9097c6e95a126463fd5fdeb4521c',
                            latency={'min': 0, 'avg': 0.3333, 'max': 2}, connections=1, outstanding=0,
                            node_count=6)),
    (SRVR_37_OBSERVER, dict(mode='observer', zxid=0x30000000a, epoch=3,
                            version='3.7.2-8d1e0a8d0ad9d5e2e14e2e5fd4df0e1f0ea9b5fe',
                            latency={'min': 1, 'avg': 1.5, 'max': 2}, connections=2, outstanding=1,
                            node_count=6)),
    (SRVR_38_LEADER, dict(mode='leader', zxid=4294967300, epoch=1,
                          version='3.8.4-9316c2a7a97e1666d8f4593f34dd6fc36ecc436c',
                          latency={'min': 0, 'avg': 0.5, 'max': 12}, connections=3, outstanding=0, node_count=5)),
    (SRVR_39_STANDALONE, dict(mode='standalone', zxid=0, epoch=0,
                              version='3.9.3-c26634f34490bb0ea7a09cc51e05ede3b4e320ee',
                              latency={'min': 0, 'avg': 0.0, 'max': 0}, connections=1, outstanding=0,
                              node_count=5)),
])
def test_parse_srvr_releases(text: str, expected: dict[str, t.Any]) -> None:
    result = parse_srvr(text)
    for key, value in expected.items():
        assert result[key] == value, key
        assert type(result[key]) is type(value), key  # noqa: E721 - ints stay ints, floats floats
    assert result['error'] is None
    assert set(result) == set(zk.SERVER_KEYS)
    # srvr alone gives no mntr figures
    assert result['followers'] is None and result['znode_count'] is None


def test_parse_srvr_latency_types() -> None:
    assert isinstance(parse_srvr(SRVR_34_FOLLOWER)['latency']['avg'], int)
    assert isinstance(parse_srvr(SRVR_38_LEADER)['latency']['avg'], float)


def test_parse_srvr_crlf_line_endings() -> None:
    result = parse_srvr(SRVR_38_FOLLOWER.replace('\n', '\r\n'))
    assert result['mode'] == 'follower'
    assert result['node_count'] == 5


def test_parse_srvr_whitelist_refusal() -> None:
    result = parse_srvr(SRVR_WHITELIST)
    assert result['mode'] == 'not_serving'
    assert 'whitelist' in result['error']
    assert '4lw.commands.whitelist' in result['error']
    assert result['zxid'] is None


def test_parse_srvr_not_serving() -> None:
    result = parse_srvr(NOT_SERVING)
    assert result['mode'] == 'not_serving'
    assert 'not serving' in result['error']
    # Some releases print the version line first.
    result = parse_srvr('Zookeeper version: 3.8.4-9316c2a7a97e1666d8f4593f34dd6fc36ecc436c, built on '
                        '2024-02-12 22:16 UTC\n' + NOT_SERVING)
    assert result['mode'] == 'not_serving'
    assert result['version'] == '3.8.4-9316c2a7a97e1666d8f4593f34dd6fc36ecc436c'


@pytest.mark.parametrize('text', ['', '\n', '   '])
def test_parse_srvr_empty(text: str) -> None:
    result = parse_srvr(text)
    assert result['mode'] == 'not_serving'
    assert result['error'].startswith('empty answer')


@pytest.mark.parametrize('cut', [
    SRVR_38_LEADER.index('Mode: leader') + len('Mode: lea'),  # cut inside the Mode line
    SRVR_38_LEADER.index('Zxid') + 4,  # cut before the zxid value
    SRVR_38_LEADER.index('Node count: 5') + len('Node cou'),  # after Mode, inside Node count
    SRVR_38_LEADER.index('Latency'),  # cut at a line boundary, half the lines missing
    20,  # inside the version line
])
def test_parse_srvr_truncated(cut: int) -> None:
    result = parse_srvr(SRVR_38_LEADER[:cut])
    assert result['mode'] == 'not_serving'
    assert result['error'].startswith('truncated or unexpected answer to "srvr"')


def test_parse_srvr_truncated_at_line_boundary_names_missing_lines() -> None:
    text = SRVR_38_LEADER[:SRVR_38_LEADER.index('Zxid')]
    result = parse_srvr(text)
    assert result['mode'] == 'not_serving'
    assert 'no Mode, Zxid, Node count line' in result['error']
    # What could be read is still reported.
    assert result['connections'] == 3
    assert result['latency'] == {'min': 0, 'avg': 0.5, 'max': 12}


def test_parse_srvr_read_only_and_unknown_mode() -> None:
    result = parse_srvr(SRVR_38_FOLLOWER.replace('Mode: follower', 'Mode: read-only'))
    assert result['mode'] == 'not_serving'
    assert 'read-only' in result['error']
    result = parse_srvr(SRVR_38_FOLLOWER.replace('Mode: follower', 'Mode: looking'))
    assert result['mode'] == 'not_serving'
    assert "unknown mode 'looking'" in result['error']


def test_parse_srvr_garbage() -> None:
    result = parse_srvr('HTTP/1.1 400 Bad Request\r\n\r\n')
    assert result['mode'] == 'not_serving'
    assert 'truncated or unexpected' in result['error']


# --------------------------------------------------------------------------- parse_mntr

def test_parse_mntr_34_leader() -> None:
    values = parse_mntr(MNTR_34_LEADER)
    assert values['zk_server_state'] == 'leader'
    assert values['zk_version'] == '3.4.14-4c25d480e66aadd371de8bd2fd8da255ac140bcf, built on 03/06/2019 16:18 GMT'
    assert values['zk_followers'] == 2
    assert values['zk_last_proposal_size'] == -1
    assert zk.mntr_figures(values) == {
        'followers': 2, 'synced_followers': 2, 'pending_syncs': 0, 'znode_count': 4, 'watch_count': 0,
        'approximate_data_size': 27, 'open_file_descriptor_count': 23,
    }


def test_parse_mntr_35_follower() -> None:
    values = parse_mntr(MNTR_35_FOLLOWER)
    assert len(values) == 15
    assert values['zk_max_latency'] == 2209
    assert zk.mntr_figures(values) == {
        'znode_count': 313, 'watch_count': 2, 'approximate_data_size': 25605, 'open_file_descriptor_count': 106,
    }


def test_parse_mntr_36_leader_uses_learners() -> None:
    values = parse_mntr(MNTR_36_LEADER)
    assert values['zk_peer_state'] == 'leading - broadcast'
    assert values['zk_avg_latency'] == pytest.approx(0.3333)
    assert isinstance(values['zk_avg_latency'], float)
    assert values['zk_connection_drop_probability'] == 0.0
    assert 'zk_followers' not in values
    figures = zk.mntr_figures(values)
    assert figures['followers'] == 2
    assert figures['synced_followers'] == 2
    assert figures['pending_syncs'] == 0
    assert figures['approximate_data_size'] == 44


def test_parse_mntr_37_39_follower() -> None:
    for text, version in ((MNTR_37_FOLLOWER, '3.7.0'), (MNTR_39_FOLLOWER, '3.9.3')):
        values = parse_mntr(text)
        assert values['zk_version'].startswith(version + '-')
        assert values['zk_server_state'] == 'follower'
        assert values['zk_quorum_size'] == 3
        assert zk.mntr_figures(values) == {
            'znode_count': 10, 'watch_count': 0, 'approximate_data_size': 269, 'open_file_descriptor_count': 75,
        }


def test_parse_mntr_38_leader() -> None:
    figures = zk.mntr_figures(parse_mntr(MNTR_38_LEADER))
    assert figures['followers'] == 3
    assert figures['znode_count'] == 5


@pytest.mark.parametrize('text', [MNTR_WHITELIST, NOT_SERVING, '', None])
def test_parse_mntr_refused_or_empty(text: t.Optional[str]) -> None:
    assert parse_mntr(text) == {}


def test_parse_mntr_truncated_drops_cut_line() -> None:
    cut = MNTR_36_LEADER.index('zk_learners\t2') + len('zk_learners\t')
    values = parse_mntr(MNTR_36_LEADER[:cut] + "1")  # the value could have been "12" before the cut
    assert 'zk_learners' not in values
    assert values['zk_quorum_size'] == 3
    assert zk.mntr_figures(values).get('followers') is None


def test_parse_mntr_space_separated_and_junk() -> None:
    values = parse_mntr('zk_version  3.4.6-1569965, built on 02/20/2014 09:09 GMT\nzk_znode_count  7\nrubbish\n\n')
    assert values == {'zk_version': '3.4.6-1569965, built on 02/20/2014 09:09 GMT', 'zk_znode_count': 7}


# --------------------------------------------------------------------------- parse_address

@pytest.mark.parametrize('value, expected', [
    ('zk1.example.com:2181', ('zk1.example.com', 2181)),
    ('127.0.0.1:1', ('127.0.0.1', 1)),
    ('localhost:65535', ('localhost', 65535)),
    ('[::1]:2181', ('::1', 2181)),
    ('[fe80::1%eth0]:2182', ('fe80::1%eth0', 2182)),
    ('[2001:db8::10]:12181', ('2001:db8::10', 12181)),
])
def test_parse_address_good(value: str, expected: tuple[str, int]) -> None:
    assert parse_address(value) == expected


@pytest.mark.parametrize('value, words', [
    ('zk1', 'missing ":port"'),
    (':2181', 'empty host'),
    ('zk1:', "port '' is not a number"),
    ('zk1:0', 'port 0 is not in 1-65535'),
    ('zk1:65536', 'port 65536 is not in 1-65535'),
    ('zk1:-1', "port '-1' is not a number"),
    ('zk1:21a', "port '21a' is not a number"),
    ('zk1:2181:2181', 'brackets'),
    ('::1:2181', 'brackets'),
    ('[::1]2181', 'expected "[address]:port"'),
    ('[::1:2181', 'missing "]"'),
    ('[]:2181', 'empty host'),
    ('[zk1]:2181', 'is not an IPv6 address'),
    ('zk 1:2181', 'not a valid host name'),
    (' zk1:2181', 'without blanks'),
    ('', 'without blanks'),
    ('zk1:２１８１', 'is not a number'),
])
def test_parse_address_bad(value: str, words: str) -> None:
    with pytest.raises(AddressError) as excinfo:
        parse_address(value)
    message = str(excinfo.value)
    assert repr(value) in message
    assert words in message


def test_parse_address_not_a_string() -> None:
    with pytest.raises(AddressError, match='expected a "host:port" string'):
        parse_address(2181)


# --------------------------------------------------------------------------- evaluate

def server(address: str, text: t.Optional[str] = None, **extra: t.Any) -> dict[str, t.Any]:
    record = parse_srvr(text) if text is not None else zk.empty_server()
    record.update(extra)
    record['address'] = address
    return record


def unreachable(address: str) -> dict[str, t.Any]:
    return server(address, mode='unreachable', error='connection refused')


def test_evaluate_healthy_ensemble() -> None:
    servers = [server('zk1:2181', SRVR_38_FOLLOWER), server('zk2:2181', SRVR_38_LEADER),
               server('zk3:2181', SRVR_38_FOLLOWER)]
    healthy, leader, problems, counts = evaluate(servers, expected_voters=3, expected_observers=0)
    assert (healthy, leader, problems) == (True, 'zk2:2181', [])
    assert counts == {'leader': 1, 'follower': 2, 'observer': 0, 'standalone': 0, 'unreachable': 0,
                      'not_serving': 0}


def test_evaluate_with_observer() -> None:
    servers = [server('zk1:2181', SRVR_38_LEADER), server('zk2:2181', SRVR_38_FOLLOWER),
               server('zk3:2181', SRVR_38_FOLLOWER), server('obs:2181', SRVR_37_OBSERVER.replace('0x30000000a',
                                                                                                 '0x100000004'))]
    healthy, leader, problems, counts = evaluate(servers, 3, 1)
    assert healthy is True, problems
    assert leader == 'zk1:2181'
    assert counts['observer'] == 1


def test_evaluate_followers_in_older_epoch_are_fine() -> None:
    # A follower that has not seen a write since the last election still shows the old epoch.
    servers = [server('a:1', SRVR_38_LEADER.replace('0x100000004', '0x200000000')),
               server('b:1', SRVR_39_FOLLOWER_EPOCH_0), server('c:1', SRVR_38_FOLLOWER)]
    healthy, leader, problems, _counts = evaluate(servers)
    assert healthy is True, problems
    assert leader == 'a:1'


def test_evaluate_follower_of_newer_epoch() -> None:
    servers = [server('a:1', SRVR_38_LEADER), server('b:1', SRVR_36_FOLLOWER), server('c:1', SRVR_38_FOLLOWER)]
    healthy, leader, problems, _counts = evaluate(servers)
    assert healthy is False
    assert leader == 'a:1'
    assert problems == ['b:1: follower in epoch 3, newer than the epoch 1 of the leader a:1: it follows another leader']


def test_evaluate_split_brain() -> None:
    servers = [server('a:1', SRVR_38_LEADER), server('b:1', SRVR_35_LEADER), server('c:1', SRVR_38_FOLLOWER)]
    healthy, leader, problems, counts = evaluate(servers)
    assert healthy is False
    assert leader is None
    assert counts['leader'] == 2
    assert problems == ['split brain: 2 servers claim to be the leader: a:1 (epoch 1), b:1 (epoch 2)']


def test_evaluate_leaderless() -> None:
    servers = [server('a:1', SRVR_38_FOLLOWER), server('b:1', NOT_SERVING), server('c:1', NOT_SERVING)]
    healthy, leader, problems, counts = evaluate(servers)
    assert healthy is False
    assert leader is None
    assert counts == {'leader': 0, 'follower': 1, 'observer': 0, 'standalone': 0, 'unreachable': 0,
                      'not_serving': 2}
    assert problems[0].startswith('b:1: not serving (not serving requests')
    assert problems[1].startswith('c:1: not serving (')
    assert problems[2] == 'no leader: none of the listed servers is the leader (a:1 serve as follower or observer)'


def test_evaluate_nothing_serving() -> None:
    healthy, leader, problems, counts = evaluate([unreachable('a:1'), unreachable('b:1')], expected_voters=2)
    assert (healthy, leader) == (False, None)
    assert counts['unreachable'] == 2
    assert problems == [
        'a:1: unreachable (connection refused)',
        'b:1: unreachable (connection refused)',
        'no leader: none of the listed servers is serving',
        'expected 2 voters (leader + followers), found 0 serving: none',
    ]


def test_evaluate_one_unreachable() -> None:
    servers = [server('a:1', SRVR_38_LEADER), server('b:1', SRVR_38_FOLLOWER), unreachable('c:1')]
    healthy, leader, problems, counts = evaluate(servers)
    assert healthy is False
    assert leader == 'a:1'  # the leader is still reported
    assert problems == ['c:1: unreachable (connection refused)']
    assert counts['unreachable'] == 1


def test_evaluate_whitelist_refusal() -> None:
    servers = [server('a:1', SRVR_38_LEADER), server('b:1', SRVR_38_FOLLOWER), server('c:1', SRVR_WHITELIST)]
    healthy, _leader, problems, counts = evaluate(servers)
    assert healthy is False
    assert counts['not_serving'] == 1
    assert len(problems) == 1
    assert problems[0].startswith('c:1: not serving (the server refused "srvr": it is not in the whitelist')


def test_evaluate_truncated_answer() -> None:
    servers = [server('a:1', SRVR_38_LEADER), server('b:1', SRVR_38_FOLLOWER[:60])]
    healthy, _leader, problems, _counts = evaluate(servers)
    assert healthy is False
    assert problems[0].startswith('b:1: not serving (truncated or unexpected answer')


def test_evaluate_standalone_alone_is_healthy() -> None:
    healthy, leader, problems, counts = evaluate([server('solo:2181', SRVR_39_STANDALONE)], expected_voters=1)
    assert (healthy, leader, problems) == (True, None, [])
    assert counts['standalone'] == 1


def test_evaluate_standalone_among_others() -> None:
    servers = [server('a:1', SRVR_39_STANDALONE), server('b:1', SRVR_38_LEADER), server('c:1', SRVR_38_FOLLOWER)]
    healthy, leader, problems, _counts = evaluate(servers)
    assert healthy is False
    assert leader == 'b:1'
    assert problems == ['a:1: runs standalone, yet 2 other servers are listed as members of the same ensemble']


def test_evaluate_standalone_unreachable_alone() -> None:
    healthy, leader, problems, _counts = evaluate([unreachable('solo:2181')])
    assert (healthy, leader) == (False, None)
    assert problems == ['solo:2181: unreachable (connection refused)', 'no leader: none of the listed servers is serving']


def test_evaluate_expected_counts_mismatch() -> None:
    servers = [server('a:1', SRVR_38_LEADER), server('b:1', SRVR_38_FOLLOWER), server('c:1', SRVR_38_FOLLOWER)]
    healthy, leader, problems, _counts = evaluate(servers, expected_voters=5, expected_observers=1)
    assert healthy is False
    assert leader == 'a:1'
    assert problems == [
        'expected 5 voters (leader + followers), found 3 serving: a:1, b:1, c:1',
        'expected 1 observers, found 0 serving: none',
    ]
    healthy, _leader, problems, _counts = evaluate(servers, expected_voters=3, expected_observers=0)
    assert healthy is True, problems


def test_evaluate_unknown_mode_counts_as_not_serving() -> None:
    healthy, _leader, problems, counts = evaluate([server('a:1', mode='weird')])
    assert healthy is False
    assert counts['not_serving'] == 1
    assert problems[0] == 'a:1: not serving (no reason given)'


# --------------------------------------------------------------------------- probe over real sockets

class FakeZooKeeper:
    """A loopback TCP server answering four letter words with canned text, like ZooKeeper."""

    def __init__(self, answers: dict[str, t.Any]) -> None:
        self.answers = answers
        self.received: list[bytes] = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _peer = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                word = b''
                while len(word) < 4:
                    chunk = conn.recv(4 - len(word))
                    if not chunk:
                        break
                    word += chunk
                self.received.append(word)
                answer = self.answers.get(word.decode('ascii', 'replace'), '')
                if answer is None:  # hang: never answer, keep the connection open
                    self.stopped.wait(3)
                    continue
                for piece in ([answer] if isinstance(answer, str) else answer):
                    conn.sendall(piece.encode('utf-8'))

    def close(self) -> None:
        self.stopped.set()
        self.sock.close()
        self.thread.join(5)


@pytest.fixture
def fake_zk() -> t.Iterator[t.Callable[[dict[str, t.Any]], FakeZooKeeper]]:
    servers: list[FakeZooKeeper] = []

    def make(answers: dict[str, t.Any]) -> FakeZooKeeper:
        servers.append(FakeZooKeeper(answers))
        return servers[-1]

    yield make
    for fake in servers:
        fake.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def test_four_letter_word_reads_until_close(fake_zk: t.Any) -> None:
    # The answer comes in pieces; everything until the close is read.
    fake = fake_zk({'srvr': [SRVR_38_LEADER[:50], SRVR_38_LEADER[50:]]})
    assert zk.four_letter_word('127.0.0.1', fake.port, 'srvr', 2) == SRVR_38_LEADER
    assert fake.received == [b'srvr']


def test_four_letter_word_needs_four_letters() -> None:
    with pytest.raises(ValueError):
        zk.four_letter_word('127.0.0.1', 1, 'stat\n', 1)


def test_probe_leader_with_mntr(fake_zk: t.Any) -> None:
    fake = fake_zk({'srvr': SRVR_38_LEADER, 'mntr': MNTR_38_LEADER})
    result = probe('127.0.0.1', fake.port, 2)
    assert fake.received == [b'srvr', b'mntr']
    assert result['mode'] == 'leader'
    assert result['zxid'] == 0x100000004
    assert result['epoch'] == 1
    assert result['followers'] == 3
    assert result['synced_followers'] == 2
    assert result['pending_syncs'] == 0
    assert result['znode_count'] == 5
    assert result['open_file_descriptor_count'] == 71
    assert result['error'] is None


def test_probe_follower_mntr_whitelisted_out(fake_zk: t.Any) -> None:
    fake = fake_zk({'srvr': SRVR_38_FOLLOWER, 'mntr': MNTR_WHITELIST})
    result = probe('127.0.0.1', fake.port, 2)
    assert result['mode'] == 'follower'
    assert result['error'] is None
    assert result['znode_count'] is None
    assert result['node_count'] == 5


def test_probe_follower_ignores_leader_only_figures(fake_zk: t.Any) -> None:
    # A leader that stepped down between srvr and mntr: do not mix its leader figures in.
    fake = fake_zk({'srvr': SRVR_38_FOLLOWER, 'mntr': MNTR_38_LEADER})
    result = probe('127.0.0.1', fake.port, 2)
    assert result['mode'] == 'follower'
    assert result['followers'] is None
    assert result['synced_followers'] is None
    assert result['znode_count'] == 5


def test_probe_without_mntr(fake_zk: t.Any) -> None:
    fake = fake_zk({'srvr': SRVR_38_LEADER, 'mntr': MNTR_38_LEADER})
    result = probe('127.0.0.1', fake.port, 2, use_mntr=False)
    assert fake.received == [b'srvr']
    assert result['followers'] is None


def test_probe_whitelist_refusal(fake_zk: t.Any) -> None:
    fake = fake_zk({'srvr': SRVR_WHITELIST})
    result = probe('127.0.0.1', fake.port, 2)
    assert fake.received == [b'srvr']  # no mntr on a refusing server
    assert result['mode'] == 'not_serving'
    assert 'whitelist' in result['error']


def test_probe_not_serving(fake_zk: t.Any) -> None:
    fake = fake_zk({'srvr': NOT_SERVING})
    result = probe('127.0.0.1', fake.port, 2)
    assert result['mode'] == 'not_serving'
    assert NOT_SERVING.strip() in result['error']


def test_probe_empty_answer(fake_zk: t.Any) -> None:
    fake = fake_zk({'srvr': ''})
    result = probe('127.0.0.1', fake.port, 2)
    assert result['mode'] == 'not_serving'
    assert result['error'].startswith('empty answer')


def test_probe_truncated_answer(fake_zk: t.Any) -> None:
    fake = fake_zk({'srvr': SRVR_38_LEADER[:SRVR_38_LEADER.index('Mode') + 7]})
    result = probe('127.0.0.1', fake.port, 2)
    assert result['mode'] == 'not_serving'
    assert 'truncated' in result['error']


def test_probe_silent_server_times_out(fake_zk: t.Any) -> None:
    # What a plaintext probe of a TLS client port gets: ZooKeeper waits for a TLS handshake.
    fake = fake_zk({'srvr': None})
    result = probe('127.0.0.1', fake.port, 0.3)
    assert result['mode'] == 'not_serving'
    assert result['error'] == ('no answer to "srvr" within 0.3s (a TLS client port? ZooKeeper waits for a TLS '
                               'handshake on its secureClientPort: set ssl=true)')


def test_probe_connection_refused() -> None:
    result = probe('127.0.0.1', free_port(), 2)
    assert result['mode'] == 'unreachable'
    assert result['error'] == 'connection refused'
    assert set(result) == set(zk.SERVER_KEYS)


def test_probe_connect_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    def timeout(*_args: t.Any, **_kwargs: t.Any) -> None:
        raise socket.timeout('timed out')

    monkeypatch.setattr(zk.socket, 'create_connection', timeout)
    result = probe('zk1.example.com', 2181, 1.5)
    assert result['mode'] == 'unreachable'
    assert result['error'] == 'connection timed out after 1.5s'


def test_probe_unresolvable(monkeypatch: pytest.MonkeyPatch) -> None:
    def gaierror(*_args: t.Any, **_kwargs: t.Any) -> None:
        raise socket.gaierror(-2, 'Name or service not known')

    monkeypatch.setattr(zk.socket, 'create_connection', gaierror)
    result = probe('nowhere.invalid', 2181, 1)
    assert result['mode'] == 'unreachable'
    assert result['error'] == 'cannot resolve host: Name or service not known'


def test_four_letter_word_send_error_is_an_empty_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    class DroppingSocket:
        def settimeout(self, _timeout: float) -> None:
            pass

        def sendall(self, _data: bytes) -> None:
            raise ConnectionResetError(104, 'Connection reset by peer')

        def close(self) -> None:
            pass

    monkeypatch.setattr(zk.socket, 'create_connection', lambda *_a, **_k: DroppingSocket())
    assert zk.four_letter_word('127.0.0.1', 2181, 'srvr', 1) == ''
    result = probe('127.0.0.1', 2181, 1)
    assert result['mode'] == 'not_serving'
    assert result['error'].startswith('empty answer')
