# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

"""KRaft finalized features for kafka_feature (private module_utils): pure logic, no Kafka I/O.

The ``metadata.version`` names and levels, the parsing of a requested version (``latest``, an
integer level, ``4.1-IV1``, ``4.1``), the decision to upgrade, keep or refuse, and the search
for the highest level the whole cluster accepts (through a caller-supplied validation callable,
which the module backs with UpdateFeatures ``validate_only``).  The API may change between
releases of the collection without notice.
"""

from __future__ import annotations

import re
import typing as t

METADATA_VERSION_FEATURE = 'metadata.version'
LATEST = 'latest'

# The metadata.version feature levels and their names, read from the real Kafka releases of the
# test mirror (scripts/build-mirror.sh; ~/.cache/streamops-kafka/unpacked/kafka/...), not from
# memory.  Each row is (feature level, name, production).  Derived by compiling and running,
# against each release's libs/ (kafka-server-common-<v>.jar holds the enum):
#
#     import org.apache.kafka.server.common.MetadataVersion;
#     for (MetadataVersion v : MetadataVersion.values())
#         System.out.println(v.name() + " " + v.version() + " " + v.featureLevel() + " " + v.isProduction());
#
# Kafka 4.3.1 (the newest release in the mirror) gives levels 7 (3.3-IV3) to 31 (4.4-IV0), with
# LATEST_PRODUCTION = 4.3-IV0 (30) and 4.4-IV0 not production (unstable: offered only with
# unstable.feature.versions.enable, and its meaning may still change before Kafka 4.4).
# Kafka 4.x dropped the levels below 3.3-IV3; Kafka 3.9.2 gives them: 1 (3.0-IV1) to 6 (3.3-IV2),
# and the same levels 7-21 as 4.3.1.  Cross-checked with 4.3.1's FeatureCommand (what
# kafka-features.sh runs): ``version-mapping --release-version 4.0`` prints
# ``metadata.version=25 (4.0)``, ``--release-version 4.1-IV1`` prints ``metadata.version=27``,
# ``--release-version 4.3`` prints ``metadata.version=30``.
METADATA_VERSIONS: tuple[tuple[int, str, bool], ...] = (
    (1, '3.0-IV1', True),
    (2, '3.1-IV0', True),
    (3, '3.2-IV0', True),
    (4, '3.3-IV0', True),
    (5, '3.3-IV1', True),
    (6, '3.3-IV2', True),
    (7, '3.3-IV3', True),
    (8, '3.4-IV0', True),
    (9, '3.5-IV0', True),
    (10, '3.5-IV1', True),
    (11, '3.5-IV2', True),
    (12, '3.6-IV0', True),
    (13, '3.6-IV1', True),
    (14, '3.6-IV2', True),
    (15, '3.7-IV0', True),
    (16, '3.7-IV1', True),
    (17, '3.7-IV2', True),
    (18, '3.7-IV3', True),
    (19, '3.7-IV4', True),
    (20, '3.8-IV0', True),
    (21, '3.9-IV0', True),
    (22, '4.0-IV0', True),
    (23, '4.0-IV1', True),
    (24, '4.0-IV2', True),
    (25, '4.0-IV3', True),
    (26, '4.1-IV0', True),
    (27, '4.1-IV1', True),
    (28, '4.2-IV0', True),
    (29, '4.2-IV1', True),
    (30, '4.3-IV0', True),
    (31, '4.4-IV0', False),
)

_NAME_BY_LEVEL = dict((level, name) for level, name, _production in METADATA_VERSIONS)
_LEVEL_BY_NAME = dict((name.upper(), level) for level, name, _production in METADATA_VERSIONS)
_IV_RE = re.compile(r'^(\d+)\.(\d+)-IV(\d+)$', re.IGNORECASE)
_RELEASE_RE = re.compile(r'^(\d+)\.(\d+)(?:\.\d+)?$')
_LEVEL_RE = re.compile(r'^[+-]?\d+$')


class FeatureError(ValueError):
    """A requested version that cannot be resolved, or a change that is refused; the text says why."""


def release_of(name: str) -> str:
    """``'4.1'`` for ``'4.1-IV1'``."""
    return name.split('-', 1)[0]


def metadata_version_name(level: int | None) -> str | None:
    """The name of a metadata.version level (``27`` -> ``'4.1-IV1'``), ``None`` when not in the table."""
    if level is None:
        return None
    return _NAME_BY_LEVEL.get(level)


def version_name(feature: str, level: int | None) -> str | None:
    """The name of ``level`` of ``feature``: metadata.version levels have names, other features' do not."""
    if feature != METADATA_VERSION_FEATURE:
        return None
    return metadata_version_name(level)


def describe_level(feature: str, level: int | None) -> str:
    """``'4.1-IV1 (27)'`` for named metadata.version levels, else the bare level (``'2'``)."""
    if level is None:
        return 'none'
    name = version_name(feature, level)
    return '%s (%d)' % (name, level) if name else str(level)


def known_releases() -> list[str]:
    """The releases with a production metadata.version in the table, oldest first (``['3.0', ...]``)."""
    return list(dict.fromkeys(release_of(name) for _level, name, production in METADATA_VERSIONS if production))


def parse_version(feature: str, value: t.Any) -> int | str:
    """The level ``value`` asks for, or ``LATEST``; raises FeatureError naming a value it cannot read.

    ``value`` is ``latest``, an integer level (``27``, also as a string), or, for metadata.version
    only, a name from the table (``4.1-IV1``, case-insensitive) or a release (``4.1``, also
    ``4.1.0``), which means that release's newest production level.
    """
    if isinstance(value, bool):
        raise FeatureError('%s version must be latest, a level or a release name, got %r' % (feature, value))
    if isinstance(value, int):
        level = value
    else:
        text = str(value).strip()
        if text.lower() == LATEST:
            return LATEST
        if _LEVEL_RE.match(text):
            level = int(text)
        elif feature != METADATA_VERSION_FEATURE:
            raise FeatureError('%s takes latest or an integer level, got %r: release names only exist for %s'
                               % (feature, text, METADATA_VERSION_FEATURE))
        elif _IV_RE.match(text):
            found = _LEVEL_BY_NAME.get(text.upper())
            if found is None:
                raise FeatureError('unknown %s %r: the known names are %s to %s (Kafka 4.3.1 and earlier)'
                                   % (feature, text, METADATA_VERSIONS[0][1], METADATA_VERSIONS[-1][1]))
            return found
        elif _RELEASE_RE.match(text):
            match = _RELEASE_RE.match(text)
            release = '%s.%s' % (int(match.group(1)), int(match.group(2)))  # type: ignore[union-attr]
            levels = [level for level, name, production in METADATA_VERSIONS if production and release_of(name) == release]
            if not levels:
                raise FeatureError('unknown %s release %r: the known releases are %s'
                                   % (feature, text, ', '.join(known_releases())))
            return max(levels)
        else:
            raise FeatureError('cannot read %s %r: give latest, a level (27), a name (4.1-IV1) or a release (4.1)'
                               % (feature, text))
    lowest = 1 if feature == METADATA_VERSION_FEATURE else 0
    if level < lowest:
        raise FeatureError('%s level must be %d or more, got %d' % (feature, lowest, level))
    return level


def highest_accepted(finalized: int, candidates_from: int, accepts: t.Callable[[int], bool]) -> int:
    """The highest level from ``candidates_from`` down to ``finalized + 1`` that ``accepts``, else ``finalized``.

    ``accepts(level)`` asks the cluster whether it would take ``level`` (the module sends
    UpdateFeatures with ``validate_only``, which the controller checks against every registered
    broker and controller).  Supported ranges are contiguous and contain the finalized level, so
    the first level accepted from the top is the cluster's highest.
    """
    for level in range(candidates_from, finalized, -1):
        if accepts(level):
            return level
    return finalized


def plan_change(feature: str, target: int, finalized: int, supported_max: int | None) -> bool:
    """Whether ``feature`` must be raised from ``finalized`` to ``target``; raises FeatureError when refused.

    A target below the finalized level is a downgrade and is refused; a target above
    ``supported_max`` (when known) is refused naming that maximum; an equal one needs no change.
    """
    if target < finalized:
        raise FeatureError('%s %s is below the finalized %s; downgrades are refused'
                           % (feature, describe_level(feature, target), describe_level(feature, finalized)))
    if supported_max is not None and target > supported_max:
        raise FeatureError('%s %s is above the highest level the cluster supports, %s'
                           % (feature, describe_level(feature, target), describe_level(feature, supported_max)))
    return target > finalized


def feature_levels(response: dict[str, t.Any] | None, feature: str) -> tuple[int | None, int | None, int | None]:
    """``(finalized, supported_min, supported_max)`` of ``feature`` in a describe_features() answer.

    kafka-python 3.0.12 answers ``{name: {'supported': (min, max), 'finalized': (min, max),
    'finalized_epoch': int}}``; its docstring also promises ``{'supported_features': {name: (min, max)},
    'finalized_features': {...}}``; both shapes are read.  Missing values are ``None``.
    """
    response = response or {}
    if isinstance(response.get('finalized_features'), dict) or isinstance(response.get('supported_features'), dict):
        finalized = (response.get('finalized_features') or {}).get(feature)
        supported = (response.get('supported_features') or {}).get(feature)
    else:
        entry = response.get(feature) or {}
        finalized = entry.get('finalized')
        supported = entry.get('supported')
    return (int(finalized[1]) if finalized else None,
            int(supported[0]) if supported else None,
            int(supported[1]) if supported else None)


_ERROR_MESSAGE_RE = re.compile(r"""error_message=(?P<q>['"])(?P<text>.*?)(?P=q)\)'?\.?\s*$""", re.DOTALL)
_ALL_FEATURES_PREFIX = 'The update failed for all features since the following feature had an error: '


def kafka_error_text(exc: BaseException) -> str:
    """The controller's own error message out of a kafka-python UpdateFeatures exception.

    kafka-python raises ``InvalidUpdateVersionError("Request '...' failed with response
    '...error_message=\\'...\\')'.")``; this returns ``InvalidUpdateVersionError: <error_message>``
    and otherwise the exception's text.
    """
    text = str(exc)
    name = exc.__class__.__name__
    match = _ERROR_MESSAGE_RE.search(text)
    if match and match.group('text') not in ('None', ''):
        message = match.group('text')
        if message.startswith(_ALL_FEATURES_PREFIX):
            message = message[len(_ALL_FEATURES_PREFIX):]
        return '%s: %s' % (name, message)
    text = re.sub(r'^\[Error \d+\] ', '', text)
    return text if text.startswith(name) else '%s: %s' % (name, text) if text else name
