"""Benchmark: replication factor changes and a drain on a loopback KRaft cluster (prints figures only).

One dedicated controller and four brokers (tests/integration/cluster.py, Kafka KAFKA4_VERSION from the
mirror). A topic of ``--partitions`` partitions, replication factor 1, gets ``--megabytes`` MB; then,
each through the collection's modules in an ansible-playbook process:

  1. kafka_topic replication_factor 1 -> 3, unthrottled;
  2. kafka_topic 3 -> 1 (drops replicas: no copying);
  3. kafka_topic 1 -> 3 with ``--throttle`` bytes/s;
  4. kafka_rebalance mode=drain of one broker.

For each: the task's seconds, the bytes the new replicas copied and the rate (MB/s), beside the
throttle when there is one, and the seconds of an empty playbook measured in the same run (Ansible's
own start-up, part of every task's time). No limits: it exits 1 only when a task failed.

Usage::

    python tests/benchmarks/bench_reassign.py [--megabytes 30] [--partitions 6] [--throttle 2000000]

Run it with the repository's .venv/bin/python (kafka-python).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "integration"))

from ansible_runner import run_module, run_playbook  # noqa: E402
from cluster import KraftCluster, ensure_unpacked, read_versions  # noqa: E402

TOPIC = "bench-reassign"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--megabytes", type=int, default=30)
    parser.add_argument("--partitions", type=int, default=6)
    parser.add_argument("--throttle", type=int, default=2000000)
    args = parser.parse_args()
    from kafka import KafkaProducer
    from kafka.admin import NewTopic

    ensure_unpacked("kafka", read_versions()["KAFKA4_VERSION"])
    failures = 0
    with tempfile.TemporaryDirectory() as tmp, KraftCluster(5, Path(tmp) / "kraft", combined=False, controllers=1) as kc:
        admin = kc.admin_client()
        admin.create_topics([NewTopic(TOPIC, args.partitions, 1)])
        time.sleep(2)
        producer = KafkaProducer(bootstrap_servers=kc.addresses, acks=1, linger_ms=50, batch_size=262144)
        value = b"x" * 10000
        for i in range(args.megabytes * 100):
            producer.send(TOPIC, value=value, partition=i % args.partitions)
        producer.flush(120)
        producer.close()
        data = args.megabytes * 1e6

        t0 = time.monotonic()
        run_playbook('[{"hosts": "localhost", "gather_facts": false, "tasks": []}]')
        empty = time.monotonic() - t0
        print("empty playbook (Ansible start-up):            %6.1f s" % empty)
        steps = [
            ("kafka_topic RF 1 -> 3, unthrottled", "streamops.kafka.kafka_topic",
             dict(name=TOPIC, replication_factor=3), 2 * data),
            ("kafka_topic RF 3 -> 1 (drop replicas)", "streamops.kafka.kafka_topic",
             dict(name=TOPIC, replication_factor=1), 0),
            ("kafka_topic RF 1 -> 3, throttle %d B/s" % args.throttle, "streamops.kafka.kafka_topic",
             dict(name=TOPIC, replication_factor=3, replication_throttle=args.throttle), 2 * data),
        ]
        for label, module, options, copied in steps:
            t0 = time.monotonic()
            play, res = run_module(module, dict(options, bootstrap_servers=kc.addresses, reassignment_timeout=1800))
            secs = time.monotonic() - t0
            failures += play.rc != 0
            rate = ("%6.1f MB/s copied (%.0f MB)" % (copied / 1e6 / max(secs - empty, 0.01), copied / 1e6)
                    if copied else "")
            print("%-46s %6.1f s  %s%s" % (label + ":", secs, rate, "" if play.rc == 0 else "  FAILED: %s" % res.get("msg")))
        victim = kc.node_id(kc.n - 1)
        t0 = time.monotonic()
        play, res = run_module("streamops.kafka.kafka_rebalance", dict(
            bootstrap_servers=kc.addresses, mode="drain", brokers=[victim], wait_timeout=1800))
        secs = time.monotonic() - t0
        failures += play.rc != 0
        moved = len(res.get("moves") or [])
        print("%-46s %6.1f s  %d partition(s) moved%s" % ("kafka_rebalance drain broker %d:" % victim, secs, moved,
                                                          "" if play.rc == 0 else "  FAILED: %s" % res.get("msg")))
        admin.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
