"""Unit tests of the ZooKeeper ensemble invariants (pure logic)."""

from __future__ import annotations

import pytest

from ansible_collections.streamops.kafka.plugins.filter.ensemble import ensemble_problems, membership_change, running_servers


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


def _cfg(*servers):
    """zoo.cfg text with server lines: (myid, role)."""
    lines = ["tickTime=2000", "clientPort=2181"]
    for myid, role in servers:
        lines.append("server.%d=10.0.0.%d:2888:3888%s" % (myid, myid, ":observer" if role == "observer" else ""))
    return "\n".join(lines) + "\n"


def _members(*ids, existing=True, observers=()):
    return [{"host": "zk-%d" % i, "myid": str(i), "role": "observer" if i in observers else "participant",
             "existing": existing if not isinstance(existing, (set, tuple)) else i in existing} for i in ids]


RUNNING_3 = _cfg((1, "participant"), (2, "participant"), (3, "participant"), (4, "observer"))
RUNNING_5 = _cfg((1, "participant"), (2, "participant"), (3, "participant"), (4, "observer"),
                 (5, "participant"), (6, "participant"))


def test_running_servers_reads_roles_and_unions_configs():
    assert running_servers([RUNNING_3], []) == {1: "participant", 2: "participant", 3: "participant", 4: "observer"}
    # an interrupted roll: some members already have the bigger view
    assert set(running_servers([RUNNING_3, RUNNING_5, ""], [])) == {1, 2, 3, 4, 5, 6}
    # a client address after ';' and an explicit :participant
    assert running_servers(["server.7=h:1:2:participant;0.0.0.0:2181\n"], []) == {7: "participant"}


def test_standalone_member_is_the_running_ensemble():
    assert running_servers(["clientPort=2181\n"], _members(1)) == {1: "participant"}
    # and growing it to 3 at once is refused: the two new ones would be a quorum of 3
    change = membership_change(_members(1, 2, 3, existing={1}), ["clientPort=2181\n", "", ""], [])
    assert change["added"] == ["zk-2", "zk-3"]
    assert "adding 2 voters (zk-2 (server.2), zk-3 (server.3)) to the 1 running at once" in change["problems"][0]


def test_new_ensemble_and_unchanged_ensemble_have_no_change():
    fresh = membership_change(_members(1, 2, 3, existing=False), ["", "", ""], [])
    assert fresh["problems"] == [] and fresh["added"] == [] and fresh["removed"] == []
    same = membership_change(_members(1, 2, 3, 4, observers=(4,)), [RUNNING_3] * 4, [])
    assert same == {"problems": [], "running": {"1": "participant", "2": "participant", "3": "participant", "4": "observer"},
                    "added": [], "removed": [], "retiring_voters": []}


def test_grow_three_to_five_is_allowed():
    members = _members(1, 2, 3, 4, 5, 6, existing={1, 2, 3, 4}, observers=(4,))
    change = membership_change(members, [RUNNING_3] * 4 + ["", ""], [])
    assert change["problems"] == [] and change["added"] == ["zk-5", "zk-6"]


def test_grow_three_to_seven_at_once_is_refused_with_the_numbers():
    members = _members(1, 2, 3, 5, 6, 7, 8, existing={1, 2, 3})
    change = membership_change(members, [_cfg((1, "participant"), (2, "participant"), (3, "participant"))] * 3 + [""] * 4, [])
    assert change["problems"] == [
        "adding 4 voters (zk-5 (server.5), zk-6 (server.6), zk-7 (server.7), zk-8 (server.8)) to the 3 running at once: "
        "the new ones alone would be a quorum (4) of the 7-voter ensemble and could elect a leader of their own; add at most 3 per run"]


def test_shrink_five_to_three_names_the_retiring_voters():
    members = _members(1, 2, 3, 4, observers=(4,))
    retiring = [{"host": "zk-5", "myid": "5"}, {"host": "zk-6", "myid": "6\n"}]
    change = membership_change(members, [RUNNING_5] * 4, retiring)
    assert change["problems"] == []
    assert change["removed"] == ["zk-5", "zk-6"] and change["retiring_voters"] == ["zk-5", "zk-6"]


def test_shrink_below_the_running_quorum_is_refused():
    members = _members(1, 2)
    retiring = [{"host": "zk-%d" % i, "myid": str(i)} for i in (3, 5, 6)]
    change = membership_change(members, [RUNNING_5] * 2, retiring)
    assert any("removing 3 voters (zk-3 (server.3), zk-5 (server.5), zk-6 (server.6)) of the 5 running at once leaves 2, "
               "fewer than the quorum (3)" in p and "remove at most 2 per run" in p for p in change["problems"]), change


def test_a_running_server_nobody_owns_is_refused():
    change = membership_change(_members(1, 2, 3, 4, observers=(4,)), [RUNNING_5] * 4, [{"host": "zk-5", "myid": "5"}])
    assert any(p.startswith("the running ensemble has server.6 (zoo.cfg of the members), which no host of group 'zookeeper'")
               for p in change["problems"]), change


def test_add_and_remove_in_one_run_is_refused():
    members = _members(1, 2, 3, 7, existing={1, 2, 3}, observers=())
    change = membership_change(members[:2] + members[3:], [RUNNING_3] * 2 + [""], [{"host": "zk-3", "myid": "3"}])
    assert any("one run would add voters zk-7 (server.7) and remove voters zk-3 (server.3)" in p for p in change["problems"])


def test_host_in_both_groups_is_refused():
    change = membership_change(_members(1, 2, 3), [RUNNING_3] * 3, [{"host": "zk-3", "myid": "3"}])
    assert "zk-3 is in both groups 'zookeeper' and 'zookeeper_retired'" in change["problems"][0]


def test_retired_host_without_data_or_already_retired_is_no_change():
    change = membership_change(_members(1, 2, 3, 4, observers=(4,)), [RUNNING_3] * 4,
                               [{"host": "zk-5", "myid": "5"}, {"host": "spare", "myid": ""}])
    assert change["problems"] == [] and change["removed"] == [] and change["retiring_voters"] == []
