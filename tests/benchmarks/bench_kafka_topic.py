"""Benchmark of streamops.kafka.kafka_topic on many topics in one task, beside its floor (prints figures only).

For each cluster, and each of ``--repeat`` rounds (fresh topic names every round), times:

  1. creating N topics (default 1000: 3 partitions, replication factor 2, one config key) in one
     kafka_topic task, and the floor: one bare kafka-python ``create_topics`` call for N others;
  2. the no-op re-run of the same task, and the floor: the bare ``describe_topics`` +
     ``describe_configs`` (the declared key) of the same N, which is what telling "nothing to do"
     needs;
  3. deleting the N topics in one task, and the floor: one bare ``delete_topics`` call,

plus an empty ansible-playbook run (Ansible's own start-up), which is subtracted from the module's
times before the ratio ``module / floor`` is printed (goal: <= 1.5). Medians over the rounds.
``--large 10000`` then creates and deletes that many topics (1 partition, replication factor 1,
the same key) in one task each, with the time and the module process's peak memory (its maximum
resident set, read through a wrapper interpreter).

There are no assertions on time; the script exits non-zero only when a task fails.

Usage::

    python tests/benchmarks/bench_kafka_topic.py --start-cluster 3 [--mode zookeeper,kraft]
    python tests/benchmarks/bench_kafka_topic.py --bootstrap-servers host:9092[,...]

``--start-cluster`` starts loopback clusters from the mirror tarballs (tests/integration/cluster.py):
1 ZooKeeper + N ZooKeeper-mode brokers (KAFKA_VERSION), then N combined KRaft nodes (KAFKA4_VERSION).
Run it with the repository's .venv/bin/python; ansible-playbook is taken from the same bin directory.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterator

ROOT = Path(__file__).resolve().parents[2]
TASK = "kafka_topic bench"
CONFIG = {"retention.ms": "86400000"}
GOAL = 1.5
# Floor as a process (Floor.process): one bare kafka-python call, nothing else.
PROCESS_FLOOR = """
import json, sys
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient
r = json.load(sys.stdin)
admin = KafkaAdminClient(bootstrap_servers=r["servers"], request_timeout_ms=600000)
if r["kind"] == "create":
    spec = dict(num_partitions=r["partitions"], replication_factor=r["replication_factor"], configs=r["config"])
    admin.create_topics(dict((n, dict(spec)) for n in r["names"]), timeout_ms=600000)
elif r["kind"] == "describe":
    admin.describe_topics(r["names"])
    admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, n, sorted(r["config"])) for n in r["names"]])
else:
    admin.delete_topics(r["names"], timeout_ms=600000)
admin.close()
"""

sys.path.insert(0, str(ROOT / "tests" / "integration"))
from ansible_runner import run_playbook as run_ansible_playbook  # noqa: E402  pylint: disable=import-error,wrong-import-position


def playbook(tasks: list[dict[str, Any]]) -> str:
    return json.dumps([{"name": "bench", "hosts": "localhost", "gather_facts": False, "tasks": tasks}])


def run_playbook(text: str, extra_env: dict[str, str] | None = None) -> tuple[float, dict[str, Any]]:
    """Run a playbook on localhost (tests/integration/ansible_runner.py); (wall seconds, parsed JSON output)."""
    start = time.monotonic()
    result = run_ansible_playbook(text, timeout=3600, extra_env=extra_env)
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


def cpu_busy(window: float = 0.5) -> float:
    """Fraction of the machine's CPU time busy over ``window`` seconds (/proc/stat)."""
    def sample() -> tuple[int, int]:
        with open("/proc/stat", encoding="ascii") as fh:
            values = [int(v) for v in fh.readline().split()[1:]]
        return sum(values), values[3] + values[4]    # total, idle + iowait
    total0, idle0 = sample()
    time.sleep(window)
    total1, idle1 = sample()
    return 1.0 - (idle1 - idle0) / max(total1 - total0, 1)


def quiet(limit: float = 0.25, seconds: float = 60) -> None:
    """Gate before each timed call: wait until the brokers are done with the previous phase's work
    (partition logs created or deleted in the background), i.e. the machine is nearly idle."""
    deadline = time.monotonic() + seconds
    while cpu_busy() > limit and time.monotonic() < deadline:
        pass


def timed(call: Callable[[], Any]) -> float:
    start = time.monotonic()
    call()
    return time.monotonic() - start


class Floor:
    """The bare kafka-python calls the module is compared with (one admin client, connected once)."""

    def __init__(self, servers: list[str]) -> None:
        from kafka.admin import KafkaAdminClient
        self.servers = servers
        self.admin = KafkaAdminClient(bootstrap_servers=servers, client_id="streamops-bench-floor",
                                      request_timeout_ms=600000)
        self.admin.describe_cluster()    # connected before the first timing

    def create(self, names: list[str], partitions: int, replication_factor: int) -> float:
        spec = dict(num_partitions=partitions, replication_factor=replication_factor, configs=dict(CONFIG))
        return timed(lambda: self.admin.create_topics(dict((n, dict(spec)) for n in names), timeout_ms=600000))

    def describe(self, names: list[str]) -> float:
        from kafka.admin import ConfigResource, ConfigResourceType

        def call() -> None:
            self.admin.describe_topics(names)
            self.admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, n, sorted(CONFIG)) for n in names])
        return timed(call)

    def delete(self, names: list[str]) -> float:
        return timed(lambda: self.admin.delete_topics(names, timeout_ms=600000))

    def process(self, kind: str, names: list[str], partitions: int = 0, replication_factor: int = 0) -> float:
        """The same bare call as a process of its own, as a runbook step runs it: the interpreter
        starts, imports kafka-python, connects, makes the one call, exits (seconds, wall)."""
        request = dict(servers=self.servers, kind=kind, names=names, partitions=partitions,
                       replication_factor=replication_factor, config=CONFIG)
        start = time.monotonic()
        subprocess.run([sys.executable, "-c", PROCESS_FLOOR], input=json.dumps(request), text=True, check=True)
        return time.monotonic() - start

    def existing(self, names: list[str]) -> int:
        wanted = set(names)
        return len([n for n in self.admin.list_topics() if n in wanted])

    def settle(self, names: list[str], want: int, seconds: float = 60) -> int:
        """How many of ``names`` exist once the count is ``want`` (metadata lags a create), or after ``seconds``."""
        deadline = time.monotonic() + seconds
        made = self.existing(names)
        while made != want and time.monotonic() < deadline:
            time.sleep(0.5)
            made = self.existing(names)
        return made

    def close(self) -> None:
        self.admin.close()


@contextlib.contextmanager
def loopback_cluster(mode: str, brokers: int, heap: str) -> Iterator[list[str]]:
    """ZooKeeper mode: 1 ZooKeeper + ``brokers`` brokers; KRaft: ``brokers`` combined nodes (cluster.py)."""
    from cluster import KafkaCluster, KraftCluster, ZooKeeperEnsemble  # pylint: disable=import-error

    base = Path(tempfile.mkdtemp(prefix="streamops-bench-"))
    start = time.monotonic()
    jvm = ["-Xmx%s" % heap, "-Xms%s" % heap]
    try:
        if mode == "zookeeper":
            with ZooKeeperEnsemble(1, base / "zk") as zk, \
                    KafkaCluster(brokers, zk.connect_string, base / "kafka", jvm_opts=jvm) as kc:
                print("cluster: ZooKeeper mode, Kafka %s, 1 ZooKeeper + %d brokers up in %.1fs"
                      % (kc.version, brokers, time.monotonic() - start))
                yield kc.addresses
        else:
            with KraftCluster(brokers, base / "kraft", jvm_opts=jvm) as kc:
                print("cluster: KRaft, Kafka %s, %d combined nodes up in %.1fs"
                      % (kc.version, brokers, time.monotonic() - start))
                yield kc.addresses
    finally:
        shutil.rmtree(base, ignore_errors=True)


def check(label: str, result: dict[str, Any]) -> bool:
    for warning in result.get("warnings") or []:
        print("  warning (%s): %s" % (label, str(warning)[:500]))
    if result.get("failed"):
        print("  FAILED (%s): %s" % (label, str(result.get("msg"))[:2000]))
        return False
    return True


def actions(result: dict[str, Any]) -> str:
    counts: dict[str, int] = {}
    for topic in result.get("topics", []):
        counts[topic["action"]] = counts.get(topic["action"], 0) + 1
    return ",".join("%s:%d" % kv for kv in sorted(counts.items()))


def memory_wrapper(directory: Path) -> tuple[Path, Path]:
    """An interpreter that runs the module with this Python and appends its peak RSS (KiB) to a file."""
    out = directory / "module-maxrss.txt"
    wrapper = directory / "python-maxrss"
    wrapper.write_text(
        "#!%s\nimport resource, subprocess, sys\n"
        "rc = subprocess.call([%r] + sys.argv[1:])\n"
        "with open(%r, 'a') as fh:\n"
        "    fh.write('%%d\\n' %% resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "sys.exit(rc)\n" % (sys.executable, sys.executable, str(out)))
    wrapper.chmod(0o755)
    return wrapper, out


def bench(servers: list[str], label: str, count: int, partitions: int, replication_factor: int,
          repeat: int, large: int) -> int:
    floor = Floor(servers)
    status = 0
    options: dict[str, Any] = dict(partitions=partitions, replication_factor=replication_factor,
                                   config=dict(CONFIG), wait_timeout=600)
    baselines: list[float] = []
    sides = ("module", "call", "process")    # kafka_topic, the bare call (warm client), the call as a process
    times: dict[tuple[str, str], list[float]] = dict(((side, phase), []) for side in sides
                                                     for phase in ("create", "noop", "delete"))
    try:
        for round_ in range(repeat):
            baselines.append(run_playbook(playbook([{"name": "noop", "ansible.builtin.meta": "noop"}]))[0])
            names = dict((side, ["bench-%s-%s%d-%05d" % (label, side[0], round_, i) for i in range(count)])
                         for side in sides)
            topics = [dict(name=n) for n in names["module"]]

            def module_side(phase: str, tasks: list[dict[str, Any]], expect_changed: bool) -> float:
                nonlocal status
                seconds, data = run_playbook(playbook(tasks))
                result = task_result(data)
                if not check(phase, result) or bool(result.get("changed")) is not expect_changed:
                    print("  unexpected %s result: changed=%s actions=%s" % (phase, result.get("changed"), actions(result)))
                    status = 1
                return seconds

            calls: dict[str, dict[str, Callable[[], float]]] = dict(
                create=dict(
                    module=lambda: module_side("create", topic_task(servers, topics, **options), True),
                    call=lambda: floor.create(names["call"], partitions, replication_factor),
                    process=lambda: floor.process("create", names["process"], partitions, replication_factor)),
                noop=dict(
                    module=lambda: module_side("noop", topic_task(servers, topics, **options), False),
                    call=lambda: floor.describe(names["call"]),
                    process=lambda: floor.process("describe", names["process"])),
                delete=dict(
                    module=lambda: module_side("delete", topic_task(servers, topics, state="absent", wait_timeout=600),
                                               True),
                    call=lambda: floor.delete(names["call"]),
                    process=lambda: floor.process("delete", names["process"])))
            everything = [n for side in sides for n in names[side]]
            for phase in ("create", "noop", "delete"):
                # Rotate who goes first, and gate each on a quiet machine, so that none meets the
                # brokers still busy with another's partitions.
                order = list(sides[round_ % 3:] + sides[:round_ % 3])
                for side in order:
                    quiet()
                    times[(side, phase)].append(calls[phase][side]())
                if phase == "create":
                    made = floor.settle(everything, len(everything))
                    if made != len(everything):
                        print("  only %d of %d topics exist after the create" % (made, len(everything)))
                        status = 1
            # Deletion is asynchronous (ZooKeeper mode above all): the next round waits until it is done.
            floor.settle(everything, 0, seconds=300)

        baseline = statistics.median(baselines)
        print("%s: %d topics x %d partitions, replication factor %d, config %s; median of %d round(s); "
              "empty ansible-playbook %.2fs (subtracted from kafka_topic)"
              % (label, count, partitions, replication_factor, json.dumps(CONFIG), repeat, baseline))
        print("  floor 'call': the bare kafka-python call on a connected client; 'process': the same call as a "
              "process of its own (start, import, connect, call)")
        for phase, floor_label in (("create", "create_topics"), ("noop", "describe_topics+describe_configs"),
                                   ("delete", "delete_topics")):
            module = max(statistics.median(times[("module", phase)]) - baseline, 0.001)
            call = max(statistics.median(times[("call", phase)]), 0.001)
            process = max(statistics.median(times[("process", phase)]), 0.001)
            print("  %-7s kafka_topic %6.2fs (%6.2fs wall) | %s: call %6.2fs, process %6.2fs | ratio to the call "
                  "%5.2f, to the process %5.2f  %s"
                  % (phase, module, module + baseline, floor_label, call, process, module / call, module / process,
                     "ok (<= %.1f)" % GOAL if module / process <= GOAL else "ABOVE the goal %.1f" % GOAL))
        if large:
            status |= bench_large(servers, label, large, baseline, floor)
    finally:
        floor.close()
    return status


def bench_large(servers: list[str], label: str, count: int, baseline: float, floor: Floor) -> int:
    directory = Path(tempfile.mkdtemp(prefix="streamops-bench-mem-"))
    wrapper, out = memory_wrapper(directory)
    names = ["bench-%s-large-%05d" % (label, i) for i in range(count)]
    status = 0
    try:
        for phase, tasks in (
                ("create", topic_task(servers, [dict(name=n) for n in names], partitions=1, replication_factor=1,
                                      config=dict(CONFIG), wait_timeout=1200, request_timeout_ms=600000)),
                ("delete", topic_task(servers, [dict(name=n) for n in names], state="absent", wait_timeout=1200,
                                      request_timeout_ms=600000))):
            out.write_text("")
            seconds, data = run_playbook(playbook(tasks), extra_env={"ANSIBLE_PYTHON_INTERPRETER": str(wrapper)})
            result = task_result(data)
            ok = check("large " + phase, result)
            status |= 0 if ok else 1
            rss = max([int(x) for x in out.read_text().split()] or [0])
            print("  %-7s %d topics x 1 partition in one task: %7.2fs (%.2fs wall)  module peak RSS %.0f MiB  %s"
                  % (phase, count, max(seconds - baseline, 0), seconds, rss / 1024.0,
                     actions(result) if ok else "FAILED"))
            if phase == "create" and ok:
                made = floor.settle(names, count)
                print("          verified with the admin client: %d of %d exist" % (made, count))
                status |= 0 if made == count else 1
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--bootstrap-servers", help="comma separated host:port list of a running cluster")
    target.add_argument("--start-cluster", type=int, metavar="BROKERS",
                        help="start loopback clusters of BROKERS brokers from the mirror tarballs")
    parser.add_argument("--mode", default="zookeeper,kraft",
                        help="with --start-cluster: zookeeper, kraft or both (default zookeeper,kraft)")
    parser.add_argument("--count", type=int, default=1000, help="number of topics (default 1000)")
    parser.add_argument("--partitions", type=int, default=3, help="partitions per topic (default 3)")
    parser.add_argument("--replication-factor", type=int, default=2, help="replication factor (default 2)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds, the medians are printed (default 3)")
    parser.add_argument("--large", type=int, default=0, help="then create and delete this many topics (e.g. 10000)")
    parser.add_argument("--heap", default="768m", help="broker heap with --start-cluster (default 768m)")
    args = parser.parse_args()
    os.environ.setdefault("ANSIBLE_PIPELINING", "True")
    # A terminated benchmark still stops the clusters it started (the context managers' cleanup).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    if args.bootstrap_servers:
        servers = [s.strip() for s in args.bootstrap_servers.split(",") if s.strip()]
        return bench(servers, "cluster", args.count, args.partitions, args.replication_factor, args.repeat, args.large)
    status = 0
    for mode in [m.strip() for m in args.mode.split(",") if m.strip()]:
        if mode not in ("zookeeper", "kraft"):
            raise SystemExit("--mode: zookeeper or kraft, got %r" % mode)
        with loopback_cluster(mode, args.start_cluster, args.heap) as servers:
            status |= bench(servers, mode, args.count, args.partitions, args.replication_factor, args.repeat,
                            args.large)
    return status


if __name__ == "__main__":
    sys.exit(main())
