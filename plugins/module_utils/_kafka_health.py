# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

"""Shaping of cluster metadata and health for the streamops.kafka modules (private module_utils).

Pure functions over the dicts kafka-python's admin client returns; nothing in
here talks to Kafka.  The API may change between releases of the collection
without notice.
"""

from __future__ import annotations

import typing as t

from ansible_collections.streamops.kafka.plugins.module_utils._kafka import error_from_code
from ansible_collections.streamops.kafka.plugins.module_utils._kafka_config import is_internal_topic_name


def broker_from_metadata(broker: dict[str, t.Any]) -> dict[str, t.Any]:
    """``{id, host, port, rack}`` from a DescribeCluster or Metadata broker entry."""
    broker_id = broker.get('broker_id', broker.get('node_id'))
    return dict(id=broker_id, host=broker.get('host'), port=broker.get('port'), rack=broker.get('rack'))


def partition_from_metadata(partition: dict[str, t.Any]) -> dict[str, t.Any]:
    """``{partition, leader, replicas, isr, offline_replicas}`` from Metadata."""
    return dict(
        partition=partition.get('partition_index'),
        leader=partition.get('leader_id', -1),
        replicas=list(partition.get('replica_nodes') or []),
        isr=list(partition.get('isr_nodes') or []),
        offline_replicas=list(partition.get('offline_replicas') or []),
    )


def replication_factor_of(partitions: t.Sequence[dict[str, t.Any]]) -> int | None:
    """Most common replica count over a topic's partitions (metadata dicts).

    During a reassignment a partition briefly lists extra replicas; the most
    common count is the topic's replication factor.
    """
    counts: dict[int, int] = {}
    for partition in partitions:
        replicas = partition.get('replica_nodes', partition.get('replicas')) or []
        counts[len(replicas)] = counts.get(len(replicas), 0) + 1
    if not counts:
        return None
    return sorted(counts.items(), key=lambda item: (-item[1], -item[0]))[0][0]


def topic_not_ready_reason(topic: dict[str, t.Any] | None, expected_partitions: int | None = None) -> str | None:
    """``None`` when a Metadata topic entry is usable by producers, else why not.

    Usable: no topic error, at least ``expected_partitions`` partitions, and
    every partition without error and with a leader.
    """
    if topic is None:
        return 'missing from metadata'
    error = error_from_code(topic.get('error_code'))
    if error:
        return error
    partitions = topic.get('partitions') or []
    if not partitions:
        return 'no partitions in metadata'
    if expected_partitions is not None and len(partitions) < expected_partitions:
        return '%d of %d partitions in metadata' % (len(partitions), expected_partitions)
    bad = []
    for partition in sorted(partitions, key=lambda p: p.get('partition_index', 0)):
        index = partition.get('partition_index')
        error = error_from_code(partition.get('error_code'))
        if error and partition.get('error_code') != 9:  # 9 = REPLICA_NOT_AVAILABLE, leader may still serve
            bad.append('p%s %s' % (index, error.split(':')[0]))
        elif partition.get('leader_id', -1) < 0:
            bad.append('p%s has no leader' % index)
    if bad:
        if len(bad) > 5:
            bad = bad[:5] + ['... (%d partitions)' % len(bad)]
        return ', '.join(bad)
    return None


def _partition_sort_key(entry: dict[str, t.Any]) -> tuple[str, int]:
    return (entry['topic'] or '', entry['partition'] if entry['partition'] is not None else -1)


def cluster_health(topics: t.Iterable[dict[str, t.Any]]) -> dict[str, t.Any]:
    """Under-replicated and offline partitions of Metadata topic entries (pure).

    Under-replicated: fewer in-sync replicas than replicas.  Offline: no leader.
    """
    under: list[dict[str, t.Any]] = []
    offline: list[dict[str, t.Any]] = []
    for topic in topics:
        for partition in topic.get('partitions') or []:
            info = partition_from_metadata(partition)
            entry = dict(topic=topic.get('name'), **info)
            if len(info['isr']) < len(info['replicas']):
                under.append(entry)
            if info['leader'] is None or info['leader'] < 0:
                offline.append(entry)
    under.sort(key=_partition_sort_key)
    offline.sort(key=_partition_sort_key)
    return dict(under_replicated=under, offline=offline)


def build_cluster_info(cluster: dict[str, t.Any], metadata_topics: t.Iterable[dict[str, t.Any]],
                       include_internal: bool = False,
                       requested: t.Sequence[str] | None = None) -> dict[str, t.Any]:
    """The ``kafka_info`` result from DescribeCluster and Metadata answers (pure).

    ``brokers`` leaves out fenced brokers (KRaft: registered but not serving).
    ``include_internal`` only decides which topics are listed; the health
    counters always cover every topic examined (all topics, or the
    ``requested`` ones), internal ones included, because an under-replicated
    ``__consumer_offsets`` partition matters as much as any other.
    """
    # DescribeCluster v2 (Kafka 4.0+, KRaft) also lists fenced brokers: registered, not serving.
    brokers = sorted((broker_from_metadata(b) for b in cluster.get('brokers') or [] if not b.get('is_fenced')),
                     key=lambda b: (b['id'] if b['id'] is not None else -1))
    examined = []
    missing = []
    for topic in metadata_topics:
        if topic.get('error_code'):
            if topic.get('name') is not None:
                missing.append(topic.get('name'))
            continue
        examined.append(topic)
    listed = []
    for topic in sorted(examined, key=lambda tp: tp.get('name') or ''):
        internal = bool(topic.get('is_internal')) or is_internal_topic_name(topic.get('name') or '')
        if internal and not include_internal and not requested:
            continue
        partitions = sorted((partition_from_metadata(p) for p in topic.get('partitions') or []),
                            key=lambda p: p['partition'] if p['partition'] is not None else -1)
        listed.append(dict(
            name=topic.get('name'),
            internal=internal,
            partition_count=len(partitions),
            replication_factor=replication_factor_of(topic.get('partitions') or []),
            partitions=partitions,
        ))
    health = cluster_health(examined)
    controller = cluster.get('controller_id')
    return dict(
        cluster_id=cluster.get('cluster_id'),
        controller_id=controller if controller is not None and controller >= 0 else None,
        brokers=brokers,
        broker_count=len(brokers),
        topics=listed,
        topic_count=len(listed),
        missing_topics=sorted(missing),
        under_replicated_partitions=len(health['under_replicated']),
        under_replicated_partition_list=health['under_replicated'],
        offline_partitions=len(health['offline']),
        offline_partition_list=health['offline'],
    )


# -- KRaft: mode, features, metadata quorum ------------------------------------------------

MODE_KRAFT = 'kraft'
MODE_ZOOKEEPER = 'zookeeper'
METADATA_VERSION_FEATURE = 'metadata.version'
METADATA_TOPIC = '__cluster_metadata'
_ZERO_UUIDS = frozenset(('00000000-0000-0000-0000-000000000000', 'AAAAAAAAAAAAAAAAAAAAAA'))


def finalized_features(response: dict[str, t.Any] | None) -> dict[str, dict[str, int]]:
    """``{name: {min_version, max_version}}`` of the finalized features (pure).

    ``response`` is what ``KafkaAdminClient.describe_features()`` returns.
    kafka-python 3.0.12 returns ``{name: {'supported': (min, max),
    'finalized': (min, max), 'finalized_epoch': int|None}}`` although its
    docstring promises ``{'finalized_features': {name: (min, max)}, ...}``;
    both shapes are read.  ``None`` (features not readable) gives ``{}``.
    """
    if not response:
        return {}
    if isinstance(response.get('finalized_features'), dict):
        levels = response['finalized_features']
    else:
        levels = dict((name, entry.get('finalized')) for name, entry in response.items()
                      if isinstance(entry, dict))
    return dict((name, dict(min_version=int(level[0]), max_version=int(level[1])))
                for name, level in sorted(levels.items()) if level is not None)


def metadata_version(features: dict[str, dict[str, int]]) -> int | None:
    """Finalized ``metadata.version`` feature level, ``None`` when not finalized."""
    level = features.get(METADATA_VERSION_FEATURE)
    return level['max_version'] if level else None


def detect_mode(quorum_answered: bool, features: dict[str, dict[str, int]]) -> str:
    """``'kraft'`` or ``'zookeeper'`` (pure).

    KRaft when the brokers answered DescribeQuorum, or when they report a
    finalized ``metadata.version``: KRaft brokers always include it in their
    finalized features and ZooKeeper-mode brokers never do, so this still
    recognises a KRaft cluster whose DescribeQuorum the client cannot send
    (an ``api_version`` pinned below 4.0 hides it).
    """
    if quorum_answered or METADATA_VERSION_FEATURE in features:
        return MODE_KRAFT
    return MODE_ZOOKEEPER


def _metadata_partition(response: dict[str, t.Any]) -> tuple[dict[str, t.Any] | None, str | None]:
    """The ``__cluster_metadata`` partition 0 entry of a DescribeQuorum answer and its error."""
    for topic in response.get('topics') or []:
        if topic.get('topic_name') not in (None, METADATA_TOPIC):
            continue
        for partition in topic.get('partitions') or []:
            if partition.get('partition_index', 0) != 0:
                continue
            # kafka-python turns error_code/error_message into 'error' (None on success)
            if 'error' in partition:
                return partition, partition['error']
            return partition, error_from_code(partition.get('error_code'), partition.get('error_message'))
    return None, 'no %s partition 0 in the DescribeQuorum answer' % METADATA_TOPIC


def _known(value: t.Any) -> int | None:
    """Kafka reports unknown offsets and timestamps as -1; make them ``None``."""
    if value is None or value < 0:
        return None
    return int(value)


def _leader_clock(replicas: t.Iterable[dict[str, t.Any]]) -> int | None:
    """Latest time the leader reports (its own entry carries its current time), ``None`` without timestamps.

    Every timestamp in a DescribeQuorum answer is read from the leader's clock,
    so comparing them with each other is free of clock skew.
    """
    stamps = [_known(replica.get(key)) for replica in replicas
              for key in ('last_caught_up_timestamp', 'last_fetch_timestamp')]
    known = [stamp for stamp in stamps if stamp is not None]
    return max(known) if known else None


def quorum_replica(replica: dict[str, t.Any], leader_id: int, high_watermark: int, leader_now: int | None,
                   max_lag: int, max_lag_ms: int) -> dict[str, t.Any]:
    """One voter or observer of a DescribeQuorum answer, with its lag and whether it is caught up (pure).

    Caught up: the leader always is.  Any other replica is when its log end
    offset and the high watermark are known, it is at most ``max_lag``
    records behind the high watermark, and -- when the answer carries
    timestamps (DescribeQuorum v1+) -- it last caught up with the leader's
    log end at most ``max_lag_ms`` before the leader's current time.
    """
    replica_id = int(replica['replica_id'])
    log_end_offset = int(replica.get('log_end_offset', -1))
    caught_up_at = _known(replica.get('last_caught_up_timestamp'))
    lag = max(0, high_watermark - log_end_offset)
    if leader_id >= 0 and replica_id == leader_id:
        caught_up = True
    elif log_end_offset < 0 or high_watermark < 0 or lag > max_lag:
        caught_up = False
    elif leader_now is not None:
        caught_up = caught_up_at is not None and leader_now - caught_up_at <= max_lag_ms
    else:
        caught_up = True
    directory_id = replica.get('replica_directory_id')
    if directory_id is not None and str(directory_id) in _ZERO_UUIDS:
        directory_id = None
    return dict(
        id=replica_id,
        directory_id=str(directory_id) if directory_id is not None else None,
        log_end_offset=log_end_offset,
        lag=lag,
        last_fetch_timestamp=_known(replica.get('last_fetch_timestamp')),
        last_caught_up_timestamp=caught_up_at,
        caught_up=caught_up,
    )


def shape_quorum(response: dict[str, t.Any], max_lag: int, max_lag_ms: int) -> tuple[dict[str, t.Any], str | None]:
    """``(quorum, error)`` from ``KafkaAdminClient.describe_metadata_quorum()``'s answer (pure).

    ``healthy``: there is a leader and every voter is caught up (see
    ``quorum_replica``).  When the answer carries a partition error (the
    node asked is not the leader, for instance during an election) the
    quorum has ``leader_id`` -1, no replicas, is not healthy, and ``error``
    says why; otherwise ``error`` is ``None``.
    """
    partition, error = _metadata_partition(response)
    if partition is None or error:
        return dict(leader_id=-1, leader_epoch=-1, high_watermark=-1, healthy=False, voters=[], observers=[]), error
    leader_id = int(partition.get('leader_id', -1))
    high_watermark = int(partition.get('high_watermark', -1))
    voters = partition.get('current_voters') or []
    observers = partition.get('observers') or []
    leader_now = _leader_clock(list(voters) + list(observers))

    def shape(replicas: t.Iterable[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
        return sorted((quorum_replica(r, leader_id, high_watermark, leader_now, max_lag, max_lag_ms) for r in replicas),
                      key=lambda r: r['id'])

    shaped_voters = shape(voters)
    return dict(
        leader_id=leader_id,
        leader_epoch=int(partition.get('leader_epoch', -1)),
        high_watermark=high_watermark,
        healthy=leader_id >= 0 and bool(shaped_voters) and all(v['caught_up'] for v in shaped_voters),
        voters=shaped_voters,
        observers=shape(observers),
    ), None


def cluster_mode_info(cluster: dict[str, t.Any], features: dict[str, dict[str, int]],
                      quorum: dict[str, t.Any] | None) -> dict[str, t.Any]:
    """``mode``, ``quorum``, ``metadata_version``, ``finalized_features`` and ``controller_id`` (pure).

    ``quorum`` is the shaped quorum (``shape_quorum``) or ``None`` when the
    brokers do not answer DescribeQuorum.  ``controller_id`` is the quorum
    leader in KRaft mode -- DescribeCluster answers a random broker there
    (KAFKA-17404) -- and DescribeCluster's active controller in ZooKeeper mode.
    """
    mode = detect_mode(quorum is not None, features)
    if mode == MODE_KRAFT:
        leader = quorum['leader_id'] if quorum is not None else -1
    else:
        leader = cluster.get('controller_id')
    return dict(
        mode=mode,
        quorum=quorum,
        metadata_version=metadata_version(features),
        finalized_features=features,
        controller_id=leader if leader is not None and leader >= 0 else None,
    )


WAIT_CONDITIONS = ('brokers', 'replication', 'quorum_leader', 'quorum_healthy', 'voters_caught_up', 'voters')


def unmet_wait_conditions(info: dict[str, t.Any], wait_for: dict[str, t.Any]) -> list[str]:
    """What ``info`` (kafka_info's result) still lacks of ``wait_for``, one readable line each (pure).

    ``wait_for`` keys (a ``None`` or empty value is no condition):
    ``brokers`` (ids that must be registered), ``replication`` (true: no under-replicated and no
    offline partition), ``quorum_leader`` (true: the KRaft quorum has a leader), ``quorum_healthy``
    (true: a leader and every voter caught up), ``voters_caught_up`` (ids that must be caught-up
    voters), ``voters`` (the voter ids, exactly). An empty list means the conditions all hold.
    """
    unmet = []
    registered = sorted(b['id'] for b in info.get('brokers') or [])
    missing = sorted(set(wait_for.get('brokers') or []) - set(registered))
    if missing:
        unmet.append('brokers %s registered (registered: %s)' % (missing, registered))
    if wait_for.get('replication'):
        urp, offline = info.get('under_replicated_partitions', -1), info.get('offline_partitions', -1)
        if urp != 0 or offline != 0:
            unmet.append('no under-replicated or offline partition (under-replicated %s, offline %s)' % (urp, offline))
    quorum = info.get('quorum') or {}
    voters = quorum.get('voters') or []
    leader = quorum.get('leader_id', -1)
    if wait_for.get('quorum_leader') and leader < 0:
        unmet.append('a quorum leader (none)')
    if wait_for.get('quorum_healthy') and not quorum.get('healthy'):
        unmet.append('a healthy quorum (leader %s, voters caught up: %s)'
                     % (leader, sorted(v['id'] for v in voters if v.get('caught_up'))))
    caught_up = sorted(v['id'] for v in voters if v.get('caught_up'))
    behind = sorted(set(wait_for.get('voters_caught_up') or []) - set(caught_up))
    if behind:
        unmet.append('voters %s caught up (caught up: %s)' % (behind, caught_up))
    if wait_for.get('voters') and sorted(wait_for['voters']) != sorted(v['id'] for v in voters):
        unmet.append('voters exactly %s (voters: %s)' % (sorted(wait_for['voters']), sorted(v['id'] for v in voters)))
    return unmet
