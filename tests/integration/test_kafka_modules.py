"""streamops.kafka.kafka_topic and kafka_info against a real 3-broker Kafka cluster on 127.0.0.1.

One ZooKeeper and three ZooKeeper-mode brokers (tests/integration/cluster.py, from the mirror
tarballs) are started once for the whole file. The modules run for real, in ansible-playbook
processes with the JSON callback; what they did is checked independently with kafka-python's
KafkaAdminClient. The tests build on each other (the topic it-orders is created, grown and
reconfigured along the way) and run in file order; the broker-failure test stops a broker and
restarts it, so it runs last.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Iterator

# kafka-python (requirements/dev.txt) is imported plainly: without it this file fails to
# collect, which fails the run (conftest.py: a missing dependency is a failure, never a skip).
import kafka
import pytest
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

from ansible_runner import PlayResult, failed, ok, run_module
from cluster import KafkaCluster, ZooKeeperEnsemble

TOPIC = "streamops.kafka.kafka_topic"
INFO = "streamops.kafka.kafka_info"


# --------------------------------------------------------------------------------------------------
# fixtures and helpers


@pytest.fixture(scope="module")
def kafka_cluster(zookeeper_home: Path, kafka_home: Path,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaCluster]:
    """1 ZooKeeper + 3 brokers for every test of this file (the homes come from conftest.py)."""
    assert zookeeper_home.is_dir() and kafka_home.is_dir()
    base = tmp_path_factory.mktemp("kafka-modules")
    with ZooKeeperEnsemble(1, base / "zk") as zk, KafkaCluster(3, zk.connect_string, base / "kafka") as kc:
        yield kc


@pytest.fixture(scope="module")
def admin(kafka_cluster: KafkaCluster) -> Iterator[Any]:
    client = KafkaAdminClient(bootstrap_servers=kafka_cluster.addresses, client_id="streamops-it-verify")
    yield client
    client.close()


def run(kc: KafkaCluster, module: str = TOPIC, check: bool = False, diff: bool = False,
        **options: Any) -> tuple[PlayResult, dict[str, Any]]:
    """Run one task of ``module`` with ``options`` (+ bootstrap_servers); (play, task result)."""
    options.setdefault("bootstrap_servers", kc.addresses)
    return run_module(module, options, check=check, diff=diff)


def run_until(kc: KafkaCluster, until: str, module: str = INFO, retries: int = 60, delay: int = 1,
              **options: Any) -> tuple[PlayResult, dict[str, Any]]:
    """Like run(), polling with Ansible's until/retries (the task registers ``result``)."""
    options.setdefault("bootstrap_servers", kc.addresses)
    return run_module(module, options, until=until, retries=retries, delay=delay)


def by_name(res: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["name"]: t for t in res["topics"]}


def describe(admin: Any, *names: str) -> dict[str, dict[str, Any]]:
    """{name: metadata} of the topics that exist."""
    return {t["name"]: t for t in admin.describe_topics(list(names)) if not t["error_code"]}


def partitions(admin: Any, name: str) -> int:
    return len(describe(admin, name)[name]["partitions"])


def topic_config(admin: Any, name: str, *keys: str) -> dict[str, dict[str, Any]]:
    described = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name, list(keys))],
                                       config_filter="all")
    return described["topic"][name]


def wait_gone(admin: Any, *names: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while describe(admin, *names) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not describe(admin, *names)


# --------------------------------------------------------------------------------------------------
# kafka_topic


def test_create_then_produce(kafka_cluster: KafkaCluster, admin: Any) -> None:
    play, res = run(kafka_cluster, name="it-orders", partitions=3, replication_factor=3,
                    config={"retention.ms": 86400000, "cleanup.policy": "delete"})
    ok(play, res)
    assert res["changed"] is True
    assert play.changed() == 1
    [topic] = res["topics"]
    assert topic == {"name": "it-orders", "state": "present", "action": "create", "changed": True,
                     "partitions": 3, "replication_factor": 3,
                     "config": {"retention.ms": "86400000", "cleanup.policy": "delete"},
                     "changes": ["create with 3 partition(s), replication factor 3, "
                                 "config cleanup.policy=delete, retention.ms=86400000"],
                     "error": None, "reassignment": []}
    meta = describe(admin, "it-orders")["it-orders"]
    assert len(meta["partitions"]) == 3
    assert all(len(p["replica_nodes"]) == 3 and p["leader_id"] >= 0 for p in meta["partitions"])
    assert topic_config(admin, "it-orders", "retention.ms")["retention.ms"]["value"] == "86400000"

    # The module waited for leaders: producing right away works.
    producer = kafka.KafkaProducer(bootstrap_servers=kafka_cluster.addresses, acks="all")
    try:
        for partition in range(3):
            producer.send("it-orders", b"hello", partition=partition).get(timeout=30)
    finally:
        producer.close()


def test_rerun_is_unchanged(kafka_cluster: KafkaCluster) -> None:
    play, res = run(kafka_cluster, name="it-orders", partitions=3, replication_factor=3,
                    config={"retention.ms": "86400000", "cleanup.policy": ["delete"]})
    ok(play, res)
    assert res["changed"] is False
    assert play.changed() == 0
    assert res["topics"][0]["action"] == "none"
    assert res["topics"][0]["changes"] == []


def test_partitions_grow(kafka_cluster: KafkaCluster, admin: Any) -> None:
    play, res = run(kafka_cluster, name="it-orders", partitions=5)
    ok(play, res)
    assert res["changed"] is True
    assert res["topics"][0]["action"] == "update"
    assert res["topics"][0]["changes"] == ["partitions 3 -> 5"]
    assert partitions(admin, "it-orders") == 5
    play, res = run(kafka_cluster, name="it-orders", partitions=5)
    assert ok(play, res)["changed"] is False


def test_partitions_decrease_rejected(kafka_cluster: KafkaCluster, admin: Any) -> None:
    play, res = run(kafka_cluster, name="it-orders", partitions=2)
    failed(play, res)
    assert "cannot reduce partitions of topic 'it-orders' from 5 to 2" in res["msg"]
    assert res["changed"] is False
    assert res["topics"][0]["action"] == "error"
    assert partitions(admin, "it-orders") == 5


def test_config_change_only_touches_declared_keys(kafka_cluster: KafkaCluster, admin: Any) -> None:
    # An override set outside of the module, which it must leave alone.
    admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, "it-orders", {"segment.ms": "3600000"})],
                        incremental=True)
    play, res = run(kafka_cluster, name="it-orders", config={"retention.ms": 172800000})
    ok(play, res)
    assert res["changed"] is True
    assert res["topics"][0]["changes"] == ["set retention.ms=172800000 (was 86400000)"]
    configs = topic_config(admin, "it-orders", "retention.ms", "segment.ms", "cleanup.policy")
    assert configs["retention.ms"]["value"] == "172800000"
    assert configs["segment.ms"]["value"] == "3600000"
    assert configs["segment.ms"]["config_source"] == "DYNAMIC_TOPIC_CONFIG"
    # cleanup.policy was set at creation and is not declared now: still an override
    assert configs["cleanup.policy"]["config_source"] == "DYNAMIC_TOPIC_CONFIG"


def test_null_removes_an_override(kafka_cluster: KafkaCluster, admin: Any) -> None:
    play, res = run(kafka_cluster, name="it-orders", config={"segment.ms": None})
    ok(play, res)
    assert res["changed"] is True
    assert res["topics"][0]["changes"] == ["remove override segment.ms (was 3600000)"]
    assert topic_config(admin, "it-orders", "segment.ms")["segment.ms"]["config_source"] != "DYNAMIC_TOPIC_CONFIG"
    play, res = run(kafka_cluster, name="it-orders", config={"segment.ms": None})
    assert ok(play, res)["changed"] is False


def test_boolean_spellings_do_not_flap(kafka_cluster: KafkaCluster, admin: Any) -> None:
    play, res = run(kafka_cluster, name="it-orders", config={"preallocate": True, "min.insync.replicas": 2})
    assert ok(play, res)["changed"] is True
    assert topic_config(admin, "it-orders", "preallocate")["preallocate"]["value"] == "true"
    for spelling in ("true", "True", "TRUE", 1, "1", "yes"):
        play, res = run(kafka_cluster, name="it-orders",
                        config={"preallocate": spelling, "min.insync.replicas": "2"})
        ok(play, res)
        assert res["changed"] is False, (spelling, res["topics"])


def test_check_mode_changes_nothing_and_plans_like_the_real_run(kafka_cluster: KafkaCluster,
                                                                admin: Any) -> None:
    options = dict(topics=[
        dict(name="it-check-new", partitions=2, replication_factor=2, config={"retention.ms": 1000}),
        dict(name="it-orders", partitions=6, config={"retention.ms": 3600000}),
    ])
    before_config = topic_config(admin, "it-orders", "retention.ms")["retention.ms"]["value"]
    play, planned = run(kafka_cluster, check=True, **options)
    ok(play, planned)
    assert planned["changed"] is True
    assert [t["action"] for t in planned["topics"]] == ["create", "update"]
    assert not describe(admin, "it-check-new")
    assert partitions(admin, "it-orders") == 5
    assert topic_config(admin, "it-orders", "retention.ms")["retention.ms"]["value"] == before_config

    play, real = run(kafka_cluster, **options)
    ok(play, real)
    assert real["topics"] == planned["topics"]
    assert partitions(admin, "it-orders") == 6
    assert partitions(admin, "it-check-new") == 2


def test_check_mode_fails_like_the_real_run(kafka_cluster: KafkaCluster) -> None:
    for check in (True, False):
        play, res = run(kafka_cluster, check=check, name="it-orders", partitions=1)
        failed(play, res)
        assert "from 6 to 1" in res["msg"], check


def test_diff(kafka_cluster: KafkaCluster) -> None:
    play, res = run(kafka_cluster, diff=True, topics=[
        dict(name="it-orders", partitions=7, config={"retention.ms": 7200000, "preallocate": "true"}),
        dict(name="it-diff-new", partitions=1, replication_factor=1, config={"cleanup.policy": "compact"}),
        dict(name="it-check-new", partitions=2),
    ])
    ok(play, res)
    diff = res["diff"]
    assert diff["before"] == {
        "it-orders": {"state": "present", "partitions": 6, "replication_factor": 3,
                      "config": {"retention.ms": "3600000", "preallocate": "true"}},
        "it-diff-new": {"state": "absent"},
    }
    assert diff["after"] == {
        "it-orders": {"state": "present", "partitions": 7, "replication_factor": 3,
                      "config": {"retention.ms": "7200000", "preallocate": "true"}},
        "it-diff-new": {"state": "present", "partitions": 1, "replication_factor": 1,
                        "config": {"cleanup.policy": "compact"}},
    }
    play, res = run(kafka_cluster, diff=True, name="it-diff-new", state="absent")
    ok(play, res)
    assert res["diff"] == {
        "before": {"it-diff-new": {"state": "present", "partitions": 1, "replication_factor": 1, "config": {}}},
        "after": {"it-diff-new": {"state": "absent"}},
    }


def test_replication_factor_above_brokers_rejected_before_any_change(kafka_cluster: KafkaCluster,
                                                                     admin: Any) -> None:
    play, res = run(kafka_cluster, topics=[
        dict(name="it-innocent", partitions=1, replication_factor=1),
        dict(name="it-too-wide", partitions=1, replication_factor=4),
    ])
    failed(play, res)
    assert "'it-too-wide'" in res["msg"]
    assert "replication_factor 4 of topic 'it-too-wide' exceeds the 3 live broker(s)" in res["msg"]
    assert "it-innocent" not in res["msg"].split(":")[0]
    assert res["changed"] is False
    assert by_name(res)["it-innocent"]["action"] == "create"
    assert by_name(res)["it-innocent"]["changed"] is False
    assert by_name(res)["it-too-wide"]["action"] == "error"
    assert not describe(admin, "it-innocent", "it-too-wide")


def test_broker_side_validation_blocks_the_whole_batch(kafka_cluster: KafkaCluster, admin: Any) -> None:
    # A well-typed value that only the broker knows to be out of range.
    play, res = run(kafka_cluster, topics=[
        dict(name="it-innocent", partitions=1, replication_factor=1),
        dict(name="it-bad-isr", partitions=1, replication_factor=1, config={"min.insync.replicas": 0}),
    ])
    failed(play, res)
    assert "The brokers rejected the request, nothing was changed" in res["msg"]
    assert "it-bad-isr" in res["msg"]
    assert "min.insync.replicas" in by_name(res)["it-bad-isr"]["error"]
    assert by_name(res)["it-innocent"]["error"] is None
    assert not describe(admin, "it-innocent", "it-bad-isr")


def test_replication_factor_change_above_brokers_rejected(kafka_cluster: KafkaCluster, admin: Any) -> None:
    # Changing it is a reassignment (tests/integration/test_kafka_reassign.py); above the brokers, refused.
    before = describe(admin, "it-orders")["it-orders"]["partitions"]
    play, res = run(kafka_cluster, name="it-orders", replication_factor=4)
    failed(play, res)
    assert "replication_factor 4 of topic 'it-orders' exceeds the 3 live broker(s)" in res["msg"]
    assert describe(admin, "it-orders")["it-orders"]["partitions"] == before


@pytest.mark.parametrize("bad", ["bad name", "..", "x" * 250, "caf\u00e9"])
def test_bad_names_rejected(kafka_cluster: KafkaCluster, admin: Any, bad: str) -> None:
    play, res = run(kafka_cluster, topics=[dict(name="it-innocent", partitions=1), dict(name=bad, partitions=1)])
    failed(play, res)
    assert "topic name" in res["msg"] and "is invalid" in res["msg"]
    assert not describe(admin, "it-innocent")


def test_unknown_config_key_rejected(kafka_cluster: KafkaCluster, admin: Any) -> None:
    play, res = run(kafka_cluster, name="it-typo", partitions=1, config={"retention.msec": 1000})
    failed(play, res)
    assert "unknown config key(s) for topic 'it-typo': retention.msec (did you mean 'retention.ms'?)" in res["msg"]
    assert not describe(admin, "it-typo")


def test_bad_config_value_rejected(kafka_cluster: KafkaCluster) -> None:
    play, res = run(kafka_cluster, name="it-orders", config={"preallocate": "maybe"})
    failed(play, res)
    assert "invalid value for config 'preallocate' of topic 'it-orders': 'maybe' is not a boolean" in res["msg"]


def test_internal_topic_delete_refused(kafka_cluster: KafkaCluster, admin: Any) -> None:
    # Make sure __consumer_offsets exists: commit an offset of a consumer group.
    consumer = kafka.KafkaConsumer("it-orders", bootstrap_servers=kafka_cluster.addresses, group_id="it-group",
                                   auto_offset_reset="earliest", consumer_timeout_ms=5000)
    try:
        next(iter(consumer), None)
        consumer.commit()
    finally:
        consumer.close()
    assert describe(admin, "__consumer_offsets")
    play, res = run(kafka_cluster, name="__consumer_offsets", state="absent")
    failed(play, res)
    assert "refusing to delete internal topic '__consumer_offsets'" in res["msg"]
    assert describe(admin, "__consumer_offsets")


def test_state_absent_deletes(kafka_cluster: KafkaCluster, admin: Any) -> None:
    play, res = run(kafka_cluster, topics=[dict(name="it-check-new"), dict(name="it-never-existed")],
                    state="absent")
    ok(play, res)
    assert res["changed"] is True
    assert [t["action"] for t in res["topics"]] == ["delete", "none"]
    assert not describe(admin, "it-check-new")
    play, res = run(kafka_cluster, name="it-check-new", state="absent")
    assert ok(play, res)["changed"] is False


def test_many_topics_in_one_task(kafka_cluster: KafkaCluster, admin: Any) -> None:
    names = ["it-bulk-%02d" % i for i in range(50)]
    topics = [dict(name=n, partitions=1 + i % 3) for i, n in enumerate(names)]
    play, res = run(kafka_cluster, topics=topics, replication_factor=2, config={"retention.ms": 600000})
    ok(play, res)
    assert [t["action"] for t in res["topics"]] == ["create"] * 50
    existing = describe(admin, *names)
    assert sorted(existing) == names
    assert all(len(existing[n]["partitions"]) == 1 + i % 3 for i, n in enumerate(names))

    play, res = run(kafka_cluster, topics=topics, replication_factor=2, config={"retention.ms": "600000"})
    ok(play, res)
    assert res["changed"] is False

    grown = [dict(name=n, partitions=4) for n in names[:10]] + [dict(name=n, state="absent") for n in names[10:]]
    play, res = run(kafka_cluster, topics=grown)
    ok(play, res)
    assert [t["action"] for t in res["topics"]] == ["update"] * 10 + ["delete"] * 40
    assert all(partitions(admin, n) == 4 for n in names[:10])
    wait_gone(admin, *names[10:])

    play, res = run(kafka_cluster, topics=[dict(name=n) for n in names[:10]], state="absent")
    ok(play, res)
    wait_gone(admin, *names)


def test_unreachable_bootstrap_fails_cleanly(kafka_cluster: KafkaCluster) -> None:
    play, res = run(kafka_cluster, module=TOPIC, name="it-x", bootstrap_servers=["127.0.0.1:1"],
                    request_timeout_ms=3000)
    failed(play, res)
    assert "Cannot connect to Kafka bootstrap servers 127.0.0.1:1" in res["msg"]


# --------------------------------------------------------------------------------------------------
# kafka_info (the broker-failure test stops a broker: keep it last)


def test_info_healthy_cluster(kafka_cluster: KafkaCluster) -> None:
    play, res = run(kafka_cluster, module=INFO)
    ok(play, res)
    assert res["changed"] is False
    assert res["broker_count"] == 3
    assert [b["id"] for b in res["brokers"]] == [1, 2, 3]
    assert {"%s:%s" % (b["host"], b["port"]) for b in res["brokers"]} == set(kafka_cluster.addresses)
    assert res["controller_id"] in (1, 2, 3)
    assert res["cluster_id"]
    assert res["under_replicated_partitions"] == 0
    assert res["under_replicated_partition_list"] == []
    assert res["offline_partitions"] == 0
    names = [t["name"] for t in res["topics"]]
    assert "it-orders" in names
    assert "__consumer_offsets" not in names
    assert res["topic_count"] == len(names)
    orders = by_name(res)["it-orders"]
    assert orders["partition_count"] == 7
    assert orders["replication_factor"] == 3
    assert orders["internal"] is False
    for p in orders["partitions"]:
        assert sorted(p["isr"]) == sorted(p["replicas"]) == [1, 2, 3]
        assert p["leader"] in p["replicas"]
        assert p["offline_replicas"] == []
    assert [p["partition"] for p in orders["partitions"]] == list(range(7))


def test_info_security_without_authorizer(kafka_cluster: KafkaCluster) -> None:
    """No authorizer and no SCRAM user: authorizer false, acl_count null, no user; never a failure or warning."""
    play, res = run(kafka_cluster, module=INFO, topics=[])
    ok(play, res)
    assert res["authorizer"] is False
    assert res["acl_count"] is None
    assert res["users"] == [] and res["user_count"] == 0
    assert not res.get("warnings")


def test_info_filter_and_internal(kafka_cluster: KafkaCluster) -> None:
    play, res = run(kafka_cluster, module=INFO, topics=["it-orders", "it-nope"])
    ok(play, res)
    assert [t["name"] for t in res["topics"]] == ["it-orders"]
    assert res["missing_topics"] == ["it-nope"]
    play, res = run(kafka_cluster, module=INFO, include_internal=True, api_version="3.9")
    ok(play, res)
    internal = by_name(res)["__consumer_offsets"]
    assert internal["internal"] is True
    assert internal["partition_count"] == 10


def test_info_reports_under_replicated_when_a_broker_stops(kafka_cluster: KafkaCluster) -> None:
    kafka_cluster.stop_broker(2)
    try:
        play, res = run_until(kafka_cluster, "result.broker_count == 2 and result.under_replicated_partitions > 0",
                              retries=30)
        ok(play, res)
        assert res["broker_count"] == 2
        assert res["under_replicated_partitions"] > 0
        assert res["under_replicated_partitions"] == len(res["under_replicated_partition_list"])
        assert all(3 not in p["isr"] for p in res["under_replicated_partition_list"])
        assert any(p["topic"] == "it-orders" for p in res["under_replicated_partition_list"])
        orders = by_name(res)["it-orders"]
        assert all(p["offline_replicas"] == [3] for p in orders["partitions"])

        # With two live brokers a new topic of replication factor 3 is refused up front.
        play, res = run(kafka_cluster, name="it-needs-three", partitions=1, replication_factor=3)
        failed(play, res)
        assert "exceeds the 2 live broker(s)" in res["msg"]
        # An existing topic with replication factor 3 is still managed idempotently.
        play, res = run(kafka_cluster, name="it-orders", partitions=7, replication_factor=3)
        assert ok(play, res)["changed"] is False
    finally:
        kafka_cluster.start_broker(2)
        kafka_cluster.wait_ready(120)

    # The rolling-restart gate: poll kafka_info until nothing is under-replicated.
    play, res = run_until(kafka_cluster, "result.under_replicated_partitions == 0 and result.broker_count == 3",
                          retries=90, delay=2)
    ok(play, res)
    assert res["under_replicated_partitions"] == 0
    assert res["broker_count"] == 3
