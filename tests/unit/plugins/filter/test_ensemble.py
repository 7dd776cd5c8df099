"""Unit tests of the ZooKeeper ensemble invariants (pure logic)."""

from __future__ import annotations

import pytest

from ansible_collections.streamops.kafka.plugins.filter.ensemble import ensemble_problems


def member(host, myid, role="participant", address=None, client=2181, quorum=2888, election=3888, admin=None):
    return {"host": host, "myid": myid, "role": role, "address": address or host, "client_port": client,
            "quorum_port": quorum, "election_port": election, "admin_port": admin}


def three():
    return [member("zk1", 1), member("zk2", 2), member("zk3", 3)]


def test_sound_three_node_ensemble():
    assert ensemble_problems(three()) == []


def test_single_node_is_fine():
    assert ensemble_problems([member("zk1", 1)]) == []


def test_observer_does_not_count_as_voter():
    assert ensemble_problems(three() + [member("zk4", 4, role="observer")]) == []


def test_duplicate_myid_names_both_hosts():
    members = three()
    members[2]["myid"] = "2"
    assert ensemble_problems(members) == ["zk3: zookeeper_myid 2 is already used by zk2"]


@pytest.mark.parametrize("bad", [0, -1, 256, "x", None, True, 1.5])
def test_bad_myid_is_named(bad):
    members = three()
    members[0]["myid"] = bad
    problems = ensemble_problems(members)
    assert problems == ["zk1: zookeeper_myid %r is not an integer from 1 to 255" % (bad,)]


def test_even_voters_rejected_unless_allowed():
    members = three() + [member("zk4", 4)]
    problems = ensemble_problems(members)
    assert len(problems) == 1 and "4 voters (zk1, zk2, zk3, zk4) is an even number" in problems[0]
    assert ensemble_problems(members, allow_even=True) == []


def test_observers_without_voters():
    problems = ensemble_problems([member("o1", 1, role="observer")])
    assert problems == ["observers o1 have no voters to follow: at least one host needs zookeeper_role participant"]


def test_unknown_role():
    members = three()
    members[1]["role"] = "leader"
    problems = ensemble_problems(members)
    assert problems[0] == "zk2: zookeeper_role 'leader' must be one of participant, observer"
    assert "2 voters (zk1, zk3) is an even number" in problems[1]


@pytest.mark.parametrize("port", [0, 70000, "abc", None])
def test_port_out_of_range(port):
    members = three()
    members[0]["quorum_port"] = port
    assert ensemble_problems(members) == ["zk1: zookeeper_quorum_port %r is not a port number (1-65535)" % (port,)]


def test_ports_colliding_on_one_host():
    members = three()
    members[0]["election_port"] = 2181
    assert ensemble_problems(members) == ["zk1: zookeeper_election_port 2181 collides with zookeeper_client_port"]


def test_admin_port_checked_only_when_enabled():
    members = three()
    members[0]["admin_port"] = 2888
    assert ensemble_problems(members) == ["zk1: zookeeper_admin_port 2888 collides with zookeeper_quorum_port"]


def test_pseudo_cluster_on_one_address_needs_distinct_ports():
    members = [
        member("a", 1, address="10.0.0.5", client=4180, quorum=8880, election=7770),
        member("b", 2, address="10.0.0.5", client=4181, quorum=8881, election=7771),
        member("c", 3, address="10.0.0.5", client=4182, quorum=8882, election=7772),
    ]
    assert ensemble_problems(members) == []
    members[2]["client_port"] = 4181
    assert ensemble_problems(members) == ["c: zookeeper_client_port 4181 on 10.0.0.5 is also used by b (zookeeper_client_port)"]


def test_empty_address_and_empty_group():
    members = three()
    members[0]["address"] = " "
    assert "zk1: zookeeper_address is empty" in ensemble_problems(members)
    assert ensemble_problems([]) == ["the ensemble has no members (is the inventory group empty?)"]


def test_secure_client_port_is_optional_and_checked_for_collisions():
    members = three()
    assert ensemble_problems([dict(m, secure_client_port=None) for m in members]) == []
    assert ensemble_problems([dict(m, secure_client_port=2182) for m in members]) == []
    [msg] = ensemble_problems([dict(members[0], secure_client_port=2888)] + members[1:])
    assert "zk1: zookeeper_quorum_port 2888 collides with zookeeper_secure_client_port" in msg
