"""Benchmark: a rolling restart of a loopback 3-broker cluster under load (prints figures only).

For each mode asked for (``--mode zookeeper``: 1 ZooKeeper + 3 Kafka KAFKA_VERSION brokers;
``--mode kraft``: 3 combined KRaft nodes on KAFKA4_VERSION; tests/integration/cluster.py, from the
mirror tarballs), one cluster at a time:

  1. start the cluster,
  2. ``tests/load/kafka_load.py start``: an idempotent acks=all producer at ``--rate`` records/s to
     an RF 3, min.insync.replicas 2 topic,
  3. restart the brokers one by one (SIGTERM = controlled shutdown, or SIGKILL with ``--kill``),
     waiting after each until it is registered again and back in the ISR of every partition
     (KRaft: and the metadata quorum has caught up),
  4. ``kafka_load.py stop`` and ``verify``,

and prints acknowledged / lost / duplicates / failed sends / the longest produce stall / the time
partitions were offline / ack latency, plus each restart's duration. Exit code 1 when an
acknowledged record was lost (or the tool failed), 0 otherwise; there are no limits on time.

Usage::

    python tests/benchmarks/bench_rolling_load.py [--mode zookeeper[,kraft]] [--rate 100] [--kill]

Run it with the repository's .venv/bin/python (kafka-python).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parents[2]
LOAD = ROOT / "tests" / "load" / "kafka_load.py"
TOPIC = "bench-rolling-load"

sys.path.insert(0, str(ROOT / "tests" / "integration"))
import cluster  # noqa: E402  pylint: disable=import-error,wrong-import-position


@contextlib.contextmanager
def loopback_cluster(mode: str, base: Path) -> Iterator[Any]:
    """A started 3-broker cluster of the given mode (stopped on exit)."""
    if mode == "kraft":
        with cluster.KraftCluster(3, base / "kraft") as kc:
            kc.wait_quorum(90)
            yield kc
    else:
        with cluster.ZooKeeperEnsemble(1, base / "zk") as zk, \
                cluster.KafkaCluster(3, zk.connect_string, base / "kafka") as kc:
            yield kc


def load(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(LOAD), *args], capture_output=True, text=True, timeout=600, check=False)


def wait_full_isr(kc: Any, topic: str, timeout: float = 180.0) -> None:
    """Until every partition of the topic has a leader and all of its replicas in the ISR."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            with contextlib.closing(kc.admin_client(timeout_ms=5000)) as admin:
                meta = [t for t in admin.describe_topics([topic]) if t["name"] == topic][0]
            parts = meta["partitions"]
            last = [(p["partition_index"], p["leader_id"], sorted(p["isr_nodes"])) for p in parts]
            if parts and all(p["leader_id"] >= 0 and sorted(p["isr_nodes"]) == sorted(p["replica_nodes"])
                             for p in parts):
                return
        except Exception as e:  # pylint: disable=broad-except  # a broker just restarted: retried
            last = e
        time.sleep(0.25)
    raise RuntimeError("ISR of %s not complete after %.0fs: %r" % (topic, timeout, last))


def bench(mode: str, rate: float, kill: bool) -> int:
    base = Path(tempfile.mkdtemp(prefix="streamops-bench-load-"))
    state = base / "load"
    t0 = time.monotonic()
    try:
        with loopback_cluster(mode, base) as kc:
            print("%-9s cluster: 3 brokers up in %.1fs (Kafka %s)" % (mode, time.monotonic() - t0, kc.version))
            started = load("start", "--bootstrap", kc.bootstrap_servers, "--topic", TOPIC, "--state-dir", str(state),
                           "--rate", str(rate), "--partitions", "3", "--replication-factor", "3", "--min-insync", "2")
            if started.returncode != 0:
                print("%-9s load tool start FAILED:\n%s" % (mode, started.stderr))
                return 1
            try:
                wait_full_isr(kc, TOPIC)
                roll = time.monotonic()
                for i in range(kc.n):
                    t = time.monotonic()
                    kc.stop_node(i, kill=kill)
                    down = time.monotonic() - t
                    kc.start_node(i, wait=True)
                    wait_full_isr(kc, TOPIC)
                    if mode == "kraft":
                        kc.wait_quorum(120)
                    print("%-9s restart of broker %d (%s): %5.1fs  (stopped in %.1fs)"
                          % (mode, kc.node_id(i), "SIGKILL" if kill else "SIGTERM", time.monotonic() - t, down))
                roll = time.monotonic() - roll
            finally:
                stopped = load("stop", "--state-dir", str(state))
            verified = load("verify", "--bootstrap", kc.bootstrap_servers, "--topic", TOPIC, "--state-dir", str(state),
                            "--json")
        if verified.returncode not in (0, 1) or not verified.stdout.strip():
            print("%-9s verify FAILED (rc %d):\n%s" % (mode, verified.returncode, verified.stderr))
            return 1
        r = json.loads(verified.stdout)
        lat = r["ack_latency_ms"]
        print("%-9s roll of 3 brokers under %g records/s: %.1fs" % (mode, rate, roll))
        print("%-9s acked %d  lost %d  duplicates %d  failed sends %d  longest stall %d ms  offline %d ms"
              "  (ack latency p50 %s / p99 %s / max %s ms; %d offline interval(s); idempotence %s)"
              % (mode, r["acked"], r["lost"], r["duplicates"], r["failed_sends"], r["longest_stall_ms"],
                 r["offline_ms_total"], lat["p50"], lat["p99"], lat["max"], len(r["offline_intervals"]),
                 r["idempotence"]))
        if stopped.returncode != 0:
            print("%-9s load tool stop FAILED: %s" % (mode, stopped.stderr.strip()))
        if r["problems"]:
            print("%-9s verify: %s" % (mode, "; ".join(r["problems"])))
        return 0 if verified.returncode == 0 and stopped.returncode == 0 else 1
    finally:
        shutil.rmtree(base, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", default="zookeeper",
                        help="comma separated: zookeeper (1 ZooKeeper + 3 brokers), kraft (3 combined nodes)")
    parser.add_argument("--rate", type=float, default=100.0, help="records per second (default 100)")
    parser.add_argument("--kill", action="store_true", help="SIGKILL the brokers instead of a controlled shutdown")
    args = parser.parse_args()
    modes = [m.strip() for m in args.mode.split(",") if m.strip()]
    unknown = set(modes) - {"zookeeper", "kraft"}
    if unknown or not modes:
        parser.error("unknown mode(s): %s" % ", ".join(sorted(unknown)) if unknown else "no mode")
    status = 0
    for mode in modes:
        status |= bench(mode, args.rate, args.kill)
    return status


if __name__ == "__main__":
    sys.exit(main())
