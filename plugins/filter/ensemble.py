# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.
"""Cross-host invariants of a ZooKeeper ensemble, checked before any host changes."""

from __future__ import annotations

import re
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


_SERVER_LINE = re.compile(r"^\s*server\.(\d+)\s*=\s*([^\n]*)$", re.MULTILINE)


def running_servers(configs: list[str], members: list[dict[str, Any]]) -> dict[int, str]:
    """The servers the running ensemble knows, {myid: role}, from the members' zoo.cfg texts.

    The union of every member's server lines (after an interrupted roll members disagree; the
    union is the view that still counts the servers some of them vote with). A member with data
    but no server lines runs standalone: the ensemble is that one voter.
    """
    servers: dict[int, str] = {}
    for text in configs:
        for myid, spec in _SERVER_LINE.findall(text or ""):
            role = "observer" if re.search(r":observer\b", spec.split(";", 1)[0]) else "participant"
            if servers.get(int(myid)) != "participant":
                servers[int(myid)] = role
    if not servers:
        for m in members:
            myid = _as_int(m.get("myid"))
            if m.get("existing") and myid is not None:
                servers[myid] = "participant"
    return servers


def membership_change(members: list[dict[str, Any]], configs: list[str], retiring: list[dict[str, Any]],
                      group: str = "zookeeper", retired_group: str = "zookeeper_retired") -> dict[str, Any]:
    """Check an inventory change of the ensemble's membership against the running ensemble.

    members: the inventory's members {host, myid, role, existing (has data already)};
    configs: the zoo.cfg texts on the members (what the running ensemble was started with);
    retiring: the hosts of the retired group {host, myid (from its data directory, '' if none)}.
    A static membership change is safe when, at every step of a roll, no two disjoint sets of
    servers can each elect a leader: voters are either added or removed in one run, added voters
    alone are never a quorum of the new ensemble, and the voters that stay are a quorum of the
    running one. Returns {problems, running, added, removed, retiring_voters}.
    """
    problems: list[str] = []
    running = running_servers(configs, members)
    member_ids = {_as_int(m.get("myid")): m.get("host") for m in members}
    retiring_ids = {}
    for r in retiring:
        if r.get("host") in member_ids.values():
            problems.append("%s is in both groups '%s' and '%s': a host either stays in the ensemble or retires"
                            % (r.get("host"), group, retired_group))
        myid = _as_int(r.get("myid"))
        if myid is not None:
            retiring_ids[myid] = r.get("host")
    for myid in sorted(set(running) - set(member_ids) - set(retiring_ids)):
        problems.append("the running ensemble has server.%d (zoo.cfg of the members), which no host of group '%s' or '%s' is: "
                        "put the host that runs it in group '%s', so the members roll to the new membership in a safe order "
                        "and it is stopped after them" % (myid, group, retired_group, retired_group))
    voters_now = {i for i, role in running.items() if role == "participant"}
    voters_new = {_as_int(m.get("myid")) for m in members if m.get("role") == "participant"}
    added = sorted(voters_new - voters_now) if voters_now else []
    removed = sorted(voters_now - voters_new)

    def names(ids: list[int]) -> str:
        return ", ".join("%s (server.%d)" % (member_ids.get(i) or retiring_ids.get(i) or "?", i) for i in ids)

    if added and removed:
        problems.append("one run would add voters %s and remove voters %s: change the membership in two runs, "
                        "first add, then retire" % (names(added), names(removed)))
    elif added:
        quorum_new = len(voters_new) // 2 + 1
        if len(added) >= quorum_new:
            problems.append("adding %d voters (%s) to the %d running at once: the new ones alone would be a quorum (%d) of "
                            "the %d-voter ensemble and could elect a leader of their own; add at most %d per run"
                            % (len(added), names(added), len(voters_now), quorum_new, len(voters_new), quorum_new - 1))
    elif removed:
        quorum_now = len(voters_now) // 2 + 1
        staying = len(voters_now) - len(removed)
        if staying < quorum_now:
            problems.append("removing %d voters (%s) of the %d running at once leaves %d, fewer than the quorum (%d) of the "
                            "running ensemble, which the roll to the new membership needs; remove at most %d per run"
                            % (len(removed), names(removed), len(voters_now), staying, quorum_now,
                               len(voters_now) - quorum_now))
    return {
        "problems": problems,
        "running": {str(k): v for k, v in sorted(running.items())},
        "added": [member_ids.get(i) for i in added],
        "removed": [member_ids.get(i) or retiring_ids.get(i) for i in removed],
        "retiring_voters": sorted(h for i, h in retiring_ids.items() if i in voters_now),
    }


def _filter(members, allow_even=False):
    if not isinstance(members, list) or not all(isinstance(m, dict) for m in members):
        raise AnsibleFilterError("zookeeper_ensemble_problems expects a list of dicts, got %r" % (members,))
    return ensemble_problems([dict(m) for m in members], bool(allow_even))


def _membership_filter(members, configs, retiring, group="zookeeper", retired_group="zookeeper_retired"):
    if not isinstance(members, list) or not all(isinstance(m, dict) for m in members):
        raise AnsibleFilterError("zookeeper_membership_change expects a list of member dicts, got %r" % (members,))
    if not isinstance(configs, list) or not isinstance(retiring, list) or not all(isinstance(r, dict) for r in retiring):
        raise AnsibleFilterError("zookeeper_membership_change expects a list of zoo.cfg texts and a list of {host, myid} dicts")
    return membership_change(members, [str(c or "") for c in configs], retiring, str(group), str(retired_group))


class FilterModule:
    """ZooKeeper ensemble filters."""

    def filters(self):
        return {"zookeeper_ensemble_problems": _filter, "zookeeper_membership_change": _membership_filter}
