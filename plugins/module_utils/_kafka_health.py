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

    ``include_internal`` only decides which topics are listed; the health
    counters always cover every topic examined (all topics, or the
    ``requested`` ones), internal ones included, because an under-replicated
    ``__consumer_offsets`` partition matters as much as any other.
    """
    brokers = sorted((broker_from_metadata(b) for b in cluster.get('brokers') or []),
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
