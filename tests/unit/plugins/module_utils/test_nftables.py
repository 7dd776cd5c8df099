"""The firewall chain as data and as an nft script: sources checked, overlapping networks merged,
ports grouped by their sources, `any` leaving a port open, the live-chain digest."""

from __future__ import annotations

import json

import pytest

from ansible_collections.streamops.kafka.plugins.module_utils import _nftables as nft

QUORUM = {"name": "quorum", "ports": [2888, 3888], "sources": ["192.0.2.11", "192.0.2.12", "2001:db8::1"]}
CLIENTS = {"name": "clients", "ports": [2181], "sources": ["192.0.2.0/24", "192.0.2.11"]}


@pytest.mark.parametrize("source", ["any", "192.0.2.1", "192.0.2.0/24", "192.0.2.7/24", "2001:db8::/64", "::1"])
def test_good_sources(source):
    assert nft.source_problem(source) is None


@pytest.mark.parametrize("source", ["10.0.0.300", "not-a-cidr", "", "  ", None, 5, "192.0.2.0/33", "ANY"])
def test_bad_sources_are_named(source):
    assert nft.source_problem(source) == "%r is not an address or CIDR (nor 'any')" % (source,)


@pytest.mark.parametrize("rules, expected", [
    ("x", ["rules must be a list, got 'x'"]),
    (["x"], ["rule 1 is not a mapping: 'x'"]),
    ([{"name": "q", "ports": [], "sources": []}], ["q: ports must be a non-empty list, got []"]),
    ([{"name": "q", "ports": [0, 70000, "a", True], "sources": []}],
     ["q: port 0 is not a port (1-65535)", "q: port 70000 is not a port (1-65535)",
      "q: port 'a' is not a port (1-65535)", "q: port True is not a port (1-65535)"]),
    ([{"ports": [1], "protocol": "sctp", "sources": []}], ["rule 1: protocol 'sctp' is not one of tcp, udp"]),
    ([{"ports": [1], "sources": "any"}], ["rule 1: sources must be a list, got 'any'"]),
    ([{"ports": [1], "sources": ["10.0.0.300"]}], ["rule 1: source '10.0.0.300' is not an address or CIDR (nor 'any')"]),
])
def test_bad_rules_are_named(rules, expected):
    assert nft.rule_problems(rules) == expected


def test_good_rules_have_no_problems():
    assert nft.rule_problems([QUORUM, CLIENTS, {"ports": ["9092"], "sources": ["any"], "protocol": "udp"}]) == []


def test_networks_merge_overlaps_and_split_families():
    v4, v6 = nft.networks(["192.0.2.11", "192.0.2.0/24", "198.51.100.7/32", "any", "2001:db8::1", "2001:db8::/32"])
    assert v4 == ["192.0.2.0/24", "198.51.100.7"]
    assert v6 == ["2001:db8::/32"]


def test_plan_groups_ports_by_sources_and_drops_the_rest():
    steps = nft.plan([QUORUM, CLIENTS])
    assert steps == [
        {"kind": "accept", "protocol": "tcp", "ports": [2181], "v4": ["192.0.2.0/24"], "v6": [], "names": ["clients"]},
        {"kind": "accept", "protocol": "tcp", "ports": [2888, 3888], "v4": ["192.0.2.11", "192.0.2.12"],
         "v6": ["2001:db8::1"], "names": ["quorum"]},
        {"kind": "drop", "protocol": "tcp", "ports": [2181, 2888, 3888]},
    ]


def test_a_port_in_two_rules_takes_both_sources_and_any_opens_it():
    steps = nft.plan([{"name": "a", "ports": [9092], "sources": ["192.0.2.1"]},
                      {"name": "b", "ports": [9092, 9093], "sources": ["192.0.2.2"]},
                      {"name": "c", "ports": [9093], "sources": ["any"]}])
    assert steps == [
        {"kind": "accept", "protocol": "tcp", "ports": [9092], "v4": ["192.0.2.1", "192.0.2.2"], "v6": [], "names": ["a", "b"]},
        {"kind": "drop", "protocol": "tcp", "ports": [9092]},
    ]


def test_a_guarded_port_without_sources_is_only_dropped():
    assert nft.plan([{"ports": [2181], "sources": []}]) == [{"kind": "drop", "protocol": "tcp", "ports": [2181]}]


def test_render_replaces_the_chain_in_one_script():
    text = nft.render("streamops", "zookeeper", -10, [QUORUM, CLIENTS], "line one\nline two")
    assert text.splitlines() == [
        "#!/usr/sbin/nft -f",
        "# line one",
        "# line two",
        "add table inet streamops",
        "add chain inet streamops zookeeper { type filter hook input priority -10; policy accept; }",
        "flush chain inet streamops zookeeper",
        'add rule inet streamops zookeeper iif "lo" accept',
        'add rule inet streamops zookeeper tcp dport 2181 ip saddr 192.0.2.0/24 accept comment "clients"',
        'add rule inet streamops zookeeper tcp dport { 2888, 3888 } ip saddr { 192.0.2.11, 192.0.2.12 } accept comment "quorum"',
        'add rule inet streamops zookeeper tcp dport { 2888, 3888 } ip6 saddr 2001:db8::1 accept comment "quorum"',
        "add rule inet streamops zookeeper tcp dport { 2181, 2888, 3888 } drop",
    ]


def test_comments_cannot_break_the_script():
    text = nft.render("t", "c", 0, [{"name": 'x"; flush ruleset; "', "ports": [1], "sources": ["192.0.2.1"]}])
    assert text.count('"') == 4  # "lo" and the comment's own quotes only
    assert 'comment "x flush ruleset "' in text


def _listing(handle, rules):
    items = [{"metainfo": {"version": "1.0.6"}},
             {"chain": {"family": "inet", "table": "streamops", "name": "zookeeper", "handle": handle}}]
    items += [{"rule": dict(r, handle=handle + i + 1)} for i, r in enumerate(rules)]
    return json.dumps({"nftables": items})


def test_live_digest_ignores_handles_and_sees_rule_changes():
    rules = [{"expr": [{"accept": None}]}, {"expr": [{"drop": None}]}]
    a = nft.live_digest(_listing(1, rules))
    assert a and a == nft.live_digest(_listing(40, rules))
    assert a != nft.live_digest(_listing(1, rules[:1]))
    assert nft.live_digest(None) is None
    assert nft.live_digest("not json") is None
    assert nft.live_digest(json.dumps({"nftables": [{"metainfo": {}}]})) is None


def test_digest_line_round_trip():
    script = nft.render("streamops", "kafka", -10, [CLIENTS])
    stored = nft.with_digest(script, "abc123")
    assert stored.splitlines()[1] == "# live-digest: abc123"
    assert nft.split_file(stored) == (script, "abc123")
    assert nft.split_file(script) == (script, None)
    assert nft.split_file(None) == (None, None)


@pytest.mark.parametrize("value", ["", "1abc", "has-dash", "a" * 32, None, "x y"])
def test_bad_names_are_named(value):
    assert nft.ident_problem("chain", value) == (
        "chain %r is not an nftables name (a letter, then letters, digits or _; at most 31)" % (value,))


def test_good_names():
    assert nft.ident_problem("table", "streamops") is None
    assert nft.ident_problem("chain", "kafka_2") is None
