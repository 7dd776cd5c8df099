#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

from __future__ import annotations

DOCUMENTATION = r'''
---
module: zookeeper_ensemble_info
short_description: Report the state and health of a ZooKeeper ensemble
version_added: 1.0.0
description:
  - Probes every listed ZooKeeper server independently with the four letter words
    C(srvr) and, when the server allows it, C(mntr) on its client port.
  - Reports the mode of every server (leader, follower, observer, standalone), its last
    zxid and epoch, version, latency and connection figures, and judges the health of the
    ensemble as a whole (one leader, every server serving, expected member counts, no split brain).
  - Servers that cannot be reached or do not serve requests are reported, never raised as
    a traceback.
  - With O(ssl=true) it probes the servers' TLS client port (C(secureClientPort)), where ZooKeeper answers
    the four letter words inside the TLS connection; a failed handshake is reported per server, naming the
    TLS error (for example C(certificate verify failed), a host name mismatch, or a client certificate refused).
  - The module only reads; it never reports a change.
author:
  - streamops engineering (@streamops)
options:
  servers:
    description:
      - Client addresses of the servers of the ensemble, as C(host:port) strings.
      - IPv6 addresses are written in brackets, for example C([::1]:2181).
      - Each value is validated before any server is probed.
    type: list
    elements: str
    required: true
  fail_on_unhealthy:
    description:
      - Fail the task when the ensemble is not healthy.
      - The result of a failed task still holds RV(servers), RV(leader), RV(healthy) and RV(problems).
      - Set to V(false) to only gather the state, for example to wait for an election with C(until).
    type: bool
    default: true
  expected_voters:
    description:
      - Number of voting members (leader and followers) expected to serve.
      - When set, a different number makes the ensemble unhealthy.
      - A standalone server counts as one voter.
    type: int
  expected_observers:
    description:
      - Number of observers expected to serve.
      - When set, a different number makes the ensemble unhealthy.
    type: int
  timeout:
    description:
      - Seconds to wait for a connection and for each read from a server.
      - Servers are probed in parallel.
    type: float
    default: 5
  wait_until:
    description:
      - Probe again every O(wait_interval) seconds until the ensemble is V(healthy), or until every listed server
        V(serving) (answers as leader, follower, observer or standalone; the wait for one member that has just
        started), for at most O(wait_timeout) seconds; then fail naming the problems when it is still not so.
      - One module run does the whole wait, much cheaper than an C(until) loop around the task.
      - The result is the last probe, plus RV(waited).
    type: str
    choices: [healthy, serving]
    version_added: 1.2.0
extends_documentation_fragment:
  - streamops.kafka.wait
  - streamops.kafka.zookeeper_tls
attributes:
  check_mode:
    support: full
    description: The module only reads; in check mode it probes the servers all the same.
  diff_mode:
    support: N/A
    description: The module changes nothing, so there is no diff.
notes:
  - ZooKeeper 3.4.10, 3.5.3 and later only answer the four letter words listed in C(4lw.commands.whitelist),
    which by default holds just C(srvr). Add C(mntr) to that list to get the figures that come from it
    (RV(servers[].followers), RV(servers[].znode_count), ...); they are V(null) otherwise.
  - Apache ZooKeeper always answers C(srvr), whatever the whitelist. A server (or a proxy in front of it)
    that refuses C(srvr) is reported as C(not_serving) with a problem that names the whitelist.
  - The health judgement only covers the servers listed in O(servers); list all members of the ensemble.
  - The module needs no Python library beyond the standard library, also with O(ssl=true), so it can run on
    the ZooKeeper hosts themselves.
seealso:
  - name: ZooKeeper four letter words
    description: The C(srvr) and C(mntr) commands used to probe the servers.
    link: https://zookeeper.apache.org/doc/current/zookeeperAdmin.html#sc_4lw
  - name: ZooKeeper monitoring
    description: Meaning of the C(mntr) figures.
    link: https://zookeeper.apache.org/doc/current/zookeeperMonitor.html
  - name: ZooKeeper SSL user guide
    description: The C(secureClientPort) and the C(ssl.*) settings of a ZooKeeper server.
    link: https://cwiki.apache.org/confluence/display/ZOOKEEPER/ZooKeeper+SSL+User+Guide
'''

EXAMPLES = r'''
- name: Check that the ensemble has one leader and two followers
  streamops.kafka.zookeeper_ensemble_info:
    servers:
      - zk1.example.com:2181
      - zk2.example.com:2181
      - zk3.example.com:2181
    expected_voters: 3

- name: Gather the state without failing on an unhealthy ensemble
  streamops.kafka.zookeeper_ensemble_info:
    servers: "{{ groups['zookeeper'] | map('regex_replace', '$', ':2181') | list }}"
    fail_on_unhealthy: false
  register: zk_state

- name: Show the leader
  ansible.builtin.debug:
    msg: "Leader is {{ zk_state.leader }}, problems: {{ zk_state.problems }}"

- name: Check an ensemble on its TLS client port, with a client certificate (ssl.clientAuth=need)
  streamops.kafka.zookeeper_ensemble_info:
    servers:
      - zk1.example.com:2281
      - zk2.example.com:2281
      - zk3.example.com:2281
    ssl: true
    ssl_cafile: /etc/zookeeper/tls/ca.pem
    ssl_certfile: /etc/zookeeper/tls/client.pem    # the private key, then the certificate chain
    expected_voters: 3

- name: Wait until an election is over after a restart
  streamops.kafka.zookeeper_ensemble_info:
    servers:
      - "[::1]:2181"
      - "[::1]:2182"
      - "[::1]:2183"
    fail_on_unhealthy: false
    timeout: 2
  register: zk_state
  until: zk_state.healthy
  retries: 30
  delay: 2
'''

RETURN = r'''
servers:
  description: One entry per server, in the order of O(servers).
  returned: always
  type: list
  elements: dict
  contains:
    address:
      description: The address as given in O(servers).
      type: str
      returned: always
      sample: 10.0.0.11:2181
    mode:
      description:
        - C(leader), C(follower), C(observer) or C(standalone) for a serving server.
        - C(unreachable) when no connection could be made (with O(ssl=true), also when the TLS handshake
          failed), C(not_serving) when the server answered but does not serve requests (no quorum, still
          starting, C(srvr) not in the whitelist, empty or cut off answer, no answer at all). RV(servers[].error)
          says why.
      type: str
      returned: always
      sample: follower
    zxid:
      description: The last zxid the server processed.
      type: int
      returned: always
      sample: 4294967302
    epoch:
      description: The epoch of RV(servers[].zxid), that is its high 32 bits.
      type: int
      returned: always
      sample: 1
    version:
      description: The ZooKeeper version, without the build date.
      type: str
      returned: always
      sample: 3.8.4-9316c2a7a97e1666d8f4593f34dd6fc36ecc436c
    latency:
      description: Request latency in milliseconds, with keys C(min), C(avg) and C(max).
      type: dict
      returned: always
      sample: {"min": 0, "avg": 0.5, "max": 12}
    connections:
      description: Number of client connections.
      type: int
      returned: always
      sample: 3
    outstanding:
      description: Number of queued requests.
      type: int
      returned: always
      sample: 0
    node_count:
      description: Number of znodes.
      type: int
      returned: always
      sample: 5
    error:
      description:
        - Why the server is C(unreachable) or C(not_serving); V(null) for a serving server.
        - >-
          A failed TLS handshake starts with C(TLS handshake failed:), for example
          C(TLS handshake failed: certificate verify failed: Hostname mismatch, certificate is not valid for 'zk1').
      type: str
      returned: always
      sample: connection refused
    followers:
      description: Number of learners connected to the leader, from C(mntr). Leader only.
      type: int
      returned: always
      sample: 2
    synced_followers:
      description: Number of followers in sync with the leader, from C(mntr). Leader only.
      type: int
      returned: always
      sample: 2
    pending_syncs:
      description: Number of pending syncs, from C(mntr). Leader only.
      type: int
      returned: always
      sample: 0
    znode_count:
      description: Number of znodes, from C(mntr).
      type: int
      returned: always
      sample: 5
    watch_count:
      description: Number of watches, from C(mntr).
      type: int
      returned: always
      sample: 0
    approximate_data_size:
      description: Approximate size of the data in bytes, from C(mntr).
      type: int
      returned: always
      sample: 44
    open_file_descriptor_count:
      description: Open file descriptors of the server process, from C(mntr).
      type: int
      returned: always
      sample: 71
leader:
  description: Address of the leader, V(null) when there is no leader, several of them, or a standalone server.
  returned: always
  type: str
  sample: 10.0.0.12:2181
waited:
  description: With O(wait_until), the seconds the module waited and how many times it probed the servers.
  returned: when O(wait_until) is set
  type: dict
  sample: {seconds: 4.1, reads: 5}
healthy:
  description:
    - Whether the ensemble is healthy, that is exactly one leader (or a single standalone server
      listed alone), every listed server serving, the expected numbers of voters and observers
      when given, and no server following a leader other than the one reported.
  returned: always
  type: bool
  sample: true
problems:
  description: Readable sentences about what makes the ensemble unhealthy, each naming the server concerned.
  returned: always
  type: list
  elements: str
  sample: ["10.0.0.13:2181: unreachable (connection refused)"]
counts:
  description: Number of servers in each mode (every mode is present).
  returned: always
  type: dict
  sample: {"leader": 1, "follower": 2, "observer": 0, "standalone": 0, "unreachable": 0, "not_serving": 0}
'''

import ssl
import time
import typing as t
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.streamops.kafka.plugins.module_utils._zookeeper import (
    AddressError,
    evaluate,
    parse_address,
    probe,
)
from ansible_collections.streamops.kafka.plugins.module_utils._wait import WAIT_ARGUMENT_SPEC, wait_option_problems
from ansible_collections.streamops.kafka.plugins.module_utils._zookeeper_tls import (
    TlsConfigError,
    client_ssl_context,
    tls_option_problems,
    zookeeper_tls_argument_spec,
)

SERVING_MODES = ('leader', 'follower', 'observer', 'standalone')


def probe_all(addresses: list[tuple[str, str, int]], timeout: float,
              context: ssl.SSLContext | None = None) -> list[dict[str, t.Any]]:
    """Probe every ``(address, host, port)`` in parallel (over TLS with ``context``); results in the same order."""
    def one(item: tuple[str, str, int]) -> dict[str, t.Any]:
        address, host, port = item
        record = probe(host, port, timeout, context=context)
        record['address'] = address
        return record

    with ThreadPoolExecutor(max_workers=min(16, max(1, len(addresses)))) as pool:
        return list(pool.map(one, addresses))


def main() -> None:
    module = AnsibleModule(
        argument_spec=dict(
            servers=dict(type='list', elements='str', required=True),
            fail_on_unhealthy=dict(type='bool', default=True),
            expected_voters=dict(type='int'),
            expected_observers=dict(type='int'),
            timeout=dict(type='float', default=5.0),
            wait_until=dict(type='str', choices=['healthy', 'serving']),
            **WAIT_ARGUMENT_SPEC,
            **zookeeper_tls_argument_spec()
        ),
        supports_check_mode=True,
    )
    params = module.params

    errors = []
    addresses: list[tuple[str, str, int]] = []
    seen: set[str] = set()
    for value in params['servers']:
        try:
            host, port = parse_address(value)
        except AddressError as exc:
            errors.append(str(exc))
            continue
        if value in seen:
            errors.append('server address %r is listed more than once' % (value,))
            continue
        seen.add(value)
        addresses.append((value, host, port))
    if not params['servers']:
        errors.append('servers must list at least one "host:port" address')
    for name in ('expected_voters', 'expected_observers'):
        if params[name] is not None and params[name] < 0:
            errors.append('%s must not be negative, got %d' % (name, params[name]))
    if params['timeout'] <= 0:
        errors.append('timeout must be a positive number of seconds, got %s' % params['timeout'])
    errors.extend(wait_option_problems(params))
    tls_problems = tls_option_problems(params)
    errors.extend(tls_problems)
    context = None
    if not tls_problems:
        try:
            context = client_ssl_context(params)
        except TlsConfigError as exc:
            errors.append(str(exc))
    if errors:
        module.fail_json(msg='; '.join(errors), changed=False)

    wait_until = params['wait_until']
    started = time.monotonic()
    reads = 0
    while True:
        reads += 1
        servers = probe_all(addresses, params['timeout'], context)
        healthy, leader, problems, counts = evaluate(servers, params['expected_voters'], params['expected_observers'])
        serving = all(server.get('mode') in SERVING_MODES for server in servers)
        met = healthy if wait_until == 'healthy' else serving
        if wait_until is None or met or time.monotonic() + params['wait_interval'] > started + params['wait_timeout']:
            break
        time.sleep(params['wait_interval'])
    result = dict(
        changed=False,
        servers=servers,
        leader=leader,
        healthy=healthy,
        problems=problems,
        counts=counts,
    )
    if wait_until is not None:
        result['waited'] = dict(seconds=round(time.monotonic() - started, 1), reads=reads)
        if not met:
            module.fail_json(msg='After %s s (%d probes) the ZooKeeper servers are not %s: %s'
                             % (result['waited']['seconds'], reads, wait_until,
                                '; '.join(problems) or 'not every server serves'), **result)
    if not healthy and params['fail_on_unhealthy']:
        module.fail_json(msg='ZooKeeper ensemble is not healthy: %s' % '; '.join(problems), **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
