"""The mirror's tarballs are real, runnable Apache ZooKeeper and Kafka distributions.

Starts JVMs straight from the unpacked mirror archives on 127.0.0.1 (see cluster.py) and talks
to them with real clients: kafka-python for Kafka (ZooKeeper mode 3.x and KRaft 4.x), four
letter words and the AdminServer for ZooKeeper.
"""

from __future__ import annotations

import json
import time
import urllib.request

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer

import cluster

VERSIONS = cluster.read_versions()
N_MESSAGES = 200


def test_mirror_archives_have_official_layout(kafka_home, zookeeper_home):
    assert kafka_home.name == "kafka_%s-%s" % (VERSIONS["KAFKA_SCALA_VERSION"], VERSIONS["KAFKA_VERSION"])
    libs = {p.name for p in (kafka_home / "libs").glob("*.jar")}
    for jar in ("kafka_%s-%s.jar" % (VERSIONS["KAFKA_SCALA_VERSION"], VERSIONS["KAFKA_VERSION"]),
                "kafka-clients-%s.jar" % VERSIONS["KAFKA_VERSION"],
                "kafka-tools-%s.jar" % VERSIONS["KAFKA_VERSION"]):
        assert jar in libs
    assert any(j.startswith("slf4j-reload4j-") for j in libs)
    assert any(j.startswith("reload4j-") for j in libs)
    for f in ("config/server.properties", "config/log4j.properties", "LICENSE", "NOTICE",
              "MIRROR-README.txt"):
        assert (kafka_home / f).is_file(), f

    assert zookeeper_home.name == "apache-zookeeper-%s-bin" % VERSIONS["ZOOKEEPER_VERSION"]
    lib = {p.name for p in (zookeeper_home / "lib").glob("*.jar")}
    assert "zookeeper-%s.jar" % VERSIONS["ZOOKEEPER_VERSION"] in lib
    for prefix in ("logback-classic-", "logback-core-", "slf4j-api-", "jetty-server-",
                   "jetty-servlet-", "metrics-core-", "jackson-databind-"):
        assert any(j.startswith(prefix) for j in lib), prefix
    for f in ("conf/zoo_sample.cfg", "conf/logback.xml", "MIRROR-README.txt"):
        assert (zookeeper_home / f).is_file(), f


def assert_round_trip(bootstrap_servers: str, topic: str) -> None:
    """Create ``topic`` (3 partitions), produce N_MESSAGES with acks=all, read every one back in order."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="smoke-admin")
    try:
        result = admin.create_topics({topic: {"num_partitions": 3, "replication_factor": 1}},
                                     timeout_ms=30000, wait_for_metadata=True)
        assert [t["error_code"] for t in result["topics"]] == [0], result
        assert topic in admin.list_topics()
    finally:
        admin.close()

    expected = {}
    producer = KafkaProducer(bootstrap_servers=bootstrap_servers, acks="all", linger_ms=5, retries=5)
    try:
        futures = []
        for i in range(N_MESSAGES):
            key, value = b"k%d" % (i % 7), b"message-%04d" % i
            expected[value] = key
            futures.append(producer.send(topic, key=key, value=value))
        producer.flush(timeout=60)
        metadata = [f.get(timeout=60) for f in futures]
    finally:
        producer.close(timeout=10)
    assert {m.topic for m in metadata} == {topic}
    assert {m.partition for m in metadata} <= {0, 1, 2}

    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap_servers,
                             group_id="smoke-check", auto_offset_reset="earliest",
                             enable_auto_commit=False, consumer_timeout_ms=2000)
    got = []
    try:
        deadline = time.monotonic() + 90
        while len(got) < N_MESSAGES and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=1000).values():
                got.extend(batch)
    finally:
        consumer.close()

    assert len(got) == N_MESSAGES, "consumed %d of %d messages" % (len(got), N_MESSAGES)
    assert {r.value: r.key for r in got} == expected
    # per partition, offsets are consecutive and messages keep their produce order
    for p in {r.partition for r in got}:
        recs = [r for r in got if r.partition == p]
        assert [r.offset for r in recs] == list(range(len(recs)))
        assert [r.value for r in recs] == sorted(r.value for r in recs)


def test_single_broker_produce_consume(zookeeper_home, kafka_home, tmp_path):
    with cluster.ZooKeeperEnsemble(1, tmp_path / "zk") as zk, \
            cluster.KafkaCluster(1, zk.connect_string, tmp_path / "kafka") as kafka:
        assert zk.mode(0) == "standalone"
        assert zk.srvr(0)["Zookeeper version"].startswith(VERSIONS["ZOOKEEPER_VERSION"] + "-")
        assert kafka.kafka_version(0) == VERSIONS["KAFKA_VERSION"]
        assert_round_trip(kafka.bootstrap_servers, "smoke-roundtrip")


def test_kafka4_archive_has_official_layout_and_one_slf4j_binding(kafka4_home):
    v, scala = VERSIONS["KAFKA4_VERSION"], VERSIONS["KAFKA_SCALA_VERSION"]
    assert kafka4_home.name == "kafka_%s-%s" % (scala, v)
    libs = {p.name for p in (kafka4_home / "libs").glob("*.jar")}
    for jar in ("kafka_%s-%s.jar" % (scala, v), "kafka-clients-%s.jar" % v, "kafka-tools-%s.jar" % v,
                "kafka-metadata-%s.jar" % v, "kafka-raft-%s.jar" % v, "kafka-storage-%s.jar" % v):
        assert jar in libs, jar
    # Kafka 4 logs through log4j2: slf4j-api 1.7 -> log4j-slf4j-impl -> log4j-core, no reload4j
    bindings = sorted(j for j in libs if j.startswith((
        "log4j-slf4j-impl-", "log4j-slf4j2-impl-", "slf4j-reload4j-", "slf4j-log4j12-", "logback-classic-",
        "slf4j-simple-", "slf4j-jdk14-", "slf4j-nop-")))
    assert len(bindings) == 1 and bindings[0].startswith("log4j-slf4j-impl-"), bindings
    for prefix in ("slf4j-api-1.", "log4j-api-", "log4j-core-", "jackson-dataformat-yaml-"):
        assert any(j.startswith(prefix) for j in libs), prefix
    assert not any(j.startswith(("reload4j-", "zookeeper-")) for j in libs)
    for f in ("config/server.properties", "config/log4j2.yaml", "config/tools-log4j2.yaml", "LICENSE",
              "NOTICE", "MIRROR-README.txt"):
        assert (kafka4_home / f).is_file(), f
    assert not (kafka4_home / "bin").exists()


def test_kraft_single_node_formats_storage_and_round_trips(kafka4_home, tmp_path):
    with cluster.KraftCluster(1, tmp_path / "kraft") as kraft:
        # the storage tool formatted the log dir as a one-voter dynamic quorum
        meta = dict(line.split("=", 1) for line in
                    (kraft.node_dir(0) / "data" / "meta.properties").read_text().splitlines()
                    if "=" in line and not line.startswith("#"))
        assert meta["cluster.id"] == kraft.cluster_id
        assert meta["node.id"] == "1"
        assert meta["directory.id"] == kraft.directory_ids[0]
        # the node logged through log4j2 and runs the archive's version
        assert kraft.kafka_version(0) == VERSIONS["KAFKA4_VERSION"]
        assert kraft.quorum_leader() == 1
        assert_round_trip(kraft.bootstrap_servers, "smoke-kraft-roundtrip")


def test_three_node_ensemble_elects_one_leader(zookeeper_home, tmp_path):
    with cluster.ZooKeeperEnsemble(3, tmp_path / "zk") as zk:
        modes = zk.wait_serving(90)
        assert sorted(modes.values()) == ["follower", "follower", "leader"], modes
        for i in range(3):
            srvr = zk.srvr(i)
            assert srvr["Zookeeper version"].startswith(VERSIONS["ZOOKEEPER_VERSION"] + "-")

        # the AdminServer (jetty) answers on loopback
        with urllib.request.urlopen(zk.admin_url(0, "ruok"), timeout=10) as resp:
            assert json.load(resp)["error"] is None

        # kill the leader: the other two elect a new one; the old one rejoins as a follower
        old = zk.leader()
        zk.stop_node(old, kill=True)
        modes = zk.wait_serving(90)
        assert sorted(modes.values()) == ["follower", "leader"], modes
        zk.start_node(old)
        modes = zk.wait_serving(90)
        assert sorted(modes.values()) == ["follower", "follower", "leader"], modes
        assert modes[old] == "follower"
