# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.
"""The hosts' firewall (pure logic): which sources may reach which service ports, checked and
rendered as one nftables chain of a table of our own.

A chain holds, for the ports it guards: ``iif lo accept`` (the host itself), one accept rule per
group of ports with the same allowed sources (IPv4 and IPv6 separately), then one ``drop`` for
every guarded port. Ports open to ``any`` are not guarded. Nothing else on the host is touched:
other tables and chains keep their rules, and a packet our chain accepts still passes theirs.

The script replaces the chain in one nftables transaction (add table, add chain, flush chain,
add rules), so loading it again, or loading it at boot, gives the same chain.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
from typing import Any, Iterable

ANY = "any"
# nftables identifiers (tables, chains): letters, digits, underscore; a unit-safe subset.
_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,30}$")
PROTOCOLS = ("tcp", "udp")


def source_problem(source: Any) -> str | None:
    """Why ``source`` is not a firewall source (None when it is): an IPv4/IPv6 address, a CIDR, or ``any``."""
    if not isinstance(source, str) or not source.strip():
        return "%r is not an address or CIDR (nor 'any')" % (source,)
    if source == ANY:
        return None
    try:
        ipaddress.ip_network(source, strict=False)
    except ValueError:
        return "%r is not an address or CIDR (nor 'any')" % (source,)
    return None


def rule_problems(rules: Any) -> list[str]:
    """Problems of a rule list: each rule a mapping with ports (1-65535), protocol and sources."""
    if not isinstance(rules, list):
        return ["rules must be a list, got %r" % (rules,)]
    out = []
    for i, rule in enumerate(rules):
        name = rule.get("name", "rule %d" % (i + 1)) if isinstance(rule, dict) else "rule %d" % (i + 1)
        if not isinstance(rule, dict):
            out.append("%s is not a mapping: %r" % (name, rule))
            continue
        ports = rule.get("ports")
        if not isinstance(ports, list) or not ports:
            out.append("%s: ports must be a non-empty list, got %r" % (name, ports))
        else:
            for p in ports:
                if isinstance(p, bool) or not str(p).isdigit() or not 1 <= int(p) <= 65535:
                    out.append("%s: port %r is not a port (1-65535)" % (name, p))
        if rule.get("protocol", "tcp") not in PROTOCOLS:
            out.append("%s: protocol %r is not one of %s" % (name, rule.get("protocol"), ", ".join(PROTOCOLS)))
        sources = rule.get("sources")
        if not isinstance(sources, list):
            out.append("%s: sources must be a list, got %r" % (name, sources))
        else:
            out.extend("%s: source %s" % (name, p) for p in map(source_problem, sources) if p)
    return out


def networks(sources: Iterable[str]) -> tuple[list[str], list[str]]:
    """The IPv4 and IPv6 networks of ``sources`` (no ``any``), merged so that no two overlap
    (nftables refuses overlapping intervals in one set), as nft writes them."""
    v4, v6 = [], []
    for s in sources:
        if s == ANY:
            continue
        n = ipaddress.ip_network(s, strict=False)
        (v4 if n.version == 4 else v6).append(n)

    def fmt(ns):
        return [str(n.network_address) if n.num_addresses == 1 else str(n) for n in ipaddress.collapse_addresses(ns)]
    return fmt(v4), fmt(v6)


def plan(rules: list[dict]) -> list[dict]:
    """The chain's content as data: accept groups (ports sharing the same sources) and the guarded
    ports. A port named in several rules takes the union of their sources; ``any`` in any of them
    leaves the port unguarded."""
    by_port: dict[tuple[str, int], set[str]] = {}
    names: dict[tuple[str, int], list[str]] = {}
    for rule in rules:
        proto = rule.get("protocol", "tcp")
        for p in rule["ports"]:
            key = (proto, int(p))
            by_port.setdefault(key, set()).update(rule["sources"])
            names.setdefault(key, []).append(rule.get("name", ""))
    groups: dict[tuple[str, tuple[str, ...], tuple[str, ...]], dict] = {}
    guarded: dict[str, list[int]] = {}
    for (proto, port), sources in sorted(by_port.items()):
        if ANY in sources:
            continue
        guarded.setdefault(proto, []).append(port)
        v4, v6 = networks(sources)
        if not v4 and not v6:
            continue
        g = groups.setdefault((proto, tuple(v4), tuple(v6)), {"protocol": proto, "ports": [], "v4": v4, "v6": v6, "names": []})
        g["ports"].append(port)
        for n in names[(proto, port)]:
            if n and n not in g["names"]:
                g["names"].append(n)
    out = [dict(g, kind="accept") for g in groups.values()]
    out += [{"kind": "drop", "protocol": proto, "ports": ports} for proto, ports in sorted(guarded.items())]
    return out


def _set(items: list) -> str:
    return str(items[0]) if len(items) == 1 else "{ %s }" % ", ".join(str(i) for i in items)


def _comment(text: str) -> str:
    text = re.sub(r'[^A-Za-z0-9 _.,:/+-]', "", text)[:120]
    return ' comment "%s"' % text if text else ""


def render(table: str, chain: str, priority: int, rules: list[dict], header: str = "") -> str:
    """The nft script that replaces ``chain`` of ``inet table`` with ``rules`` in one transaction."""
    t = "inet %s" % table
    lines = ["#!/usr/sbin/nft -f"]
    lines += ["# %s" % h for h in header.splitlines() if h.strip()]
    lines += [
        "add table %s" % t,
        "add chain %s %s { type filter hook input priority %d; policy accept; }" % (t, chain, priority),
        "flush chain %s %s" % (t, chain),
        'add rule %s %s iif "lo" accept' % (t, chain),
    ]
    for step in plan(rules):
        ports = "%s dport %s" % (step["protocol"], _set(step["ports"]))
        if step["kind"] == "accept":
            for family, nets in (("ip", step["v4"]), ("ip6", step["v6"])):
                if nets:
                    lines.append("add rule %s %s %s %s saddr %s accept%s" % (
                        t, chain, ports, family, _set(nets), _comment(", ".join(step["names"]))))
        else:
            lines.append("add rule %s %s %s drop" % (t, chain, ports))
    return "\n".join(lines) + "\n"


def live_digest(nft_json: str | None) -> str | None:
    """A digest of a chain as ``nft -j list chain`` prints it, without the handles (which change on
    every load): equal digests mean equal rules. None when the chain does not exist."""
    if not nft_json:
        return None
    try:
        doc = json.loads(nft_json)
    except ValueError:
        return None
    items = []
    for item in doc.get("nftables", []):
        if "metainfo" in item:
            continue
        for kind, body in item.items():
            if isinstance(body, dict):
                body = {k: v for k, v in body.items() if k != "handle"}
            items.append({kind: body})
    if not any("chain" in i for i in items):
        return None
    return hashlib.sha256(json.dumps(items, sort_keys=True).encode()).hexdigest()


DIGEST_LINE = "# live-digest: "


def split_file(text: str | None) -> tuple[str | None, str | None]:
    """(script without the digest line, recorded digest) of a persisted chain file."""
    if text is None:
        return None, None
    digest = None
    body = []
    for line in text.splitlines(True):
        if line.startswith(DIGEST_LINE):
            digest = line[len(DIGEST_LINE):].strip()
        else:
            body.append(line)
    return "".join(body), digest


def with_digest(script: str, digest: str) -> str:
    first, rest = script.split("\n", 1) if "\n" in script else (script, "")
    return "%s\n%s%s\n%s" % (first, DIGEST_LINE, digest, rest)


def ident_problem(kind: str, value: Any) -> str | None:
    if not isinstance(value, str) or not _IDENT.match(value):
        return "%s %r is not an nftables name (a letter, then letters, digits or _; at most 31)" % (kind, value)
    return None
