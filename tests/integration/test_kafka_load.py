"""tests/load/kafka_load.py against a real 3-broker cluster on 127.0.0.1.

One ZooKeeper and three ZooKeeper-mode brokers (tests/integration/cluster.py, the quickest of
the loopback clusters to start and to roll) are shared by the tests of this file. The load tool
runs as the operators run it, as separate processes (``start`` daemonizes a producer that
outlives the command). The first test rolls every broker under load and expects nothing lost;
the others prove the verifier fails when acknowledged records are missing, and that ``start``
fails clearly against a cluster that is not there.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any, Iterator

import pytest
from kafka import TopicPartition
from kafka.admin import KafkaAdminClient

from cluster import KafkaCluster, ZooKeeperEnsemble, free_ports

LOAD = Path(__file__).resolve().parents[1] / "load" / "kafka_load.py"


@pytest.fixture(scope="module")
def kafka_cluster(zookeeper_home: Path, kafka_home: Path,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaCluster]:
    """1 ZooKeeper + 3 brokers for every test of this file (the homes come from conftest.py)."""
    assert zookeeper_home.is_dir() and kafka_home.is_dir()
    base = tmp_path_factory.mktemp("kafka-load")
    with ZooKeeperEnsemble(1, base / "zk") as zk, KafkaCluster(3, zk.connect_string, base / "kafka") as kc:
        yield kc


def load(*args: str, timeout: float = 330) -> subprocess.CompletedProcess:
    """Run kafka_load.py with this interpreter (the .venv's, which has kafka-python)."""
    return subprocess.run([sys.executable, str(LOAD), *args], capture_output=True, text=True,
                          timeout=timeout, check=False)


def verify(kc: KafkaCluster, topic: str, state: Path) -> tuple[int, dict[str, Any]]:
    proc = load("verify", "--bootstrap", kc.bootstrap_servers, "--topic", topic, "--state-dir", str(state), "--json")
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def admin(kc: KafkaCluster) -> KafkaAdminClient:
    return kc.admin_client(timeout_ms=5000)


def wait_full_isr(kc: KafkaCluster, topic: str, timeout: float = 90.0) -> dict[int, dict[str, Any]]:
    """Wait until every partition of the topic has a leader and all its replicas in the ISR."""
    deadline = time.monotonic() + timeout
    last: object = None
    while True:
        try:
            with closing(admin(kc)) as client:
                meta = [t for t in client.describe_topics([topic]) if t["name"] == topic][0]
            parts = {p["partition_index"]: p for p in meta["partitions"]}
            last = {i: (p["leader_id"], sorted(p["isr_nodes"])) for i, p in parts.items()}
            if parts and all(p["leader_id"] >= 0 and sorted(p["isr_nodes"]) == sorted(p["replica_nodes"])
                             for p in parts.values()):
                return parts
        except Exception as e:  # noqa: BLE001 - a broker just restarted: retry until the deadline
            last = e
        if time.monotonic() > deadline:
            raise AssertionError("ISR of %s not complete after %.0fs: %r\n%s" % (topic, timeout, last, kc.tails(20)))
        time.sleep(0.25)


def wait_acked(state: Path, count: int, timeout: float = 60.0) -> int:
    """Wait until the producer has recorded at least ``count`` acknowledgements."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            n = len((state / "acked.log").read_text().splitlines())
        except OSError:
            n = 0
        if n >= count:
            return n
        assert time.monotonic() < deadline, "only %d acknowledgements after %.0fs" % (n, timeout)
        time.sleep(0.1)


def acks(state: Path) -> list[list[int]]:
    return [[int(x) for x in line.split()] for line in (state / "acked.log").read_text().splitlines()]


def test_rolling_restart_under_load_loses_nothing(kafka_cluster: KafkaCluster, tmp_path: Path) -> None:
    kc, topic, state = kafka_cluster, "load-roll", tmp_path / "roll"
    started = load("start", "--bootstrap", kc.bootstrap_servers, "--topic", topic, "--state-dir", str(state),
                   "--rate", "100", "--partitions", "3", "--replication-factor", "3", "--min-insync", "2")
    assert started.returncode == 0, started.stderr
    try:  # from here on the producer runs: stopped whatever fails
        info = json.loads(started.stdout)
        assert info["created"] is True and info["partitions"] == 3 and info["replication_factor"] == 3
        assert (state / "ready").exists()
        wait_full_isr(kc, topic)
        restarted_at = []
        for i in range(kc.n):
            before = len(acks(state))
            t0 = time.monotonic()
            kc.stop_node(i)                # SIGTERM: controlled shutdown moves its leaders away
            t1 = time.monotonic()
            kc.start_node(i, wait=True)    # registered again
            t2 = time.monotonic()
            wait_full_isr(kc, topic)       # back in the ISR of every partition
            restarted_at.append(int(time.time() * 1000))
            wait_acked(state, before + 50)  # the producer goes on after each restart
            print("broker %d: stopped in %.1fs, registered in %.1fs, in the ISR after %.1fs more"
                  % (kc.broker_id(i), t1 - t0, t2 - t1, time.monotonic() - t2))
    finally:
        stopped = load("stop", "--state-dir", str(state))
    assert stopped.returncode == 0, stopped.stderr + (state / "load.log").read_text()[-3000:]
    summary = json.loads(stopped.stdout)
    assert summary["status"] == "ok" and summary["idempotence"] is True
    assert summary["unresolved"] == 0 and summary["failed"] == 0, summary

    rc, report = verify(kc, topic, state)
    assert rc == 0, report
    assert report["ok"] is True and report["problems"] == []
    assert report["acked"] > 0 and report["acked"] == summary["acked"] == summary["sent"]
    assert report["lost"] == 0 and report["lost_seqs"] == []
    assert report["duplicates"] == 0 and report["offset_mismatches"] == 0
    assert report["consumed_of_run"] == report["acked"]
    assert report["failed_sends"] == 0
    # records were acknowledged on every partition and after the last broker came back
    ack_lines = acks(state)
    assert {a[1] for a in ack_lines} == {0, 1, 2}
    assert max(a[4] for a in ack_lines) > restarted_at[-1]
    assert report["metadata_samples"] > 0
    assert report["longest_stall_ms"] >= 0 and report["offline_ms_total"] >= 0
    assert set(report) >= {"acked", "failed_sends", "consumed_of_run", "lost", "lost_seqs", "duplicates",
                           "longest_stall_ms", "offline_intervals", "offline_ms_total", "rate", "duration_s"}


def test_verifier_fails_when_acknowledged_records_are_missing(kafka_cluster: KafkaCluster, tmp_path: Path) -> None:
    kc, topic, state = kafka_cluster, "load-negative", tmp_path / "neg"
    started = load("start", "--bootstrap", kc.bootstrap_servers, "--topic", topic, "--state-dir", str(state),
                   "--rate", "200")
    assert started.returncode == 0, started.stderr
    try:
        wait_acked(state, 150)
    finally:
        stopped = load("stop", "--state-dir", str(state))
    assert stopped.returncode == 0, stopped.stderr

    rc, report = verify(kc, topic, state)
    assert (rc, report["lost"], report["duplicates"]) == (0, 0, 0), report
    acked = report["acked"]
    assert acked >= 150

    # 1. an acknowledgement of a record that was never written
    real = (state / "acked.log").read_text()
    ghost = 10 ** 9
    (state / "acked.log").write_text(real + "%d 0 %d 1 2\n" % (ghost, report["end_offsets"]["0"] + 5))
    rc, report = verify(kc, topic, state)
    assert rc == 1 and report["ok"] is False
    assert report["lost"] == 1 and report["lost_seqs"] == [ghost] and report["acked"] == acked + 1
    assert "lost" in report["problems"][0]
    (state / "acked.log").write_text(real)

    # 2. acknowledged records really removed from the topic (delete_records on partition 0)
    on_p0 = sorted(a[0] for a in acks(state) if a[1] == 0)
    assert on_p0, "no acknowledgement on partition 0"
    end0 = report["end_offsets"]["0"]
    with closing(admin(kc)) as client:
        client.delete_records({TopicPartition(topic, 0): end0})
    rc, report = verify(kc, topic, state)
    assert rc == 1 and report["ok"] is False
    assert report["lost"] == len(on_p0) and report["lost_below_log_start"] == len(on_p0)
    assert report["lost_seqs"] == on_p0[:len(report["lost_seqs"])]
    assert report["log_start_offsets"]["0"] == end0
    assert report["consumed_of_run"] == acked - len(on_p0)


def test_start_fails_clearly_without_a_cluster(tmp_path: Path) -> None:
    port = free_ports(1)[0]  # nothing listens there
    t0 = time.monotonic()
    started = load("start", "--bootstrap", "127.0.0.1:%d" % port, "--topic", "nowhere", "--state-dir",
                   str(tmp_path / "none"), "--ready-timeout", "2", timeout=120)
    assert started.returncode == 1
    assert "not ready" in started.stderr or "error" in started.stderr, started.stderr
    assert time.monotonic() - t0 < 30
