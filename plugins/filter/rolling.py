# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.
"""The order of a rolling restart, for every server role of the collection (pure logic).

The one rule: quorum members first (ZooKeeper servers, KRaft controllers, combined nodes),
then the other nodes (brokers); within each tier, inventory order, and the leader last
(the ZooKeeper leader, the KRaft quorum leader, or in ZooKeeper-mode Kafka the active
controller broker), so leadership moves once, at the end. Each entry names the gates
that fit the node's roles: ``ensemble`` (ZooKeeper), ``quorum`` (KRaft controller),
``replication`` (broker).
"""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError

GATES = {"zookeeper": "ensemble", "controller": "quorum", "broker": "replication"}
_QUORUM_ROLES = ("zookeeper", "controller")


def rolling_order(pending: list[str], nodes: list[dict[str, Any]], leader: str | None = None) -> list[dict[str, Any]]:
    """Order the hosts in ``pending`` for a one-at-a-time restart.

    nodes: every node of the cluster as {host, roles}; roles from zookeeper/controller/broker.
    leader: the host that leads (goes last of its tier), or None when unknown.
    Returns [{host, roles, gates, tier, leader}] in restart order.
    """
    known = {n["host"]: n for n in nodes}
    unknown = [h for h in pending if h not in known]
    if unknown:
        raise ValueError("hosts %s are marked for a restart but are not nodes of the cluster" % ", ".join(unknown))
    wanted = set(pending)
    tiers: list[list[dict[str, Any]]] = [[], []]
    for node in nodes:
        host = node["host"]
        if host not in wanted:
            continue
        roles = [r for r in node.get("roles") or [] if r in GATES]
        if not roles:
            raise ValueError("%s has no restartable role in %r" % (host, node.get("roles")))
        tier = 0 if any(r in _QUORUM_ROLES for r in roles) else 1
        tiers[tier].append({"host": host, "roles": roles, "gates": [GATES[r] for r in roles],
                            "tier": tier, "leader": host == leader})
    order: list[dict[str, Any]] = []
    for tier in tiers:
        order.extend(sorted(tier, key=lambda entry: entry["leader"]))  # stable: leader moves to the end
    return order


def _filter(pending, nodes, leader=None):
    if not isinstance(pending, list) or not isinstance(nodes, list) or not all(isinstance(n, dict) and "host" in n for n in nodes):
        raise AnsibleFilterError("rolling_order expects a list of hosts and a list of {host, roles} dicts")
    try:
        return rolling_order([str(h) for h in pending], nodes, str(leader) if leader else None)
    except ValueError as exc:
        raise AnsibleFilterError(str(exc)) from exc


class FilterModule:
    """Rolling restart filters."""

    def filters(self):
        return {"rolling_order": _filter}
