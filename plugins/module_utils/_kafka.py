# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

"""Shared connection handling and pure helpers for the streamops.kafka modules.

This is a private module_utils (leading underscore): its API may change
between releases of the collection without notice.

The connection options are defined once here (``kafka_common_argument_spec``)
and documented once in the ``streamops.kafka.kafka`` doc fragment.
"""

from __future__ import annotations

import difflib
import logging
import re
import traceback
import typing as t

from ansible.module_utils.basic import missing_required_lib
from ansible.module_utils.compat.version import LooseVersion

if t.TYPE_CHECKING:  # pragma: no cover
    from ansible.module_utils.basic import AnsibleModule

KAFKA_IMPORT_ERROR: str | None
try:
    import kafka
    import kafka.errors as kafka_errors
    from kafka.admin import (  # noqa: F401  pylint: disable=unused-import
        AlterConfigOp,
        ConfigResource,
        ConfigResourceType,
        KafkaAdminClient,
    )
except ImportError:  # pragma: no cover - exercised when the library is missing
    kafka = None  # type: ignore[assignment]
    kafka_errors = None  # type: ignore[assignment]
    AlterConfigOp = ConfigResource = ConfigResourceType = None  # type: ignore[assignment,misc]
    KafkaAdminClient = None  # type: ignore[assignment,misc]
    HAS_KAFKA = False
    KAFKA_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_KAFKA = True
    KAFKA_IMPORT_ERROR = None

KAFKA_PYTHON_MIN_VERSION = '3.0.0'
KAFKA_PYTHON_MAX_VERSION = '4.0.0'

SECURITY_PROTOCOLS = ('PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL')
SASL_MECHANISMS = ('PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512')

# Topic-level configuration names known to Apache Kafka 3.9 and their types
# (as reported by DescribeConfigs' config_type).  Keys a live broker reports
# for an existing topic are accepted as well, so newer brokers keep working.
TOPIC_CONFIG_TYPES: dict[str, str] = {
    'cleanup.policy': 'LIST',
    'compression.gzip.level': 'INT',
    'compression.lz4.level': 'INT',
    'compression.type': 'STRING',
    'compression.zstd.level': 'INT',
    'delete.retention.ms': 'LONG',
    'file.delete.delay.ms': 'LONG',
    'flush.messages': 'LONG',
    'flush.ms': 'LONG',
    'follower.replication.throttled.replicas': 'LIST',
    'index.interval.bytes': 'INT',
    'leader.replication.throttled.replicas': 'LIST',
    'local.retention.bytes': 'LONG',
    'local.retention.ms': 'LONG',
    'max.compaction.lag.ms': 'LONG',
    'max.message.bytes': 'INT',
    'message.downconversion.enable': 'BOOLEAN',
    'message.format.version': 'STRING',
    'message.timestamp.after.max.ms': 'LONG',
    'message.timestamp.before.max.ms': 'LONG',
    'message.timestamp.difference.max.ms': 'LONG',
    'message.timestamp.type': 'STRING',
    'min.cleanable.dirty.ratio': 'DOUBLE',
    'min.compaction.lag.ms': 'LONG',
    'min.insync.replicas': 'INT',
    'preallocate': 'BOOLEAN',
    'remote.log.copy.disable': 'BOOLEAN',
    'remote.log.delete.on.disable': 'BOOLEAN',
    'remote.storage.enable': 'BOOLEAN',
    'retention.bytes': 'LONG',
    'retention.ms': 'LONG',
    'segment.bytes': 'INT',
    'segment.index.bytes': 'INT',
    'segment.jitter.ms': 'LONG',
    'segment.ms': 'LONG',
    'unclean.leader.election.enable': 'BOOLEAN',
}

TOPIC_NAME_MAX_LENGTH = 249
_TOPIC_NAME_RE = re.compile(r'^[a-zA-Z0-9._-]+$')
_API_VERSION_RE = re.compile(r'^\d+(\.\d+){1,2}$')
_INT_RE = re.compile(r'^[+-]?\d+$')
_BOOL_TRUE = frozenset(('true', 'yes', 'on', '1'))
_BOOL_FALSE = frozenset(('false', 'no', 'off', '0'))


def kafka_common_argument_spec() -> dict[str, dict[str, t.Any]]:
    """Connection options shared by every module of the collection.

    Keep in sync with ``plugins/doc_fragments/kafka.py``.
    """
    return dict(
        bootstrap_servers=dict(type='list', elements='str', required=True),
        security_protocol=dict(type='str', default='PLAINTEXT', choices=list(SECURITY_PROTOCOLS)),
        ssl_cafile=dict(type='path'),
        ssl_certfile=dict(type='path'),
        ssl_keyfile=dict(type='path'),
        ssl_password=dict(type='str', no_log=True),
        ssl_check_hostname=dict(type='bool', default=True),
        sasl_mechanism=dict(type='str', choices=list(SASL_MECHANISMS)),
        sasl_plain_username=dict(type='str'),
        sasl_plain_password=dict(type='str', no_log=True),
        request_timeout_ms=dict(type='int', default=30000),
        api_version=dict(type='str'),
    )


def parse_api_version(value: str | None) -> tuple[int, ...] | None:
    """Turn ``"3.9"`` into ``(3, 9)``; ``None``/empty stays ``None``."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if not _API_VERSION_RE.match(text):
        raise ValueError(
            "api_version must look like '3.9' or '2.8.1', got %r" % (value,))
    return tuple(int(part) for part in text.split('.'))


def client_kwargs(params: dict[str, t.Any]) -> dict[str, t.Any]:
    """Map module parameters to ``KafkaAdminClient`` keyword arguments.

    Pure function; raises ``ValueError`` with a message naming the offending
    option and value when the combination is inconsistent.
    """
    servers = [s.strip() for s in (params.get('bootstrap_servers') or []) if s and s.strip()]
    if not servers:
        raise ValueError('bootstrap_servers must name at least one host:port, got %r'
                         % (params.get('bootstrap_servers'),))
    protocol = params.get('security_protocol') or 'PLAINTEXT'
    if protocol not in SECURITY_PROTOCOLS:
        raise ValueError('security_protocol must be one of %s, got %r'
                         % (', '.join(SECURITY_PROTOCOLS), protocol))
    timeout = params.get('request_timeout_ms')
    if timeout is None:
        timeout = 30000
    if timeout <= 0:
        raise ValueError('request_timeout_ms must be a positive number of milliseconds, got %r' % (timeout,))

    kwargs: dict[str, t.Any] = dict(
        bootstrap_servers=servers,
        security_protocol=protocol,
        request_timeout_ms=timeout,
        bootstrap_timeout_ms=timeout,
        client_id='streamops.kafka',
    )
    api_version = parse_api_version(params.get('api_version'))
    if api_version is not None:
        kwargs['api_version'] = api_version

    if protocol in ('SSL', 'SASL_SSL'):
        kwargs['ssl_check_hostname'] = bool(params.get('ssl_check_hostname', True))
        for key in ('ssl_cafile', 'ssl_certfile', 'ssl_keyfile', 'ssl_password'):
            if params.get(key) is not None:
                kwargs[key] = params[key]
    else:
        for key in ('ssl_cafile', 'ssl_certfile', 'ssl_keyfile'):
            if params.get(key):
                raise ValueError('%s=%s is only used with security_protocol SSL or SASL_SSL, '
                                 'got security_protocol=%s' % (key, params[key], protocol))

    mechanism = params.get('sasl_mechanism')
    if protocol.startswith('SASL_'):
        if not mechanism:
            raise ValueError('security_protocol=%s requires sasl_mechanism (one of %s)'
                             % (protocol, ', '.join(SASL_MECHANISMS)))
        if mechanism not in SASL_MECHANISMS:
            raise ValueError('sasl_mechanism must be one of %s, got %r'
                             % (', '.join(SASL_MECHANISMS), mechanism))
        username = params.get('sasl_plain_username')
        password = params.get('sasl_plain_password')
        if not username or password is None:
            raise ValueError('sasl_mechanism=%s requires sasl_plain_username and sasl_plain_password'
                             % mechanism)
        kwargs.update(sasl_mechanism=mechanism, sasl_plain_username=username,
                      sasl_plain_password=password)
    elif mechanism:
        raise ValueError('sasl_mechanism=%s requires security_protocol SASL_PLAINTEXT or SASL_SSL, '
                         'got security_protocol=%s' % (mechanism, protocol))
    return kwargs


def check_kafka_library(module: AnsibleModule) -> None:
    """Fail the module unless a usable kafka-python 3.x is importable."""
    if not HAS_KAFKA:
        module.fail_json(msg=missing_required_lib('kafka-python'), exception=KAFKA_IMPORT_ERROR)
    version = getattr(kafka, '__version__', '0')
    if not (LooseVersion(KAFKA_PYTHON_MIN_VERSION) <= LooseVersion(version) < LooseVersion(KAFKA_PYTHON_MAX_VERSION)):
        module.fail_json(msg=missing_required_lib('kafka-python >= %s, < %s' % (
            KAFKA_PYTHON_MIN_VERSION, KAFKA_PYTHON_MAX_VERSION))
            + ' Found kafka-python %s.' % version)


def connect_admin(module: AnsibleModule) -> t.Any:
    """Return a connected ``KafkaAdminClient`` or fail the module."""
    check_kafka_library(module)
    try:
        kwargs = client_kwargs(module.params)
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    # kafka-python logs connection hiccups at WARNING; without a handler the
    # logging module would print them on stderr of the module.
    logging.getLogger('kafka').addHandler(logging.NullHandler())
    try:
        return KafkaAdminClient(**kwargs)
    except Exception as exc:  # pylint: disable=broad-except
        module.fail_json(
            msg='Cannot connect to Kafka bootstrap servers %s (security_protocol=%s): %s'
            % (','.join(kwargs['bootstrap_servers']), kwargs['security_protocol'], describe_error(exc)),
            exception=traceback.format_exc())
    return None  # pragma: no cover - fail_json does not return


def close_admin(admin: t.Any) -> None:
    """Close a kafka-python client (admin, producer or consumer), ignoring errors on the way out."""
    if admin is None:
        return
    try:
        admin.close()
    except Exception:  # pylint: disable=broad-except
        pass


def describe_error(exc: BaseException) -> str:
    """Readable one-liner for an exception (kafka errors include their class)."""
    text = str(exc)
    name = exc.__class__.__name__
    if not text:
        return name
    if text.startswith(name):
        return text
    return '%s: %s' % (name, text)


def error_from_code(error_code: int | None, error_message: str | None = None) -> str | None:
    """``None`` for success, otherwise ``'ErrorName: message'`` for a Kafka error code."""
    if not error_code:
        return None
    if kafka_errors is not None:
        name = kafka_errors.for_code(error_code).__name__
    else:  # pragma: no cover
        name = 'KafkaError'
    name = '%s(%d)' % (name, error_code)
    if error_message:
        return '%s: %s' % (name, error_message)
    return name


def validate_topic_name(name: t.Any) -> str | None:
    """Return ``None`` when ``name`` is a legal Kafka topic name, else why not."""
    if not isinstance(name, str) or name == '':
        return 'topic name must be a non-empty string, got %r' % (name,)
    if name in ('.', '..'):
        return "topic name %r is invalid: '.' and '..' are not allowed" % (name,)
    if len(name) > TOPIC_NAME_MAX_LENGTH:
        return 'topic name %r is invalid: %d characters, at most %d allowed' % (
            name if len(name) <= 60 else name[:57] + '...', len(name), TOPIC_NAME_MAX_LENGTH)
    if not _TOPIC_NAME_RE.match(name):
        bad = sorted(set(c for c in name if not re.match(r'[a-zA-Z0-9._-]', c)))
        return ("topic name %r is invalid: character(s) %s not allowed "
                "(only ASCII letters, digits, '.', '_' and '-')" % (name, ' '.join(repr(c) for c in bad)))
    return None


def is_internal_topic_name(name: str) -> bool:
    """Kafka's own topics (``__consumer_offsets``, ``__transaction_state``...)."""
    return name.startswith('__')


def suggest_config_key(key: str, known: t.Iterable[str]) -> str:
    """``" (did you mean 'x'?)"`` or an empty string."""
    matches = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.75)
    if matches:
        return " (did you mean '%s'?)" % matches[0]
    return ''


def config_type_for(key: str, live_type: str | None = None) -> str:
    """Type used to normalise a config value: the broker's if known, else ours."""
    if live_type and live_type not in ('UNKNOWN',):
        return live_type
    return TOPIC_CONFIG_TYPES.get(key, 'STRING')


def normalize_config_value(value: t.Any, config_type: str = 'STRING') -> str:
    """Canonical string for a config value, so equal values compare equal.

    ``True``, ``"true"``, ``"True"``, ``1`` and ``"1"`` are all ``"true"`` for
    a BOOLEAN; ``"1000"``, ``1000`` and ``1000.0`` are ``"1000"`` for an
    INT/LONG/SHORT; DOUBLEs become ``repr(float)``; LIST items are stripped,
    lists may be given as YAML lists.  Raises ``ValueError`` for a value that
    does not fit the type.
    """
    if value is None:
        raise ValueError('value must not be null')
    ctype = (config_type or 'STRING').upper()
    if ctype == 'BOOLEAN':
        if isinstance(value, bool):
            return 'true' if value else 'false'
        if isinstance(value, int) and value in (0, 1):
            return 'true' if value else 'false'
        text = str(value).strip().lower()
        if text in _BOOL_TRUE:
            return 'true'
        if text in _BOOL_FALSE:
            return 'false'
        raise ValueError('%r is not a boolean (use true or false)' % (value,))
    if ctype in ('INT', 'LONG', 'SHORT'):
        if isinstance(value, bool):
            raise ValueError('%r is not an integer' % (value,))
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            if value.is_integer():
                return str(int(value))
            raise ValueError('%r is not an integer' % (value,))
        text = str(value).strip()
        if _INT_RE.match(text):
            return str(int(text))
        try:
            number = float(text)
        except ValueError:
            number = None
        if number is not None and number.is_integer() and 'e' not in text.lower():
            return str(int(number))
        raise ValueError('%r is not an integer' % (value,))
    if ctype == 'DOUBLE':
        if isinstance(value, bool):
            raise ValueError('%r is not a number' % (value,))
        try:
            return repr(float(str(value).strip()))
        except ValueError:
            raise ValueError('%r is not a number' % (value,)) from None
    if ctype == 'LIST':
        if isinstance(value, (list, tuple)):
            items = [str(item).strip() for item in value]
        else:
            items = [item.strip() for item in str(value).split(',')]
        items = [item for item in items if item != '']
        return ','.join(sorted(items))
    # STRING, CLASS, PASSWORD, UNKNOWN
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (list, tuple)):
        return ','.join(str(item).strip() for item in value)
    return str(value).strip()


def values_equal(desired: t.Any, current: t.Any, config_type: str = 'STRING') -> bool:
    """Compare a desired value with a broker-reported one after normalising both."""
    if current is None:
        return desired is None
    if desired is None:
        return False
    try:
        return normalize_config_value(desired, config_type) == normalize_config_value(current, config_type)
    except ValueError:
        return False


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
