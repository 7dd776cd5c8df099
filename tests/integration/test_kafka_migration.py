"""A real ZooKeeper to KRaft migration of a Kafka 3.9 cluster on 127.0.0.1, and a rollback.

Kafka KAFKA_VERSION (3.9) and ZooKeeper from the mirror (tests/integration/cluster.py): one ZooKeeper
server, two ZooKeeper-mode brokers (broker.id 1 and 2) holding records, and one dedicated KRaft
controller (node.id 3000, static ``controller.quorum.voters``, formatted with the cluster id from
ZooKeeper's ``/cluster/id``). The phases follow the Kafka 3.9 documentation ("ZooKeeper to KRaft
Migration"): controllers, brokers_migrate (rolling restart with the migration settings), wait for
the metadata migration, brokers_kraft (rolling restart as ``process.roles=broker``), finalize
(the controller restarted without the ZooKeeper settings). The rollback test goes back to
ZooKeeper mode from the brokers_migrate phase: controller stopped, ``/controller`` and
``/migration`` deleted by the module's ``reset``, brokers rolled with their ZooKeeper-mode config.

At each step ``streamops.kafka.kafka_zookeeper_migration`` runs for real (ansible-playbook, see
ansible_runner.py) and its report is checked; every record written before (and during) the
migration is read back at the end. Waits are on conditions (log lines, in-sync replicas, the
module polled with until), never fixed sleeps.
"""

from __future__ import annotations

import time
from contextlib import closing
from pathlib import Path
from typing import Any, Iterator

import pytest

from ansible_runner import ok, run_module
from cluster import (
    KafkaCluster,
    MigrationControllers,
    ZooKeeperEnsemble,
    read_properties,
    restart_kafka_node,
    wait_logged,
)

MODULE = "streamops.kafka.kafka_zookeeper_migration"
INFO = "streamops.kafka.kafka_info"
SMALL_HEAP = ["-Xmx256m", "-Xms64m"]  # after KafkaCluster's -Xmx512m on the command line: this one counts
TOPIC = "before-migration"
RECORDS = 200


class Timer:
    """Seconds each step took, printed at the end of the test (pytest -s, or in the failure report)."""

    def __init__(self) -> None:
        self.start = self.last = time.monotonic()
        self.steps: list[tuple[str, float]] = []

    def step(self, name: str) -> None:
        now = time.monotonic()
        self.steps.append((name, now - self.last))
        self.last = now

    def report(self) -> str:
        return "\n".join("%6.1fs  %s" % (took, name) for name, took in self.steps) + \
            "\n%6.1fs  total" % (time.monotonic() - self.start)


@pytest.fixture
def timer() -> Iterator[Timer]:
    t = Timer()
    yield t
    print("\n" + t.report())


class Env:
    """ZooKeeper, the brokers and (once started) the controller; torn down brokers first, all SIGKILLed."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.zk = ZooKeeperEnsemble(1, base / "zk")
        self.kafka: KafkaCluster | None = None
        self.controller: MigrationControllers | None = None

    def stop(self) -> None:
        for nodes in (self.kafka, self.controller, self.zk):
            if nodes is not None:
                nodes.stop_kills = True  # the test is over: no controlled shutdown
                nodes.stop()


@pytest.fixture
def env(kafka_home: Path, zookeeper_home: Path, tmp_path: Path) -> Iterator[Env]:
    """One ZooKeeper server and two ZooKeeper-mode brokers (Kafka 3.9) with RECORDS records in TOPIC."""
    assert kafka_home.is_dir() and zookeeper_home.is_dir()
    e = Env(tmp_path)
    try:
        e.zk.start()
        e.kafka = KafkaCluster(2, e.zk.connect_string, tmp_path / "kafka", jvm_opts=SMALL_HEAP,
                               extra_config={"offsets.topic.num.partitions": 2,
                                             "transaction.state.log.num.partitions": 2})
        e.kafka.start()
        create_topic(e.kafka, TOPIC)
        produce(e.kafka, TOPIC, 0, RECORDS)
        yield e
    finally:
        e.stop()


# ------------------------------------------------------------------------------------------ helpers

def create_topic(kc: KafkaCluster, name: str) -> None:
    from kafka.admin import NewTopic
    with closing(kc.admin_client(30000)) as admin:
        admin.create_topics([NewTopic(name, num_partitions=2, replication_factor=2)])
    wait_in_sync(kc)


def produce(kc: KafkaCluster, topic: str, first: int, count: int) -> None:
    from kafka import KafkaProducer
    producer = KafkaProducer(bootstrap_servers=kc.addresses, acks="all", retries=10, request_timeout_ms=30000)
    try:
        futures = [producer.send(topic, key=b"%d" % i, value=b"record-%d" % i) for i in range(first, first + count)]
        producer.flush(60)
        for future in futures:
            future.get(timeout=30)
    finally:
        producer.close(10)


def consume(kc: KafkaCluster, topic: str) -> set[bytes]:
    """Every value in ``topic``, read from the beginning until the end offsets seen at the start."""
    from kafka import KafkaConsumer, TopicPartition
    consumer = KafkaConsumer(bootstrap_servers=kc.addresses, enable_auto_commit=False, request_timeout_ms=30000)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        assert partitions, "topic %s has no partitions" % topic
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        end = consumer.end_offsets(partitions)
        values: set[bytes] = set()
        deadline = time.monotonic() + 60
        while any(consumer.position(tp) < end[tp] for tp in partitions):
            assert time.monotonic() < deadline, "could not read %s up to %s" % (topic, end)
            for records in consumer.poll(timeout_ms=1000).values():
                values.update(r.value for r in records)
        return values
    finally:
        consumer.close()


def wait_in_sync(kc: KafkaCluster, timeout: float = 90.0) -> None:
    """Wait until every partition (internal ones too) has all its replicas in sync."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        try:
            with closing(kc.admin_client(10000)) as admin:
                topics = admin.describe_topics()
            lagging = ["%s-%d" % (t["name"], p["partition_index"]) for t in topics for p in t["partitions"]
                       if p["leader_id"] < 0 or sorted(p["isr_nodes"]) != sorted(p["replica_nodes"])]
            if not lagging:
                return
            last = lagging
        except Exception as exc:  # noqa: BLE001 - a broker just restarted: retry until the deadline
            last = exc
        assert time.monotonic() < deadline, "partitions not in sync after %.0fs: %r" % (timeout, last)
        time.sleep(0.5)


def state(env: Env, until: str | None = None, **options: Any) -> dict[str, Any]:
    """The module's report (polled once a second until ``until`` holds, when given)."""
    args = dict(zookeeper_connect=env.zk.connect_string, timeout=5, **options)
    check = args.pop("check", False)
    play, res = run_module(MODULE, args, until=until, retries=90, delay=1, check=check)
    return ok(play, res)


def roll(env: Env, updates: dict[str, object] | None = None, remove: list[str] | None = None,
         per_broker: dict[int, tuple[dict[str, object], list[str]]] | None = None) -> None:
    """Rolling restart of the brokers, each after the partitions are in sync again."""
    kc = env.kafka
    assert kc is not None
    for i in range(kc.n):
        wait_in_sync(kc)
        if per_broker:
            updates, remove = per_broker[i]
        restart_kafka_node(kc, i, updates, remove or [])
    wait_in_sync(kc)


def start_controller(env: Env, cluster_id: str) -> MigrationControllers:
    env.controller = MigrationControllers(1, env.zk.connect_string, cluster_id, env.base / "controller")
    env.controller.start()
    wait_logged(env.controller, 0, r"Kafka Server started")
    return env.controller


def assert_zookeeper_mode(report: dict[str, Any], cluster_id: str | None = None) -> None:
    assert report["changed"] is False
    assert report["removed"] == []
    assert report["kraft_controller"] is False
    assert report["controller"]["brokerid"] in (1, 2)
    # Kafka 3.9 brokers write the field, -1 for a ZooKeeper-mode controller
    assert report["controller"].get("kraftControllerEpoch", -1) == -1
    assert report["broker_ids"] == [1, 2]
    if cluster_id:
        assert report["cluster_id"] == cluster_id


def migrate_brokers(env: Env, timer: Timer) -> tuple[dict[str, Any], dict[int, dict[str, str]]]:
    """controllers + brokers_migrate phases, waiting for the migration; (report, brokers' ZooKeeper-mode configs)."""
    kc = env.kafka
    assert kc is not None
    before = state(env)
    assert_zookeeper_mode(before)
    assert before["migration"] is None and before["migration_completed"] is False
    cluster_id = before["cluster_id"]
    assert cluster_id
    timer.step("ZooKeeper-mode state read")

    mc = start_controller(env, cluster_id)
    assert read_properties(mc.node_dir(0) / "data" / "meta.properties")["cluster.id"] == cluster_id
    timer.step("controller formatted and started")
    # the controller creates /migration at once, but waits for every broker to run in migration mode
    # before it claims /controller
    waiting = state(env, until="result.migration is not none")
    assert_zookeeper_mode(waiting, cluster_id)
    assert waiting["migration"]["kraft_metadata_offset"] == -1
    assert waiting["migration"]["kraft_controller_id"] == -1
    assert waiting["migration_completed"] is False
    timer.step("/migration created by the controller")

    zk_configs = {i: read_properties(kc.config_path(i)) for i in range(kc.n)}
    roll(env, mc.broker_migration_config())
    timer.step("brokers rolled into migration mode")
    migrated = state(env, until="result.migration_completed")
    timer.step("metadata migration completed")
    assert migrated["kraft_controller"] is True
    assert migrated["controller"]["brokerid"] == 3000
    assert migrated["controller"]["kraftControllerEpoch"] >= 0
    assert migrated["migration"]["kraft_controller_id"] == 3000
    assert migrated["migration"]["kraft_metadata_offset"] >= 0
    assert migrated["cluster_id"] == cluster_id
    assert migrated["broker_ids"] == [1, 2]  # ZooKeeper-mode brokers in migration mode still register
    assert migrated["controller_epoch"] > before["controller_epoch"]
    wait_logged(mc, 0, r"Completed migration of metadata from ZooKeeper to KRaft")
    return migrated, zk_configs


# ------------------------------------------------------------------------------------------ tests

def test_migration_to_kraft(env: Env, timer: Timer) -> None:
    kc = env.kafka
    assert kc is not None
    timer.step("ZooKeeper and 2 ZooKeeper-mode brokers started, %d records written" % RECORDS)
    migrated = migrate_brokers(env, timer)[0]
    mc = env.controller
    assert mc is not None

    # brokers_kraft: each broker restarts as a KRaft broker with its old broker.id as node.id
    roll(env, per_broker={i: mc.broker_kraft_config(kc.node_id(i)) for i in range(kc.n)})
    timer.step("brokers rolled into KRaft mode")
    for i in range(kc.n):
        props = read_properties(kc.config_path(i))
        assert props["process.roles"] == "broker" and props["node.id"] == str(kc.node_id(i))
        assert not any(key.startswith("zookeeper.") for key in props)
        # the meta.properties the ZooKeeper-mode broker wrote (version 0, broker.id) is kept as it is
        meta = read_properties(kc.node_dir(i) / "data" / "meta.properties")
        assert meta["version"] == "0" and meta["broker.id"] == str(kc.node_id(i))
        assert meta["cluster.id"] == migrated["cluster_id"]
    kraft_brokers = state(env)
    assert kraft_brokers["broker_ids"] == []  # KRaft brokers do not register in ZooKeeper
    assert kraft_brokers["kraft_controller"] is True and kraft_brokers["migration_completed"] is True
    # dual writes: the controller still records its metadata offset in /migration
    assert kraft_brokers["migration"]["kraft_metadata_offset"] >= migrated["migration"]["kraft_metadata_offset"]
    timer.step("KRaft-broker state read")

    # finalize: the controller restarts without the migration flag and the ZooKeeper settings
    restart_kafka_node(mc, 0, remove=["zookeeper.metadata.migration.enable", "zookeeper.connect",
                                      "zookeeper.session.timeout.ms"])
    wait_logged(mc, 0, r"migration state from MIGRATION to POST_MIGRATION")
    wait_in_sync(kc)
    timer.step("controller finalized")
    final = state(env)
    # ZooKeeper keeps what the controller last wrote there: the persistent /controller and /migration
    assert final["kraft_controller"] is True and final["controller"]["brokerid"] == 3000
    assert final["migration_completed"] is True
    assert final["broker_ids"] == []

    play, info = run_module(INFO, {"bootstrap_servers": kc.addresses},
                            until="result.quorum is defined and result.quorum is not none and result.quorum.healthy",
                            retries=30, delay=1)
    ok(play, info)
    assert info["mode"] == "kraft"
    assert info["cluster_id"] == migrated["cluster_id"]
    assert info["quorum"]["leader_id"] == 3000
    assert sorted(b["id"] for b in info["brokers"]) == [1, 2]
    produce(kc, TOPIC, RECORDS, 10)
    assert consume(kc, TOPIC) == {b"record-%d" % i for i in range(RECORDS + 10)}
    timer.step("KRaft cluster checked, records read back")


def test_rollback_from_brokers_migrate(env: Env, timer: Timer) -> None:
    kc = env.kafka
    assert kc is not None
    timer.step("ZooKeeper and 2 ZooKeeper-mode brokers started, %d records written" % RECORDS)
    migrated, zk_configs = migrate_brokers(env, timer)
    mc = env.controller
    assert mc is not None
    # a topic created during the migration is written to ZooKeeper too (dual writes)
    create_topic(kc, "during-migration")
    produce(kc, "during-migration", 0, 20)
    timer.step("topic created and written during the migration")

    # rollback: deprovision the controller, delete /controller and /migration, restore the brokers
    mc.stop_node(0)
    would = state(env, reset=True, check=True)
    assert would["changed"] is True and would["removed"] == ["/controller", "/migration"]
    assert would["kraft_controller"] is True
    reset = state(env, reset=True)
    assert reset["changed"] is True and reset["removed"] == ["/controller", "/migration"]
    # the report holds what was deleted
    assert reset["controller"]["brokerid"] == 3000 and reset["kraft_controller"] is True
    assert reset["migration"]["kraft_metadata_offset"] >= migrated["migration"]["kraft_metadata_offset"]
    timer.step("controller stopped, /controller and /migration deleted")

    roll(env, per_broker={i: (dict(zk_configs[i]), sorted(set(read_properties(kc.config_path(i))) - set(zk_configs[i])))
                          for i in range(kc.n)})
    for i in range(kc.n):
        assert read_properties(kc.config_path(i)) == zk_configs[i]
    timer.step("brokers rolled back to their ZooKeeper-mode config")

    back = state(env, until="result.controller is not none")
    assert_zookeeper_mode(back, migrated["cluster_id"])
    assert back["migration"] is None and back["migration_completed"] is False
    assert consume(kc, TOPIC) == {b"record-%d" % i for i in range(RECORDS)}
    assert consume(kc, "during-migration") == {b"record-%d" % i for i in range(20)}
    timer.step("ZooKeeper-mode state checked, records read back")
