# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.
"""metadata.version levels for the kafka role's upgrade preflight (pure; the table is kafka_feature's)."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError

from ansible_collections.streamops.kafka.plugins.module_utils._kafka_feature import (
    LATEST, METADATA_VERSION_FEATURE, FeatureError, describe_level, parse_version)


def upgrade_problems(nodes: list[dict[str, Any]], finalized: int | None, wanted: str = "") -> list[str]:
    """Problems of running ``nodes`` ([{host, version}]) and raising metadata.version to ``wanted``.

    finalized: the cluster's finalized metadata.version level (None for a cluster not running yet).
    Refused: a node whose release cannot run the finalized level (a binary downgrade below it),
    ``wanted`` below the finalized level (a metadata.version downgrade), ``wanted`` newer than a
    node's release, and ``latest`` while nodes run different releases.
    """
    problems: list[str] = []
    release_max: dict[str, int] = {}
    for node in nodes:
        host, version = node.get("host", "?"), str(node.get("version") or "")
        try:
            release_max[host] = int(parse_version(METADATA_VERSION_FEATURE, version))
        except FeatureError:
            continue  # a release newer than the table: nothing known to refuse
        if finalized is not None and release_max[host] < finalized:
            problems.append("%s: kafka_version %s runs metadata.version up to %s, below the cluster's finalized %s; "
                            "Kafka cannot lower it, so this node would not start"
                            % (host, version, describe_level(METADATA_VERSION_FEATURE, release_max[host]),
                               describe_level(METADATA_VERSION_FEATURE, finalized)))
    wanted = str(wanted or "").strip()
    if not wanted:
        return problems
    try:
        target = parse_version(METADATA_VERSION_FEATURE, wanted)
    except FeatureError as exc:
        return problems + ["kafka_metadata_version: %s" % exc]
    if target == LATEST:
        versions = sorted({str(n.get("version")) for n in nodes})
        if len(versions) > 1:
            problems.append("kafka_metadata_version latest while the nodes run different releases (%s): raise it once "
                            "every node runs the same kafka_version"
                            % ", ".join("%s %s" % (n.get("host"), n.get("version")) for n in nodes))
        return problems
    target = int(target)
    if finalized is not None and target < finalized:
        problems.append("kafka_metadata_version %s is %s, below the finalized %s: metadata.version is never lowered"
                        % (wanted, describe_level(METADATA_VERSION_FEATURE, target),
                           describe_level(METADATA_VERSION_FEATURE, finalized)))
    for host, top in release_max.items():
        if target > top:
            version = next(str(n.get("version")) for n in nodes if n.get("host") == host)
            problems.append("%s runs kafka_version %s (metadata.version up to %s): it cannot run kafka_metadata_version %s (%s); "
                            "upgrade every node first"
                            % (host, version, describe_level(METADATA_VERSION_FEATURE, top), wanted,
                               describe_level(METADATA_VERSION_FEATURE, target)))
    return problems


def _upgrade_filter(nodes, finalized=None, wanted=""):
    try:
        level = None if finalized in (None, "", -1) else int(finalized)
        return upgrade_problems([dict(n) for n in nodes], level, wanted)
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError("kafka_upgrade_problems: %s" % exc) from exc


class FilterModule:
    """streamops.kafka upgrade filters."""

    def filters(self):
        return {"kafka_upgrade_problems": _upgrade_filter}
