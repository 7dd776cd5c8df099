"""Unit tests of the Kafka cluster invariants, stored identities and Uuids (pure logic)."""

from __future__ import annotations

import base64

import pytest

from ansible_collections.streamops.kafka.plugins.filter.cluster import (
    cluster_problems,
    found_cluster_ids,
    identity_problems,
    is_kafka_uuid,
    kafka_uuid,
    parse_listener,
    stored_identity,
)


def node(host, node_id, roles=("broker", "controller"), address=None, port=9092, cport=9093, listeners=None):
    address = address or host
    if listeners is None:
        listeners = []
        if "broker" in roles:
            listeners.append("PLAINTEXT://0.0.0.0:%d" % port)
        if "controller" in roles:
            listeners.append("CONTROLLER://%s:%d" % (address, cport))
    return {"host": host, "node_id": node_id, "roles": list(roles), "address": address, "listeners": listeners,
            "advertised": ["PLAINTEXT://%s:%d" % (address, port)] if "broker" in roles else [],
            "controller_listener_names": ["CONTROLLER"], "inter_broker_listener_name": "PLAINTEXT"}


def combined3():
    return [node("k1", 1), node("k2", 2), node("k3", 3)]


def dedicated():
    return [node("c1", 1, ["controller"]), node("c2", 2, ["controller"]), node("c3", 3, ["controller"]),
            node("b1", 4, ["broker"]), node("b2", 5, ["broker"])]


def zk_brokers():
    nodes = [node("k1", 1, ["broker"]), node("k2", 2, ["broker"]), node("k3", 3, ["broker"])]
    for n in nodes:
        n["controller_listener_names"] = []
    return nodes


def test_sound_layouts():
    assert cluster_problems(combined3(), "kraft") == []
    assert cluster_problems(dedicated(), "kraft") == []
    assert cluster_problems(zk_brokers(), "zookeeper") == []
    assert cluster_problems([node("solo", 1)], "kraft") == []


def test_duplicate_id_between_broker_and_controller_names_both_hosts():
    nodes = dedicated()
    nodes[3]["node_id"] = "2"
    assert cluster_problems(nodes, "kraft") == [
        "b1: kafka_node_id 2 is already used by c2 (ids are unique across brokers and controllers)"]


@pytest.mark.parametrize("bad", [-1, "x", None, True, 1.5])
def test_bad_node_id_is_named(bad):
    nodes = combined3()
    nodes[0]["node_id"] = bad
    assert cluster_problems(nodes, "kraft") == ["k1: kafka_node_id %r is not an integer from 0 to 2147483647" % (bad,)]


def test_zookeeper_mode_keeps_the_broker_id_range():
    nodes = zk_brokers()
    nodes[0]["node_id"] = 1001
    assert cluster_problems(nodes, "zookeeper") == ["k1: kafka_node_id 1001 is not an integer from 0 to 1000"]
    nodes = combined3()
    nodes[0]["node_id"] = 1001
    assert cluster_problems(nodes, "kraft") == []


def test_even_controllers_refused_unless_allowed():
    nodes = combined3() + [node("k4", 4)]
    problems = cluster_problems(nodes, "kraft")
    assert len(problems) == 1 and problems[0].startswith("4 controllers (k1, k2, k3, k4) is an even number")
    assert cluster_problems(nodes, "kraft", allow_even_controllers=True) == []


def test_brokers_without_controller_refused():
    nodes = [node("b1", 1, ["broker"]), node("b2", 2, ["broker"])]
    problems = cluster_problems(nodes, "kraft")
    assert problems == ["brokers b1, b2 have no controller: put hosts in the controller group (a host in both groups "
                        "is a combined broker+controller)"]


def test_controllers_without_brokers_refused():
    assert cluster_problems([node("c1", 1, ["controller"])], "kraft") == [
        "the cluster has no brokers (the broker group is empty)"]


def test_controller_in_zookeeper_mode_refused():
    nodes = zk_brokers() + [node("c1", 9, ["controller"])]
    problems = cluster_problems(nodes, "zookeeper")
    assert any(p.startswith("c1: is in the controller group, but kafka_mode zookeeper") for p in problems)


def test_port_collision_on_one_node():
    nodes = combined3()
    nodes[1]["listeners"] = ["PLAINTEXT://0.0.0.0:9092", "CONTROLLER://k2:9092"]
    assert cluster_problems(nodes, "kraft") == ["k2: listeners PLAINTEXT and CONTROLLER both use port 9092"]


def test_port_collision_between_nodes_sharing_an_address():
    nodes = [node("k1", 1, address="10.0.0.1"), node("k2", 2, address="10.0.0.1", port=9192, cport=9093),
             node("k3", 3, address="10.0.0.1", port=9292, cport=9393)]
    assert cluster_problems(nodes, "kraft") == ["k2: listener CONTROLLER port 9093 on 10.0.0.1 is also used by k1 (CONTROLLER)"]


def test_port_out_of_range_and_unparseable_listener():
    nodes = combined3()
    nodes[0]["listeners"] = ["PLAINTEXT://0.0.0.0:70000", "CONTROLLER://k1:9093"]
    nodes[1]["listeners"] = ["PLAINTEXT:/k2:9092", "CONTROLLER://k2:9093"]
    problems = cluster_problems(nodes, "kraft")
    assert "k1: listener PLAINTEXT port 70000 is not a port number (1-65535)" in problems
    assert "k2: listener 'PLAINTEXT:/k2:9092' is not NAME://host:port" in problems


def test_controller_listener_missing_and_names_inconsistent():
    nodes = combined3()
    nodes[2]["controller_listener_names"] = ["CTRL"]
    problems = cluster_problems(nodes, "kraft")
    assert "k3: controller listener CTRL is not among its listeners PLAINTEXT, CONTROLLER" in problems
    assert any(p.startswith("controller.listener.names differs between nodes") for p in problems)


def test_inter_broker_listener_must_exist_and_not_be_the_controller_listener():
    nodes = combined3()
    nodes[0]["inter_broker_listener_name"] = "INTERNAL"
    problems = cluster_problems(nodes, "kraft")
    assert "k1: inter-broker listener INTERNAL is not among its listeners PLAINTEXT, CONTROLLER" in problems
    assert "inter.broker.listener.name differs between brokers: INTERNAL, PLAINTEXT" in problems
    nodes = combined3()
    for n in nodes:
        n["inter_broker_listener_name"] = "CONTROLLER"
    assert "k1: the inter-broker listener CONTROLLER is also a controller listener" in cluster_problems(nodes, "kraft")


def test_controller_only_node_must_not_serve_clients():
    nodes = dedicated()
    nodes[0]["listeners"].append("PLAINTEXT://0.0.0.0:9092")
    assert cluster_problems(nodes, "kraft") == ["c1: a controller-only node listens on broker listeners PLAINTEXT"]


def test_advertised_listener_must_be_a_listener():
    nodes = combined3()
    nodes[0]["advertised"] = ["EXTERNAL://k1:19092"]
    assert cluster_problems(nodes, "kraft") == ["k1: advertised listener EXTERNAL is not among its listeners PLAINTEXT, CONTROLLER"]


def test_bad_mode_and_empty_cluster():
    assert cluster_problems(combined3(), "zk") == ["kafka_mode 'zk' must be one of zookeeper, kraft, migration"]
    assert cluster_problems([], "kraft") == ["the cluster has no nodes (are the inventory groups empty?)"]


def test_parse_listener():
    assert parse_listener("plaintext://0.0.0.0:9092") == {"name": "PLAINTEXT", "host": "0.0.0.0", "port": 9092}
    assert parse_listener("CONTROLLER://[::1]:9093") == {"name": "CONTROLLER", "host": "[::1]", "port": 9093}
    assert parse_listener("PLAINTEXT://:9092")["host"] == ""
    assert parse_listener("9092") is None


KRAFT_META = """#
#Sat Nov 21 12:00:00 UTC 2026
node.id=2
directory.id=J8kqZ9_ZTd6c7OYwYF7sWw
version=1
cluster.id=4L6g3nShT-eMCtK--X86sw
"""
ZK_META = "version=0\nbroker.id=3\ncluster.id=aaaaaaaaaaaaaaaaaaaaaa\n"


def test_stored_identity_both_modes():
    assert stored_identity(KRAFT_META) == {"cluster_id": "4L6g3nShT-eMCtK--X86sw", "node_id": 2,
                                           "directory_id": "J8kqZ9_ZTd6c7OYwYF7sWw", "version": 1}
    assert stored_identity(ZK_META) == {"cluster_id": "aaaaaaaaaaaaaaaaaaaaaa", "node_id": 3,
                                        "directory_id": None, "version": 0}
    assert stored_identity("") == {"cluster_id": None, "node_id": None, "directory_id": None, "version": None}


def stored(node_id=2, meta=KRAFT_META, host="k2", path="/var/lib/kafka/data"):
    return {"host": host, "path": path, "node_id": node_id, "meta": stored_identity(meta) if meta else None}


def test_identity_problems_name_both_values():
    assert identity_problems([stored()], "4L6g3nShT-eMCtK--X86sw") == []
    assert identity_problems([stored(meta=None)], "4L6g3nShT-eMCtK--X86sw") == []
    assert identity_problems([stored(node_id=5)], None) == [
        "k2: /var/lib/kafka/data/meta.properties holds node id 2 but the inventory makes it 5; the node would claim "
        "another node's data: set kafka_node_id to 2 or wipe the directory"]
    assert identity_problems([stored()], "AAAAAAAAAAAAAAAAAAAAAA") == [
        "k2: /var/lib/kafka/data/meta.properties belongs to cluster 4L6g3nShT-eMCtK--X86sw, not AAAAAAAAAAAAAAAAAAAAAA; "
        "refusing to reuse another cluster's data"]


def test_found_cluster_ids_distinct_in_order():
    entries = [stored(meta=None), stored(), stored(meta=ZK_META, host="k3"), stored(host="k1")]
    assert found_cluster_ids(entries) == ["4L6g3nShT-eMCtK--X86sw", "aaaaaaaaaaaaaaaaaaaaaa"]


def test_kafka_uuid_shape_and_determinism():
    a, b = kafka_uuid(), kafka_uuid()
    assert a != b and is_kafka_uuid(a) and is_kafka_uuid(b)
    assert len(base64.urlsafe_b64decode(a + "==")) == 16
    assert kafka_uuid("cid/1") == kafka_uuid("cid/1") != kafka_uuid("cid/2")
    assert is_kafka_uuid(kafka_uuid("cid/1"))


@pytest.mark.parametrize("value", ["", "short", "4L6g3nShT-eMCtK--X86sw=", "4L6g3nShT+eMCtK--X86sw", None, 12])
def test_not_a_uuid(value):
    assert not is_kafka_uuid(value)


def migrating():
    """ZooKeeper-mode brokers 1-3 beside dedicated controllers 3000-3002 (ids as in Kafka's migration guide)."""
    return [node("k1", 1, ["broker"]), node("k2", 2, ["broker"]), node("k3", 3, ["broker"]),
            node("c1", 3000, ["controller"]), node("c2", 3001, ["controller"]), node("c3", 3002, ["controller"])]


def test_migration_layout_sound():
    assert cluster_problems(migrating(), "migration") == []


def test_migration_controller_id_equal_to_a_broker_id_refused():
    nodes = migrating()
    nodes[4]["node_id"] = "2"
    assert cluster_problems(nodes, "migration") == [
        "c2: kafka_node_id 2 is already used by k2 (ids are unique across brokers and controllers)"]


def test_migration_brokers_keep_the_zookeeper_id_range_and_need_dedicated_controllers():
    nodes = migrating()
    nodes[0]["node_id"] = "1001"
    nodes[3]["roles"] = ["broker", "controller"]
    nodes[3]["listeners"] = ["PLAINTEXT://0.0.0.0:9092", "CONTROLLER://c1:9093"]
    problems = cluster_problems(nodes, "migration")
    assert "k1: kafka_node_id '1001' is not an integer from 0 to 1000" in problems
    assert any(p.startswith("c1: is a broker and a controller; a ZooKeeper migration needs dedicated controllers") for p in problems)


def test_migration_needs_an_odd_controller_quorum():
    nodes = migrating()[:5]
    assert cluster_problems(nodes, "migration") == [
        "2 controllers (c1, c2) is an even number: it tolerates no more failures than 1; add or remove one, "
        "or set kafka_allow_even_controllers: true"]
    assert cluster_problems(migrating()[:3], "migration")[0].startswith("brokers k1, k2, k3 have no controller")
