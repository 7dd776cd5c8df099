# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

"""Parsing of the znodes a ZooKeeper to KRaft migration reads and writes (private module_utils).

Pure functions, no ZooKeeper client: ``kafka_zookeeper_migration`` reads the znodes with kazoo
and hands their bytes to :func:`build_report`.

What Kafka 3.9 keeps there (observed on Kafka 3.9.2, see the module's documentation):

``/cluster/id``
    ``{"version":"1","id":"<cluster id>"}``, written by the first ZooKeeper-mode broker.
``/controller``
    ``{"version":2,"brokerid":2,"timestamp":"...","kraftControllerEpoch":-1}`` (an ephemeral
    znode) while a ZooKeeper-mode broker is the controller; Kafka before 3.4 writes version 1
    without ``kraftControllerEpoch``. A KRaft controller that has taken over during the
    migration writes ``{"version":2,"brokerid":3000,...,"kraftControllerEpoch":1}`` (a persistent
    znode, left behind after the migration is finalized).
``/controller_epoch``
    The controller epoch as a decimal number.
``/migration``
    ``{"version":0,"kraft_metadata_offset":-1,"kraft_controller_id":-1,"kraft_metadata_epoch":-1,
    "kraft_controller_epoch":-1}``, created by the first KRaft controller started in migration mode;
    the controller id and epoch are set when it claims ``/controller`` (every broker registered in
    migration mode), ``kraft_metadata_offset`` becomes 0 or more once the metadata migration is
    complete, and follows the metadata log during dual writes.

Private (leading underscore): the API may change between releases without notice.
"""

from __future__ import annotations

import json
import re
import typing as t

CLUSTER_ID_PATH = '/cluster/id'
CONTROLLER_PATH = '/controller'
CONTROLLER_EPOCH_PATH = '/controller_epoch'
MIGRATION_PATH = '/migration'
BROKER_IDS_PATH = '/brokers/ids'

# read by the module, in this order
READ_PATHS = (CLUSTER_ID_PATH, CONTROLLER_PATH, CONTROLLER_EPOCH_PATH, MIGRATION_PATH)
# deleted by reset=true: the documented step of a rollback to ZooKeeper mode
RESET_PATHS = (CONTROLLER_PATH, MIGRATION_PATH)

KRAFT_CONTROLLER_EPOCH = 'kraftControllerEpoch'
MIGRATION_OFFSET = 'kraft_metadata_offset'

_HOST_RE = re.compile(r'^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)(:(\d{1,5}))?$')
_CHROOT_RE = re.compile(r'^(/[^/\s]+)+$')


class MigrationStateError(ValueError):
    """A znode does not hold what Kafka writes there."""


def parse_connect(connect: str) -> tuple[list[str], str | None]:
    """Split a ``zookeeper.connect`` string into its ``host:port`` servers and its chroot.

    ``"zk1:2181,zk2:2181/kafka"`` gives ``(["zk1:2181", "zk2:2181"], "/kafka")``. A server
    without a port is allowed (ZooKeeper's client port 2181 is used); IPv6 addresses are written
    in brackets. Raises ``ValueError`` naming what is wrong.
    """
    text = (connect or '').strip()
    if not text:
        raise ValueError('zookeeper_connect is empty; expected "host:port[,host:port...][/chroot]"')
    chroot = None
    slash = text.find('/')
    if slash >= 0:
        text, path = text[:slash], text[slash:]
        chroot = path.rstrip('/') or None
        if chroot is not None and not _CHROOT_RE.match(chroot):
            raise ValueError('zookeeper_connect has an invalid chroot %r' % path)
    servers = []
    for item in text.split(','):
        item = item.strip()
        match = _HOST_RE.match(item)
        if not match:
            raise ValueError('zookeeper_connect has an invalid server %r; expected "host:port"' % item)
        port = match.group(3)
        if port is not None and not 0 < int(port) < 65536:
            raise ValueError('zookeeper_connect has an invalid port in %r' % item)
        servers.append(item)
    return servers, chroot


def parse_json_znode(path: str, data: bytes | str | None) -> dict[str, t.Any] | None:
    """The JSON object stored in ``path``; ``None`` when the znode is absent (``data`` is ``None``) or empty."""
    if data is None:
        return None
    if isinstance(data, bytes):
        try:
            data = data.decode('utf-8')
        except UnicodeDecodeError as exc:
            raise MigrationStateError('%s does not hold UTF-8 text: %s' % (path, exc)) from exc
    if not data.strip():
        return None
    try:
        value = json.loads(data)
    except ValueError as exc:
        raise MigrationStateError('%s does not hold JSON (%s): %r' % (path, exc, data[:200])) from exc
    if not isinstance(value, dict):
        raise MigrationStateError('%s holds %s, not a JSON object: %r' % (path, type(value).__name__, data[:200]))
    return value


def parse_cluster_id(data: bytes | str | None) -> str | None:
    """The cluster id from ``/cluster/id`` (``{"version":"1","id":"..."}``), ``None`` when absent."""
    value = parse_json_znode(CLUSTER_ID_PATH, data)
    if value is None:
        return None
    cluster_id = value.get('id')
    if not isinstance(cluster_id, str) or not cluster_id:
        raise MigrationStateError('%s has no "id": %r' % (CLUSTER_ID_PATH, value))
    return cluster_id


def parse_controller_epoch(data: bytes | str | None) -> int | None:
    """The number in ``/controller_epoch``, ``None`` when absent."""
    if data is None:
        return None
    text = data.decode('utf-8', 'replace') if isinstance(data, bytes) else data
    try:
        return int(text.strip())
    except ValueError as exc:
        raise MigrationStateError('%s does not hold a number: %r' % (CONTROLLER_EPOCH_PATH, text[:100])) from exc


def _int_field(value: dict[str, t.Any], key: str) -> int | None:
    field = value.get(key)
    if field is None:
        return None
    try:
        return int(field)
    except (TypeError, ValueError):
        return None


def is_kraft_controller(controller: dict[str, t.Any] | None) -> bool:
    """Whether ``/controller`` was written by a KRaft controller during a migration.

    A KRaft controller writes its epoch (0 or more) in ``kraftControllerEpoch``; a ZooKeeper-mode
    controller of Kafka 3.4 and later writes ``-1`` there, older ones leave the field out.
    """
    if not controller:
        return False
    epoch = _int_field(controller, KRAFT_CONTROLLER_EPOCH)
    return epoch is not None and epoch >= 0


def is_migration_completed(migration: dict[str, t.Any] | None) -> bool:
    """Whether ``/migration`` records a completed metadata migration.

    A KRaft controller creates ``/migration`` with ``kraft_metadata_offset`` -1 when it starts in
    migration mode, and writes the offset of the migrated metadata (0 or more) when it has copied
    the metadata from ZooKeeper into the KRaft log. The offset stays 0 or more from then on.
    """
    if not migration:
        return False
    offset = _int_field(migration, MIGRATION_OFFSET)
    return offset is not None and offset >= 0


def parse_broker_ids(children: t.Iterable[str] | None) -> list[int]:
    """Sorted broker ids from the children of ``/brokers/ids`` (other names are ignored)."""
    ids = set()
    for child in children or ():
        try:
            ids.add(int(child))
        except (TypeError, ValueError):
            continue
    return sorted(ids)


def build_report(znodes: dict[str, bytes | str | None], broker_children: t.Iterable[str] | None) -> dict[str, t.Any]:
    """The module's report from the raw znodes (``path -> data``, ``None`` for an absent znode).

    Raises :class:`MigrationStateError` when a znode holds something Kafka does not write.
    """
    controller = parse_json_znode(CONTROLLER_PATH, znodes.get(CONTROLLER_PATH))
    migration = parse_json_znode(MIGRATION_PATH, znodes.get(MIGRATION_PATH))
    return dict(
        cluster_id=parse_cluster_id(znodes.get(CLUSTER_ID_PATH)),
        controller=controller,
        kraft_controller=is_kraft_controller(controller),
        controller_epoch=parse_controller_epoch(znodes.get(CONTROLLER_EPOCH_PATH)),
        migration=migration,
        migration_completed=is_migration_completed(migration),
        broker_ids=parse_broker_ids(broker_children),
    )
