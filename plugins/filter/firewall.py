# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.
"""The hosts' firewall, on the control node: sources checked before any host changes, and the
rules of a service turned from inventory hosts into the addresses their packets come from."""

from __future__ import annotations

import ipaddress
from typing import Any

from ansible.errors import AnsibleFilterError

from ansible_collections.streamops.kafka.plugins.module_utils._nftables import ANY, source_problem

# Where a host's own address may be written in the inventory (used when it is an IP literal).
ADDRESS_KEYS = ("zookeeper_address", "kafka_address", "ansible_host")


def source_problems(sources: Any, name: str = "sources") -> list[str]:
    """Problems of a list of firewall sources given by the user, naming the variable and the value."""
    if not isinstance(sources, (list, tuple)):
        return ["%s must be a list of addresses or CIDRs (or 'any'), got %r" % (name, sources)]
    return ["%s: %s" % (name, p) for p in map(source_problem, sources) if p]


def _ip(value: Any):
    try:
        return ipaddress.ip_address(str(value).strip())
    except ValueError:
        return None


def host_addresses(host: str, hostvars: Any) -> list[str]:
    """The addresses packets from ``host`` may carry: every global or private address of its
    interfaces (gathered facts; link-local and loopback left out), and its inventory address when
    that is an IP literal. Empty when neither is known."""
    hv = hostvars[host] if host in hostvars else {}
    found = {_ip(hv[key]) for key in ADDRESS_KEYS if key in hv}
    facts = hv["ansible_facts"] if "ansible_facts" in hv else {}
    for key in ("all_ipv4_addresses", "all_ipv6_addresses"):
        found.update(a for a in map(_ip, facts.get(key) or []) if a and not _local(a))
    found.discard(None)
    return [str(a) for a in sorted(found, key=lambda a: (a.version, a))]


def _local(ip) -> bool:
    return ip.is_link_local or ip.is_loopback


def resolve(rules: Any, hostvars: Any, control_node: str = "") -> dict[str, Any]:
    """Rules for M(nftables_chain): each rule's ``hosts`` replaced by their addresses, and its
    ``control_node: true`` by the control node's address. Returns ``{'rules': [...], 'unresolved':
    [hosts whose addresses are unknown]}``."""
    if not isinstance(rules, list):
        raise AnsibleFilterError("firewall_rules expects a list of rules, got %r" % (rules,))
    out, unresolved = [], []
    for rule in rules:
        if not isinstance(rule, dict):
            raise AnsibleFilterError("firewall_rules: a rule must be a mapping, got %r" % (rule,))
        sources = list(rule.get("sources", []))
        for h in rule.get("hosts", []):
            found = host_addresses(h, hostvars)
            if not found and h not in unresolved:
                unresolved.append(h)
            sources += found
        if rule.get("control_node") and control_node:
            sources.append(control_node)
        ports = sorted({int(p) for p in rule.get("ports", [])})
        if not ports:
            continue
        item = {"name": rule.get("name", ""), "ports": ports, "protocol": rule.get("protocol", "tcp"),
                "sources": [ANY] if ANY in sources else sorted(set(sources))}
        out.append(item)
    return {"rules": out, "unresolved": unresolved}


class FilterModule:
    """Firewall filters."""

    def filters(self):
        return {"firewall_source_problems": source_problems, "firewall_rules": resolve}
