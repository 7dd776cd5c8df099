"""Replication factor changes (kafka_topic) and brokers in and out (kafka_rebalance), for real.

One KRaft cluster for the whole file: a dedicated controller (node 1) and four brokers (2-5), from
the mirror's Kafka 4 tarball (tests/integration/cluster.py). The modules run in ansible-playbook
processes; what they did is checked independently with kafka-python (replica lists, configs, the
records read back). The tests build on each other and run in file order: the drain test stops the
broker it drained, the balance test starts it again (empty, as a new broker joins) and spreads
the replicas onto it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any, Iterator

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient, NewTopic

from ansible_runner import PlayResult, failed, ok, run_module
from cluster import KraftCluster

TOPIC = "streamops.kafka.kafka_topic"
REBALANCE = "streamops.kafka.kafka_rebalance"
LOAD = Path(__file__).resolve().parents[1] / "load" / "kafka_load.py"
PLAYBOOKS = Path(__file__).resolve().parents[2] / "playbooks"
BROKERS = [2, 3, 4, 5]
THROTTLE_KEYS = ("leader.replication.throttled.rate", "follower.replication.throttled.rate")
TOPIC_THROTTLE_KEYS = ("leader.replication.throttled.replicas", "follower.replication.throttled.replicas")


@pytest.fixture(scope="module")
def kraft(kafka4_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KraftCluster]:
    assert kafka4_home.is_dir()
    base = tmp_path_factory.mktemp("kafka-reassign")
    with KraftCluster(5, base / "kraft", combined=False, controllers=1) as kc:
        yield kc


@pytest.fixture
def admin(kraft: KraftCluster) -> Iterator[Any]:
    # A client per test: one that saw a broker stop keeps that broker's id as its "controller" (in
    # KRaft, any broker) and fails with UnknownBrokerIdError, also in the tests after it.
    client = KafkaAdminClient(bootstrap_servers=kraft.addresses, client_id="streamops-it-reassign")
    yield client
    client.close()


def run(kc: KraftCluster, module: str = TOPIC, check: bool = False, diff: bool = False,
        **options: Any) -> tuple[PlayResult, dict[str, Any]]:
    options.setdefault("bootstrap_servers", kc.addresses)
    return run_module(module, options, check=check, diff=diff)


def replicas(admin: Any, topic: str) -> dict[int, list[int]]:
    meta = [t for t in admin.describe_topics([topic]) if t["name"] == topic][0]
    return {p["partition_index"]: list(p["replica_nodes"]) for p in meta["partitions"]}


def leaders(admin: Any, topic: str) -> dict[int, int]:
    meta = [t for t in admin.describe_topics([topic]) if t["name"] == topic][0]
    return {p["partition_index"]: p["leader_id"] for p in meta["partitions"]}


def throttles(kc: KraftCluster, topics: list[str], client: Any = None) -> dict[str, str]:
    """Every dynamic throttle key set on the running brokers and the topics: {'broker 2 key': value, ...}.

    Asked through a new admin client (or ``client``), whose metadata knows the brokers running now.
    """
    found = {}
    running = [kc.node_id(i) for i in kc.running() if kc.is_broker(i)]
    with closing(kc.admin_client()) if client is None else _same(client) as admin:
        described = admin.describe_configs(
            [ConfigResource(ConfigResourceType.BROKER, str(b), list(THROTTLE_KEYS)) for b in running]
            + [ConfigResource(ConfigResourceType.TOPIC, t, list(TOPIC_THROTTLE_KEYS)) for t in topics],
            config_filter="dynamic")
    for kind, resources in described.items():
        for name, entries in resources.items():
            for key, entry in (entries or {}).items():
                if key in THROTTLE_KEYS + TOPIC_THROTTLE_KEYS and entry.get("value"):
                    found["%s %s %s" % (kind, name, key)] = entry["value"]
    return found


def produce(kc: KraftCluster, topic: str, count: int, size: int = 1000) -> None:
    producer = KafkaProducer(bootstrap_servers=kc.addresses, acks="all", linger_ms=20)
    try:
        for i in range(count):
            producer.send(topic, key=str(i).encode(), value=b"x" * size, partition=i % len(replicas_of(kc, topic)))
        producer.flush(60)
    finally:
        producer.close()


def replicas_of(kc: KraftCluster, topic: str) -> dict[int, list[int]]:
    with closing(kc.admin_client()) as client:
        return replicas(client, topic)


def count(kc: KraftCluster, topic: str) -> int:
    """Records in the topic, read back from the start of every partition."""
    consumer = KafkaConsumer(bootstrap_servers=kc.addresses, enable_auto_commit=False, consumer_timeout_ms=3000)
    try:
        parts = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)
        end = consumer.end_offsets(parts)
        seen = 0
        deadline = time.monotonic() + 60
        while any(consumer.position(tp) < end[tp] for tp in parts) and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=500).values():
                seen += len(records)
        return seen
    finally:
        consumer.close()


class _same:
    """A context manager giving ``client`` back and leaving it open."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def __enter__(self) -> Any:
        return self.client

    def __exit__(self, *exc: object) -> None:
        return None


class ThrottleWatch:
    """Polls the throttle configs in a thread while a task runs; ``seen`` holds what it found."""

    def __init__(self, kc: KraftCluster, topics: list[str]) -> None:
        self.seen: dict[str, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(kc, topics), daemon=True)

    def _run(self, kc: KraftCluster, topics: list[str]) -> None:
        with closing(kc.admin_client()) as client:
            while not self._stop.is_set():
                self.seen.update(throttles(kc, topics, client))
                time.sleep(0.1)

    def __enter__(self) -> "ThrottleWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(30)


# --------------------------------------------------------------------------------------------------
# kafka_topic: replication factor


def test_replication_factor_1_to_3_with_data_throttled(kraft: KraftCluster, admin: Any) -> None:
    admin.create_topics([NewTopic("ra-orders", 3, 1)])
    produce(kraft, "ra-orders", 600)
    before = replicas(admin, "ra-orders")
    assert all(len(r) == 1 for r in before.values())
    assert count(kraft, "ra-orders") == 600

    with ThrottleWatch(kraft, ["ra-orders"]) as watch:
        play, res = run(kraft, name="ra-orders", replication_factor=3, replication_throttle=400000,
                        reassignment_timeout=120)
    ok(play, res)
    assert res["changed"] is True and res["throttle"] == 400000
    topic = res["topics"][0]
    assert topic["replication_factor"] == 3
    assert [r["status"] for r in topic["reassignment"]] == ["done"] * 3
    after = replicas(admin, "ra-orders")
    for index, entry in enumerate(topic["reassignment"]):
        assert entry["partition"] == index and entry["before"] == before[index]
        assert entry["after"] == after[index]
        assert len(set(after[index])) == 3 and after[index][0] == before[index][0]  # the leader stays first
    # The new replicas are spread: each broker holds 2 or 3 of the 9.
    held = [r for rs in after.values() for r in rs]
    assert max(held.count(b) for b in BROKERS) - min(held.count(b) for b in BROKERS) <= 1, after
    # The throttle was set on the brokers and the topic during the move, and is gone afterwards.
    assert any(k.endswith("leader.replication.throttled.rate") and v == "400000" for k, v in watch.seen.items()), watch.seen
    assert any(k.startswith("topic ra-orders follower.replication.throttled.replicas") for k in watch.seen), watch.seen
    assert throttles(kraft, ["ra-orders"]) == {}
    assert count(kraft, "ra-orders") == 600


def test_replication_factor_3_to_2_check_diff_then_real(kraft: KraftCluster, admin: Any) -> None:
    before = replicas(admin, "ra-orders")
    lead = leaders(admin, "ra-orders")
    play, res = run(kraft, check=True, diff=True, name="ra-orders", replication_factor=2)
    ok(play, res)
    assert res["changed"] is True
    assert [r["status"] for r in res["topics"][0]["reassignment"]] == ["planned"] * 3
    assert res["diff"]["before"]["ra-orders"]["assignment"] == {str(k): v for k, v in before.items()}
    planned = res["diff"]["after"]["ra-orders"]["assignment"]
    assert res["diff"]["after"]["ra-orders"]["replication_factor"] == 2
    assert replicas(admin, "ra-orders") == before     # check mode moved nothing

    play, res = run(kraft, name="ra-orders", replication_factor=2)
    ok(play, res)
    after = replicas(admin, "ra-orders")
    assert {str(k): v for k, v in after.items()} == planned   # the real run did what check mode said
    for index, rs in after.items():
        assert len(rs) == 2 and rs[0] == lead[index]
    assert count(kraft, "ra-orders") == 600

    play, res = run(kraft, name="ra-orders", replication_factor=2)
    ok(play, res)
    assert res["changed"] is False and res["topics"][0]["reassignment"] == []


def test_running_reassignment_is_reported_not_started_twice(kraft: KraftCluster, admin: Any) -> None:
    admin.create_topics([NewTopic("ra-running", 1, 1)])
    produce(kraft, "ra-running", 600)
    source = replicas(admin, "ra-running")[0][0]
    target = [source, [b for b in BROKERS if b != source][0]]
    # An operator's own reassignment onto a broker that is down: it runs until that broker is back.
    offline = kraft.index(target[1])
    kraft.stop_node(offline)
    live = kraft.admin_client()    # the module's admin client may know the stopped broker as controller
    live.alter_partition_reassignments({TopicPartition("ra-running", 0): target})
    try:
        assert live.list_partition_reassignments({"ra-running": [0]})
        # Check mode: the running reassignment is what the task would wait for; it starts nothing.
        play, res = run(kraft, check=True, name="ra-running", replication_factor=2)
        ok(play, res)
        entry = res["topics"][0]["reassignment"][0]
        assert entry["after"] == target and entry["status"] == "already running", res["topics"]
        assert "(already running)" in res["topics"][0]["changes"][0]
        # Another replication factor than the running reassignment gives: refused, nothing started.
        play, res = run(kraft, name="ra-running", replication_factor=3)
        failed(play, res)
        assert "partition 0 of topic 'ra-running' is already being reassigned to %s" % target in res["msg"]
        assert "not to 3 replica(s)" in res["msg"]
        running = live.list_partition_reassignments({"ra-running": [0]})[TopicPartition("ra-running", 0)]
        assert sorted(running["replicas"]) == sorted(target)
    finally:
        live.close()
        kraft.start_node(offline, wait=True)
    # The same count for real: waited for, not started again elsewhere.
    play, res = run(kraft, name="ra-running", replication_factor=2, reassignment_timeout=120)
    ok(play, res)
    assert res["topics"][0]["replication_factor"] == 2
    with closing(kraft.admin_client()) as after:   # `admin` saw the broker stop
        assert replicas(after, "ra-running")[0] == target
        assert not after.list_partition_reassignments({"ra-running": [0]})
    assert count(kraft, "ra-running") == 600


@pytest.mark.parametrize("options, message", [
    (dict(replication_factor=0), "replication_factor of topic 'ra-orders' must be at least 1, got 0"),
    (dict(replication_factor=5), "replication_factor 5 of topic 'ra-orders' exceeds the 4 live broker(s)"),
    (dict(replication_factor=3, replication_throttle=0),
     "replication_throttle must be a positive number of bytes per second, got 0"),
])
def test_bad_replication_input_is_refused_before_any_change(kraft: KraftCluster, admin: Any,
                                                            options: dict[str, Any], message: str) -> None:
    before = replicas(admin, "ra-orders")
    play, res = run(kraft, name="ra-orders", **options)
    failed(play, res)
    assert message in res["msg"]
    assert res.get("changed") is False
    assert replicas(admin, "ra-orders") == before and not admin.list_partition_reassignments()


# --------------------------------------------------------------------------------------------------
# kafka_rebalance: drain and balance


def test_drain_refusals_name_the_numbers(kraft: KraftCluster, admin: Any) -> None:
    admin.create_topics([NewTopic("ra-strict", 1, 2, topic_configs={"min.insync.replicas": "3"})])
    try:
        deadline = time.monotonic() + 30
        while not replicas(admin, "ra-strict") and time.monotonic() < deadline:
            time.sleep(0.2)
        state = {t: replicas(admin, t) for t in ("ra-orders", "ra-strict")}
        assert state["ra-strict"], "ra-strict has no partitions in the metadata"

        for options, message in (
                (dict(mode="drain", brokers=[42]), "broker id(s) [42] are not in the cluster (live brokers: [2, 3, 4, 5])"),
                (dict(mode="drain", brokers=BROKERS), "it would leave no broker: the live brokers are [2, 3, 4, 5]"),
                (dict(mode="drain", brokers=[2, 3, 4]),
                 "1 broker(s) would remain ([5]), fewer than the replication factor 2 of topic"),
                (dict(mode="drain", brokers=[2, 3]),
                 "2 broker(s) would remain, fewer than min.insync.replicas=3 of topic 'ra-strict'"),
                (dict(mode="drain", brokers=[2], throttle=-5),
                 "throttle must be a positive number of bytes per second, got -5"),
                (dict(mode="balance", brokers=[2]), "brokers=[2] is only used with mode=drain")):
            play, res = run(kraft, module=REBALANCE, **options)
            failed(play, res)
            assert message in res["msg"], (options, res["msg"])
            assert {t: replicas(admin, t) for t in state} == state
            assert not admin.list_partition_reassignments()
    finally:
        admin.delete_topics(["ra-strict"])


def test_drain_a_leading_broker_under_acks_all_load_loses_nothing(kraft: KraftCluster, admin: Any,
                                                                  tmp_path: Path) -> None:
    topic, state = "ra-load", tmp_path / "load"
    started = subprocess.run([sys.executable, str(LOAD), "start", "--bootstrap", kraft.bootstrap_servers,
                              "--topic", topic, "--state-dir", str(state), "--rate", "100", "--partitions", "4",
                              "--replication-factor", "3", "--min-insync", "2"],
                             capture_output=True, text=True, timeout=120, check=False)
    assert started.returncode == 0, started.stderr
    try:
        victim = leaders(admin, topic)[0]
        assert victim in BROKERS
        play, res = run(kraft, module=REBALANCE, mode="drain", brokers=[victim], throttle=5000000, wait_timeout=180)
        ok(play, res)
        assert res["changed"] is True and res["drained"] == {str(victim): 0}
        assert res["moves"] and all(m["status"] == "done" for m in res["moves"])
        assert all(victim not in rs for t in (topic, "ra-orders", "ra-running") for rs in replicas(admin, t).values())
        assert throttles(kraft, [topic, "ra-orders", "ra-running"]) == {}
        kraft.stop_node(kraft.index(victim))     # the decommissioned broker goes away
        acked = len((state / "acked.log").read_text().splitlines())
        deadline = time.monotonic() + 60
        while len((state / "acked.log").read_text().splitlines()) < acked + 100 and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        stopped = subprocess.run([sys.executable, str(LOAD), "stop", "--state-dir", str(state)],
                                 capture_output=True, text=True, timeout=120, check=False)
    assert stopped.returncode == 0, stopped.stderr
    summary = json.loads(stopped.stdout)
    assert summary["failed"] == 0 and summary["unresolved"] == 0, summary
    verified = subprocess.run([sys.executable, str(LOAD), "verify", "--bootstrap",
                               ",".join(a for a in kraft.addresses if a != kraft.addresses[BROKERS.index(victim)]),
                               "--topic", topic, "--state-dir", str(state), "--json"],
                              capture_output=True, text=True, timeout=180, check=False)
    report = json.loads(verified.stdout)
    assert verified.returncode == 0, report
    assert report["acked"] >= 100 and report["lost"] == 0 and report["lost_seqs"] == []
    assert report["consumed_of_run"] == report["acked"]


def test_a_joining_broker_gets_its_share(kraft: KraftCluster, admin: Any) -> None:
    stopped = [i for i in range(kraft.n) if kraft.is_broker(i) and not kraft.is_running(i)]
    assert len(stopped) == 1
    kraft.start_node(stopped[0], wait=True)   # it comes back empty, as a new broker would
    joined = kraft.node_id(stopped[0])
    play, res = run(kraft, module=REBALANCE, mode="balance", throttle=5000000, wait_timeout=180)
    ok(play, res)
    assert res["changed"] is True
    held = {int(b): n for b, n in res["replicas_per_broker"].items()}
    assert held[joined] > 0 and max(held.values()) - min(held.values()) <= 1, held
    assert all(m["status"] == "done" for m in res["moves"])
    assert throttles(kraft, ["ra-orders", "ra-running", "ra-load"]) == {}
    play, res = run(kraft, module=REBALANCE, mode="balance")
    ok(play, res)
    assert res["changed"] is False and res["moves"] == []


# --------------------------------------------------------------------------------------------------
# playbooks/decommission_broker.yml: what it refuses before any host is touched


@pytest.mark.parametrize("inventory, extra, message", [
    ("[kafka]\nk1\nk2\n", ["-e", "broker=k9"], "broker 'k9' is not a host of the kafka group (k1, k2)"),
    ("[kafka]\nk1\n", ["-e", "broker=k1"], "broker 'k1' is the last host of the kafka group"),
    ("[kafka]\nk1\nk2\n[kafka_controller]\nk2\n", ["-e", "broker=k2"], "broker 'k2' is also a KRaft controller"),
    ("[kafka]\nk1\nk2\n", [], "Give the broker to decommission: -e broker="),
    ("[kafka]\nk1\nk2\n", ["-e", "broker=k1", "-e", "decommission_throttle=0"],
     "decommission_throttle must be a positive number of bytes per second, got '0'"),
    ("[kafka]\nk1\nk2\n", ["-e", "broker=k1", "-e", "decommission_throttle=10MB"],
     "decommission_throttle must be a positive number of bytes per second, got '10MB'"),
    ("[kafka]\nk1\nk2\n", ["-e", "broker=k1", "-e", "decommission_timeout=-5"],
     "decommission_timeout must be 0 or more seconds, got '-5'"),
])
def test_decommission_playbook_refuses_before_touching_a_host(tmp_path: Path, inventory: str, extra: list[str],
                                                              message: str) -> None:
    # The hosts are unreachable names: a run that got past the check would fail to connect, not pass.
    (tmp_path / "hosts.ini").write_text(inventory)
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="false")
    proc = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(tmp_path / "hosts.ini"),
                           str(PLAYBOOKS / "decommission_broker.yml"), *extra],
                          capture_output=True, text=True, timeout=120, check=False, env=env)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 2, out
    assert message in out, out
    assert "UNREACHABLE" not in out and "k1                         :" not in out, out


def test_decommission_playbook_drains_the_broker(kraft: KraftCluster, admin: Any, tmp_path: Path) -> None:
    # The playbook's own plays against the loopback brokers (hosts on the local connection; the
    # stop play is skipped: these brokers are processes of this test, not systemd units).
    lines = ["[kafka]"]
    for i in range(kraft.n):
        if kraft.is_broker(i):
            lines.append("b%d ansible_connection=local ansible_python_interpreter=%s kafka_address=127.0.0.1 "
                         "kafka_port=%d kafka_node_id=%d" % (kraft.node_id(i), sys.executable, kraft.ports[i],
                                                             kraft.node_id(i)))
    (tmp_path / "hosts.ini").write_text("\n".join(lines) + "\n")
    victim = BROKERS[-1]
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="false")
    proc = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(tmp_path / "hosts.ini"),
                           str(PLAYBOOKS / "decommission_broker.yml"), "-e", "broker=b%d" % victim,
                           "-e", "decommission_throttle=20000000", "--skip-tags", "decommission_stop"],
                          capture_output=True, text=True, timeout=600, check=False, env=env)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert "Broker %d (b%d) holds no replica" % (victim, victim) in out, out[-3000:]
    assert "Remove b%d from the kafka group" % victim in out
    with closing(kraft.admin_client()) as client:
        held = [r for t in client.describe_topics() for p in t["partitions"] for r in p["replica_nodes"]]
    assert victim not in held and held
    assert throttles(kraft, ["ra-orders", "ra-running", "ra-load"]) == {}
