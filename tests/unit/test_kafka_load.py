"""The pure accounting of tests/load/kafka_load.py: lost/duplicate detection, produce stalls,
offline intervals, the state file parsers and the verdict."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[1] / "load" / "kafka_load.py"
_SPEC = importlib.util.spec_from_file_location("kafka_load", _PATH)
kafka_load = importlib.util.module_from_spec(_SPEC)
sys.modules["kafka_load"] = kafka_load  # NamedTuples and dataclass-like helpers resolve their module
_SPEC.loader.exec_module(kafka_load)

Ack = kafka_load.Ack
Sample = kafka_load.Sample


def acks(*specs):
    """Ack(seq, partition, offset, send_ms=seq*10, ack_ms=seq*10+5) for (seq, partition, offset) triples."""
    return [Ack(s, p, o, s * 10, s * 10 + 5) for s, p, o in specs]


# --------------------------------------------------------------------------------------------------
# account: lost, duplicates, offset mismatches


def test_nothing_lost_when_every_ack_is_read_back():
    acked = acks((0, 0, 0), (1, 1, 0), (2, 0, 1))
    res = kafka_load.account(acked, [(0, 0, 0), (1, 1, 0), (2, 0, 1)])
    assert res["acked"] == 3 and res["consumed_of_run"] == 3 and res["unique_consumed"] == 3
    assert res["lost"] == 0 and res["lost_seqs"] == []
    assert res["duplicates"] == 0 and res["offset_mismatches"] == 0 and res["unacked_present"] == 0


def test_an_acknowledged_record_missing_from_the_topic_is_lost():
    acked = acks((0, 0, 0), (1, 1, 0), (2, 0, 1), (3, 2, 0))
    res = kafka_load.account(acked, [(0, 0, 0), (2, 0, 1)])
    assert res["lost"] == 2
    assert res["lost_seqs"] == [1, 3]


def test_lost_seqs_are_sorted_and_limited_but_counted_in_full():
    acked = acks(*[(s, 0, s) for s in range(100)])
    res = kafka_load.account(reversed(acked), [], limit=5)
    assert res["lost"] == 100
    assert res["lost_seqs"] == [0, 1, 2, 3, 4]


def test_duplicates_count_every_extra_copy():
    acked = acks((0, 0, 0), (1, 0, 1))
    consumed = [(0, 0, 0), (1, 0, 1), (1, 0, 2), (1, 0, 3), (0, 0, 4)]
    res = kafka_load.account(acked, consumed)
    assert res["duplicates"] == 3          # seq 1 twice more, seq 0 once more
    assert res["duplicate_seqs"] == [0, 1]
    assert res["lost"] == 0 and res["consumed_of_run"] == 5 and res["unique_consumed"] == 2


def test_a_record_found_only_at_another_offset_is_a_mismatch_not_a_loss():
    res = kafka_load.account(acks((0, 0, 7)), [(0, 1, 3)])
    assert res["lost"] == 0
    assert res["offset_mismatches"] == 1 and res["offset_mismatch_seqs"] == [0]


def test_records_present_without_ack_are_reported_apart():
    res = kafka_load.account(acks((0, 0, 0)), [(0, 0, 0), (1, 0, 1)])
    assert res["unacked_present"] == 1 and res["lost"] == 0


def test_lost_below_the_log_start_offset_is_told_apart():
    acked = acks((0, 0, 0), (1, 0, 1), (2, 1, 0), (3, 1, 5))
    res = kafka_load.account(acked, [], log_start={0: 2, 1: 1})
    assert res["lost"] == 4
    assert res["lost_below_log_start"] == 3  # seq 3 at offset 5 >= 1 was lost otherwise


def test_a_seq_acked_twice_counts_once():
    acked = [Ack(0, 0, 0, 1, 2), Ack(0, 0, 0, 1, 2)]
    assert kafka_load.account(acked, [(0, 0, 0)])["acked"] == 1


# --------------------------------------------------------------------------------------------------
# longest_stall


def test_no_sends_no_stall():
    assert kafka_load.longest_stall([]) == {"ms": 0, "start_ms": 0, "end_ms": 0}


def test_steady_acks_give_the_largest_gap_between_them():
    # a send every 10 ms, acked 5 ms later, except seq 5 waits until 400 ms (a leader moving)
    sends = [(t, t + 5, True) for t in range(0, 200, 10) if t != 50] + [(50, 400, True)]
    stall = kafka_load.longest_stall(sends)
    # other records keep being acked until 195; after that only seq 5 is pending until 400
    assert stall == {"ms": 205, "start_ms": 195, "end_ms": 400}


def test_stall_starts_at_the_first_pending_send_not_at_the_previous_ack():
    # idle between 5 (last ack) and 1000 (next send): nothing pending, so no stall
    sends = [(0, 5, True), (1000, 1300, True)]
    assert kafka_load.longest_stall(sends) == {"ms": 300, "start_ms": 1000, "end_ms": 1300}


def test_pending_sends_that_end_in_failure_are_a_stall():
    sends = [(0, 10, True), (20, 5000, False), (30, 5000, False)]
    stall = kafka_load.longest_stall(sends)
    assert stall == {"ms": 4980, "start_ms": 20, "end_ms": 5000}


def test_all_records_pending_together_count_from_the_first_send():
    sends = [(100, 900, True), (200, 900, True), (300, 950, True)]
    assert kafka_load.longest_stall(sends) == {"ms": 800, "start_ms": 100, "end_ms": 900}


def test_stall_is_independent_of_input_order():
    sends = [(t, t + 5, True) for t in range(0, 100, 10)] + [(100, 700, True)]
    assert kafka_load.longest_stall(reversed(sends)) == kafka_load.longest_stall(sends)
    assert kafka_load.longest_stall(sends)["ms"] == 600


# --------------------------------------------------------------------------------------------------
# merge_intervals and offline_intervals


def test_merge_overlapping_and_touching_intervals_unions_partitions():
    merged = kafka_load.merge_intervals([
        {"start": 50, "end": 60, "partitions": [2]},
        {"start": 0, "end": 10, "partitions": [0]},
        {"start": 5, "end": 20, "partitions": [1]},
        {"start": 20, "end": 30, "partitions": [0]},
    ])
    assert merged == [
        {"start": 0, "end": 30, "partitions": [0, 1], "ms": 30},
        {"start": 50, "end": 60, "partitions": [2], "ms": 10},
    ]


def test_merge_with_a_gap_allowance():
    ivs = [{"start": 0, "end": 10, "partitions": [0]}, {"start": 15, "end": 20, "partitions": [1]}]
    assert len(kafka_load.merge_intervals(ivs)) == 2
    assert kafka_load.merge_intervals(ivs, gap_ms=5) == [{"start": 0, "end": 20, "partitions": [0, 1], "ms": 20}]


def test_merge_of_a_contained_interval_keeps_the_outer_end():
    ivs = [{"start": 0, "end": 100, "partitions": [0]}, {"start": 10, "end": 20, "partitions": [0]}]
    assert kafka_load.merge_intervals(ivs) == [{"start": 0, "end": 100, "partitions": [0], "ms": 100}]


def test_all_online_samples_give_no_interval():
    samples = [Sample(t, "ok", ()) for t in range(0, 1000, 250)]
    assert not kafka_load.offline_intervals(samples)


def test_offline_interval_runs_from_first_offline_to_first_online_sample():
    samples = [Sample(0, "ok", ()), Sample(250, "offline", (1,)), Sample(500, "offline", (1,)),
               Sample(750, "ok", ()), Sample(1000, "ok", ())]
    assert kafka_load.offline_intervals(samples) == [{"start": 250, "end": 750, "partitions": [1], "ms": 500}]


def test_overlapping_partition_outages_merge():
    samples = [Sample(0, "offline", (0,)), Sample(100, "offline", (0, 2)), Sample(200, "offline", (2,)),
               Sample(300, "ok", ()), Sample(400, "offline", (1,)), Sample(500, "ok", ())]
    assert kafka_load.offline_intervals(samples) == [
        {"start": 0, "end": 300, "partitions": [0, 2], "ms": 300},
        {"start": 400, "end": 500, "partitions": [1], "ms": 100},
    ]


def test_error_samples_neither_start_nor_end_an_interval():
    samples = [Sample(0, "error", ()), Sample(100, "offline", (0,)), Sample(200, "error", ()),
               Sample(300, "error", ()), Sample(400, "ok", ())]
    assert kafka_load.offline_intervals(samples) == [{"start": 100, "end": 400, "partitions": [0], "ms": 300}]


def test_an_outage_still_open_at_the_end_is_closed_at_end_ms():
    samples = [Sample(0, "ok", ()), Sample(100, "offline", (0,)), Sample(200, "offline", (0,))]
    assert kafka_load.offline_intervals(samples, end_ms=1000) == [
        {"start": 100, "end": 1000, "partitions": [0], "ms": 900}]
    assert kafka_load.offline_intervals(samples)[0]["end"] == 200  # no end: the last sample


def test_offline_partitions_of_topic_metadata():
    meta = {"partitions": [{"partition_index": 0, "leader_id": 1, "error_code": 0},
                           {"partition_index": 1, "leader_id": -1, "error_code": 0},
                           {"partition_index": 2, "leader_id": 2, "error_code": 5}]}
    assert kafka_load.offline_partitions(meta) == [1, 2]


# --------------------------------------------------------------------------------------------------
# parsers, summary, verdict


def test_parsers_skip_torn_lines():
    assert kafka_load.parse_acked(["1 0 5 100 110", "2 0 6 10", "x 0 1 1 1", ""]) == [Ack(1, 0, 5, 100, 110)]
    failed = kafka_load.parse_failed(["3 100 200 KafkaTimeoutError: expired after 120000 ms", "4 1"])
    assert failed == [kafka_load.Failure(3, 100, 200, "KafkaTimeoutError: expired after 120000 ms")]
    samples = kafka_load.parse_samples(["10 ok", "20 offline 2,0", "30 error NoBrokersAvailable", "40 bogus", "x ok"])
    assert samples == [Sample(10, "ok", ()), Sample(20, "offline", (0, 2)), Sample(30, "error", ())]


def test_summarize_reports_what_verify_prints():
    acked = [Ack(s, s % 3, s // 3, 1000 + s * 10, 1005 + s * 10) for s in range(30)]
    acked[10] = Ack(10, 1, 3, 1100, 1900)  # one slow ack
    consumed = [(a.seq, a.partition, a.offset) for a in acked if a.seq != 7]
    samples = [Sample(1000, "ok", ()), Sample(1250, "offline", (1,)), Sample(1500, "ok", ())]
    run = {"run_id": "r1", "topic": "t", "rate": 100, "started_ms": 1000}
    producer = {"stopped_ms": 3000, "sent": 31, "unresolved": 0, "status": "ok", "idempotence": True}
    failed = [kafka_load.Failure(30, 1300, 1400, "X: y")]
    rep = kafka_load.summarize(acked, failed, consumed, samples, run, producer)
    assert rep["acked"] == 30 and rep["lost"] == 1 and rep["lost_seqs"] == [7]
    assert rep["failed_sends"] == 1 and rep["failed_errors"] == ["X: y"]
    assert rep["offline_intervals"] == [{"start": 1250, "end": 1500, "partitions": [1], "ms": 250}]
    assert rep["offline_ms_total"] == 250
    assert rep["longest_stall_ms"] == 1900 - 1295  # from the last other ack (seq 29 at 1295)
    assert rep["ack_latency_ms"]["max"] == 800 and rep["ack_latency_ms"]["p50"] == 5
    assert rep["duration_s"] == 2.0 and rep["achieved_rate"] == 15.0
    assert rep["run"] == "r1" and rep["idempotence"] is True


@pytest.mark.parametrize("changes, expected", [
    ({}, []),
    ({"lost": 2, "lost_seqs": [4, 9]}, ["2 acknowledged record(s) lost (first seqs [4, 9])"]),
    ({"acked": 0}, ["only 0 record(s) acknowledged (at least 1 wanted)"]),
    ({"duplicates": 3}, ["3 duplicate(s) > 0"]),
    ({"offline_ms_total": 600}, ["partitions offline 600 ms > 500 ms"]),
])
def test_verdict(changes, expected):
    report = {"lost": 0, "lost_seqs": [], "acked": 10, "duplicates": 0, "offline_ms_total": 0, **changes}
    assert kafka_load.verdict(report, max_offline_ms=500, max_duplicates=0) == expected


def test_verdict_thresholds_are_optional():
    report = {"lost": 0, "lost_seqs": [], "acked": 10, "duplicates": 7, "offline_ms_total": 10 ** 6}
    assert not kafka_load.verdict(report)


def test_controller_changes_keeps_each_change_once_and_skips_torn_lines():
    lines = ["100 1", "200 1", "torn", "300 2", "350", "400 2", "500 1"]
    assert kafka_load.controller_changes(lines) == [
        {"us": 100, "id": 1}, {"us": 300, "id": 2}, {"us": 500, "id": 1}]
    assert kafka_load.controller_changes([]) == []


def test_stop_kills_a_producer_that_ignores_the_stop(tmp_path):
    """A producer stuck past --timeout is killed (never left running) and stop fails."""
    import subprocess  # pylint: disable=import-outside-toplevel
    stuck = subprocess.Popen([sys.executable, "-c", "import signal, time\n"
                              "signal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint('ready', flush=True)\ntime.sleep(60)"],
                             stdout=subprocess.PIPE)
    try:
        assert stuck.stdout.readline().strip() == b"ready"  # SIGTERM is ignored from here on
        (tmp_path / "producer.pid").write_text("%d\n" % stuck.pid)
        assert kafka_load.main(["stop", "--state-dir", str(tmp_path), "--timeout", "0.5"]) == 1
        assert stuck.wait(timeout=10) == -9
        assert (tmp_path / "stop").exists()
    finally:
        if stuck.poll() is None:
            stuck.kill()


def test_client_config_is_read_from_a_json_object(tmp_path):
    path = tmp_path / "client.json"
    path.write_text('{"security_protocol": "SASL_SSL", "sasl_mechanism": "SCRAM-SHA-512"}')
    kafka_load.load_client_config(str(path))
    assert kafka_load.CLIENT_CONFIG == {"security_protocol": "SASL_SSL", "sasl_mechanism": "SCRAM-SHA-512"}
    kafka_load.load_client_config(None)
    assert kafka_load.CLIENT_CONFIG == {}


def test_client_config_that_is_not_an_object_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "client.json"
    path.write_text('["SASL_SSL"]')
    with pytest.raises(ValueError, match="client.json must hold a JSON object, got list"):
        kafka_load.load_client_config(str(path))
