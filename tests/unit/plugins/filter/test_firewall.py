"""Firewall filters: user sources checked by name, rules' hosts turned into their addresses."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.streamops.kafka.plugins.filter import firewall

HOSTVARS = {
    "zk-1": {"ansible_facts": {"all_ipv4_addresses": ["172.20.0.11", "127.0.0.1"],
                               "all_ipv6_addresses": ["fe80::1", "2001:db8::11"]}},
    "zk-2": {"zookeeper_address": "172.20.0.12"},
    "zk-3": {"ansible_host": "zk-3.example.net"},
    "kafka-1": {"kafka_address": "172.20.0.21", "ansible_facts": {"all_ipv4_addresses": ["172.20.0.21", "10.1.0.5"]}},
}


def test_source_problems_name_the_variable_and_value():
    assert firewall.source_problems(["any", "192.0.2.0/24"], "kafka_client_sources") == []
    assert firewall.source_problems(["192.0.2.1", "10.0.0.300"], "zookeeper_client_sources") == [
        "zookeeper_client_sources: '10.0.0.300' is not an address or CIDR (nor 'any')"]
    assert firewall.source_problems("192.0.2.1", "kafka_client_sources") == [
        "kafka_client_sources must be a list of addresses or CIDRs (or 'any'), got '192.0.2.1'"]


def test_host_addresses_from_facts_and_literal_inventory_addresses():
    assert firewall.host_addresses("zk-1", HOSTVARS) == ["172.20.0.11", "2001:db8::11"]
    assert firewall.host_addresses("zk-2", HOSTVARS) == ["172.20.0.12"]
    assert firewall.host_addresses("zk-3", HOSTVARS) == []  # a name, no facts
    assert firewall.host_addresses("kafka-1", HOSTVARS) == ["10.1.0.5", "172.20.0.21"]
    assert firewall.host_addresses("absent", HOSTVARS) == []


def test_resolve_rules():
    rules = [{"name": "quorum", "ports": [3888, 2888, "2888"], "hosts": ["zk-1", "zk-2", "zk-3"]},
             {"name": "clients", "ports": [2181], "hosts": ["kafka-1"], "sources": ["192.0.2.0/24"], "control_node": True},
             {"name": "open", "ports": [9092], "sources": ["any"], "hosts": ["zk-1"]},
             {"name": "nothing", "ports": [], "sources": ["192.0.2.1"]}]
    out = firewall.resolve(rules, HOSTVARS, "172.20.0.1")
    assert out == {"unresolved": ["zk-3"], "rules": [
        {"name": "quorum", "ports": [2888, 3888], "protocol": "tcp", "sources": ["172.20.0.11", "172.20.0.12", "2001:db8::11"]},
        {"name": "clients", "ports": [2181], "protocol": "tcp", "sources": ["10.1.0.5", "172.20.0.1", "172.20.0.21", "192.0.2.0/24"]},
        {"name": "open", "ports": [9092], "protocol": "tcp", "sources": ["any"]},
    ]}
    # no control node address known: the rule just lets in its hosts
    assert firewall.resolve(rules[1:2], HOSTVARS)["rules"][0]["sources"] == ["10.1.0.5", "172.20.0.21", "192.0.2.0/24"]


@pytest.mark.parametrize("rules", ["x", ["x"]])
def test_resolve_refuses_non_rules(rules):
    with pytest.raises(AnsibleFilterError, match="firewall_rules"):
        firewall.resolve(rules, HOSTVARS)
