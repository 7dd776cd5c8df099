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


def _client_kwargs(params, client_class):
    kwargs = client_kwargs(params)
    allowed = set(getattr(client_class, "DEFAULT_CONFIG", {}))
    return dict((k, v) for k, v in kwargs.items() if k in allowed)


def main():
    argument_spec = kafka_common_argument_spec()
    argument_spec.update(
        topic=dict(type="str", required=True),
        messages=dict(type="int", default=100),
        timeout=dict(type="float", default=60),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    check_kafka_library(module)
    topic = module.params["topic"]
    count = module.params["messages"]
    timeout = module.params["timeout"]
    if count < 1:
        module.fail_json(msg="messages must be at least 1, got %d" % count)
    if timeout <= 0:
        module.fail_json(msg="timeout must be positive, got %s" % timeout)
    result = dict(changed=False, partitions=[], produced=0, consumed=0, missing=[], duplicates=0,
                  produce_seconds=0.0, consume_seconds=0.0)
    try:
        producer = KafkaProducer(acks="all", linger_ms=5, **_client_kwargs(module.params, KafkaProducer))
    except Exception as exc:  # pylint: disable=broad-except
        servers = ",".join(module.params["bootstrap_servers"])
        module.fail_json(msg="Cannot connect a producer to %s: %s" % (servers, describe_error(exc)), **result)
    consumer = None
    try:
        deadline = time.monotonic() + timeout
        partitions = None
        while time.monotonic() < deadline:
            partitions = producer.partitions_for(topic)
            if partitions:
                break
            time.sleep(0.5)
        if not partitions:
            module.fail_json(msg="Topic %r does not exist or has no partitions (create it first, e.g. with "
                                 "streamops.kafka.kafka_topic)" % topic, **result)
        result["partitions"] = sorted(partitions)
        if module.check_mode:
            module.exit_json(msg="check mode: topic %s exists, nothing produced" % topic, **result)

        consumer = KafkaConsumer(enable_auto_commit=False, group_id=None,
                                 **_client_kwargs(module.params, KafkaConsumer))
        tps = [TopicPartition(topic, p) for p in result["partitions"]]
        consumer.assign(tps)
        start_offsets = consumer.end_offsets(tps)
        for tp in tps:
            consumer.seek(tp, start_offsets[tp])

        run_id = uuid.uuid4().hex[:12]
        result["run_id"] = run_id
        began = time.monotonic()
        futures = []
        for seq in range(count):
            value = json.dumps({"run": run_id, "seq": seq}).encode("utf-8")
            futures.append(producer.send(topic, value=value, partition=result["partitions"][seq % len(tps)]))
        producer.flush(timeout=max(1.0, deadline - time.monotonic()))
        failures = []
        for seq, future in enumerate(futures):
            try:
                future.get(timeout=max(1.0, deadline - time.monotonic()))
                result["produced"] += 1
            except Exception as exc:  # pylint: disable=broad-except
                failures.append("record %d: %s" % (seq, describe_error(exc)))
        result["produce_seconds"] = round(time.monotonic() - began, 3)
        if failures:
            module.fail_json(msg="%d of %d records were not acknowledged with acks=all on %s: %s"
                                 % (len(failures), count, topic, "; ".join(failures[:5])), **result)

        began = time.monotonic()
        seen = set()
        while len(seen) < count and time.monotonic() < deadline:
            batches = consumer.poll(timeout_ms=500, max_records=max(500, count))
            for records in batches.values():
                for record in records:
                    try:
                        body = json.loads(record.value.decode("utf-8"))
                    except (ValueError, UnicodeDecodeError, AttributeError):
                        continue
                    if not isinstance(body, dict) or body.get("run") != run_id:
                        continue
                    if body.get("seq") in seen:
                        result["duplicates"] += 1
                    seen.add(body.get("seq"))
        result["consume_seconds"] = round(time.monotonic() - began, 3)
        result["consumed"] = len(seen)
        result["missing"] = sorted(set(range(count)) - seen)
        if result["missing"]:
            module.fail_json(msg="%d of %d acknowledged records did not come back from %s within %s s (first missing: %s)"
                                 % (len(result["missing"]), count, topic, timeout, result["missing"][:10]), **result)
        module.exit_json(**result)
    except Exception as exc:  # pylint: disable=broad-except
        module.fail_json(msg="Canary on topic %s failed: %s" % (topic, describe_error(exc)),
                         exception=traceback.format_exc(), **result)
    finally:
        close_admin(consumer)
        close_admin(producer)


if __name__ == "__main__":
    main()
