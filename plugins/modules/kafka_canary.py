#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: kafka_canary
short_description: Produce messages with acks=all to a topic and consume every one of them back
version_added: 1.0.0
description:
  - End-to-end check of a Kafka cluster, replacing the console producer/consumer test of the runbooks.
  - Produces O(messages) records tagged with a fresh run id to every partition of O(topic) with C(acks=all),
    then reads the partitions from the offsets they had before producing and checks that every record came
    back exactly once.
  - The records stay in the topic until its retention removes them; use a dedicated canary topic.
  - Never reports C(changed), as it changes no configuration.
options:
  topic:
    description: Existing topic to write the canary records to.
    type: str
    required: true
  messages:
    description: Number of records to produce and read back.
    type: int
    default: 100
  timeout:
    description: Seconds to wait for the produce acknowledgements and for the records to come back.
    type: float
    default: 60
extends_documentation_fragment:
  - streamops.kafka.kafka
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: In check mode nothing is produced; the module only checks the topic exists.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
requirements:
  - kafka-python >= 3.0, < 4.0
seealso:
  - module: streamops.kafka.kafka_info
  - module: streamops.kafka.kafka_topic
author:
  - streamops engineering (@streamops)
"""

EXAMPLES = r"""
- name: Produce 500 records with acks=all and read them back
  streamops.kafka.kafka_canary:
    bootstrap_servers: [kafka1:9092, kafka2:9092, kafka3:9092]
    topic: streamops.canary
    messages: 500
  delegate_to: localhost
  register: canary

- name: Show the round trip
  ansible.builtin.debug:
    msg: "{{ canary.consumed }}/{{ canary.produced }} back in {{ canary.consume_seconds }} s"
"""

RETURN = r"""
run_id:
  description: Random id carried by every record of this run.
  returned: success
  type: str
  sample: 7d3c0e9a4f1b
partitions:
  description: Partitions of the topic that received records.
  returned: always
  type: list
  elements: int
  sample: [0, 1, 2]
produced:
  description: Records acknowledged by the cluster with acks=all.
  returned: always
  type: int
  sample: 100
consumed:
  description: Distinct records of this run read back.
  returned: always
  type: int
  sample: 100
missing:
  description: Sequence numbers produced but not read back within O(timeout).
  returned: always
  type: list
  elements: int
  sample: []
duplicates:
  description: Records of this run read more than once.
  returned: always
  type: int
  sample: 0
produce_seconds:
  description: Time to produce all records and receive every acknowledgement.
  returned: always
  type: float
  sample: 0.42
consume_seconds:
  description: Time to read every record back.
  returned: always
  type: float
  sample: 0.31
"""

import json
import time
import traceback
import typing as t
import uuid

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.streamops.kafka.plugins.module_utils._kafka import (
    check_kafka_library,
    client_kwargs,
    close_admin,
    describe_error,
    kafka_common_argument_spec,
)

try:
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition
except ImportError:  # pragma: no cover - reported by check_kafka_library
    KafkaConsumer = KafkaProducer = TopicPartition = None

POLL_MS = 500
PARTITION_WAIT_S = 0.5


class CanaryFailed(Exception):
    """The canary ran and found a problem; ``str(exc)`` is the message for the user."""


def check_params(params: dict[str, t.Any]) -> str | None:
    """Why ``messages``/``timeout`` are unusable, ``None`` when they are fine."""
    if params["messages"] < 1:
        return "messages must be at least 1, got %d" % params["messages"]
    if params["timeout"] <= 0:
        return "timeout must be positive, got %s" % params["timeout"]
    return None


def client_options(params: dict[str, t.Any], client_class: t.Any) -> dict[str, t.Any]:
    """The connection keyword arguments ``client_class`` (KafkaProducer, KafkaConsumer) accepts."""
    allowed = set(getattr(client_class, "DEFAULT_CONFIG", {}))
    return dict((key, value) for key, value in client_kwargs(params).items() if key in allowed)


def time_left(deadline: float) -> float:
    """Seconds to the deadline, at least one so a late call still gets a chance."""
    return max(1.0, deadline - time.monotonic())


def wait_for_partitions(producer: t.Any, topic: str, deadline: float) -> list[int]:
    """Sorted partitions of ``topic`` once the producer's metadata has them, ``[]`` at the deadline."""
    while True:
        partitions = producer.partitions_for(topic)
        if partitions:
            return sorted(partitions)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return []
        time.sleep(min(PARTITION_WAIT_S, remaining))


def encode_record(run_id: str, seq: int) -> bytes:
    return json.dumps({"run": run_id, "seq": seq}).encode("utf-8")


def decode_record(value: t.Any, run_id: str, count: int) -> int | None:
    """Sequence number of a record of this run, ``None`` for anything else (other runs, other writers)."""
    try:
        body = json.loads(value.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, AttributeError):
        return None
    if not isinstance(body, dict) or body.get("run") != run_id:
        return None
    seq = body.get("seq")
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq < count:
        return None
    return seq


def open_consumer(params: dict[str, t.Any], topic: str, partitions: list[int]) -> t.Any:
    """A consumer assigned to every partition and positioned at their current end (before producing)."""
    consumer = KafkaConsumer(enable_auto_commit=False, group_id=None, **client_options(params, KafkaConsumer))
    tps = [TopicPartition(topic, p) for p in partitions]
    consumer.assign(tps)
    end_offsets = consumer.end_offsets(tps)
    for tp in tps:
        consumer.seek(tp, end_offsets[tp])
    return consumer


def produce(producer: t.Any, topic: str, partitions: list[int], run_id: str, count: int,
            deadline: float) -> tuple[int, list[str]]:
    """Send ``count`` records round-robin over ``partitions``; (acknowledged, failure per record)."""
    futures = [producer.send(topic, value=encode_record(run_id, seq), partition=partitions[seq % len(partitions)])
               for seq in range(count)]
    producer.flush(timeout=time_left(deadline))
    acknowledged = 0
    failures = []
    for seq, future in enumerate(futures):
        try:
            future.get(timeout=time_left(deadline))
            acknowledged += 1
        except Exception as exc:  # pylint: disable=broad-except
            failures.append("record %d: %s" % (seq, describe_error(exc)))
    return acknowledged, failures


def tally(records: t.Iterable[t.Any], run_id: str, count: int, seen: set[int]) -> int:
    """Add this run's sequence numbers among ``records`` to ``seen``; return how many were seen already."""
    duplicates = 0
    for record in records:
        seq = decode_record(record.value, run_id, count)
        if seq is None:
            continue
        if seq in seen:
            duplicates += 1
        seen.add(seq)
    return duplicates


def consume(consumer: t.Any, run_id: str, count: int, deadline: float) -> tuple[set[int], int]:
    """Poll until every record of this run came back or the deadline passed; (sequence numbers seen, duplicates)."""
    seen: set[int] = set()
    duplicates = 0
    while len(seen) < count and time.monotonic() < deadline:
        batches = consumer.poll(timeout_ms=POLL_MS, max_records=max(500, count))
        for records in batches.values():
            duplicates += tally(records, run_id, count, seen)
    return seen, duplicates


def run_canary(module: AnsibleModule, producer: t.Any, result: dict[str, t.Any]) -> None:
    """Produce and read back, filling ``result``; raises CanaryFailed for a problem the canary found."""
    topic = module.params["topic"]
    count = module.params["messages"]
    deadline = time.monotonic() + module.params["timeout"]
    result["partitions"] = wait_for_partitions(producer, topic, deadline)
    if not result["partitions"]:
        raise CanaryFailed("Topic %r does not exist or has no partitions (create it first, e.g. with "
                           "streamops.kafka.kafka_topic)" % topic)
    if module.check_mode:
        result["msg"] = "check mode: topic %s exists, nothing produced" % topic
        return
    consumer = open_consumer(module.params, topic, result["partitions"])
    try:
        result["run_id"] = run_id = uuid.uuid4().hex[:12]
        began = time.monotonic()
        result["produced"], failures = produce(producer, topic, result["partitions"], run_id, count, deadline)
        result["produce_seconds"] = round(time.monotonic() - began, 3)
        if failures:
            raise CanaryFailed("%d of %d records were not acknowledged with acks=all on %s: %s"
                               % (len(failures), count, topic, "; ".join(failures[:5])))
        began = time.monotonic()
        seen, result["duplicates"] = consume(consumer, run_id, count, deadline)
        result["consume_seconds"] = round(time.monotonic() - began, 3)
    finally:
        close_admin(consumer)
    result["consumed"] = len(seen)
    result["missing"] = sorted(set(range(count)) - seen)
    if result["missing"]:
        raise CanaryFailed("%d of %d acknowledged records did not come back from %s within %s s (first missing: %s)"
                           % (len(result["missing"]), count, topic, module.params["timeout"], result["missing"][:10]))


def main() -> None:
    argument_spec = kafka_common_argument_spec()
    argument_spec.update(
        topic=dict(type="str", required=True),
        messages=dict(type="int", default=100),
        timeout=dict(type="float", default=60),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    check_kafka_library(module)
    problem = check_params(module.params)
    if problem:
        module.fail_json(msg=problem)
    try:
        client_kwargs(module.params)
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    result: dict[str, t.Any] = dict(changed=False, partitions=[], produced=0, consumed=0, missing=[], duplicates=0,
                                    produce_seconds=0.0, consume_seconds=0.0)
    try:
        producer = KafkaProducer(acks="all", linger_ms=5, **client_options(module.params, KafkaProducer))
    except Exception as exc:  # pylint: disable=broad-except
        module.fail_json(msg="Cannot connect a producer to %s: %s"
                         % (",".join(module.params["bootstrap_servers"]), describe_error(exc)), **result)
    try:
        run_canary(module, producer, result)
    except CanaryFailed as exc:
        module.fail_json(msg=str(exc), **result)
    except Exception as exc:  # pylint: disable=broad-except
        module.fail_json(msg="Canary on topic %s failed: %s" % (module.params["topic"], describe_error(exc)),
                         exception=traceback.format_exc(), **result)
    finally:
        close_admin(producer)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
