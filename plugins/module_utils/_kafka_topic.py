# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

"""Pure planning logic of ``streamops.kafka.kafka_topic`` (private module_utils).

``plan_topics(specs, snapshot)`` is the single place where desired topic specs
are compared with the cluster's current state.  Check mode and the real run
both use it, so they succeed and fail alike.  Nothing in here talks to Kafka.

Shapes
------
spec (one desired topic)::

    {'name': str, 'state': 'present'|'absent', 'partitions': int|None,
     'replication_factor': int|None, 'config': {key: value|None}}

snapshot (what the cluster looks like now)::

    {'broker_count': int,
     'brokers': {broker_id: rack or None},
     'topics': {name: {'partitions': int, 'replication_factor': int, 'internal': bool,
                       'assignment': {partition: {'replicas': [..], 'leader': int, 'isr': [..]}}}},
     'configs': {name: {key: {'value': str|None, 'source': str, 'type': str|None}}},
     'defaults': {'partitions': int|None, 'replication_factor': int|None},
     'load': {broker_id: replicas held}, 'running': {(topic, partition): reassignment}}

``load`` and ``running`` are only needed when a replication factor changes
(they cost a metadata read of every topic and a ListPartitionReassignments).

``topics`` only needs the topics named by the specs (others are ignored);
a topic missing from it does not exist.  ``configs`` holds what
DescribeConfigs returned for existing topics; every key it reports is an
accepted config name on top of ``TOPIC_CONFIG_TYPES``.
"""

from __future__ import annotations

import typing as t

from ansible_collections.streamops.kafka.plugins.module_utils._kafka_config import (
    TOPIC_CONFIG_TYPES,
    config_type_for,
    is_internal_topic_name,
    normalize_config_value,
    suggest_config_key,
    validate_topic_name,
)
from ansible_collections.streamops.kafka.plugins.module_utils._kafka_health import replication_factor_of
from ansible_collections.streamops.kafka.plugins.module_utils._kafka_reassign import (
    change_replication_factor,
    new_partition_replicas,
    running_targets,
)

ACTION_CREATE = 'create'
ACTION_UPDATE = 'update'
ACTION_DELETE = 'delete'
ACTION_NONE = 'none'
ACTION_ERROR = 'error'

DYNAMIC_TOPIC_SOURCE = 'DYNAMIC_TOPIC_CONFIG'


def topic_specs_from_params(params: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    """Desired topic specs from the module parameters (pure).

    With ``name`` there is one spec.  With ``topics`` each entry inherits
    ``state``, ``partitions`` and ``replication_factor`` from the top-level
    options when it does not set them, and its ``config`` is merged over the
    top-level ``config``.
    """
    base_config = dict(params.get('config') or {})
    defaults = dict(
        state=params.get('state') or 'present',
        partitions=params.get('partitions'),
        replication_factor=params.get('replication_factor'),
    )
    if params.get('name') is not None:
        entries: list[dict[str, t.Any]] = [dict(name=params['name'])]
    else:
        entries = [dict(entry or {}) for entry in (params.get('topics') or [])]
    specs = []
    for entry in entries:
        config = dict(base_config)
        config.update(entry.get('config') or {})
        spec = dict(name=entry.get('name'), config=config)
        for key, default in defaults.items():
            value = entry.get(key)
            spec[key] = default if value is None else value
        specs.append(spec)
    return specs


def snapshot_from_cluster(
    metadata_topics: t.Iterable[dict[str, t.Any]],
    brokers: t.Sequence[t.Any],
    topic_configs: dict[str, dict[str, dict[str, t.Any]]] | None = None,
    broker_defaults: dict[str, t.Any] | None = None,
) -> dict[str, t.Any]:
    """Build a snapshot from kafka-python's answers (pure).

    ``metadata_topics``: ``describe_topics()`` entries; ones with an error
    (UNKNOWN_TOPIC_OR_PARTITION...) are treated as absent.
    ``brokers``: live brokers (any sequence; only its length counts).
    ``topic_configs``: ``describe_configs()['topic']``.
    ``broker_defaults``: ``{'num.partitions': .., 'default.replication.factor': ..}``
    as reported for a broker (values may be strings).
    """
    topics: dict[str, dict[str, t.Any]] = {}
    for topic in metadata_topics:
        if topic.get('error_code'):
            continue
        name = topic.get('name')
        partitions = topic.get('partitions') or []
        topics[name] = dict(
            partitions=len(partitions),
            replication_factor=replication_factor_of(partitions),
            internal=bool(topic.get('is_internal')) or is_internal_topic_name(name or ''),
            assignment=dict((p.get('partition_index'), dict(
                replicas=list(p.get('replica_nodes') or []), leader=p.get('leader_id', -1),
                isr=list(p.get('isr_nodes') or []))) for p in partitions),
        )
    configs: dict[str, dict[str, dict[str, t.Any]]] = {}
    for name, entries in (topic_configs or {}).items():
        if name not in topics:
            continue
        configs[name] = {
            key: dict(value=entry.get('value'), source=entry.get('config_source'),
                      type=entry.get('config_type'))
            for key, entry in (entries or {}).items()
        }
    defaults: dict[str, int | None] = dict(partitions=None, replication_factor=None)
    for key, target in (('num.partitions', 'partitions'), ('default.replication.factor', 'replication_factor')):
        value = (broker_defaults or {}).get(key)
        if isinstance(value, dict):
            value = value.get('value')
        try:
            defaults[target] = int(value) if value is not None else None
        except (TypeError, ValueError):
            defaults[target] = None
    racks = {}
    for broker in brokers:
        if isinstance(broker, dict):
            racks[broker.get('broker_id', broker.get('node_id'))] = broker.get('rack')
    return dict(broker_count=len(brokers), brokers=racks, topics=topics, configs=configs, defaults=defaults)


def _new_plan(spec: dict[str, t.Any]) -> dict[str, t.Any]:
    return dict(
        name=spec.get('name'),
        state=spec.get('state') or 'present',
        action=ACTION_NONE,
        changed=False,
        error=None,
        partitions=None,
        replication_factor=None,
        config={},
        changes=[],
        create=None,
        grow_to=None,
        grow_assignments=None,
        reassign={},
        reassign_running=[],
        config_set={},
        config_delete=[],
        before={},
        after={},
    )


def _fail(plan: dict[str, t.Any], message: str) -> dict[str, t.Any]:
    plan['action'] = ACTION_ERROR
    plan['changed'] = False
    plan['error'] = message
    plan['create'] = None
    plan['grow_to'] = None
    plan['grow_assignments'] = None
    plan['reassign'] = {}
    plan['reassign_running'] = []
    plan['config_set'] = {}
    plan['config_delete'] = []
    plan['changes'] = []
    plan['after'] = dict(plan['before'])
    return plan


def _state_view(state: str, partitions: int | None = None, replication_factor: int | None = None,
                config: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
    if state == 'absent':
        return dict(state='absent')
    return dict(state='present', partitions=partitions, replication_factor=replication_factor,
                config=dict(config or {}))


def _check_positive(name: str, option: str, value: t.Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        return '%s of topic %r must be an integer, got %r' % (option, name, value)
    if value < 1:
        return '%s of topic %r must be at least 1, got %d' % (option, name, value)
    if option == 'replication_factor' and value > 32767:
        return '%s of topic %r must be at most 32767, got %d' % (option, name, value)
    return None


def _desired_config(name: str, config: dict[str, t.Any], live: dict[str, dict[str, t.Any]],
                    known_keys: set[str]) -> tuple[dict[str, str | None], list[str]]:
    """Normalised desired config (``None`` = remove the override) and errors."""
    errors = []
    desired: dict[str, str | None] = {}
    unknown = sorted(key for key in config if key not in known_keys)
    if unknown:
        hints = ', '.join('%s%s' % (key, suggest_config_key(key, known_keys)) for key in unknown)
        errors.append('unknown config key(s) for topic %r: %s; not a topic-level config of Kafka 3.9 '
                      'nor reported by the broker' % (name, hints))
    for key in sorted(config):
        if key in unknown:
            continue
        value = config[key]
        if value is None:
            desired[key] = None
            continue
        ctype = config_type_for(key, (live.get(key) or {}).get('type'))
        try:
            desired[key] = normalize_config_value(value, ctype)
        except ValueError as exc:
            errors.append('invalid value for config %r of topic %r: %s' % (key, name, exc))
    return desired, errors


def _plan_present(plan: dict[str, t.Any], spec: dict[str, t.Any], snapshot: dict[str, t.Any],
                  known_keys: set[str]) -> dict[str, t.Any]:
    name = plan['name']
    current = (snapshot.get('topics') or {}).get(name)
    live = (snapshot.get('configs') or {}).get(name) or {}
    broker_count = snapshot.get('broker_count')

    errors = [e for e in (_check_positive(name, 'partitions', spec.get('partitions')),
                          _check_positive(name, 'replication_factor', spec.get('replication_factor'))) if e]
    desired, config_errors = _desired_config(name, spec.get('config') or {}, live, known_keys)
    errors.extend(config_errors)

    if current is None:
        plan['before'] = _state_view('absent')
        if errors:
            return _fail(plan, '; '.join(errors))
        defaults = snapshot.get('defaults') or {}
        partitions = spec.get('partitions') or defaults.get('partitions')
        replication = spec.get('replication_factor') or defaults.get('replication_factor')
        if replication is not None and broker_count is not None and replication > broker_count:
            source = 'replication_factor' if spec.get('replication_factor') else "the broker's default.replication.factor"
            return _fail(plan, '%s %d of topic %r exceeds the %d live broker(s); no topic was changed'
                         % (source, replication, name, broker_count))
        configs = dict((k, v) for k, v in desired.items() if v is not None)
        plan.update(
            action=ACTION_CREATE, changed=True,
            partitions=partitions, replication_factor=replication, config=dict(desired),
            create=dict(num_partitions=spec.get('partitions') or -1,
                        replication_factor=spec.get('replication_factor') or -1,
                        configs=configs),
            after=_state_view('present', partitions, replication, desired),
        )
        plan['changes'].append('create with %s partition(s), replication factor %s%s' % (
            partitions if partitions is not None else 'default', replication if replication is not None else 'default',
            (', config ' + ', '.join('%s=%s' % kv for kv in sorted(configs.items()))) if configs else ''))
        return plan

    # The topic exists.
    cur_partitions = current.get('partitions')
    cur_replication = current.get('replication_factor')
    before_config = {}
    for key, value in desired.items():
        entry = live.get(key) or {}
        if value is None:
            before_config[key] = entry.get('value') if entry.get('source') == DYNAMIC_TOPIC_SOURCE else None
        else:
            raw = entry.get('value')
            try:
                before_config[key] = None if raw is None else normalize_config_value(
                    raw, config_type_for(key, entry.get('type')))
            except ValueError:
                before_config[key] = raw
    plan['before'] = _state_view('present', cur_partitions, cur_replication, before_config)

    wanted_partitions = spec.get('partitions')
    if wanted_partitions is not None and cur_partitions is not None and wanted_partitions < cur_partitions:
        errors.append('cannot reduce partitions of topic %r from %d to %d: Kafka can only add partitions'
                      % (name, cur_partitions, wanted_partitions))
    wanted_replication = spec.get('replication_factor')
    after_replication = cur_replication
    assignment = current.get('assignment') or {}
    moving = [index for topic, index in (snapshot.get('running') or {}) if topic == name and index in assignment]
    if isinstance(wanted_replication, int) and 1 <= wanted_replication <= 32767 and (moving or any(
            len(p.get('replicas') or []) != wanted_replication for p in assignment.values())):
        if broker_count is not None and wanted_replication > broker_count:
            errors.append('replication_factor %d of topic %r exceeds the %d live broker(s); no topic was changed'
                          % (wanted_replication, name, broker_count))
        else:
            # A partition already being reassigned is not reassigned again: when its reassignment
            # gives it the wanted replica count it is waited for, otherwise the task fails.
            running = dict((index, entry) for (topic, index), entry in (snapshot.get('running') or {}).items()
                           if topic == name and index in assignment)
            adopted, conflicts = running_targets(name, running, wanted_replication)
            idle = dict((index, p) for index, p in assignment.items() if index not in running)
            moves, move_errors = change_replication_factor(
                name, idle, wanted_replication, snapshot.get('brokers') or {}, snapshot.setdefault('load', {}))
            moves.update(adopted)
            errors.extend(move_errors + conflicts)
            plan['reassign'] = dict(sorted(moves.items()))
            plan['reassign_running'] = sorted(adopted)
            after_replication = wanted_replication
            plan['changes'].append('replication factor %s -> %d (%s)' % (
                cur_replication, wanted_replication, '; '.join(
                    'partition %d: %s -> %s%s' % (index, assignment[index]['replicas'], moves[index],
                                                  ' (already running)' if index in plan['reassign_running'] else '')
                    for index in sorted(moves))))
    if errors:
        return _fail(plan, '; '.join(errors))

    after_partitions = cur_partitions
    if wanted_partitions is not None and cur_partitions is not None and wanted_partitions > cur_partitions:
        plan['grow_to'] = wanted_partitions
        after_partitions = wanted_partitions
        plan['changes'].append('partitions %d -> %d' % (cur_partitions, wanted_partitions))
        if plan['reassign']:
            # New partitions are created with the new replication factor directly.
            plan['grow_assignments'] = new_partition_replicas(
                wanted_partitions - cur_partitions, wanted_replication, snapshot.get('brokers') or {},
                snapshot.setdefault('load', {}))

    after_config = {}
    for key, value in desired.items():
        before = before_config.get(key)
        entry = live.get(key) or {}
        if value is None:
            after_config[key] = None
            if entry.get('source') == DYNAMIC_TOPIC_SOURCE:
                plan['config_delete'].append(key)
                plan['changes'].append('remove override %s (was %s)' % (key, entry.get('value')))
            continue
        after_config[key] = value
        if before != value:
            plan['config_set'][key] = value
            plan['changes'].append('set %s=%s (was %s)' % (key, value, before))

    plan.update(
        partitions=after_partitions, replication_factor=after_replication, config=dict(desired),
        after=_state_view('present', after_partitions, after_replication, after_config),
    )
    if plan['reassign']:
        plan['before']['assignment'] = dict((index, list(assignment[index]['replicas'])) for index in sorted(plan['reassign']))
        plan['after']['assignment'] = dict((index, list(plan['reassign'][index])) for index in sorted(plan['reassign']))
    if plan['grow_to'] is not None or plan['config_set'] or plan['config_delete'] or plan['reassign']:
        plan['action'] = ACTION_UPDATE
        plan['changed'] = True
    return plan


def _plan_absent(plan: dict[str, t.Any], snapshot: dict[str, t.Any]) -> dict[str, t.Any]:
    name = plan['name']
    current = (snapshot.get('topics') or {}).get(name)
    plan['before'] = _state_view('absent') if current is None else _state_view(
        'present', current.get('partitions'), current.get('replication_factor'))
    if is_internal_topic_name(name) or (current or {}).get('internal'):
        return _fail(plan, 'refusing to delete internal topic %r: Kafka needs it' % name)
    plan['after'] = _state_view('absent')
    if current is None:
        return plan
    plan.update(action=ACTION_DELETE, changed=True,
                partitions=current.get('partitions'), replication_factor=current.get('replication_factor'))
    plan['changes'].append('delete topic with %s partition(s)' % current.get('partitions'))
    return plan


def known_config_keys(snapshot: dict[str, t.Any]) -> set[str]:
    """Static Kafka 3.9 topic config names plus every key the broker reported."""
    keys = set(TOPIC_CONFIG_TYPES)
    for entries in (snapshot.get('configs') or {}).values():
        keys.update(entries or {})
    return keys


def plan_topics(specs: t.Sequence[dict[str, t.Any]], snapshot: dict[str, t.Any]) -> dict[str, t.Any]:
    """Compare desired specs with the snapshot; the only planning function.

    Returns ``{'topics': [plan, ...], 'errors': [msg, ...], 'changed': bool}``
    with one plan per spec, in spec order.  Any error means nothing at all
    may be changed.  Each plan has ``action`` (create, update, delete, none,
    error), ``changed``, ``error``, resulting ``partitions``,
    ``replication_factor`` and declared ``config``, a human ``changes``
    list, what to do (``create`` kwargs, ``grow_to`` with ``grow_assignments``
    when the replication factor changes too, ``config_set``, ``config_delete``,
    ``reassign`` ``{partition: new replicas}`` of which ``reassign_running`` are
    already under way) and ``before``/``after`` views for ``--diff``.
    """
    known_keys = known_config_keys(snapshot)
    plans = []
    seen: dict[str, int] = {}
    collisions: dict[str, str] = {}
    for spec in specs:
        name = spec.get('name')
        seen[name] = seen.get(name, 0) + 1
    for spec in specs:
        plan = _new_plan(spec)
        name = plan['name']
        problem = validate_topic_name(name)
        if problem:
            plans.append(_fail(plan, problem))
            continue
        if seen.get(name, 0) > 1:
            plans.append(_fail(plan, 'topic %r is listed %d times in one task' % (name, seen[name])))
            continue
        if plan['state'] not in ('present', 'absent'):
            plans.append(_fail(plan, "state of topic %r must be present or absent, got %r" % (name, plan['state'])))
            continue
        if plan['state'] == 'present':
            plan = _plan_present(plan, spec, snapshot, known_keys)
            if plan['action'] == ACTION_CREATE:
                # Kafka rejects topics whose names differ only by '.' vs '_'.
                key = name.replace('.', '_')
                other = collisions.get(key)
                if other is not None:
                    _fail(plan, 'topic names %r and %r collide: Kafka treats . and _ alike in metric names'
                          % (other, name))
                else:
                    collisions[key] = name
        else:
            plan = _plan_absent(plan, snapshot)
        plans.append(plan)
    errors = ['%s' % p['error'] for p in plans if p['error']]
    return dict(topics=plans, errors=errors, changed=any(p['changed'] for p in plans))


# A KRaft controller refuses a request that would write more than 10 000 metadata records
# ("PolicyViolationError: Unable to perform excessively large batch operation", QuorumController's
# MAX_RECORDS_PER_USER_OP). Creating 10 000 topics of one partition with one config key is 30 000.
# Requests are split so that none comes near it; ZooKeeper mode takes the same batches.
MAX_RECORDS_PER_REQUEST = 5000


def request_records(plan: dict[str, t.Any], kind: str) -> int:
    """Metadata records the plan's part of a ``kind`` request writes (an upper estimate)."""
    if kind == 'create':
        create = plan['create'] or {}
        partitions = create.get('num_partitions')
        if not isinstance(partitions, int) or partitions < 1:
            partitions = plan.get('partitions') if isinstance(plan.get('partitions'), int) else 1
        return 1 + partitions + len(create.get('configs') or {})
    if kind == 'grow':
        return max(1, (plan['grow_to'] or 0) - (plan['before'].get('partitions') or 0))
    if kind == 'alter':
        return max(1, len(plan['config_set']) + len(plan['config_delete']))
    return 1 + (plan['before'].get('partitions') or 0) if kind == 'delete' else 1


def request_batches(plans: t.Sequence[dict[str, t.Any]], kind: str,
                    limit: int = MAX_RECORDS_PER_REQUEST) -> list[list[dict[str, t.Any]]]:
    """Consecutive batches of ``plans`` of at most ``limit`` records each (a plan above it alone)."""
    batches: list[list[dict[str, t.Any]]] = []
    current: list[dict[str, t.Any]] = []
    size = 0
    for plan in plans:
        weight = request_records(plan, kind)
        if current and size + weight > limit:
            batches.append(current)
            current, size = [], 0
        current.append(plan)
        size += weight
    if current:
        batches.append(current)
    return batches


def result_entry(plan: dict[str, t.Any]) -> dict[str, t.Any]:
    """The per-topic dict returned to the user (``topics`` return value)."""
    return dict(
        name=plan['name'],
        state=plan['state'],
        action=plan['action'],
        changed=plan['changed'],
        partitions=plan['partitions'],
        replication_factor=plan['replication_factor'],
        config=dict(plan['config']),
        changes=list(plan['changes']),
        error=plan['error'],
        reassignment=[dict(partition=index, before=list(((plan['before'].get('assignment') or {}).get(index)) or []),
                           after=list(replicas), status=plan.get('reassign_status', {}).get(
                               index, 'already running' if index in plan['reassign_running'] else 'planned'))
                      for index, replicas in sorted(plan['reassign'].items())],
    )


def diff_from_plans(plans: t.Iterable[dict[str, t.Any]]) -> dict[str, dict[str, t.Any]]:
    """``{'before': {topic: view}, 'after': {topic: view}}`` of the changing topics."""
    before: dict[str, t.Any] = {}
    after: dict[str, t.Any] = {}
    for plan in plans:
        if not plan['changed']:
            continue
        before[plan['name']] = plan['before']
        after[plan['name']] = plan['after']
    return dict(before=before, after=after)
