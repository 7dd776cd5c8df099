# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Seed a cluster with data and committed consumer-group offsets, and snapshot what a migration or an
upgrade must keep: topics, partition counts, topic configs, consumer-group offsets (kafka-python).

  cluster_snapshot.py seed --bootstrap h:p,... [--topic events] [--group streamops-migration] [--records 300]
  cluster_snapshot.py snapshot --bootstrap h:p,...            -> JSON on stdout
"""
from __future__ import annotations

import argparse
import json
import sys

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType


def seed(bootstrap: list[str], topic: str, group: str, records: int) -> dict:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", retries=10)
    for i in range(records):
        producer.send(topic, key=str(i).encode(), value=("seed-%d" % i).encode())
    producer.flush(60)
    producer.close()
    # A consumer of the group reads two thirds of the records and commits where it stopped.
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                             auto_offset_reset="earliest")
    partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
    consumer.assign(partitions)
    consumer.seek_to_beginning()
    consumed, polls = 0, 0
    while consumed < records * 2 // 3 and polls < 60:
        polls += 1
        for batch in consumer.poll(timeout_ms=1000, max_records=50).values():
            consumed += len(batch)
    consumer.commit()
    consumer.close()
    return {"produced": records, "consumed_and_committed": consumed}


def snapshot(bootstrap: list[str]) -> dict:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=30000)
    try:
        topics = sorted(t for t in admin.list_topics() if not t.startswith("__"))
        described = {t["name"]: len(t["partitions"]) for t in admin.describe_topics(topics)}
        described_configs = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, t) for t in topics])
        configs = {name: {key: entry["value"] for key, entry in entries.items() if entry.get("config_source") == "DYNAMIC_TOPIC_CONFIG"}
                   for name, entries in described_configs.get("topic", {}).items()}
        group_ids = sorted(g[0] if isinstance(g, (list, tuple)) else g.get("group_id", g.get("group")) for g in admin.list_groups())
        groups = {}
        for group_id, offsets in (admin.list_group_offsets(group_ids) if group_ids else {}).items():
            groups[group_id] = {"%s-%d" % (tp.topic, tp.partition): meta.offset for tp, meta in sorted(offsets.items())}
        return {"topics": {t: {"partitions": described.get(t), "config": configs.get(t, {})} for t in topics},
                "groups": groups}
    finally:
        admin.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["seed", "snapshot"])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", default="events")
    parser.add_argument("--group", default="streamops-migration")
    parser.add_argument("--records", type=int, default=300)
    args = parser.parse_args()
    bootstrap = [s for s in args.bootstrap.split(",") if s]
    result = seed(bootstrap, args.topic, args.group, args.records) if args.command == "seed" else snapshot(bootstrap)
    json.dump(result, sys.stdout, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
