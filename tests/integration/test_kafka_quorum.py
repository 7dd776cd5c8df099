"""streamops.kafka.kafka_info's KRaft view against a real 3-node KRaft cluster on 127.0.0.1.

One KraftCluster (tests/integration/cluster.py: Kafka KAFKA4_VERSION from the mirror, 3 combined
broker + controller nodes, a dynamic quorum formatted with --initial-controllers) is shared by the
tests of this file. The module runs for real, in ansible-playbook processes (ansible_runner.py);
what it reports is checked against the cluster's own identities and against kafka-python's
DescribeQuorum. The failover test kills the quorum leader, so it runs last.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from ansible_runner import PlayResult, ok, run_module
from cluster import KraftCluster, uuid_text

INFO = "streamops.kafka.kafka_info"
# an attempt that failed (e.g. while an election is under way) has no quorum: poll on
QUORUM = "result.quorum is defined and result.quorum is not none"


@pytest.fixture(scope="module")
def kraft(kafka4_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KraftCluster]:
    """3 combined nodes for every test of this file (kafka4_home of conftest.py builds the mirror)."""
    assert kafka4_home.is_dir()
    with KraftCluster(3, tmp_path_factory.mktemp("kraft-quorum")) as kc:
        kc.wait_quorum(90)
        yield kc


def info(kc: KraftCluster, until: str | None = None, retries: int = 30,
         **options: Any) -> tuple[PlayResult, dict[str, Any]]:
    """kafka_info against the cluster's brokers; with ``until``, polled once a second."""
    options.setdefault("bootstrap_servers", kc.addresses)
    return run_module(INFO, options, until=until, retries=retries, delay=1)


def voters(res: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {v["id"]: v for v in res["quorum"]["voters"]}


def test_info_reports_the_kraft_quorum(kraft: KraftCluster) -> None:
    play, res = info(kraft, until=QUORUM + " and result.quorum.healthy")
    ok(play, res)
    assert res["changed"] is False
    assert res["mode"] == "kraft"
    assert res["cluster_id"] == kraft.cluster_id
    assert [b["id"] for b in res["brokers"]] == kraft.node_ids

    quorum = res["quorum"]
    assert quorum["healthy"] is True
    assert quorum["leader_id"] in kraft.node_ids
    assert res["controller_id"] == quorum["leader_id"]
    assert quorum["leader_epoch"] >= 1
    assert quorum["high_watermark"] > 0
    # the three voters are the nodes formatted with --initial-controllers, with their directory ids
    assert sorted(voters(res)) == kraft.node_ids
    assert {nid: v["directory_id"] for nid, v in voters(res).items()} == {
        kraft.node_id(i): uuid_text(kraft.directory_ids[i]) for i in kraft.controllers}
    for v in quorum["voters"]:
        assert v["caught_up"] is True, v
        assert 0 <= v["lag"] <= 10, v
        assert v["lag"] == max(0, quorum["high_watermark"] - v["log_end_offset"]), v
    assert quorum["observers"] == []  # combined mode: every broker is a voter

    assert isinstance(res["metadata_version"], int) and res["metadata_version"] > 0
    assert res["finalized_features"]["metadata.version"]["max_version"] == res["metadata_version"]

    # the same leader as DescribeQuorum straight through kafka-python
    assert kraft.quorum_leader() == quorum["leader_id"]


def test_info_follows_a_new_leader_when_the_leader_is_killed(kraft: KraftCluster) -> None:
    old = kraft.quorum_leader()
    assert old in kraft.node_ids
    kraft.stop_node(kraft.index(old), kill=True)

    # kafka_info polled for up to ~60 s until another node leads the quorum
    play, res = info(kraft, retries=60,
                     until=QUORUM + " and result.quorum.leader_id not in [-1, %d]" % old)
    ok(play, res)
    quorum = res["quorum"]
    new = quorum["leader_id"]
    assert new != old and new in kraft.node_ids
    assert res["controller_id"] == new
    assert res["mode"] == "kraft"
    # the killed voter is lagging (still a voter of the dynamic quorum, not caught up) or gone
    killed = voters(res).get(old)
    if killed is not None:
        assert killed["caught_up"] is False, killed
        assert quorum["healthy"] is False
    assert voters(res)[new]["caught_up"] is True
    assert kraft.quorum_leader() == new
