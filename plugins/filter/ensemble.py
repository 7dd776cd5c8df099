# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.
"""Cross-host invariants of a ZooKeeper ensemble, checked before any host changes."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError

ROLES = ("participant", "observer")
PORT_KEYS = ("client_port", "secure_client_port", "quorum_port", "election_port", "admin_port")
# Ports a member may leave out (None): the AdminServer off, no TLS client port.
OPTIONAL_PORTS = ("secure_client_port", "admin_port")


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def ensemble_problems(members: list[dict[str, Any]], allow_even: bool = False) -> list[str]:
    """Return readable problems (empty when the ensemble description is sound).

    Each member: host, myid, role, address, client_port, quorum_port, election_port and
    optionally secure_client_port (None without TLS) and admin_port (None when the AdminServer is off).
    """
    problems: list[str] = []
    if not members:
        return ["the ensemble has no members (is the inventory group empty?)"]
    seen_ids: dict[int, str] = {}
    for m in members:
        host = m.get("host", "?")
        myid = _as_int(m.get("myid"))
        if myid is None or myid < 1 or myid > 255:
            problems.append("%s: zookeeper_myid %r is not an integer from 1 to 255" % (host, m.get("myid")))
        elif myid in seen_ids:
            problems.append("%s: zookeeper_myid %d is already used by %s" % (host, myid, seen_ids[myid]))
        else:
            seen_ids[myid] = host
        role = m.get("role")
        if role not in ROLES:
            problems.append("%s: zookeeper_role %r must be one of %s" % (host, role, ", ".join(ROLES)))
        if not str(m.get("address") or "").strip():
            problems.append("%s: zookeeper_address is empty" % host)
        ports: dict[int, str] = {}
        for key in PORT_KEYS:
            if key in OPTIONAL_PORTS and m.get(key) in (None, ""):
                continue
            port = _as_int(m.get(key))
            if port is None or not 1 <= port <= 65535:
                problems.append("%s: zookeeper_%s %r is not a port number (1-65535)" % (host, key, m.get(key)))
                continue
            if port in ports:
                problems.append("%s: zookeeper_%s %d collides with zookeeper_%s" % (host, key, port, ports[port]))
            ports[port] = key
        m["_ports"] = ports

    # Several members on one address (a pseudo-cluster) must not share any port.
    by_address: dict[str, list[dict[str, Any]]] = {}
    for m in members:
        by_address.setdefault(str(m.get("address")), []).append(m)
    for address, group in by_address.items():
        used: dict[int, str] = {}
        for m in group:
            for port, key in m.pop("_ports", {}).items():
                if port in used:
                    problems.append("%s: zookeeper_%s %d on %s is also used by %s" % (m.get("host"), key, port, address, used[port]))
                else:
                    used[port] = "%s (zookeeper_%s)" % (m.get("host"), key)
    for m in members:
        m.pop("_ports", None)

    voters = [m for m in members if m.get("role") == "participant"]
    observers = [m for m in members if m.get("role") == "observer"]
    if observers and not voters:
        problems.append("observers %s have no voters to follow: at least one host needs zookeeper_role participant"
                        % ", ".join(m.get("host", "?") for m in observers))
    elif voters and len(voters) % 2 == 0 and not allow_even:
        problems.append("%d voters (%s) is an even number: it tolerates no more failures than %d; add or remove a voter, "
                        "make one an observer, or set zookeeper_allow_even_ensemble: true"
                        % (len(voters), ", ".join(m.get("host", "?") for m in voters), len(voters) - 1))
    return problems


def _filter(members, allow_even=False):
    if not isinstance(members, list) or not all(isinstance(m, dict) for m in members):
        raise AnsibleFilterError("zookeeper_ensemble_problems expects a list of dicts, got %r" % (members,))
    return ensemble_problems([dict(m) for m in members], bool(allow_even))


class FilterModule:
    """ZooKeeper ensemble filters."""

    def filters(self):
        return {"zookeeper_ensemble_problems": _filter}
