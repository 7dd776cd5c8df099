"""Unit tests of the one rolling-restart order (pure logic)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.streamops.kafka.plugins.filter.rolling import _filter, rolling_order


def hosts(order):
    return [entry["host"] for entry in order]


COMBINED = [{"host": "k%d" % i, "roles": ["broker", "controller"]} for i in (1, 2, 3)]
DEDICATED = ([{"host": "c%d" % i, "roles": ["controller"]} for i in (1, 2, 3)]
             + [{"host": "b%d" % i, "roles": ["broker"]} for i in (1, 2)])
ZOOKEEPER = [{"host": "zk%d" % i, "roles": ["zookeeper"]} for i in (1, 2, 3, 4)]


def test_combined_quorum_leader_last_with_both_gates():
    order = rolling_order(["k1", "k2", "k3"], COMBINED, leader="k1")
    assert hosts(order) == ["k2", "k3", "k1"]
    assert all(entry["gates"] == ["replication", "quorum"] for entry in order)
    assert [entry["leader"] for entry in order] == [False, False, True]


def test_dedicated_controllers_first_leader_last_then_brokers():
    order = rolling_order(["b2", "c3", "b1", "c2", "c1"], DEDICATED, leader="c2")
    assert hosts(order) == ["c1", "c3", "c2", "b1", "b2"]
    assert [entry["gates"] for entry in order] == [["quorum"]] * 3 + [["replication"]] * 2
    assert [entry["tier"] for entry in order] == [0, 0, 0, 1, 1]


def test_only_pending_hosts_and_unknown_leader():
    assert hosts(rolling_order(["b1", "c3"], DEDICATED, leader=None)) == ["c3", "b1"]
    assert hosts(rolling_order([], DEDICATED, leader="c1")) == []
    assert hosts(rolling_order(["b1", "b2"], DEDICATED, leader="c1")) == ["b1", "b2"]


def test_zookeeper_mode_brokers_active_controller_last():
    brokers = [{"host": "k%d" % i, "roles": ["broker"]} for i in (1, 2, 3)]
    assert hosts(rolling_order(["k1", "k2", "k3"], brokers, leader="k2")) == ["k1", "k3", "k2"]


def test_zookeeper_ensemble_leader_last_gate_ensemble():
    order = rolling_order(["zk4", "zk2", "zk1", "zk3"], ZOOKEEPER, leader="zk2")
    assert hosts(order) == ["zk1", "zk3", "zk4", "zk2"]
    assert {tuple(entry["gates"]) for entry in order} == {("ensemble",)}


def test_unknown_host_and_roleless_node_refused():
    with pytest.raises(ValueError, match="hosts x9 are marked"):
        rolling_order(["x9"], COMBINED)
    with pytest.raises(ValueError, match="k1 has no restartable role"):
        rolling_order(["k1"], [{"host": "k1", "roles": ["observer"]}])
    with pytest.raises(AnsibleFilterError, match="x9"):
        _filter(["x9"], COMBINED)
    with pytest.raises(AnsibleFilterError, match="expects a list"):
        _filter("k1", COMBINED)
