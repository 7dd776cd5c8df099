#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

from __future__ import annotations

DOCUMENTATION = r'''
---
module: kafka_rebalance
short_description: Spread partition replicas over the brokers, or move every replica off brokers
version_added: 1.3.0
description:
  - Moves partition replicas between brokers by partition reassignment, throttled if asked, and waits
    until the moves are complete.
  - O(mode=balance) evens out how many replicas each live broker holds (within one of each other), for
    example after brokers joined. Followers move before leaders; each partition keeps its leader and its
    rack spread.
  - O(mode=drain) moves every replica off the brokers in O(brokers), for example before they are
    decommissioned; it ends when they hold none.
  - Every check is made before anything moves. A drain is refused, naming the numbers, for a broker id
    the cluster does not know, for draining every broker, when the remaining brokers are fewer than a
    topic's replication factor or its C(min.insync.replicas), and for a KRaft controller voter (changing
    the quorum is a separate operation). A partition without a leader, or without an in-sync replica
    outside the drained brokers, and a partition already being reassigned elsewhere fail the task too.
  - Check mode plans the same moves and applies nothing.
author:
  - streamops engineering (@streamops)
options:
  mode:
    description:
      - V(balance) spreads replicas evenly over the live brokers; V(drain) empties O(brokers).
    type: str
    choices: [balance, drain]
    default: balance
  brokers:
    description:
      - Ids of the brokers to drain (O(mode=drain)); required then, not used by V(balance).
    type: list
    elements: int
  shrink_topics:
    description:
      - With O(mode=drain), topics that may lose replicas instead of being refused when they are wider than the
        remaining brokers, for example a canary topic replicated to every broker. A replica on a drained broker
        is dropped, not moved, while the partition is wider than the remaining brokers.
      - Their C(min.insync.replicas) is still checked.
    type: list
    elements: str
    default: []
    version_added: 1.3.0
  throttle:
    description:
      - Bytes per second the copying replicas may use on each broker involved, as O(streamops.kafka.kafka_topic#module:replication_throttle).
      - Set just before the moves start and removed when the task ends, also when it fails or times out.
    type: int
  wait_timeout:
    description:
      - Seconds to wait for the moves to complete; then the task fails naming the partitions still moving
        (the reassignment goes on in Kafka, and a re-run waits for it).
    type: int
    default: 600
extends_documentation_fragment:
  - streamops.kafka.kafka
attributes:
  check_mode:
    support: full
    description: Plans the same moves as a real run and applies nothing.
  diff_mode:
    support: full
    description: Returns the replicas of each moved partition before and after.
seealso:
  - module: streamops.kafka.kafka_topic
  - name: Kafka operations, expanding and decommissioning brokers
    description: Why replicas have to be moved by hand when brokers join or leave.
    link: https://kafka.apache.org/documentation/#basic_ops_cluster_expansion
'''

EXAMPLES = r'''
- name: Give new brokers their share of replicas, at most 20 MB/s per broker
  streamops.kafka.kafka_rebalance:
    bootstrap_servers: [kafka1.example.com:9092]
    mode: balance
    throttle: 20971520
  delegate_to: localhost
  run_once: true

- name: Move every replica off broker 4 before retiring it
  streamops.kafka.kafka_rebalance:
    bootstrap_servers: [kafka1.example.com:9092]
    mode: drain
    brokers: [4]
    wait_timeout: 3600
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
moves:
  description: One entry per moved partition, sorted by topic and partition.
  returned: always
  type: list
  elements: dict
  sample: [{"topic": "orders", "partition": 0, "before": [4, 1, 2], "after": [1, 2, 3], "status": "done"}]
  contains:
    topic:
      description: Topic name.
      type: str
    partition:
      description: Partition index.
      type: int
    before:
      description: Replicas before the move.
      type: list
      elements: int
    after:
      description: Replicas after the move; the first one is the preferred leader.
      type: list
      elements: int
    status:
      description: V(planned) (check mode), V(already running), V(done), or why the partition is not done.
      type: str
replicas_per_broker:
  description: How many replicas each live broker holds once the moves are done (planned ones in check mode).
  returned: always
  type: dict
  sample: {"1": 12, "2": 12, "3": 12, "4": 12}
drained:
  description:
    - The drained broker ids and the replicas each still holds, read back after the moves (V(mode=drain)).
    - All zero after a successful drain.
  returned: when O(mode=drain)
  type: dict
  sample: {"4": 0}
throttle:
  description: The throttle the task set and removed, V(null) when none.
  returned: always
  type: int
  sample: 20971520
'''

import traceback
import typing as t

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.streamops.kafka.plugins.module_utils._kafka import (
    ConfigResource,
    ConfigResourceType,
    call_retrying,
    close_admin,
    connect_admin,
    describe_error,
    kafka_common_argument_spec,
    kafka_errors,
)
from ansible_collections.streamops.kafka.plugins.module_utils._kafka_health import shape_quorum
from ansible_collections.streamops.kafka.plugins.module_utils._kafka_reassign import (
    Reassigner,
    assignment_from_metadata,
    balance_brokers,
    drain_brokers,
    drain_problems,
    move_report,
    replica_load,
    running_conflicts,
)


def read_voters(admin: t.Any, timeout_ms: int) -> list[int]:
    """Ids of the KRaft controller voters, [] in ZooKeeper mode (no DescribeQuorum there)."""
    try:
        answer = call_retrying(admin.describe_metadata_quorum, timeout_ms)
    except kafka_errors.UnsupportedVersionError:
        return []
    quorum, error = shape_quorum(answer, 0, 0)
    if error:
        raise RuntimeError('cannot read the KRaft quorum: %s' % error)
    return sorted(v['id'] for v in quorum['voters'])


def read_min_insync(admin: t.Any, topics: list[str]) -> dict[str, int]:
    """Each topic's effective ``min.insync.replicas`` (its override or the broker default)."""
    if not topics:
        return {}
    described = admin.describe_configs(
        [ConfigResource(ConfigResourceType.TOPIC, name, ['min.insync.replicas']) for name in topics],
        config_filter='all')
    out = {}
    for name, entries in (described.get('topic') or {}).items():
        value = ((entries or {}).get('min.insync.replicas') or {}).get('value')
        if value is not None:
            out[name] = int(value)
    return out


def main() -> None:
    argument_spec = kafka_common_argument_spec()
    argument_spec.update(
        mode=dict(type='str', default='balance', choices=['balance', 'drain']),
        brokers=dict(type='list', elements='int'),
        shrink_topics=dict(type='list', elements='str', default=[]),
        throttle=dict(type='int'),
        wait_timeout=dict(type='int', default=600),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_if=[('mode', 'drain', ('brokers',))])
    params = module.params
    problems = []
    if params['throttle'] is not None and params['throttle'] <= 0:
        problems.append('throttle must be a positive number of bytes per second, got %d' % params['throttle'])
    if params['wait_timeout'] < 0:
        problems.append('wait_timeout must be 0 or more seconds, got %d' % params['wait_timeout'])
    if params['mode'] == 'drain' and not params['brokers']:
        problems.append('mode=drain needs at least one broker id in brokers, got %r' % (params['brokers'],))
    if params['mode'] == 'balance' and params['brokers']:
        problems.append('brokers=%s is only used with mode=drain' % params['brokers'])
    if problems:
        module.fail_json(msg='; '.join(problems))

    admin = connect_admin(module)
    try:
        run(module, admin)
    finally:
        close_admin(admin)


def run(module: AnsibleModule, admin: t.Any) -> None:
    params = module.params
    timeout_ms = max(1000, int(params['request_timeout_ms'] * 0.8))
    reassigner = Reassigner(admin, timeout_ms)
    try:
        cluster = admin.describe_cluster()
        brokers = dict((b.get('broker_id', b.get('node_id')), b.get('rack')) for b in cluster.get('brokers') or [])
        metadata = admin.describe_topics()
        assignment = assignment_from_metadata(metadata)
        running = reassigner.running()
        drained = sorted(set(params['brokers'] or []))
        voters = read_voters(admin, timeout_ms) if drained else []
        min_insync = read_min_insync(admin, sorted(set(topic for topic, _index in assignment))) if drained else {}
    except Exception as exc:  # pylint: disable=broad-except
        module.fail_json(msg='Cannot read the cluster from Kafka: %s' % describe_error(exc),
                         exception=traceback.format_exc())
    load = replica_load(metadata)
    if params['mode'] == 'drain':
        problems = drain_problems(drained, brokers, assignment, min_insync, voters, params['shrink_topics'])
        if problems:
            module.fail_json(msg='Refusing to drain broker(s) %s, nothing was moved: %s' % (drained, '; '.join(problems)),
                             changed=False, moves=[])
        moves, errors = drain_brokers(assignment, drained, brokers, load, params['shrink_topics'])
    else:
        moves, errors = balance_brokers(assignment, brokers, load), []
    already, conflicts = running_conflicts(moves, running)
    errors.extend(conflicts)
    current = dict((key, assignment[key]['replicas']) for key in moves)
    if errors:
        module.fail_json(msg='Nothing was moved: %s' % '; '.join(errors[:20]) + (
            '; ... and %d more' % (len(errors) - 20) if len(errors) > 20 else ''),
            changed=False, moves=move_report(moves, current))

    status: dict[tuple[str, int], str] = dict((key, 'already running') for key in already)
    result: dict[str, t.Any] = dict(changed=bool(moves), throttle=params['throttle'] if moves else None)
    if module._diff:
        result['diff'] = dict(before=dict(('%s-%d' % key, current[key]) for key in sorted(moves)),
                              after=dict(('%s-%d' % key, moves[key]) for key in sorted(moves)))
    failures: list[str] = []
    if moves and not module.check_mode:
        status, failures = reassigner.execute(moves, current, already, params['throttle'], params['wait_timeout'])
    result['moves'] = move_report(moves, current, status)
    after = dict((key, moves.get(key, entry['replicas'])) for key, entry in assignment.items())
    held = dict((str(b), 0) for b in sorted(brokers))
    for replicas in after.values():
        for r in replicas:
            held[str(r)] = held.get(str(r), 0) + 1
    result['replicas_per_broker'] = held
    if params['mode'] == 'drain':
        if module.check_mode:
            result['drained'] = dict((str(b), held.get(str(b), 0)) for b in drained)
        else:
            try:
                left = replica_load(admin.describe_topics())
            except Exception as exc:  # pylint: disable=broad-except
                failures.append('cannot read the replicas back: %s' % describe_error(exc))
                left = {}
            result['drained'] = dict((str(b), left.get(b, 0)) for b in drained)
            still = dict((b, n) for b, n in result['drained'].items() if n)
            if still and not failures:
                failures.append('broker(s) %s still hold replicas: %s' % (sorted(still), still))
    bad = ['%s-%d %s' % (m['topic'], m['partition'], m['status']) for m in result['moves']
           if m['status'] not in ('done', 'planned', 'already running')]
    if bad:
        failures.insert(0, 'partition(s) not moved: %s%s' % ('; '.join(bad[:20]), (
            '; the reassignment goes on in Kafka without the throttle, re-run to wait for it'
            if any('timed out' in b for b in bad) else '')))
    if failures:
        module.fail_json(msg='; '.join(failures), **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
