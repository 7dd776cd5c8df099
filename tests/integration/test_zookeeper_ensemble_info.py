"""streamops.kafka.zookeeper_ensemble_info against a real 3-node ZooKeeper ensemble on 127.0.0.1.

The module runs for real, in ansible-playbook processes (JSON callback), against ZooKeeper JVMs
started by tests/integration/cluster.py from the mirror tarballs. The tests of this file share
one ensemble: each starts the nodes an earlier test stopped. In file order: the healthy checks,
then the leader is killed (and restarted), then two nodes are stopped to leave one server without
quorum; last, a standalone server whose whitelist refuses mntr.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from ansible_runner import PlayResult, run_playbook
from cluster import ZooKeeperEnsemble, four_letter_word

MODULE = "streamops.kafka.zookeeper_ensemble_info"
TASK = "Probe the ensemble"


def playbook(servers: list[str], until_leader: bool = False, **options: Any) -> str:
    """A one-task playbook; JSON is valid YAML, so the options are written as JSON."""
    args = dict(servers=servers, **options)
    task: dict[str, Any] = {"name": TASK, MODULE: args, "register": "zk"}
    if until_leader:
        # Poll for up to 30 s (30 x 1 s) until an election has produced a leader.
        task.update({"until": "zk.leader is not none", "retries": 30, "delay": 1})
    play = [{"name": "zookeeper_ensemble_info", "hosts": "localhost", "gather_facts": False,
             "tasks": [task]}]
    return json.dumps(play, indent=2)


def probe(servers: list[str], check: bool = False, until_leader: bool = False,
          **options: Any) -> tuple[PlayResult, dict[str, Any]]:
    result = run_playbook(playbook(servers, until_leader=until_leader, **options), check=check, timeout=300)
    return result, result.task(TASK)


def by_address(res: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["address"]: s for s in res["servers"]}


@pytest.fixture(scope="module")
def ensemble(zookeeper_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ZooKeeperEnsemble]:
    """One ensemble for the whole file (``zookeeper_home`` of conftest.py builds the mirror)."""
    assert zookeeper_home.is_dir()
    base: Path = tmp_path_factory.mktemp("zk-ensemble-info")
    with ZooKeeperEnsemble(3, base) as zk:
        yield zk


def all_running(zk: ZooKeeperEnsemble) -> ZooKeeperEnsemble:
    """Start any node an earlier test stopped and wait for a leader (no-op when all serve)."""
    for i in range(zk.n):
        zk.start_node(i)
    zk.wait_serving(90)
    return zk


def test_healthy_ensemble(ensemble: ZooKeeperEnsemble) -> None:
    all_running(ensemble)
    addresses = ensemble.client_addresses
    play, res = probe(addresses, expected_voters=3, expected_observers=0)
    assert play.rc == 0, play.failure_messages() or play.stderr[-2000:]
    assert play.changed() == 0
    assert res["changed"] is False
    assert res.get("failed") is not True
    assert res["healthy"] is True, res["problems"]
    assert res["problems"] == []
    assert res["counts"] == {"leader": 1, "follower": 2, "observer": 0, "standalone": 0,
                             "unreachable": 0, "not_serving": 0}
    assert [s["address"] for s in res["servers"]] == addresses
    leader_index = ensemble.leader()
    assert leader_index is not None
    assert res["leader"] == addresses[leader_index]

    servers = by_address(res)
    leader = servers[res["leader"]]
    assert leader["mode"] == "leader"
    assert leader["error"] is None
    assert leader["version"].startswith("3.8.")
    assert leader["epoch"] >= 1
    assert leader["zxid"] >> 32 == leader["epoch"]
    assert set(leader["latency"]) == {"min", "avg", "max"}
    assert leader["node_count"] >= 4  # /, /zookeeper, /zookeeper/config, /zookeeper/quota
    # mntr is whitelisted by cluster.py, so the leader's figures are there.
    assert leader["followers"] == 2
    assert leader["synced_followers"] == 2
    assert leader["pending_syncs"] == 0
    assert leader["znode_count"] == leader["node_count"]
    assert isinstance(leader["open_file_descriptor_count"], int)
    for address in addresses:
        if address != res["leader"]:
            assert servers[address]["mode"] == "follower"
            assert servers[address]["followers"] is None  # leader only
            assert servers[address]["epoch"] <= leader["epoch"]


def test_check_mode(ensemble: ZooKeeperEnsemble) -> None:
    all_running(ensemble)
    play, res = probe(ensemble.client_addresses, check=True)
    assert play.rc == 0, play.failure_messages()
    assert res.get("skipped") is not True
    assert res["changed"] is False
    assert res["healthy"] is True
    assert res["counts"]["leader"] == 1
    assert res["servers"][0]["zxid"] is not None  # probed for real in check mode


def test_expected_counts_mismatch_fails(ensemble: ZooKeeperEnsemble) -> None:
    all_running(ensemble)
    play, res = probe(ensemble.client_addresses, expected_voters=5)
    assert play.rc != 0
    assert res["failed"] is True
    assert res["msg"] == ("ZooKeeper ensemble is not healthy: expected 5 voters (leader + followers), "
                          "found 3 serving: %s" % ", ".join(ensemble.client_addresses))
    assert res["healthy"] is False
    assert res["leader"] is not None


def test_bad_address_fails_before_probing(ensemble: ZooKeeperEnsemble) -> None:
    play, res = probe([ensemble.client_addresses[0], "127.0.0.1:70000"])
    assert play.rc != 0
    assert "127.0.0.1:70000" in res["msg"]
    assert "servers" not in res


def test_leader_killed(ensemble: ZooKeeperEnsemble) -> None:
    all_running(ensemble)
    addresses = ensemble.client_addresses
    old = ensemble.leader()
    assert old is not None
    dead = addresses[old]
    ensemble.stop_node(old, kill=True)

    # Right away: the dead server is unreachable and the ensemble unhealthy; data returned.
    play, res = probe(addresses, fail_on_unhealthy=False, timeout=2)
    assert play.rc == 0, play.failure_messages()
    assert res["healthy"] is False
    assert res["changed"] is False
    assert by_address(res)[dead]["mode"] == "unreachable"
    assert by_address(res)[dead]["error"] == "connection refused"
    assert "%s: unreachable (connection refused)" % dead in res["problems"]
    assert res["leader"] != dead

    # The two others elect a new leader: poll (until/retries in the play) for up to 30 s.
    started = time.monotonic()
    play, res = probe(addresses, fail_on_unhealthy=False, timeout=2, until_leader=True)
    assert play.rc == 0, play.failure_messages()
    assert res["leader"] is not None, "no new leader after %.0fs: %s" % (time.monotonic() - started,
                                                                         res["problems"])
    assert res["leader"] != dead
    assert res["leader"] == addresses[ensemble.leader()]
    assert res["counts"] == {"leader": 1, "follower": 1, "observer": 0, "standalone": 0,
                             "unreachable": 1, "not_serving": 0}
    assert res["healthy"] is False
    assert res["problems"] == ["%s: unreachable (connection refused)" % dead]
    new_leader = by_address(res)[res["leader"]]
    assert new_leader["followers"] == 1

    # fail_on_unhealthy defaults to true: the task fails, naming the dead server, with the data.
    play, res = probe(addresses, timeout=2)
    assert play.rc != 0
    assert play.failed() == 1
    assert res["failed"] is True
    assert res["msg"] == "ZooKeeper ensemble is not healthy: %s: unreachable (connection refused)" % dead
    assert res["healthy"] is False
    assert res["leader"] == new_leader["address"]
    assert res["problems"] == ["%s: unreachable (connection refused)" % dead]
    assert by_address(res)[dead]["mode"] == "unreachable"

    # Restarted, the old leader rejoins as a follower and the ensemble is healthy again.
    ensemble.start_node(old)
    ensemble.wait_serving(90)
    play, res = probe(addresses, expected_voters=3)
    assert play.rc == 0, play.failure_messages()
    assert res["healthy"] is True, res["problems"]
    assert by_address(res)[dead]["mode"] == "follower"
    assert res["leader"] == new_leader["address"]
    assert by_address(res)[res["leader"]]["epoch"] > 0


def test_quorum_lost(ensemble: ZooKeeperEnsemble) -> None:
    all_running(ensemble)
    addresses = ensemble.client_addresses
    survivor = ensemble.leader()
    assert survivor is not None
    others = [i for i in range(3) if i != survivor]
    for i in others:
        ensemble.stop_node(i)
    # Without quorum the survivor stops serving: "This ZooKeeper instance is not currently serving
    # requests". Poll a little: the leader notices the lost followers after a few ticks.
    deadline = time.monotonic() + 30
    while True:
        play, res = probe(addresses, fail_on_unhealthy=False, timeout=2)
        assert play.rc == 0, play.failure_messages()
        if by_address(res)[addresses[survivor]]["mode"] == "not_serving" or time.monotonic() > deadline:
            break
        time.sleep(1)
    last = by_address(res)[addresses[survivor]]
    assert last["mode"] == "not_serving", last
    assert "not serving requests" in last["error"]
    assert res["leader"] is None
    assert res["healthy"] is False
    assert res["counts"]["unreachable"] == 2
    assert res["counts"]["not_serving"] == 1
    assert "no leader: none of the listed servers is serving" in res["problems"]
    for i in others:
        assert "%s: unreachable (connection refused)" % addresses[i] in res["problems"]


def test_standalone_mntr_not_in_whitelist(zk_ensemble_factory: Any) -> None:
    # Whitelist without srvr and mntr: ZooKeeper always allows srvr (zkServer.sh needs it), mntr
    # is refused, so the module reports the server from srvr alone and the mntr figures are null.
    solo = zk_ensemble_factory(1, extra_config={"4lw.commands.whitelist": "ruok"})
    host, port = solo.client_addresses[0].rsplit(":", 1)
    assert four_letter_word(host, int(port), "mntr") == "mntr is not executed because it is not in the whitelist.\n"

    play, res = probe(solo.client_addresses, expected_voters=1)
    assert play.rc == 0, play.failure_messages()
    assert res["healthy"] is True, res["problems"]
    assert res["leader"] is None
    assert res["counts"]["standalone"] == 1
    server = res["servers"][0]
    assert server["mode"] == "standalone"
    assert server["error"] is None
    assert server["version"].startswith("3.8.")
    assert server["node_count"] >= 4
    assert server["znode_count"] is None  # from mntr, which is refused
    assert server["open_file_descriptor_count"] is None
