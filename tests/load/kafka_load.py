"""Load tool that proves a rolling restart (or a migration) loses no acknowledged record.

An idempotent producer (kafka-python, ``acks=all``, ``enable_idempotence=True``) writes
sequence-numbered records at a steady rate to a topic (created when missing: replication factor
3, ``min.insync.replicas`` 2 by default) and records every acknowledged offset; a second thread
polls the topic's metadata and records every moment a partition had no leader. Afterwards the
verifier reads the topic back and reports what was acknowledged, what was lost (acknowledged but
absent), duplicates, the longest produce stall and the offline intervals.

Usage (stdlib + kafka-python only; run it with the repository's .venv/bin/python)::

    kafka_load.py start  --bootstrap 127.0.0.1:9092[,...] --topic T --state-dir DIR [--rate 100]
                         [--partitions 3] [--replication-factor 3] [--min-insync 2]
                         [--duration S] [--delivery-timeout-ms 240000]
    ... roll the cluster ...
    kafka_load.py stop   --state-dir DIR
    kafka_load.py verify --bootstrap 127.0.0.1:9092[,...] --topic T --state-dir DIR [--json]
                         [--max-offline-ms MS] [--max-duplicates N] [--min-acked N]

``start`` returns once the background producer has had its first record acknowledged (exit 0),
or fails with a message (exit 1). ``stop`` stops it and waits for it to exit (exit 1 when the
producer failed). ``verify`` prints a JSON report; exit 0 = nothing lost, 1 = acknowledged
records lost (or a threshold exceeded), 2 = the verification itself could not run.

Files in the state directory:

    run.json       run id, topic, bootstrap servers, rate (written by ``start``)
    producer.pid   pid of the background producer
    load.log       its stdout/stderr
    ready          created at the first acknowledgement
    acked.log      one line per acknowledged record: ``seq partition offset send_ms ack_ms``
    failed.log     one line per failed send: ``seq send_ms fail_ms error``
    metadata.log   one line per metadata poll: ``ts_ms ok`` / ``ts_ms offline 0,2`` / ``ts_ms error X``
    controller.log one line each time the poll sees a new active controller: ``monotonic_us id``
                   (CLOCK_MONOTONIC, the clock systemd's ``*TimestampMonotonic`` use: a test
                   matches it against when each broker stopped and started). Meaningful in
                   ZooKeeper mode only: KRaft brokers report a random live broker there.
    producer.json  summary written when the producer exits (status ok or error)
    stop           created by ``stop``; the producer also stops on SIGTERM

The accounting (lost/duplicates, stalls, offline intervals) is done by pure functions
(``account``, ``longest_stall``, ``merge_intervals``, ``offline_intervals``, ``controller_changes``)
that unit tests import.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
import uuid
from pathlib import Path
from typing import Any, Iterable, NamedTuple

LIST_LIMIT = 20  # how many lost/duplicate sequence numbers a report lists


# --------------------------------------------------------------------------------------------------
# pure accounting (imported by tests/unit/test_kafka_load.py)


class Ack(NamedTuple):
    seq: int
    partition: int
    offset: int
    send_ms: int
    ack_ms: int


class Failure(NamedTuple):
    seq: int
    send_ms: int
    fail_ms: int
    error: str


class Sample(NamedTuple):
    ts_ms: int
    state: str               # "ok", "offline" or "error" (metadata could not be read)
    partitions: tuple        # the partitions without a leader (state "offline")


def now_ms() -> int:
    return int(time.time() * 1000)


def parse_acked(lines: Iterable[str]) -> list[Ack]:
    """Ack records of acked.log lines; a torn last line (killed writer) is skipped."""
    out = []
    for line in lines:
        parts = line.split()
        if len(parts) != 5:
            continue
        try:
            out.append(Ack(*(int(p) for p in parts)))
        except ValueError:
            continue
    return out


def parse_failed(lines: Iterable[str]) -> list[Failure]:
    out = []
    for line in lines:
        parts = line.rstrip("\n").split(" ", 3)
        if len(parts) < 3:
            continue
        try:
            out.append(Failure(int(parts[0]), int(parts[1]), int(parts[2]), parts[3] if len(parts) > 3 else ""))
        except ValueError:
            continue
    return out


def parse_samples(lines: Iterable[str]) -> list[Sample]:
    out = []
    for line in lines:
        parts = line.split()
        if len(parts) < 2:
            continue
        try:
            ts = int(parts[0])
        except ValueError:
            continue
        partitions: tuple = ()
        if parts[1] == "offline" and len(parts) > 2:
            partitions = tuple(sorted(int(p) for p in parts[2].split(",") if p))
        if parts[1] in ("ok", "offline", "error"):
            out.append(Sample(ts, parts[1], partitions))
    return out


def controller_changes(lines: Iterable[str]) -> list[dict[str, int]]:
    """controller.log -> [{"us": monotonic microseconds, "id": controller id}], one entry per change."""
    out: list[dict[str, int]] = []
    for line in lines:
        try:
            us, cid = (int(x) for x in line.split())
        except ValueError:
            continue
        if not out or out[-1]["id"] != cid:
            out.append({"us": us, "id": cid})
    return out


def account(acked: Iterable[Ack], consumed: Iterable[tuple[int, int, int]],
            log_start: dict[int, int] | None = None, limit: int = LIST_LIMIT) -> dict[str, Any]:
    """Compare what the producer had acknowledged with what the topic holds.

    ``consumed``: (seq, partition, offset) of every record of this run read back. Returns counts:
    ``lost`` (acknowledged seqs absent from the topic), ``duplicates`` (extra copies of this run's
    records), ``offset_mismatches`` (acknowledged at one offset, found only elsewhere),
    ``lost_below_log_start`` (lost records whose acknowledged offset is below the partition's log
    start offset: deleted by retention or delete_records), plus the first ``limit`` seqs of each.
    """
    acked_at: dict[int, tuple[int, int]] = {}
    for a in acked:
        acked_at.setdefault(a.seq, (a.partition, a.offset))
    seen: dict[int, list[tuple[int, int]]] = {}
    consumed_count = 0
    for seq, partition, offset in consumed:
        consumed_count += 1
        seen.setdefault(seq, []).append((partition, offset))
    lost = sorted(s for s in acked_at if s not in seen)
    dups = sorted(s for s, where in seen.items() if len(where) > 1)
    mismatched = sorted(s for s, where in acked_at.items() if s in seen and where not in seen[s])
    below = [s for s in lost if log_start is not None
             and acked_at[s][1] < log_start.get(acked_at[s][0], 0)]
    return {
        "acked": len(acked_at),
        "consumed_of_run": consumed_count,
        "unique_consumed": len(seen),
        "lost": len(lost),
        "lost_seqs": lost[:limit],
        "lost_below_log_start": len(below),
        "duplicates": sum(len(seen[s]) - 1 for s in dups),
        "duplicate_seqs": dups[:limit],
        "offset_mismatches": len(mismatched),
        "offset_mismatch_seqs": mismatched[:limit],
        "unacked_present": len([s for s in seen if s not in acked_at]),
    }


def longest_stall(sends: Iterable[tuple[int, int, bool]]) -> dict[str, int]:
    """The longest interval with no acknowledgement while at least one send was pending.

    ``sends``: (send_ms, done_ms, acked) per record; done_ms is the acknowledgement time
    (acked=True) or the time the send failed (acked=False). A record is pending from send_ms to
    done_ms. The pending periods are merged into busy periods; acknowledgements split them and the
    longest piece is the stall: ``{"ms", "start_ms", "end_ms"}`` (all 0 without any send).
    """
    events = sorted((int(s), int(d), bool(ok)) for s, d, ok in sends)
    best = {"ms": 0, "start_ms": 0, "end_ms": 0}
    acks = sorted(done for _send, done, ok in events if ok)
    # busy periods: union of [send, done]
    busy: list[list[int]] = []
    for s, d, _ok in events:
        d = max(s, d)
        if busy and s <= busy[-1][1]:
            busy[-1][1] = max(busy[-1][1], d)
        else:
            busy.append([s, d])
    i = 0
    for start, end in busy:
        cursor = start
        while i < len(acks) and acks[i] < start:
            i += 1
        while i < len(acks) and acks[i] <= end:
            if acks[i] - cursor > best["ms"]:
                best = {"ms": acks[i] - cursor, "start_ms": cursor, "end_ms": acks[i]}
            cursor = acks[i]
            i += 1
        if end - cursor > best["ms"]:  # pending until the period ended (failures) without an ack
            best = {"ms": end - cursor, "start_ms": cursor, "end_ms": end}
    return best


def merge_intervals(intervals: Iterable[dict[str, Any]], gap_ms: int = 0) -> list[dict[str, Any]]:
    """Merge overlapping (or within ``gap_ms`` of each other) intervals ``{"start", "end",
    "partitions"}``; the merged ones carry the union of the partitions and ``ms``."""
    out: list[dict[str, Any]] = []
    for iv in sorted(intervals, key=lambda x: (x["start"], x["end"])):
        if out and iv["start"] <= out[-1]["end"] + gap_ms:
            last = out[-1]
            last["end"] = max(last["end"], iv["end"])
            last["partitions"] = sorted(set(last["partitions"]) | set(iv.get("partitions", ())))
        else:
            out.append({"start": iv["start"], "end": iv["end"],
                        "partitions": sorted(set(iv.get("partitions", ())))})
    for iv in out:
        iv["ms"] = iv["end"] - iv["start"]
    return out


def offline_intervals(samples: Iterable[Sample], end_ms: int | None = None) -> list[dict[str, Any]]:
    """Intervals in which some partition had no leader, from the metadata samples.

    An interval runs from the first sample that saw a partition offline to the next sample that
    saw it with a leader again (or ``end_ms``, or the last sample, when none did). Samples whose
    metadata could not be read ("error") neither start nor end one. Overlapping intervals are
    merged (merge_intervals).
    """
    open_since: dict[int, int] = {}
    raw = []
    last_ts = None
    for s in sorted(samples, key=lambda x: x.ts_ms):
        last_ts = s.ts_ms
        if s.state == "error":
            continue
        offline = set(s.partitions) if s.state == "offline" else set()
        for p in list(open_since):
            if p not in offline:
                raw.append({"start": open_since.pop(p), "end": s.ts_ms, "partitions": [p]})
        for p in offline:
            open_since.setdefault(p, s.ts_ms)
    close = end_ms if end_ms is not None else last_ts
    for p, start in open_since.items():
        raw.append({"start": start, "end": max(start, close or start), "partitions": [p]})
    return merge_intervals(raw)


def summarize(acked: list[Ack], failed: list[Failure], consumed: Iterable[tuple[int, int, int]],
              samples: list[Sample], run: dict[str, Any], producer: dict[str, Any] | None,
              log_start: dict[int, int] | None = None) -> dict[str, Any]:
    """The verify report (without the thresholds' verdict)."""
    report = account(acked, consumed, log_start)
    started = int(run.get("started_ms") or (min((a.send_ms for a in acked), default=0)))
    stopped = int((producer or {}).get("stopped_ms") or max((a.ack_ms for a in acked), default=started))
    stall = longest_stall([(a.send_ms, a.ack_ms, True) for a in acked]
                          + [(f.send_ms, f.fail_ms, False) for f in failed])
    offline = offline_intervals(samples, end_ms=stopped)
    latencies = sorted(a.ack_ms - a.send_ms for a in acked)
    duration = max(0.0, (stopped - started) / 1000.0)
    report.update({
        "run": run.get("run_id"),
        "topic": run.get("topic"),
        "failed_sends": len({f.seq for f in failed}),
        "failed_errors": sorted({f.error for f in failed})[:5],
        "sent": (producer or {}).get("sent"),
        "unresolved_at_exit": (producer or {}).get("unresolved"),
        "producer_status": (producer or {}).get("status", "unknown (no producer.json)"),
        "idempotence": (producer or {}).get("idempotence"),
        "longest_stall_ms": stall["ms"],
        "longest_stall": stall,
        "ack_latency_ms": {
            "p50": latencies[len(latencies) // 2] if latencies else None,
            "p99": latencies[min(len(latencies) - 1, (len(latencies) * 99) // 100)] if latencies else None,
            "max": latencies[-1] if latencies else None,
        },
        "offline_intervals": offline,
        "offline_ms_total": sum(iv["ms"] for iv in offline),
        "metadata_samples": len(samples),
        "metadata_errors": len([s for s in samples if s.state == "error"]),
        "rate": run.get("rate"),
        "achieved_rate": round(report["acked"] / duration, 1) if duration else None,
        "duration_s": round(duration, 1),
    })
    return report


def verdict(report: dict[str, Any], max_offline_ms: int | None = None, max_duplicates: int | None = None,
            min_acked: int = 1) -> list[str]:
    """Why the run fails (empty list: it passes)."""
    problems = []
    if report["lost"] > 0:
        problems.append("%d acknowledged record(s) lost (first seqs %s)" % (report["lost"], report["lost_seqs"][:5]))
    if report["acked"] < min_acked:
        problems.append("only %d record(s) acknowledged (at least %d wanted)" % (report["acked"], min_acked))
    if max_duplicates is not None and report["duplicates"] > max_duplicates:
        problems.append("%d duplicate(s) > %d" % (report["duplicates"], max_duplicates))
    if max_offline_ms is not None and report["offline_ms_total"] > max_offline_ms:
        problems.append("partitions offline %d ms > %d ms" % (report["offline_ms_total"], max_offline_ms))
    return problems


# --------------------------------------------------------------------------------------------------
# state directory


class State:
    def __init__(self, directory: str | Path) -> None:
        self.dir = Path(directory)

    def path(self, name: str) -> Path:
        return self.dir / name

    def read_json(self, name: str) -> dict[str, Any] | None:
        try:
            return json.loads(self.path(name).read_text())
        except (OSError, ValueError):
            return None

    def write_json(self, name: str, data: dict[str, Any]) -> None:
        tmp = self.path(name + ".tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
        os.replace(tmp, self.path(name))

    def lines(self, name: str) -> list[str]:
        try:
            return self.path(name).read_text().splitlines()
        except OSError:
            return []

    def pid(self) -> int | None:
        try:
            return int(self.path("producer.pid").read_text().strip())
        except (OSError, ValueError):
            return None


def pid_alive(pid: int | None) -> bool:
    """True while the process exists and is not a zombie."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open("/proc/%d/stat" % pid, encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def servers(text: str) -> list[str]:
    return [s.strip() for s in text.split(",") if s.strip()]


def log(msg: str) -> None:
    print("%s %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


# --------------------------------------------------------------------------------------------------
# topic


def ensure_topic(bootstrap: list[str], topic: str, partitions: int, rf: int, min_insync: int,
                 timeout_s: float = 60.0) -> dict[str, Any]:
    """Create the topic when missing; wait until every partition has a leader; describe it."""
    from kafka import KafkaAdminClient  # pylint: disable=import-outside-toplevel
    from kafka.errors import TopicAlreadyExistsError  # pylint: disable=import-outside-toplevel

    deadline = time.monotonic() + timeout_s
    last: Exception | None = None
    # Whether the topic was missing when first listed: a create whose answer is lost (a timeout,
    # a broker that just went away) may have created it, and the retry then finds it there.
    missing: bool | None = None
    while time.monotonic() < deadline:
        try:
            left_ms = max(1000, int((deadline - time.monotonic()) * 1000))
            config: dict[str, Any] = {"bootstrap_servers": bootstrap, "client_id": "streamops-load-admin",
                                      "request_timeout_ms": min(15000, left_ms)}
            if "bootstrap_timeout_ms" in KafkaAdminClient.DEFAULT_CONFIG:
                config["bootstrap_timeout_ms"] = min(15000, left_ms)
            admin = KafkaAdminClient(**config, **CLIENT_CONFIG)
        except Exception as e:  # pylint: disable=broad-except  # brokers not up yet: retried
            last = e
            time.sleep(1)
            continue
        try:
            exists = topic in admin.list_topics()
            if missing is None:
                missing = not exists
            if not exists:
                try:
                    admin.create_topics({topic: {"num_partitions": partitions, "replication_factor": rf,
                                                 "configs": {"min.insync.replicas": str(min_insync)}}})
                except TopicAlreadyExistsError:
                    pass
            admin.wait_for_topics([topic], timeout_ms=max(1000, int((deadline - time.monotonic()) * 1000)))
            meta = [t for t in admin.describe_topics([topic]) if t.get("name") == topic][0]
            parts = meta["partitions"]
            return {"created": bool(missing), "partitions": len(parts),
                    "replication_factor": min(len(p.get("replica_nodes") or []) for p in parts)}
        except Exception as e:  # pylint: disable=broad-except  # metadata not settled yet: retried
            last = e
            time.sleep(1)
        finally:
            admin.close()
    raise RuntimeError("topic %s not ready after %.0fs: %r" % (topic, timeout_s, last))


def offline_partitions(meta: dict[str, Any]) -> list[int]:
    """Partitions of a describe_topics() entry without a leader."""
    return sorted(p["partition_index"] for p in meta.get("partitions", [])
                  if p.get("leader_id", -1) < 0 or p.get("error_code", 0) not in (0, None))


# --------------------------------------------------------------------------------------------------
# background producer


class Recorder:
    """Appends acknowledgements and failures to the state files (called from kafka-python's
    sender thread: future.add_callback(f, *args) calls f(*args, value)), line-buffered so that a
    killed producer loses at most a torn line."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.lock = threading.Lock()
        # pylint: disable-next=consider-using-with  # closed in close()
        self.acked = state.path("acked.log").open("a", buffering=1, encoding="ascii")
        # pylint: disable-next=consider-using-with
        self.failed = state.path("failed.log").open("a", buffering=1, encoding="utf-8")
        self.n_acked = 0
        self.n_failed = 0
        self.last_error = ""

    def on_ack(self, seq: int, send_ms: int, metadata: Any) -> None:
        with self.lock:
            self.acked.write("%d %d %d %d %d\n" % (seq, metadata.partition, metadata.offset, send_ms, now_ms()))
            self.n_acked += 1
            if self.n_acked == 1:
                self.state.path("ready").write_text("%d\n" % now_ms())

    def on_error(self, seq: int, send_ms: int, exc: BaseException) -> None:
        error = (type(exc).__name__ + ": " + str(exc)).replace("\n", " ")[:300]
        with self.lock:
            self.failed.write("%d %d %d %s\n" % (seq, send_ms, now_ms(), error))
            self.n_failed += 1
            self.last_error = error

    def close(self) -> None:
        with self.lock:
            self.acked.close()
            self.failed.close()


def poll_metadata(state: State, bootstrap: list[str], topic: str, interval: float,
                  stop: threading.Event) -> None:
    """Every ``interval`` seconds: one metadata.log line (ok / offline P,P / error X), and a
    controller.log line when the active controller differs from the last one seen."""
    from kafka import KafkaAdminClient  # pylint: disable=import-outside-toplevel

    admin = None
    controller = None
    with state.path("metadata.log").open("a", buffering=1, encoding="ascii") as out, \
            state.path("controller.log").open("a", buffering=1, encoding="ascii") as controllers:
        while not stop.is_set():
            tick = time.monotonic()
            try:
                if admin is None:
                    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="streamops-load-meta",
                                             request_timeout_ms=5000, **CLIENT_CONFIG)
                seen = admin.describe_cluster().get("controller_id")
                if seen is not None and seen >= 0 and seen != controller:
                    controller = seen
                    controllers.write("%d %d\n" % (time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000, seen))
                meta = [t for t in admin.describe_topics([topic]) if t.get("name") == topic]
                if not meta or meta[0].get("error_code", 0):
                    out.write("%d error topic-%s\n" % (now_ms(), meta[0].get("error_code") if meta else "missing"))
                else:
                    offline = offline_partitions(meta[0])
                    out.write("%d offline %s\n" % (now_ms(), ",".join(map(str, offline))) if offline
                              else "%d ok\n" % now_ms())
            except Exception as e:  # pylint: disable=broad-except  # a broker just went away: recorded
                out.write("%d error %s\n" % (now_ms(), type(e).__name__))
                if admin is not None:
                    try:
                        admin.close()
                    except Exception:  # pylint: disable=broad-except
                        pass
                    admin = None
            stop.wait(max(0.0, interval - (time.monotonic() - tick)))
    if admin is not None:
        admin.close()


def run_producer(state: State) -> int:
    """The background producer (``_run``): send at a steady rate until SIGTERM / the stop file."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from kafka import KafkaProducer  # pylint: disable=import-outside-toplevel

    run = state.read_json("run.json") or {}
    load_client_config(run.get("client_config"))
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    summary: dict[str, Any] = {"run_id": run.get("run_id"), "topic": run.get("topic"), "pid": os.getpid(),
                               "started_ms": now_ms(), "status": "running"}
    recorder = Recorder(state)
    poller = threading.Thread(target=poll_metadata, name="metadata-poller", daemon=True,
                              args=(state, run["bootstrap"], run["topic"], run["metadata_interval"], stop))
    producer = None
    sent = 0
    try:
        producer = KafkaProducer(
            **CLIENT_CONFIG,
            bootstrap_servers=run["bootstrap"],
            client_id="streamops-load-" + run["run_id"],
            acks="all",
            enable_idempotence=True,
            retries=2 ** 31 - 1,
            max_in_flight_requests_per_connection=5,
            delivery_timeout_ms=run["delivery_timeout_ms"],
            request_timeout_ms=10000,
            linger_ms=5,
            max_block_ms=60000,
            retry_backoff_ms=100,
            reconnect_backoff_max_ms=1000,
        )
        summary["idempotence"] = bool(producer.config["enable_idempotence"])
        log("producer up (idempotence=%s), sending %s records/s to %s, run %s"
            % (summary["idempotence"], run["rate"], run["topic"], run["run_id"]))
        poller.start()
        period = 1.0 / float(run["rate"])
        t0 = time.monotonic()
        until = t0 + run["duration"] if run.get("duration") else None
        while not stop.is_set():
            if state.path("stop").exists() or (until and time.monotonic() >= until):
                break
            seq = sent
            send_ms = now_ms()
            value = json.dumps({"run": run["run_id"], "seq": seq, "ts": send_ms}).encode()
            try:
                future = producer.send(run["topic"], key=b"%d" % seq, value=value)
                future.add_callback(recorder.on_ack, seq, send_ms)
                future.add_errback(recorder.on_error, seq, send_ms)
            except Exception as e:  # pylint: disable=broad-except  # e.g. buffer full: a failed send
                recorder.on_error(seq, send_ms, e)
            sent += 1
            # steady rate: the next send is due at t0 + sent * period (no catch-up bursts after a block)
            delay = t0 + sent * period - time.monotonic()
            if delay < -1.0:
                t0 -= delay
            elif delay > 0:
                stop.wait(delay)
        log("stopping: %d sent, flushing (up to %d ms)" % (sent, run["delivery_timeout_ms"]))
        producer.flush(timeout=run["delivery_timeout_ms"] / 1000.0 + 5)
        summary["status"] = "ok"
    except Exception as e:  # pylint: disable=broad-except  # reported in producer.json
        summary["status"] = "error"
        summary["error"] = "%s: %s" % (type(e).__name__, e)
        traceback.print_exc()
    finally:
        if producer is not None:
            try:
                producer.close(timeout=10)
            except Exception:  # pylint: disable=broad-except
                traceback.print_exc()
        stop.set()
        if poller.is_alive():
            poller.join(10)
        recorder.close()
        summary.update({"stopped_ms": now_ms(), "sent": sent, "acked": recorder.n_acked,
                        "failed": recorder.n_failed, "last_error": recorder.last_error,
                        "unresolved": sent - recorder.n_acked - recorder.n_failed})
        state.write_json("producer.json", summary)
        log("producer exited: %s" % json.dumps(summary, sort_keys=True))
    return 0 if summary["status"] == "ok" else 1


# Security options of every client (kafka-python keyword arguments: security_protocol, ssl_cafile,
# sasl_mechanism, sasl_plain_username, sasl_plain_password, ...), from the JSON file --client-config names.
CLIENT_CONFIG: dict[str, Any] = {}


def load_client_config(path: str | None) -> None:
    """Read --client-config (a JSON object) into CLIENT_CONFIG; empty or None leaves it empty."""
    CLIENT_CONFIG.clear()
    if path:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if not isinstance(data, dict):
            raise ValueError("--client-config %s must hold a JSON object, got %s" % (path, type(data).__name__))
        CLIENT_CONFIG.update(data)


# --------------------------------------------------------------------------------------------------
# commands


def cmd_start(args: argparse.Namespace) -> int:
    state = State(args.state_dir)
    state.dir.mkdir(parents=True, exist_ok=True)
    if state.path("run.json").exists():
        print("error: %s already holds a run (run.json); use a fresh state dir" % state.dir, file=sys.stderr)
        return 2
    bootstrap = servers(args.bootstrap)
    try:
        load_client_config(args.client_config)
        topic = ensure_topic(bootstrap, args.topic, args.partitions, args.replication_factor, args.min_insync,
                             timeout_s=args.ready_timeout)
    except Exception as e:  # pylint: disable=broad-except
        print("error: %s" % e, file=sys.stderr)
        return 1
    if topic["replication_factor"] != args.replication_factor:
        print("warning: topic %s exists with replication factor %d (not %d)"
              % (args.topic, topic["replication_factor"], args.replication_factor), file=sys.stderr)
    run = {"run_id": uuid.uuid4().hex[:12], "topic": args.topic, "bootstrap": bootstrap, "rate": args.rate,
           "duration": args.duration, "delivery_timeout_ms": args.delivery_timeout_ms,
           "metadata_interval": args.metadata_interval, "started_ms": now_ms(),
           "client_config": os.path.abspath(args.client_config) if args.client_config else None, **{"topic_" + k: v for k, v in topic.items()}}
    state.write_json("run.json", run)
    with state.path("load.log").open("ab") as out:
        proc = subprocess.Popen(  # pylint: disable=consider-using-with  # the daemon outlives us
            [sys.executable, os.path.abspath(__file__), "_run", "--state-dir", str(state.dir)],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            close_fds=True)
    state.path("producer.pid").write_text("%d\n" % proc.pid)
    deadline = time.monotonic() + args.ready_timeout
    while time.monotonic() < deadline:
        if state.path("ready").exists():
            print(json.dumps({"started": True, "pid": proc.pid, "run_id": run["run_id"], "topic": args.topic,
                              "state_dir": str(state.dir), **topic}))
            return 0
        if proc.poll() is not None:
            print("error: the producer exited (rc %s) before its first acknowledgement; tail of %s:\n%s"
                  % (proc.returncode, state.path("load.log"), "\n".join(state.lines("load.log")[-30:])),
                  file=sys.stderr)
            return 1
        time.sleep(0.1)
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
    print("error: no record acknowledged within %.0fs; tail of %s:\n%s"
          % (args.ready_timeout, state.path("load.log"), "\n".join(state.lines("load.log")[-30:])), file=sys.stderr)
    return 1


def cmd_stop(args: argparse.Namespace) -> int:
    state = State(args.state_dir)
    pid = state.pid()
    if pid is None:
        print("error: no producer.pid in %s" % state.dir, file=sys.stderr)
        return 2
    state.path("stop").write_text("%d\n" % now_ms())
    if pid_alive(pid):
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + args.timeout
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    if pid_alive(pid):  # stuck (e.g. waiting on a cluster that is gone): killed, never left behind
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        print("error: producer %d still running after %.0fs: killed" % (pid, args.timeout), file=sys.stderr)
        return 1
    summary = state.read_json("producer.json")
    if summary is None:
        print("error: producer %d died without writing producer.json; tail of load.log:\n%s"
              % (pid, "\n".join(state.lines("load.log")[-30:])), file=sys.stderr)
        return 1
    print(json.dumps(summary, sort_keys=True))
    if summary.get("status") != "ok":
        print("error: the producer failed: %s" % summary.get("error"), file=sys.stderr)
        return 1
    return 0


def consume_run(bootstrap: list[str], topic: str, run_id: str,
                timeout_s: float) -> tuple[list[tuple[int, int, int]], dict[int, int], dict[int, int]]:
    """Every record of run ``run_id`` in the topic, from the beginning to the end offsets:
    ((seq, partition, offset) list, log start offsets, end offsets)."""
    from kafka import KafkaConsumer, TopicPartition  # pylint: disable=import-outside-toplevel

    consumer = KafkaConsumer(**CLIENT_CONFIG, bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                             auto_offset_reset="earliest", client_id="streamops-load-verify",
                             request_timeout_ms=30000)
    try:
        deadline = time.monotonic() + timeout_s
        parts = None
        while not parts:
            parts = consumer.partitions_for_topic(topic)
            if not parts:
                if time.monotonic() > deadline:
                    raise RuntimeError("topic %s has no partitions in the metadata" % topic)
                time.sleep(0.5)
        tps = [TopicPartition(topic, p) for p in sorted(parts)]
        consumer.assign(tps)
        start = consumer.beginning_offsets(tps, timeout_ms=30000)
        end = consumer.end_offsets(tps, timeout_ms=30000)
        consumer.seek_to_beginning(*tps)
        out = []
        pending = {tp for tp in tps if end[tp] > start[tp]}
        while pending:
            if time.monotonic() > deadline:
                raise RuntimeError("consuming %s: not at the end offsets after %.0fs (pending %s)"
                                   % (topic, timeout_s, sorted(tp.partition for tp in pending)))
            for tp, records in consumer.poll(timeout_ms=1000, max_records=5000).items():
                for r in records:
                    if r.offset >= end[tp]:
                        continue
                    try:
                        value = json.loads(r.value)
                    except (ValueError, TypeError):
                        continue
                    if isinstance(value, dict) and value.get("run") == run_id:
                        out.append((int(value["seq"]), tp.partition, r.offset))
            pending = {tp for tp in pending if consumer.position(tp) < end[tp]}
        return (out, {tp.partition: off for tp, off in start.items()},
                {tp.partition: off for tp, off in end.items()})
    finally:
        consumer.close()


def cmd_verify(args: argparse.Namespace) -> int:
    state = State(args.state_dir)
    run = state.read_json("run.json")
    if run is None:
        print("error: no run.json in %s (was `start` run with this state dir?)" % state.dir, file=sys.stderr)
        return 2
    topic = args.topic or run["topic"]
    load_client_config(run.get("client_config"))
    if pid_alive(state.pid()) and not args.allow_running:
        print("error: the producer (pid %s) is still running: `stop` it first" % state.pid(), file=sys.stderr)
        return 2
    try:
        consumed, log_start, end = consume_run(servers(args.bootstrap) if args.bootstrap else run["bootstrap"],
                                               topic, run["run_id"], args.timeout)
    except Exception as e:  # pylint: disable=broad-except
        print("error: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        return 2
    acked = parse_acked(state.lines("acked.log"))
    if args.allow_running:  # acknowledged after the end offsets were read: not judged
        acked = [a for a in acked if a.offset < end.get(a.partition, 0)]
    report = summarize(acked, parse_failed(state.lines("failed.log")), consumed,
                       parse_samples(state.lines("metadata.log")), run, state.read_json("producer.json"), log_start)
    report["log_start_offsets"] = log_start
    report["end_offsets"] = end
    report["controller_changes"] = controller_changes(state.lines("controller.log"))
    problems = verdict(report, args.max_offline_ms, args.max_duplicates, args.min_acked)
    report["ok"] = not problems
    report["problems"] = problems
    if args.json:
        print(json.dumps(report, sort_keys=True))
    else:
        print(json.dumps(report, indent=2, sort_keys=True))
        print("verify: %s (acked %d, lost %d, duplicates %d, failed sends %d, longest stall %d ms, offline %d ms)"
              % ("OK" if not problems else "FAILED: " + "; ".join(problems), report["acked"], report["lost"],
                 report["duplicates"], report["failed_sends"], report["longest_stall_ms"], report["offline_ms_total"]))
    return 0 if not problems else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("start", help="create the topic, start the background producer, wait for its first ack")
    p.add_argument("--bootstrap", required=True, help="host:port[,host:port...]")
    p.add_argument("--topic", required=True)
    p.add_argument("--state-dir", required=True)
    p.add_argument("--rate", type=float, default=100.0, help="records per second (default 100)")
    p.add_argument("--partitions", type=int, default=3)
    p.add_argument("--replication-factor", type=int, default=3)
    p.add_argument("--min-insync", type=int, default=2, help="min.insync.replicas of a created topic (default 2)")
    p.add_argument("--duration", type=float, default=0, help="stop by itself after this many seconds (0: run until stopped)")
    p.add_argument("--delivery-timeout-ms", type=int, default=240000,
                   help="how long a record may be retried before it counts as failed (default 240000)")
    p.add_argument("--metadata-interval", type=float, default=0.25, help="seconds between metadata polls (default 0.25)")
    p.add_argument("--ready-timeout", type=float, default=60.0, help="seconds allowed for the topic and for the first ack (default 60 each)")
    p.add_argument("--client-config", help="JSON file of kafka-python security options for every client (TLS, SASL); "
                                           "kept by path for the run and its verify")
    p.set_defaults(func=cmd_start)

    p = sub.add_parser("stop", help="stop the background producer and wait for it to exit")
    p.add_argument("--state-dir", required=True)
    p.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for it to exit (default 300)")
    p.set_defaults(func=cmd_stop)

    p = sub.add_parser("verify", help="read the topic back and report acked/lost/duplicates/stall/offline")
    p.add_argument("--bootstrap", help="host:port[,host:port...] (default: the run's)")
    p.add_argument("--topic", help="(default: the run's)")
    p.add_argument("--state-dir", required=True)
    p.add_argument("--json", action="store_true", help="one line of JSON only")
    p.add_argument("--max-offline-ms", type=int, help="fail when partitions were offline longer in total")
    p.add_argument("--max-duplicates", type=int, help="fail when there are more duplicates")
    p.add_argument("--min-acked", type=int, default=1, help="fail with fewer acknowledged records (default 1)")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds allowed for reading the topic (default 120)")
    p.add_argument("--allow-running", action="store_true", help="verify while the producer still runs")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("_run", help=argparse.SUPPRESS)
    p.add_argument("--state-dir", required=True)
    p.set_defaults(func=lambda a: run_producer(State(a.state_dir)))

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
