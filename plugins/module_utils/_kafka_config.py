# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

"""Topic configuration tables, config value normalisation and topic names (private module_utils).

Pure functions, no Kafka client needed; the API may change between releases
of the collection without notice.
"""

from __future__ import annotations

import difflib
import re
import typing as t

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
_INT_RE = re.compile(r'^[+-]?\d+$')
_BOOL_TRUE = frozenset(('true', 'yes', 'on', '1'))
_BOOL_FALSE = frozenset(('false', 'no', 'off', '0'))


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
