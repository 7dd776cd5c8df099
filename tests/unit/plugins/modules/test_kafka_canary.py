# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Unit tests of the kafka_canary module: main() against fake KafkaProducer/KafkaConsumer classes.

The fakes share one in-memory topic log, so what the consumer reads back is what the producer
wrote, minus or plus what a test makes the "broker" drop or repeat.
"""

from __future__ import annotations

import json
import typing as t

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import KafkaTimeoutError

from ansible.module_utils import basic

from ansible_collections.streamops.kafka.plugins.module_utils import _kafka
from ansible_collections.streamops.kafka.plugins.modules import kafka_canary as module

from module_harness import exit_json, fail_json, run_main

TOPIC = 'canary'


class Log:
    """The topic as the fake broker holds it, plus what the test wants to go wrong."""

    def __init__(self, partitions: t.Iterable[int] = (0, 1, 2)) -> None:
        self.partitions: dict[int, list[bytes]] = dict((p, []) for p in partitions)
        self.unacknowledged: set[int] = set()  # record positions whose send fails
        self.dropped: set[int] = set()  # sequence numbers the consumer never sees
        self.repeated: dict[int, int] = {}  # sequence number -> extra deliveries
        self.producers: list[FakeProducer] = []
        self.consumers: list[FakeConsumer] = []


class FakeFuture:
    def __init__(self, error: Exception | None) -> None:
        self.error = error

    def get(self, timeout: float) -> None:
        assert timeout >= 1.0
        if self.error:
            raise self.error


class FakeProducer:
    DEFAULT_CONFIG = KafkaProducer.DEFAULT_CONFIG
    log: Log

    def __init__(self, **kwargs: t.Any) -> None:
        self.kwargs = kwargs
        self.sent = 0
        self.closed = False
        self.log.producers.append(self)

    def partitions_for(self, topic: str) -> set[int] | None:
        return set(self.log.partitions) if topic == TOPIC and self.log.partitions else None

    def send(self, topic: str, value: bytes, partition: int) -> FakeFuture:
        assert topic == TOPIC
        position = self.sent
        self.sent += 1
        if position in self.log.unacknowledged:
            return FakeFuture(KafkaTimeoutError('Batch expired'))
        self.log.partitions[partition].append(value)
        return FakeFuture(None)

    def flush(self, timeout: float) -> None:
        assert timeout >= 1.0

    def close(self) -> None:
        self.closed = True


class FakeConsumer:
    DEFAULT_CONFIG = KafkaConsumer.DEFAULT_CONFIG
    log: Log

    def __init__(self, **kwargs: t.Any) -> None:
        self.kwargs = kwargs
        self.positions: dict[TopicPartition, int] = {}
        self.assigned: list[TopicPartition] = []
        self.closed = False
        self.log.consumers.append(self)

    def assign(self, tps: list[TopicPartition]) -> None:
        self.assigned = list(tps)

    def end_offsets(self, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
        return dict((tp, len(self.log.partitions[tp.partition])) for tp in tps)

    def seek(self, tp: TopicPartition, offset: int) -> None:
        self.positions[tp] = offset

    def poll(self, timeout_ms: int, max_records: int) -> dict[TopicPartition, list[ConsumerRecord]]:
        batches = {}
        for tp in self.assigned:
            values = self.log.partitions[tp.partition][self.positions[tp]:]
            self.positions[tp] += len(values)
            records = []
            for value in values:
                seq = seq_of(value)
                if seq in self.log.dropped:
                    continue
                records.extend([record(tp, value)] * (1 + self.log.repeated.get(seq, 0)))
            if records:
                batches[tp] = records
        return batches

    def close(self) -> None:
        self.closed = True


def seq_of(value: bytes) -> t.Any:
    try:
        return json.loads(value.decode('utf-8')).get('seq')
    except (ValueError, AttributeError, UnicodeDecodeError):
        return None


def record(tp: TopicPartition, value: bytes) -> ConsumerRecord:
    return ConsumerRecord(tp.topic, tp.partition, 0, 0, 0, 0, None, value, [], None, -1, len(value), -1)


@pytest.fixture
def log(monkeypatch: pytest.MonkeyPatch) -> Log:
    the_log = Log()
    monkeypatch.setattr(FakeProducer, 'log', the_log, raising=False)
    monkeypatch.setattr(FakeConsumer, 'log', the_log, raising=False)
    monkeypatch.setattr(module, 'KafkaProducer', FakeProducer)
    monkeypatch.setattr(module, 'KafkaConsumer', FakeConsumer)
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    return the_log


def run(**args: t.Any) -> tuple[bool, dict[str, t.Any]]:
    args.setdefault('bootstrap_servers', ['k1:9092'])
    args.setdefault('topic', TOPIC)
    args.setdefault('messages', 10)
    args.setdefault('timeout', 0.3)
    failed, result = run_main(module, args)
    assert result.get('changed', False) is False  # never, whatever happened
    return failed, result


def test_every_record_comes_back(log: Log) -> None:
    log.partitions[0].append(b'an older record')
    failed, result = run()
    assert failed is False
    assert result['partitions'] == [0, 1, 2]
    assert (result['produced'], result['consumed'], result['missing'], result['duplicates']) == (10, 10, [], 0)
    assert len(result['run_id']) == 12
    assert result['produce_seconds'] >= 0 and result['consume_seconds'] >= 0
    # round robin over the partitions
    assert [seq_of(v) for v in log.partitions[0][1:]] == [0, 3, 6, 9]
    assert [seq_of(v) for v in log.partitions[2]] == [2, 5, 8]
    producer, = log.producers
    assert producer.kwargs['acks'] == 'all'
    assert producer.kwargs['bootstrap_servers'] == ['k1:9092']
    consumer, = log.consumers
    assert consumer.kwargs['group_id'] is None and consumer.kwargs['enable_auto_commit'] is False
    assert producer.closed and consumer.closed


def test_consumer_starts_at_the_end_offsets_before_producing(log: Log) -> None:
    log.partitions[1].extend([b'x', b'y'])
    failed, _result = run(messages=3)
    assert failed is False
    consumer, = log.consumers
    assert consumer.assigned == [TopicPartition(TOPIC, p) for p in (0, 1, 2)]
    assert consumer.positions[TopicPartition(TOPIC, 1)] == 3  # 2 older records + seq 1


def test_missing_records_fail_naming_them(log: Log) -> None:
    log.dropped = {3, 7}
    failed, result = run(messages=10, timeout=0.2)
    assert failed is True
    assert result['msg'] == ('2 of 10 acknowledged records did not come back from canary within 0.2 s '
                             '(first missing: [3, 7])')
    assert (result['produced'], result['consumed'], result['missing']) == (10, 8, [3, 7])
    assert log.producers[0].closed and log.consumers[0].closed


def test_duplicates_are_counted_not_failed(log: Log) -> None:
    log.repeated = {2: 1, 5: 2}
    failed, result = run(messages=10)
    assert failed is False
    assert (result['consumed'], result['duplicates'], result['missing']) == (10, 3, [])


def test_records_of_others_are_ignored(log: Log) -> None:
    run_ids: list[str] = []
    real_encode = module.encode_record

    def encode(run_id: str, seq: int) -> bytes:
        run_ids.append(run_id)
        return real_encode(run_id, seq)

    class Intruding(FakeProducer):
        """Other writers put records between ours."""

        def send(self, topic: str, value: bytes, partition: int) -> FakeFuture:
            run_id = run_ids[-1]
            for foreign in (b'\xff\xfe not utf-8', b'not json', b'[1, 2]', json.dumps({'run': 'other', 'seq': 0}).encode(),
                            json.dumps({'run': run_id, 'seq': 99}).encode(), json.dumps({'run': run_id, 'seq': True}).encode(),
                            json.dumps({'run': run_id, 'seq': '1'}).encode()):
                self.log.partitions[partition].append(foreign)
            return super().send(topic, value, partition)

    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(module, 'encode_record', encode)
    monkeypatch.setattr(module, 'KafkaProducer', Intruding)
    try:
        failed, result = run(messages=4)
    finally:
        monkeypatch.undo()
    assert failed is False
    assert (result['consumed'], result['duplicates'], result['missing']) == (4, 0, [])


def test_unacknowledged_records_fail_before_consuming(log: Log) -> None:
    log.unacknowledged = {4}
    failed, result = run(messages=10)
    assert failed is True
    assert result['msg'] == ('1 of 10 records were not acknowledged with acks=all on canary: '
                             'record 4: KafkaTimeoutError: Batch expired')
    assert (result['produced'], result['consumed']) == (9, 0)
    assert log.producers[0].closed and log.consumers[0].closed


def test_check_mode_produces_nothing(log: Log) -> None:
    failed, result = run(_ansible_check_mode=True)
    assert failed is False
    assert result['msg'] == 'check mode: topic canary exists, nothing produced'
    assert result['partitions'] == [0, 1, 2]
    assert result['produced'] == 0
    assert log.producers[0].sent == 0
    assert log.consumers == []


def test_missing_topic_fails_at_the_timeout(log: Log) -> None:
    log.partitions = {}
    failed, result = run(timeout=0.1)
    assert failed is True
    assert result['msg'] == ("Topic 'canary' does not exist or has no partitions (create it first, e.g. with "
                             "streamops.kafka.kafka_topic)")
    assert result['partitions'] == [] and log.consumers == []


@pytest.mark.parametrize('args, message', [
    (dict(messages=0), 'messages must be at least 1, got 0'),
    (dict(messages=-5), 'messages must be at least 1, got -5'),
    (dict(timeout=0), 'timeout must be positive, got 0.0'),
    (dict(timeout=-1.5), 'timeout must be positive, got -1.5'),
    (dict(sasl_mechanism='PLAIN'), 'sasl_mechanism=PLAIN requires security_protocol SASL_PLAINTEXT or SASL_SSL, '
                                   'got security_protocol=PLAINTEXT'),
])
def test_bad_arguments_fail_before_connecting(log: Log, args: dict[str, t.Any], message: str) -> None:
    failed, result = run(**args)
    assert failed is True
    assert result['msg'] == message
    assert log.producers == []


def test_producer_that_cannot_connect(log: Log, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(**_kwargs: t.Any) -> None:
        # what kafka-python 3 raises when no bootstrap server answers
        raise KafkaTimeoutError("Unable to bootstrap from ['k1:9092', 'k2:9092']")
    monkeypatch.setattr(module, 'KafkaProducer', refuse)
    failed, result = run(bootstrap_servers=['k1:9092', 'k2:9092'])
    assert failed is True
    assert result['msg'] == ("Cannot connect a producer to k1:9092,k2:9092: "
                             "KafkaTimeoutError: Unable to bootstrap from ['k1:9092', 'k2:9092']")


def test_unexpected_error_names_the_topic(log: Log, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_self: t.Any, _tps: t.Any) -> None:
        raise KafkaTimeoutError('ListOffsets timed out')
    monkeypatch.setattr(FakeConsumer, 'end_offsets', broken)
    failed, result = run()
    assert failed is True
    assert result['msg'] == 'Canary on topic canary failed: KafkaTimeoutError: ListOffsets timed out'
    assert log.producers[0].closed


def test_missing_library(log: Log, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_kafka, 'HAS_KAFKA', False)
    monkeypatch.setattr(_kafka, 'KAFKA_IMPORT_ERROR', 'Traceback: no kafka')
    failed, result = run_main(module, dict(bootstrap_servers=['k1:9092'], topic=TOPIC))
    assert failed is True
    assert 'Failed to import the required Python library (kafka-python)' in result['msg']
    assert log.producers == []


# -- pure helpers ----------------------------------------------------------------------------------

@pytest.mark.parametrize('value, seq', [
    (b'{"run": "r1", "seq": 3}', 3),
    (b'{"run": "r1", "seq": 0}', 0),
    (b'{"run": "r1", "seq": 10}', None),  # beyond the run's count
    (b'{"run": "r1", "seq": -1}', None),
    (b'{"run": "r2", "seq": 3}', None),
    (b'{"run": "r1"}', None),
    (b'{"run": "r1", "seq": false}', None),
    (b'"r1"', None),
    (b'\x00\xff', None),
    (None, None),
])
def test_decode_record(value: t.Any, seq: int | None) -> None:
    assert module.decode_record(value, 'r1', 10) == seq


def test_encode_decode_round_trip() -> None:
    assert module.decode_record(module.encode_record('abc', 7), 'abc', 8) == 7


def test_tally_counts_repeats_across_batches() -> None:
    tp = TopicPartition(TOPIC, 0)
    seen: set[int] = set()
    first = [record(tp, module.encode_record('r', s)) for s in (0, 1, 1)]
    assert module.tally(first, 'r', 3, seen) == 1
    assert module.tally([record(tp, module.encode_record('r', 0))], 'r', 3, seen) == 1
    assert seen == {0, 1}
