# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

"""Partition reassignment: where replicas go, and moving them (private module_utils).

The first half is pure: given where replicas are now, the live brokers (with their racks) and
how many replicas each broker holds, it decides new replica lists. kafka_topic uses it to change
a topic's replication factor, kafka_rebalance to drain brokers and to spread replicas over new
ones. The second half, :class:`Reassigner`, talks to Kafka through kafka-python's admin client:
reads running reassignments, starts them, sets and always removes the replication throttle,
and waits until each partition has exactly its new replicas.

Shapes
------
partition (one partition of a topic now)::

    {'replicas': [broker ids], 'leader': int (-1 when none), 'isr': [broker ids]}

brokers: ``{broker_id: rack or None}`` of the live brokers.
load: ``{broker_id: replicas it holds}`` over the whole cluster; the planners update it as
they place replicas, so one call spreads many partitions evenly.
A move: ``{(topic, partition): [new replicas]}``; the first replica is the preferred leader.

Rules every planner keeps
-------------------------
- The current leader stays the first replica when it stays a replica; a replica that is
  dropped is never the leader, and the new list always holds an in-sync replica.
- A new replica goes to a live broker that does not hold the partition yet: first one whose
  rack the partition does not use yet (when brokers have racks), then the least loaded, then
  the lowest id.
- A partition without a leader is not moved: its error names it.
"""

from __future__ import annotations

import time
import typing as t

from ansible_collections.streamops.kafka.plugins.module_utils._kafka import (
    AlterConfigOp,
    ConfigResource,
    ConfigResourceType,
    TopicPartition,
    describe_error,
)

THROTTLE_BROKER_KEYS = ('leader.replication.throttled.rate', 'follower.replication.throttled.rate')
THROTTLE_TOPIC_KEYS = ('leader.replication.throttled.replicas', 'follower.replication.throttled.replicas')

TopicPartitionKey = t.Tuple[str, int]


def _racks_of(replicas: t.Iterable[int], brokers: dict[int, t.Any]) -> set[t.Any]:
    return set(brokers.get(r) for r in replicas if brokers.get(r) is not None)


def pick_broker(current: t.Sequence[int], brokers: dict[int, t.Any], load: dict[int, int],
                exclude: t.Iterable[int] = (), turn: int = 0) -> int | None:
    """The live broker a new replica of a partition with ``current`` replicas goes to (or None).

    Among equally loaded brokers the choice rotates with ``turn`` (the partition index), so
    ties do not all land on the lowest id.
    """
    excluded = set(current) | set(exclude)
    ids = sorted(brokers)
    candidates = [b for b in ids if b not in excluded]
    if not candidates:
        return None
    used = _racks_of(current, brokers)
    return min(candidates, key=lambda b: (brokers.get(b) is not None and brokers.get(b) in used,
                                          load.get(b, 0), (ids.index(b) - turn) % len(ids)))


def _even_out(new: dict[int, list[int]], added: dict[int, list[int]], brokers: dict[int, t.Any],
              load: dict[int, int]) -> None:
    """Move just-added replicas from the most to the least loaded broker while that narrows the gap."""
    for _step in range(sum(len(a) for a in added.values())):
        ordered = sorted(brokers, key=lambda b: (load.get(b, 0), b))
        under, over = ordered[0], ordered[-1]
        if load.get(over, 0) - load.get(under, 0) <= 1:
            return
        for index in sorted(added):
            if over not in added[index] or under in new[index]:
                continue
            others = [r for r in new[index] if r != over]
            if brokers.get(under) is not None and brokers.get(under) != brokers.get(over) \
                    and brokers.get(under) in _racks_of(others, brokers):
                continue
            new[index][new[index].index(over)] = under
            added[index][added[index].index(over)] = under
            load[over] -= 1
            load[under] = load.get(under, 0) + 1
            break
        else:
            return


def _leader_first(replicas: t.Sequence[int], leader: int) -> list[int]:
    if leader in replicas:
        return [leader] + [r for r in replicas if r != leader]
    return list(replicas)


def _no_leader(topic: str, index: int, partition: dict[str, t.Any]) -> str | None:
    leader = partition.get('leader')
    if leader is None or leader < 0 or leader not in (partition.get('replicas') or []):
        return ('partition %d of topic %r has no leader (replicas %s, isr %s): its replicas are not moved '
                'while it is offline' % (index, topic, partition.get('replicas'), partition.get('isr')))
    return None


def change_replication_factor(topic: str, partitions: dict[int, dict[str, t.Any]], target: int,
                              brokers: dict[int, t.Any], load: dict[int, int],
                              ) -> tuple[dict[int, list[int]], list[str]]:
    """New replica lists giving every partition ``target`` replicas: ``({partition: replicas}, errors)``.

    Only partitions whose replica count differs are in the result. Growing keeps every replica
    and adds brokers by :func:`pick_broker`; shrinking drops, in this order, replicas out of
    the ISR, replicas on a rack another kept replica already covers, the most loaded brokers.
    """
    moves: dict[int, list[int]] = {}
    added: dict[int, list[int]] = {}
    errors: list[str] = []
    if target > len(brokers):
        return {}, ['replication_factor %d of topic %r exceeds the %d live broker(s)' % (target, topic, len(brokers))]
    for index in sorted(partitions):
        partition = partitions[index]
        replicas = list(partition.get('replicas') or [])
        if len(replicas) == target:
            continue
        problem = _no_leader(topic, index, partition)
        if problem:
            errors.append(problem)
            continue
        new = _leader_first(replicas, partition['leader'])
        if len(new) < target:
            while len(new) < target:
                broker = pick_broker(new, brokers, load, turn=index)
                if broker is None:
                    errors.append('partition %d of topic %r: no live broker left for replica %d of %d (live: %s)'
                                  % (index, topic, len(new) + 1, target, sorted(brokers)))
                    break
                new.append(broker)
                added.setdefault(index, []).append(broker)
                load[broker] = load.get(broker, 0) + 1
        else:
            isr = set(partition.get('isr') or [])
            while len(new) > target:
                kept_racks = [brokers.get(r) for r in new]

                def drop_score(r: int) -> tuple[bool, bool, int, int]:
                    rack = brokers.get(r)
                    return (r in isr, not (rack is not None and kept_racks.count(rack) > 1), -load.get(r, 0), -r)
                victim = min(new[1:], key=drop_score)
                new.remove(victim)
                load[victim] = load.get(victim, 0) - 1
        if len(new) == target:
            moves[index] = new
    _even_out(moves, dict((i, a) for i, a in added.items() if i in moves), brokers, load)
    return moves, errors


def new_partition_replicas(count: int, replication_factor: int, brokers: dict[int, t.Any],
                           load: dict[int, int]) -> list[list[int]]:
    """Replica lists for ``count`` new partitions (create partitions with explicit assignments)."""
    assignments = []
    for index in range(count):
        replicas: list[int] = []
        while len(replicas) < replication_factor:
            broker = pick_broker(replicas, brokers, load, turn=index)
            if broker is None:
                break
            replicas.append(broker)
            load[broker] = load.get(broker, 0) + 1
        assignments.append(replicas)
    return assignments


def drain_brokers(assignment: dict[TopicPartitionKey, dict[str, t.Any]], drained: t.Iterable[int],
                  brokers: dict[int, t.Any], load: dict[int, int], shrink: t.Iterable[str] = (),
                  ) -> tuple[dict[TopicPartitionKey, list[int]], list[str]]:
    """Moves that take every replica off the ``drained`` brokers: ``(moves, errors)``.

    A partition keeps its other replicas; each replica on a drained broker is replaced by one
    on a remaining live broker (:func:`pick_broker`), added at the end so it is not preferred
    leader before it has caught up. A kept in-sync replica (the current leader when it stays)
    becomes the first one. A partition of a topic in ``shrink`` wider than the remaining brokers
    drops the drained replicas instead, down to one per remaining broker.
    """
    drained = set(drained)
    shrink = set(shrink)
    remaining = dict((b, rack) for b, rack in brokers.items() if b not in drained)
    moves: dict[TopicPartitionKey, list[int]] = {}
    errors: list[str] = []
    for key in sorted(assignment):
        partition = assignment[key]
        replicas = list(partition.get('replicas') or [])
        if not drained & set(replicas):
            continue
        problem = _no_leader(key[0], key[1], partition)
        if problem:
            errors.append(problem)
            continue
        kept = [r for r in replicas if r not in drained]
        isr = [r for r in replicas if r in set(partition.get('isr') or []) and r not in drained]
        if not isr:
            errors.append('partition %d of topic %r has no in-sync replica outside broker(s) %s (isr %s): '
                          'draining would leave it without one'
                          % (key[1], key[0], sorted(drained), partition.get('isr')))
            continue
        first = partition['leader'] if partition['leader'] in kept else isr[0]
        new = _leader_first(kept, first)
        width = min(len(replicas), len(remaining)) if key[0] in shrink else len(replicas)
        for removed in (r for r in replicas if r in drained):
            if len(new) >= width:  # a shrinking topic: the replica goes, nothing replaces it
                load[removed] = load.get(removed, 0) - 1
                continue
            broker = pick_broker(new, remaining, load, turn=key[1])
            if broker is None:
                errors.append('partition %d of topic %r: no broker outside %s can take its replica (it has '
                              'replicas %s, remaining brokers %s)' % (key[1], key[0], sorted(drained),
                                                                      replicas, sorted(remaining)))
                break
            new.append(broker)
            load[broker] = load.get(broker, 0) + 1
            load[removed] = load.get(removed, 0) - 1
        else:
            moves[key] = new
    return moves, errors


def drain_problems(drained: t.Sequence[int], brokers: dict[int, t.Any],
                   assignment: dict[TopicPartitionKey, dict[str, t.Any]], min_insync: dict[str, int],
                   voters: t.Sequence[int], shrink: t.Iterable[str] = ()) -> list[str]:
    """Why draining ``drained`` must be refused, naming the numbers; [] when it may go ahead.

    ``brokers``: the live brokers; ``min_insync``: each topic's effective min.insync.replicas;
    ``voters``: the KRaft controller voters ([] in ZooKeeper mode); ``shrink``: topics that may
    lose replicas rather than be refused as wider than the remaining brokers.
    """
    shrink = set(shrink)
    problems = []
    known = set(brokers)
    for partition in assignment.values():
        known.update(partition.get('replicas') or [])
    unknown = [b for b in drained if b not in known]
    if unknown:
        problems.append('broker id(s) %s are not in the cluster (live brokers: %s)' % (unknown, sorted(brokers)))
    remaining = sorted(b for b in brokers if b not in set(drained))
    if not remaining:
        problems.append('it would leave no broker: the live brokers are %s' % sorted(brokers))
        return problems
    widest: dict[str, int] = {}
    for (topic, _index), partition in assignment.items():
        widest[topic] = max(widest.get(topic, 0), len(partition.get('replicas') or []))
    too_wide = sorted((rf, topic) for topic, rf in widest.items() if rf > len(remaining) and topic not in shrink)
    if too_wide:
        rf, topic = too_wide[-1]
        problems.append('%d broker(s) would remain (%s), fewer than the replication factor %d of topic %r%s'
                        % (len(remaining), remaining, rf, topic,
                           ' and %d other topic(s)' % (len(too_wide) - 1) if len(too_wide) > 1 else ''))
    unsatisfiable = sorted((n, topic) for topic, n in min_insync.items() if topic in widest and n > len(remaining))
    if unsatisfiable:
        n, topic = unsatisfiable[-1]
        problems.append('%d broker(s) would remain, fewer than min.insync.replicas=%d of topic %r%s: acks=all '
                        'producers would fail' % (len(remaining), n, topic,
                                                  ' and %d other topic(s)' % (len(unsatisfiable) - 1)
                                                  if len(unsatisfiable) > 1 else ''))
    controllers = [b for b in drained if b in set(voters)]
    if controllers:
        problems.append('broker id(s) %s are KRaft controller voters (voters: %s): draining them is not a quorum '
                        'change; remove them from the controller quorum separately' % (controllers, sorted(voters)))
    return problems


def balance_brokers(assignment: dict[TopicPartitionKey, dict[str, t.Any]], brokers: dict[int, t.Any],
                    load: dict[int, int], max_moves: int = 100000) -> dict[TopicPartitionKey, list[int]]:
    """Moves that even out how many replicas each live broker holds (within one of each other).

    Each step moves one replica from the most to the least loaded broker, on a partition the
    latter does not hold, keeping the partition's rack spread; followers move before leaders,
    and a moved replica goes to the end of the list. Partitions without a leader are left alone.
    """
    work = dict((key, list(p.get('replicas') or [])) for key, p in assignment.items()
                if _no_leader(key[0], key[1], p) is None)
    leaders = dict((key, assignment[key]['leader']) for key in work)
    for b in brokers:
        load.setdefault(b, 0)
    changed: set[TopicPartitionKey] = set()
    blocked: set[tuple[int, int]] = set()
    for _step in range(max_moves):
        ordered = sorted(brokers, key=lambda b: (load[b], b))
        pair = None
        for over in reversed(ordered):
            for under in ordered:
                if load[over] - load[under] <= 1:
                    break
                if (over, under) not in blocked:
                    pair = (over, under)
                    break
            if pair:
                break
        if pair is None:
            break
        over, under = pair
        chosen = None
        for leader_ok in (False, True):
            for key in sorted(work):
                replicas = work[key]
                if over not in replicas or under in replicas:
                    continue
                if (leaders[key] == over) != leader_ok:
                    continue
                others = [r for r in replicas if r != over]
                rack_under = brokers.get(under)
                if rack_under is not None and rack_under != brokers.get(over) and rack_under in _racks_of(others, brokers):
                    continue
                chosen = key
                break
            if chosen:
                break
        if chosen is None:
            blocked.add(pair)
            continue
        replicas = [r for r in work[chosen] if r != over] + [under]
        work[chosen] = _leader_first(replicas, leaders[chosen])
        load[over] -= 1
        load[under] += 1
        changed.add(chosen)
    return dict((key, work[key]) for key in sorted(changed) if work[key] != list(assignment[key]['replicas']))


def replica_load(metadata_topics: t.Iterable[dict[str, t.Any]]) -> dict[int, int]:
    """``{broker_id: replicas}`` from describe_topics() entries (every topic of the cluster)."""
    load: dict[int, int] = {}
    for topic in metadata_topics:
        if topic.get('error_code'):
            continue
        for partition in topic.get('partitions') or []:
            for replica in partition.get('replica_nodes') or []:
                load[replica] = load.get(replica, 0) + 1
    return load


def assignment_from_metadata(metadata_topics: t.Iterable[dict[str, t.Any]],
                             ) -> dict[TopicPartitionKey, dict[str, t.Any]]:
    """``{(topic, partition): {'replicas', 'leader', 'isr'}}`` from describe_topics() entries."""
    out: dict[TopicPartitionKey, dict[str, t.Any]] = {}
    for topic in metadata_topics:
        if topic.get('error_code'):
            continue
        for partition in topic.get('partitions') or []:
            out[(topic['name'], partition.get('partition_index'))] = dict(
                replicas=list(partition.get('replica_nodes') or []),
                leader=partition.get('leader_id', -1),
                isr=list(partition.get('isr_nodes') or []),
            )
    return out


def throttle_configs(moves: dict[TopicPartitionKey, list[int]],
                     current: dict[TopicPartitionKey, t.Sequence[int]], rate: int,
                     ) -> tuple[dict[int, dict[str, str]], dict[str, dict[str, str]]]:
    """The broker and topic configs that throttle ``moves`` to ``rate`` bytes/s.

    As kafka-reassign-partitions does: the rate on every broker a moving partition has now or
    gets; the leader side throttled on the partitions' current replicas, the follower side on
    the replicas being added. ``({broker_id: {key: value}}, {topic: {key: value}})``.
    """
    broker_ids: set[int] = set()
    leaders: dict[str, list[str]] = {}
    followers: dict[str, list[str]] = {}
    for (topic, index), new in sorted(moves.items()):
        old = list(current.get((topic, index)) or [])
        broker_ids.update(old)
        broker_ids.update(new)
        leaders.setdefault(topic, []).extend('%d:%d' % (index, r) for r in old)
        followers.setdefault(topic, []).extend('%d:%d' % (index, r) for r in new if r not in old)
    broker_configs = dict((b, dict((key, str(rate)) for key in THROTTLE_BROKER_KEYS)) for b in sorted(broker_ids))
    topic_configs = {}
    for topic in sorted(leaders):
        topic_configs[topic] = {THROTTLE_TOPIC_KEYS[0]: ','.join(leaders[topic])}
        if followers.get(topic):
            topic_configs[topic][THROTTLE_TOPIC_KEYS[1]] = ','.join(followers[topic])
    return broker_configs, topic_configs


def running_conflicts(moves: dict[TopicPartitionKey, list[int]],
                      running: dict[TopicPartitionKey, dict[str, t.Any]]) -> tuple[list[TopicPartitionKey], list[str]]:
    """Split planned moves against reassignments already running.

    Returns ``(already, errors)``: the partitions whose running reassignment already goes where
    the plan goes (they are waited for, not started again), and one error per partition whose
    running reassignment goes elsewhere (nothing may then be started).
    """
    already = []
    errors = []
    for key in sorted(moves):
        if key not in running:
            continue
        entry = running[key]
        target = running_target(entry)
        if sorted(target) == sorted(moves[key]):
            already.append(key)
        else:
            errors.append('partition %d of topic %r is already being reassigned to %s (adding %s, removing %s); '
                          'wait for it or cancel it before asking for %s'
                          % (key[1], key[0], target, entry.get('adding_replicas'), entry.get('removing_replicas'),
                             moves[key]))
    return already, errors


def running_target(entry: dict[str, t.Any]) -> list[int]:
    """Where a running reassignment (a list_partition_reassignments entry) takes its partition."""
    return [r for r in entry.get('replicas') or [] if r not in (entry.get('removing_replicas') or [])]


def running_targets(topic: str, running: dict[int, dict[str, t.Any]], replication_factor: int,
                    ) -> tuple[dict[int, list[int]], list[str]]:
    """Of a topic's partitions under reassignment (``{partition: entry}``): those whose running
    reassignment gives them ``replication_factor`` replicas (``{partition: target}``, to wait for)
    and one error for each of the others."""
    adopted: dict[int, list[int]] = {}
    errors = []
    for index in sorted(running):
        target = running_target(running[index])
        if len(target) == replication_factor:
            adopted[index] = target
        else:
            errors.append('partition %d of topic %r is already being reassigned to %s (adding %s, removing %s), '
                          'not to %d replica(s); wait for it or cancel it first'
                          % (index, topic, target, running[index].get('adding_replicas'),
                             running[index].get('removing_replicas'), replication_factor))
    return adopted, errors


def move_report(moves: dict[TopicPartitionKey, list[int]], current: dict[TopicPartitionKey, t.Sequence[int]],
                status: dict[TopicPartitionKey, str] | None = None) -> list[dict[str, t.Any]]:
    """One ``{topic, partition, before, after, status}`` per move, sorted."""
    status = status or {}
    return [dict(topic=key[0], partition=key[1], before=list(current.get(key) or []), after=list(moves[key]),
                 status=status.get(key, 'planned')) for key in sorted(moves)]


class Reassigner:
    """Runs reassignments through a kafka-python ``KafkaAdminClient`` (``admin``)."""

    def __init__(self, admin: t.Any, timeout_ms: int) -> None:
        self.admin = admin
        self.timeout_ms = timeout_ms

    def running(self, keys: t.Iterable[TopicPartitionKey] | None = None) -> dict[TopicPartitionKey, dict[str, t.Any]]:
        """Reassignments in progress (of ``keys``, or all), as list_partition_reassignments reports them."""
        wanted = None
        if keys is not None:
            wanted = {}
            for topic, index in keys:
                wanted.setdefault(topic, []).append(index)
            if not wanted:
                return {}
        answer = self.admin.list_partition_reassignments(wanted, timeout_ms=self.timeout_ms)
        return dict(((tp.topic, tp.partition), entry) for tp, entry in answer.items())

    def start(self, moves: dict[TopicPartitionKey, list[int]]) -> dict[TopicPartitionKey, str]:
        """Start the moves; ``{key: error}`` for the partitions the controller refused."""
        if not moves:
            return {}
        answer = self.admin.alter_partition_reassignments(
            dict((TopicPartition(topic, index), list(replicas)) for (topic, index), replicas in moves.items()),
            timeout_ms=self.timeout_ms)
        errors = {}
        for (topic, index) in moves:
            error = answer.get(TopicPartition(topic, index), 'missing')
            if error == 'missing':
                errors[(topic, index)] = 'the controller did not answer for this partition'
            elif error is not None:
                errors[(topic, index)] = getattr(error, '__name__', str(error))
        return errors

    def _dynamic(self, resources: list[t.Any], kind: str) -> dict[str, dict[str, str]]:
        described = self.admin.describe_configs(resources, config_filter='dynamic')
        out: dict[str, dict[str, str]] = {}
        for name, entries in (described.get(kind) or {}).items():
            out[name] = dict((key, entry.get('value')) for key, entry in (entries or {}).items()
                             if key in THROTTLE_BROKER_KEYS + THROTTLE_TOPIC_KEYS and entry.get('value') is not None)
        return out

    def set_throttle(self, broker_configs: dict[int, dict[str, str]],
                     topic_configs: dict[str, dict[str, str]]) -> dict[str, t.Any]:
        """Apply the throttle; returns what :meth:`clear_throttle` needs to put things back as they were."""
        brokers = [ConfigResource(ConfigResourceType.BROKER, str(b), list(THROTTLE_BROKER_KEYS)) for b in broker_configs]
        topics = [ConfigResource(ConfigResourceType.TOPIC, name, list(THROTTLE_TOPIC_KEYS)) for name in topic_configs]
        before = dict(broker=self._dynamic(brokers, 'broker') if brokers else {},
                      topic=self._dynamic(topics, 'topic') if topics else {},
                      brokers=sorted(broker_configs), topics=sorted(topic_configs))
        resources = [ConfigResource(ConfigResourceType.BROKER, str(b), dict((k, (AlterConfigOp.SET, v)) for k, v in cfg.items()))
                     for b, cfg in broker_configs.items()]
        resources += [ConfigResource(ConfigResourceType.TOPIC, name, dict((k, (AlterConfigOp.SET, v)) for k, v in cfg.items()))
                      for name, cfg in topic_configs.items()]
        self._alter(resources, 'set the replication throttle')
        return before

    def clear_throttle(self, before: dict[str, t.Any]) -> None:
        """Put the throttle keys back as they were before :meth:`set_throttle` (removed when unset)."""
        resources = []
        for kind, names, keys, rtype in (('broker', [str(b) for b in before['brokers']], THROTTLE_BROKER_KEYS,
                                          ConfigResourceType.BROKER),
                                         ('topic', before['topics'], THROTTLE_TOPIC_KEYS, ConfigResourceType.TOPIC)):
            for name in names:
                old = (before[kind] or {}).get(name) or {}
                ops = dict((key, (AlterConfigOp.SET, old[key]) if key in old else (AlterConfigOp.DELETE, None)) for key in keys)
                resources.append(ConfigResource(rtype, name, ops))
        self._alter(resources, 'remove the replication throttle')

    def _alter(self, resources: list[t.Any], what: str) -> None:
        if not resources:
            return
        answer = self.admin.alter_configs(resources, raise_on_unknown=False, incremental=True)
        failures = []
        for kind, outcomes in (answer or {}).items():
            for name, outcome in outcomes.items():
                if outcome != 'OK':
                    failures.append('%s %s: %s' % (kind, name, outcome))
        if failures:
            raise RuntimeError('cannot %s: %s' % (what, '; '.join(failures)))

    def wait(self, moves: dict[TopicPartitionKey, list[int]], timeout: float, interval: float = 0.5,
             ) -> dict[TopicPartitionKey, str]:
        """Wait until each moved partition has exactly its new replicas, all in sync, and no
        reassignment runs for it; ``{key: why not}`` of those still pending at the deadline."""
        pending = dict((key, 'not checked yet') for key in moves)
        deadline = time.monotonic() + timeout
        while pending:
            running = self.running(list(pending))
            topics = sorted(set(topic for topic, _index in pending))
            now = assignment_from_metadata(self.admin.describe_topics(topics))
            for key in list(pending):
                state = now.get(key)
                if key in running:
                    entry = running[key]
                    pending[key] = 'still reassigning (replicas %s, adding %s, removing %s)' % (
                        entry.get('replicas'), entry.get('adding_replicas'), entry.get('removing_replicas'))
                elif state is None:
                    pending[key] = 'partition not in the metadata'
                elif sorted(state['replicas']) != sorted(moves[key]):
                    pending[key] = 'replicas %s, expected %s' % (state['replicas'], moves[key])
                elif not set(moves[key]) <= set(state['isr']):
                    pending[key] = 'in-sync replicas %s, expected %s' % (state['isr'], moves[key])
                else:
                    del pending[key]
            if not pending or time.monotonic() >= deadline:
                break
            time.sleep(interval)
        return pending

    def execute(self, moves: dict[TopicPartitionKey, list[int]], current: dict[TopicPartitionKey, t.Sequence[int]],
                already: t.Iterable[TopicPartitionKey], rate: int | None, timeout: float,
                ) -> tuple[dict[TopicPartitionKey, str], list[str]]:
        """Throttle (when ``rate``), start the moves not ``already`` running, wait, and always remove the throttle.

        Returns ``({key: 'done' or why not}, failures)``; ``failures`` says what went wrong beyond
        single partitions (the request itself, the throttle that could not be removed).
        """
        already = set(already)
        status: dict[TopicPartitionKey, str] = {}
        failures: list[str] = []
        before = None
        try:
            if rate:
                before = self.set_throttle(*throttle_configs(moves, current, rate))
            for key, error in self.start(dict((k, v) for k, v in moves.items() if k not in already)).items():
                status[key] = 'failed: %s' % error
            waiting = dict((key, replicas) for key, replicas in moves.items() if key not in status)
            for key, reason in self.wait(waiting, timeout).items():
                status[key] = 'timed out after %ds: %s' % (timeout, reason)
        except Exception as exc:  # pylint: disable=broad-except
            failures.append('the reassignment failed: %s' % describe_error(exc))
            for key in moves:
                status.setdefault(key, 'failed: %s' % describe_error(exc))
        finally:
            if before is not None:
                try:
                    self.clear_throttle(before)
                except Exception as exc:  # pylint: disable=broad-except
                    failures.append('the replication throttle could not be removed: %s; delete '
                                    '*.replication.throttled.rate of broker(s) %s and *.replication.throttled.replicas '
                                    'of topic(s) %s by hand' % (describe_error(exc), before['brokers'], before['topics']))
        for key in moves:
            status.setdefault(key, 'done')
        return status, failures
