"""Benchmark of streamops.kafka.kafka_topic on many topics in one task (prints figures only).

Times, through real ansible-playbook runs (JSON callback):

  1. creating N topics (default 1000) in one kafka_topic task,
  2. the no-op re-run of the same task,
  3. deleting the N topics in one task,

plus the cost of an empty ansible-playbook run, to tell Ansible's own overhead from the module's.
There are no assertions on time; the script exits non-zero only when a task fails.

Usage::

    python tests/benchmarks/bench_kafka_topic.py --bootstrap-servers 127.0.0.1:9092[,host:port...] [--count 1000]
    python tests/benchmarks/bench_kafka_topic.py --start-cluster 3      # loopback ZooKeeper + 3 brokers from the mirror

Run it with the Python of a venv that has ansible-core and kafka-python (the repository's
.venv/bin/python); ansible-playbook is taken from the same bin directory.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parents[2]
TASK = "kafka_topic bench"


sys.path.insert(0, str(ROOT / "tests" / "integration"))
from ansible_runner import run_playbook as run_ansible_playbook  # noqa: E402  pylint: disable=import-error,wrong-import-position


def playbook(tasks: list[dict[str, Any]]) -> str:
    return json.dumps([{"name": "bench", "hosts": "localhost", "gather_facts": False, "tasks": tasks}])


def run_playbook(text: str) -> tuple[float, dict[str, Any]]:
    """Run a playbook on localhost (tests/integration/ansible_runner.py); (wall seconds, parsed JSON output)."""
    start = time.monotonic()
    result = run_ansible_playbook(text, timeout=3600)
    return time.monotonic() - start, result.data


def task_result(data: dict[str, Any]) -> dict[str, Any]:
    for play in data.get("plays", []):
        for task in play.get("tasks", []):
            if task["task"]["name"] == TASK:
                return next(iter(task["hosts"].values()))
    raise SystemExit("task %r not found in the output" % TASK)


def topic_task(servers: list[str], topics: list[dict[str, Any]], **options: Any) -> list[dict[str, Any]]:
    args = dict(bootstrap_servers=servers, topics=topics, **options)
    return [{"name": TASK, "streamops.kafka.kafka_topic": args}]


@contextlib.contextmanager
def loopback_cluster(brokers: int) -> Iterator[list[str]]:
    """1 ZooKeeper + ``brokers`` Kafka brokers on 127.0.0.1 (tests/integration/cluster.py)."""
    from cluster import KafkaCluster, ZooKeeperEnsemble  # pylint: disable=import-error

    base = Path(tempfile.mkdtemp(prefix="streamops-bench-"))
    start = time.monotonic()
    try:
        with ZooKeeperEnsemble(1, base / "zk") as zk, \
                KafkaCluster(brokers, zk.connect_string, base / "kafka") as kc:
            print("cluster: 1 ZooKeeper + %d broker(s) up in %.1fs at %s"
                  % (brokers, time.monotonic() - start, kc.bootstrap_servers))
            yield kc.addresses
    finally:
        shutil.rmtree(base, ignore_errors=True)


def count_existing(servers: list[str], names: list[str]) -> int | None:
    try:
        from kafka.admin import KafkaAdminClient
    except ImportError:
        return None
    admin = KafkaAdminClient(bootstrap_servers=servers, client_id="streamops-bench")
    try:
        wanted = set(names)
        return len([n for n in admin.list_topics() if n in wanted])
    finally:
        admin.close()


def report(label: str, seconds: float, count: int, baseline: float, result: dict[str, Any]) -> None:
    actions: dict[str, int] = {}
    for topic in result.get("topics", []):
        actions[topic["action"]] = actions.get(topic["action"], 0) + 1
    module = max(seconds - baseline, 0.001)
    print("%-22s %8.2fs wall  %8.2fs over baseline  %8.1f topics/s  changed=%s  actions=%s"
          % (label, seconds, module, count / module, result.get("changed"),
             ",".join("%s:%d" % kv for kv in sorted(actions.items()))))


def bench(servers: list[str], count: int, partitions: int, replication_factor: int, prefix: str,
          request_timeout_ms: int | None = None) -> int:
    names = ["%s%05d" % (prefix, i) for i in range(count)]
    topics = [dict(name=n) for n in names]
    common: dict[str, Any] = dict(wait_timeout=600)
    if request_timeout_ms:
        common["request_timeout_ms"] = request_timeout_ms
    options = dict(partitions=partitions, replication_factor=replication_factor, **common)

    baseline = run_playbook(playbook([{"name": "noop", "ansible.builtin.meta": "noop"}]))[0]
    print("baseline: empty ansible-playbook run %.2fs" % baseline)
    print("topics: %d x %d partition(s), replication factor %d, prefix %r"
          % (count, partitions, replication_factor, prefix))

    status = 0
    phases = (
        ("create", topic_task(servers, topics, **options)),
        ("no-op re-run", topic_task(servers, topics, **options)),
        ("delete", topic_task(servers, topics, state="absent", **common)),
    )
    for label, tasks in phases:
        seconds, data = run_playbook(playbook(tasks))
        result = task_result(data)
        report(label, seconds, count, baseline, result)
        for warning in result.get("warnings") or []:
            print("  warning: %s" % str(warning)[:500])
        if result.get("failed"):
            print("  FAILED: %s" % str(result.get("msg"))[:2000])
            status = 1
            if label == "create":
                break
        if label == "create":
            existing = count_existing(servers, names)
            if existing is not None:
                print("  verified with the admin client: %d of %d topics exist" % (existing, count))
    return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--bootstrap-servers", help="comma separated host:port list of a running cluster")
    target.add_argument("--start-cluster", type=int, metavar="BROKERS",
                        help="start 1 ZooKeeper + BROKERS brokers on 127.0.0.1 from the mirror tarballs")
    parser.add_argument("--count", type=int, default=1000, help="number of topics (default 1000)")
    parser.add_argument("--partitions", type=int, default=1, help="partitions per topic (default 1)")
    parser.add_argument("--replication-factor", type=int, default=1, help="replication factor (default 1)")
    parser.add_argument("--prefix", default="bench-topic-", help="topic name prefix (default bench-topic-)")
    parser.add_argument("--request-timeout-ms", type=int, help="request_timeout_ms of the tasks (module default)")
    args = parser.parse_args()

    if args.bootstrap_servers:
        servers = [s.strip() for s in args.bootstrap_servers.split(",") if s.strip()]
        return bench(servers, args.count, args.partitions, args.replication_factor, args.prefix,
                     args.request_timeout_ms)
    with loopback_cluster(args.start_cluster) as servers:
        return bench(servers, args.count, args.partitions, args.replication_factor, args.prefix,
                     args.request_timeout_ms)


if __name__ == "__main__":
    sys.exit(main())
