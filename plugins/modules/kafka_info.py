#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

from __future__ import annotations

DOCUMENTATION = r'''
---
module: kafka_info
short_description: Report brokers, topics, partition replicas and replication health of a Kafka cluster
version_added: 1.0.0
description:
  - Reads the cluster id, the controller, the live brokers and, for every topic, each partition's leader,
    replicas, in-sync replicas and offline replicas through the Kafka admin API.
  - Counts under-replicated partitions (fewer in-sync replicas than replicas) and offline partitions
    (no leader), so a rolling restart can wait until RV(under_replicated_partitions) is V(0).
  - The module only reads; it never reports a change.
author:
  - streamops engineering (@streamops)
options:
  topics:
    description:
      - Only report these topics, and count the health figures over them only.
      - Topics that do not exist are listed in RV(missing_topics).
      - Internal topics named here are reported whatever O(include_internal) says.
      - By default every topic is examined.
    type: list
    elements: str
  include_internal:
    description:
      - List internal topics (C(__consumer_offsets), C(__transaction_state), ...) in RV(topics).
      - Whatever its value, the health counters cover internal topics too.
    type: bool
    default: false
extends_documentation_fragment:
  - streamops.kafka.kafka
attributes:
  check_mode:
    support: full
    description: The module only reads; it reads the cluster in check mode too.
  diff_mode:
    support: N/A
    description: The module changes nothing, so there is no diff.
seealso:
  - module: streamops.kafka.kafka_topic
  - name: Kafka replication
    description: What in-sync replicas and under-replicated partitions are.
    link: https://kafka.apache.org/39/documentation.html#replication
'''

EXAMPLES = r'''
- name: Read the cluster state
  streamops.kafka.kafka_info:
    bootstrap_servers: [kafka1.example.com:9092]
  delegate_to: localhost
  run_once: true
  register: kafka_state

- name: Wait until no partition is under-replicated (rolling restart gate)
  streamops.kafka.kafka_info:
    bootstrap_servers: [kafka1.example.com:9092, kafka2.example.com:9092]
  delegate_to: localhost
  register: kafka_health
  until: >-
    kafka_health.under_replicated_partitions == 0
    and kafka_health.offline_partitions == 0
    and kafka_health.broker_count == 3
  retries: 60
  delay: 5

- name: Show the in-sync replicas of one topic
  streamops.kafka.kafka_info:
    bootstrap_servers: [kafka1.example.com:9092]
    topics: [orders]
  delegate_to: localhost
  register: orders_state
'''

RETURN = r'''
cluster_id:
  description: Id of the cluster.
  returned: always
  type: str
  sample: 4L6g3nShT-eMCtK--X86sw
controller_id:
  description: Broker id of the active controller, V(null) while there is none.
  returned: always
  type: int
  sample: 1
brokers:
  description: Live brokers, sorted by id.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Broker id.
      type: int
      sample: 1
    host:
      description: Advertised host.
      type: str
      sample: kafka1.example.com
    port:
      description: Advertised port.
      type: int
      sample: 9092
    rack:
      description: Rack of the broker, V(null) without C(broker.rack).
      type: str
      sample: eu-west-1a
broker_count:
  description: Number of live brokers.
  returned: always
  type: int
  sample: 3
topics:
  description: Topics with their partitions, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Topic name.
      type: str
      sample: orders
    internal:
      description: Whether Kafka flags the topic as internal.
      type: bool
      sample: false
    partition_count:
      description: Number of partitions.
      type: int
      sample: 3
    replication_factor:
      description: Replica count of the topic's partitions (the most common one).
      type: int
      sample: 3
    partitions:
      description: The partitions, sorted by number.
      type: list
      elements: dict
      contains:
        partition:
          description: Partition number.
          type: int
          sample: 0
        leader:
          description: Broker id of the leader, V(-1) when the partition has none.
          type: int
          sample: 1
        replicas:
          description: Broker ids of the replicas.
          type: list
          elements: int
          sample: [1, 2, 3]
        isr:
          description: Broker ids of the in-sync replicas.
          type: list
          elements: int
          sample: [1, 2, 3]
        offline_replicas:
          description: Broker ids of replicas that are offline.
          type: list
          elements: int
          sample: []
topic_count:
  description: Number of topics in RV(topics).
  returned: always
  type: int
  sample: 12
missing_topics:
  description: Topics requested with O(topics) that do not exist.
  returned: always
  type: list
  elements: str
  sample: []
under_replicated_partitions:
  description: Number of partitions with fewer in-sync replicas than replicas.
  returned: always
  type: int
  sample: 0
under_replicated_partition_list:
  description: The under-replicated partitions, each with its topic name.
  returned: always
  type: list
  elements: dict
  sample: [{"topic": "orders", "partition": 0, "leader": 1, "replicas": [1, 2, 3], "isr": [1, 2], "offline_replicas": [3]}]
offline_partitions:
  description: Number of partitions without a leader.
  returned: always
  type: int
  sample: 0
offline_partition_list:
  description: The partitions without a leader, each with its topic name.
  returned: always
  type: list
  elements: dict
  sample: []
'''

import traceback

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.streamops.kafka.plugins.module_utils._kafka import (
    close_admin,
    connect_admin,
    describe_error,
    kafka_common_argument_spec,
)
from ansible_collections.streamops.kafka.plugins.module_utils._kafka_health import build_cluster_info


def main() -> None:
    argument_spec = kafka_common_argument_spec()
    argument_spec.update(
        topics=dict(type='list', elements='str'),
        include_internal=dict(type='bool', default=False),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    requested = module.params['topics']
    if requested is not None:
        requested = list(dict.fromkeys(requested))

    admin = connect_admin(module)
    try:
        cluster = admin.describe_cluster()
        metadata = admin.describe_topics(requested) if requested != [] else []
    except Exception as exc:  # pylint: disable=broad-except
        module.fail_json(msg='Cannot read the cluster metadata from %s: %s'
                         % (','.join(module.params['bootstrap_servers']), describe_error(exc)),
                         exception=traceback.format_exc())
    finally:
        close_admin(admin)

    info = build_cluster_info(cluster, metadata, include_internal=module.params['include_internal'],
                              requested=requested)
    module.exit_json(changed=False, **info)


if __name__ == '__main__':
    main()
