# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.
"""Cross-host invariants of a Kafka cluster (both modes), Kafka UUIDs and stored identities.

Pure functions: the kafka role's preflight calls them before any host changes.
"""

from __future__ import annotations

import base64
import re
import uuid
from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.streamops.kafka.plugins.filter.ensemble import _as_int

# "migration": ZooKeeper-mode brokers beside dedicated KRaft controllers (playbooks/migrate_to_kraft.yml).
MODES = ("zookeeper", "kraft", "migration")
NODE_ROLES = ("broker", "controller")
# ZooKeeper mode: ids above reserved.broker.max.id (default 1000) are reserved for generated ids.
ZOOKEEPER_MAX_ID = 1000
KRAFT_MAX_ID = 2 ** 31 - 1
_LISTENER_RE = re.compile(r"^(?P<name>[A-Za-z0-9_]+)://(?P<host>\[[^\]]*\]|[^:/]*):(?P<port>[0-9]+)$")
# UUIDs Kafka reserves (Uuid.ZERO_UUID, METADATA_TOPIC_ID, ...): never hand them out.
_RESERVED_UUID_INTS = {0, 1, 2}


def parse_listener(text: str) -> dict[str, Any] | None:
    """``NAME://host:port`` -> {name, host, port}; None when it is not a listener."""
    match = _LISTENER_RE.match(str(text).strip())
    if not match:
        return None
    return {"name": match.group("name").upper(), "host": match.group("host"), "port": int(match.group("port"))}


def _node_problems(node: dict[str, Any], mode: str) -> list[str]:
    host = node.get("host", "?")
    problems: list[str] = []
    node_id = _as_int(node.get("node_id"))
    roles = list(node.get("roles") or [])
    # Brokers registered in ZooKeeper (also while they migrate) keep broker.id's range.
    zookeeper_ids = mode == "zookeeper" or (mode == "migration" and "broker" in roles)
    top = ZOOKEEPER_MAX_ID if zookeeper_ids else KRAFT_MAX_ID
    if node_id is None or not 0 <= node_id <= top:
        problems.append("%s: kafka_node_id %r is not an integer from 0 to %d" % (host, node.get("node_id"), top))
    bad_roles = [r for r in roles if r not in NODE_ROLES]
    if not roles or bad_roles:
        problems.append("%s: roles %r must be one or both of %s" % (host, roles, ", ".join(NODE_ROLES)))
    if mode == "zookeeper" and "controller" in roles:
        problems.append("%s: is in the controller group, but kafka_mode zookeeper has no KRaft controllers "
                        "(the ZooKeeper controller is elected among the brokers)" % host)
    if mode == "migration" and "controller" in roles and "broker" in roles:
        problems.append("%s: is a broker and a controller; a ZooKeeper migration needs dedicated controllers "
                        "(hosts in the controller group only)" % host)
    if not str(node.get("address") or "").strip():
        problems.append("%s: kafka_address is empty" % host)
    return problems


def _listener_problems(node: dict[str, Any], mode: str) -> tuple[list[str], dict[int, str]]:
    """Problems of one node's listeners, and its ports {port: listener name}."""
    host = node.get("host", "?")
    roles = list(node.get("roles") or [])
    problems: list[str] = []
    ports: dict[int, str] = {}
    names: list[str] = []
    for text in node.get("listeners") or []:
        listener = parse_listener(text)
        if listener is None:
            problems.append("%s: listener %r is not NAME://host:port" % (host, text))
            continue
        if listener["name"] in names:
            problems.append("%s: listener name %s is used twice" % (host, listener["name"]))
        names.append(listener["name"])
        port = listener["port"]
        if not 1 <= port <= 65535:
            problems.append("%s: listener %s port %d is not a port number (1-65535)" % (host, listener["name"], port))
        elif port in ports:
            problems.append("%s: listeners %s and %s both use port %d" % (host, ports[port], listener["name"], port))
        else:
            ports[port] = listener["name"]
    if not names:
        problems.append("%s: has no listeners" % host)
        return problems, ports
    controller_names = [n.upper() for n in node.get("controller_listener_names") or []]
    inter_broker = str(node.get("inter_broker_listener_name") or "").upper()
    if "broker" in roles and inter_broker and inter_broker not in names:
        problems.append("%s: inter-broker listener %s is not among its listeners %s" % (host, inter_broker, ", ".join(names)))
    if mode in ("kraft", "migration"):
        if "controller" in roles:
            missing = [n for n in controller_names if n not in names]
            if not controller_names or missing:
                problems.append("%s: controller listener %s is not among its listeners %s"
                                % (host, ", ".join(controller_names or ["(none)"]), ", ".join(names)))
        if "broker" in roles and inter_broker in controller_names:
            problems.append("%s: the inter-broker listener %s is also a controller listener" % (host, inter_broker))
        if "broker" not in roles:
            client = [n for n in names if n not in controller_names]
            if client:
                problems.append("%s: a controller-only node listens on broker listeners %s" % (host, ", ".join(client)))
    for name in node.get("advertised") or []:
        listener = parse_listener(name)
        if listener is not None and listener["name"] not in names:
            problems.append("%s: advertised listener %s is not among its listeners %s" % (host, listener["name"], ", ".join(names)))
    return problems, ports


def cluster_problems(nodes: list[dict[str, Any]], mode: str, allow_even_controllers: bool = False) -> list[str]:
    """Return readable problems (empty when the cluster description is sound).

    Each node: host, node_id, roles (subset of broker/controller), address, listeners
    (["NAME://host:port", ...]), advertised, controller_listener_names, inter_broker_listener_name.
    """
    if mode not in MODES:
        return ["kafka_mode %r must be one of %s" % (mode, ", ".join(MODES))]
    if not nodes:
        return ["the cluster has no nodes (are the inventory groups empty?)"]
    problems: list[str] = []
    seen_ids: dict[int, str] = {}
    by_address: dict[str, list[tuple[str, dict[int, str]]]] = {}
    for node in nodes:
        problems.extend(_node_problems(node, mode))
        node_id = _as_int(node.get("node_id"))
        if node_id is not None and node_id in seen_ids:
            problems.append("%s: kafka_node_id %d is already used by %s (ids are unique across brokers and controllers)"
                            % (node.get("host", "?"), node_id, seen_ids[node_id]))
        elif node_id is not None:
            seen_ids[node_id] = node.get("host", "?")
        listener_problems, ports = _listener_problems(node, mode)
        problems.extend(listener_problems)
        by_address.setdefault(str(node.get("address")), []).append((node.get("host", "?"), ports))

    # Several nodes on one address (a pseudo-cluster) must not share a port.
    for address, group in by_address.items():
        used: dict[int, str] = {}
        for host, ports in group:
            for port, name in sorted(ports.items()):
                if port in used:
                    problems.append("%s: listener %s port %d on %s is also used by %s" % (host, name, port, address, used[port]))
                else:
                    used[port] = "%s (%s)" % (host, name)

    controller_name_sets = {tuple(sorted(str(n).upper() for n in node.get("controller_listener_names") or []))
                            for node in nodes}
    if mode in ("kraft", "migration") and len(controller_name_sets) > 1:
        problems.append("controller.listener.names differs between nodes: %s"
                        % "; ".join("%s=%s" % (n.get("host"), ",".join(n.get("controller_listener_names") or []))
                                    for n in nodes))
    inter_broker_names = {str(n.get("inter_broker_listener_name") or "").upper() for n in nodes if "broker" in (n.get("roles") or [])}
    if len(inter_broker_names) > 1:
        problems.append("inter.broker.listener.name differs between brokers: %s" % ", ".join(sorted(inter_broker_names)))

    brokers = [n for n in nodes if "broker" in (n.get("roles") or [])]
    controllers = [n for n in nodes if "controller" in (n.get("roles") or [])]
    if not brokers:
        problems.append("the cluster has no brokers (the broker group is empty)")
    if mode in ("kraft", "migration"):
        if not controllers:
            problems.append("brokers %s have no controller: put hosts in the controller group (a host in both groups "
                            "is a combined broker+controller)" % ", ".join(n.get("host", "?") for n in brokers))
        elif len(controllers) % 2 == 0 and not allow_even_controllers:
            problems.append("%d controllers (%s) is an even number: it tolerates no more failures than %d; add or remove "
                            "one, or set kafka_allow_even_controllers: true"
                            % (len(controllers), ", ".join(n.get("host", "?") for n in controllers), len(controllers) - 1))
    return problems


def stored_identity(text: str) -> dict[str, Any]:
    """Parse a meta.properties: {cluster_id, node_id, directory_id, version} (None when absent)."""
    values: dict[str, str] = {}
    for line in str(text or "").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _sep, value = line.partition("=")
        values[key.strip()] = value.strip()
    node_id = values.get("node.id", values.get("broker.id"))
    return {
        "cluster_id": values.get("cluster.id") or None,
        "node_id": _as_int(node_id) if node_id is not None else None,
        "directory_id": values.get("directory.id") or None,
        "version": _as_int(values.get("version")) if values.get("version") is not None else None,
    }


def identity_problems(stored: list[dict[str, Any]], cluster_id: str | None) -> list[str]:
    """Problems between what formatted log dirs hold and what the inventory asks for.

    stored: one dict per log dir with host, path, node_id (inventory), and the parsed
    meta.properties under ``meta`` (see stored_identity), or meta None when unformatted.
    cluster_id: the id the cluster is to have (user's kafka_cluster_id, or the one found).
    """
    problems: list[str] = []
    for entry in stored:
        meta = entry.get("meta")
        if not meta:
            continue
        host, path = entry.get("host", "?"), entry.get("path", "?")
        want = _as_int(entry.get("node_id"))
        if meta.get("node_id") is not None and want is not None and meta["node_id"] != want:
            problems.append("%s: %s/meta.properties holds node id %d but the inventory makes it %d; the node would "
                            "claim another node's data: set kafka_node_id to %d or wipe the directory"
                            % (host, path, meta["node_id"], want, meta["node_id"]))
        if cluster_id and meta.get("cluster_id") and meta["cluster_id"] != cluster_id:
            problems.append("%s: %s/meta.properties belongs to cluster %s, not %s; refusing to reuse another "
                            "cluster's data" % (host, path, meta["cluster_id"], cluster_id))
    return problems


def found_cluster_ids(stored: list[dict[str, Any]]) -> list[str]:
    """Distinct cluster ids found in formatted log dirs, in first-seen order."""
    ids: list[str] = []
    for entry in stored:
        cid = (entry.get("meta") or {}).get("cluster_id")
        if cid and cid not in ids:
            ids.append(cid)
    return ids


def kafka_uuid(seed: Any = None) -> str:
    """A Kafka Uuid string (22-char URL-safe base64, as Uuid.toString() prints it).

    With a seed the result is deterministic (UUIDv5 of the seed), so directory ids derived
    from (cluster id, node id) are stable across runs; without one it is random.
    """
    if seed in (None, ""):
        raw = uuid.uuid4()
    else:
        raw = uuid.uuid5(uuid.NAMESPACE_URL, "streamops.kafka:%s" % (seed,))
    while raw.int in _RESERVED_UUID_INTS:  # pragma: no cover - 1 in 2**122
        raw = uuid.uuid4()
    return base64.urlsafe_b64encode(raw.bytes).decode("ascii").rstrip("=")


def is_kafka_uuid(value: Any) -> bool:
    """True for a 22-char URL-safe base64 string that decodes to 16 bytes."""
    if not isinstance(value, str) or not re.match(r"^[A-Za-z0-9_-]{22}$", value):
        return False
    try:
        return len(base64.urlsafe_b64decode(value + "==")) == 16
    except ValueError:  # pragma: no cover - the regex admits only valid characters
        return False


def _problems_filter(nodes, mode, allow_even_controllers=False):
    if not isinstance(nodes, list) or not all(isinstance(n, dict) for n in nodes):
        raise AnsibleFilterError("kafka_cluster_problems expects a list of dicts, got %r" % (nodes,))
    return cluster_problems([dict(n) for n in nodes], str(mode), bool(allow_even_controllers))


def _identity_filter(stored, cluster_id=None):
    if not isinstance(stored, list):
        raise AnsibleFilterError("kafka_identity_problems expects a list of dicts, got %r" % (stored,))
    return identity_problems(stored, cluster_id or None)


class FilterModule:
    """Kafka cluster filters."""

    def filters(self):
        return {
            "kafka_cluster_problems": _problems_filter,
            "kafka_identity_problems": _identity_filter,
            "kafka_stored_identity": stored_identity,
            "kafka_found_cluster_ids": found_cluster_ids,
            "kafka_uuid": kafka_uuid,
            "kafka_is_uuid": is_kafka_uuid,
        }
