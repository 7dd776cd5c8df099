#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

from __future__ import annotations

DOCUMENTATION = r'''
---
module: kafka_topic
short_description: Create, grow, configure and delete Kafka topics
version_added: 1.0.0
description:
  - Manages one topic (O(name)) or many topics in one task (O(topics)) through the Kafka admin API.
  - Missing topics are created; existing topics get more partitions when O(partitions) is higher
    and the declared O(config) keys set incrementally. Keys that are not declared are never touched.
  - A different O(replication_factor) for an existing topic is applied by partition reassignment
    (see O(replication_factor)); the task waits until it is complete and reports each partition.
  - Everything is validated before anything changes. Invalid names, unknown config keys, values that
    do not fit the key's type, a partition count lower than the current one, a replication factor
    higher than the number of live brokers, a partition without a leader whose replicas would move,
    a reassignment already running elsewhere for a partition, and deleting an internal topic all fail
    the whole task, naming the topic and the value, with no topic changed.
    The brokers are then asked to validate the creations, partition additions and config changes
    (C(validate_only)) before they are applied.
  - Many topics cost one request per kind of change (one create, one add-partitions, one
    config change, one delete), whatever their number.
  - After creating topics or adding partitions the module waits until every partition has a leader,
    so a following task can produce to them.
  - Check mode runs the same planning and broker validation and reports what would be done.
author:
  - streamops engineering (@streamops)
options:
  name:
    description:
      - Name of one topic to manage.
      - Up to 249 ASCII letters, digits, V(.), V(_) and V(-); not V(.) or V(..).
      - Mutually exclusive with O(topics); one of the two is required.
    type: str
  topics:
    description:
      - Several topics to manage in one task.
      - Options an entry leaves out are taken from the top-level O(state), O(partitions) and
        O(replication_factor); its O(topics[].config) is merged over the top-level O(config).
      - A topic must not be listed twice.
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - Name of the topic.
        type: str
        required: true
      partitions:
        description:
          - Number of partitions, see O(partitions).
        type: int
      replication_factor:
        description:
          - Replication factor, see O(replication_factor).
        type: int
      config:
        description:
          - Topic configuration, see O(config).
        type: dict
      state:
        description:
          - Whether the topic should exist, see O(state).
        type: str
        choices: [present, absent]
  partitions:
    description:
      - Number of partitions.
      - A new topic without it gets the brokers' C(num.partitions).
      - An existing topic with fewer partitions gets more; a lower number than the current
        one fails, since Kafka cannot remove partitions. Left out, an existing topic keeps its count.
    type: int
  replication_factor:
    description:
      - Replication factor of a new topic. A new topic without it gets the brokers' C(default.replication.factor).
      - Must not exceed the number of live brokers.
      - For an existing topic, a different value is applied by partition reassignment. New replicas go to
        live brokers, spread evenly over them (by the replicas each broker holds in the whole cluster) and
        over racks when the brokers set C(broker.rack); each partition's current leader stays its first
        replica. Lowering it drops out-of-sync replicas first, never the leader.
      - A partition already being reassigned to the same replicas is waited for, not reassigned again;
        one being reassigned elsewhere fails the task before anything changes.
      - Partitions added in the same task get the new replication factor directly.
    type: int
  replication_throttle:
    description:
      - Bytes per second that replicas copying data for a replication factor change may use, on each
        broker involved (Kafka's C(leader.replication.throttled.rate) and C(follower.replication.throttled.rate)
        with the moving partitions' C(*.replication.throttled.replicas)).
      - Set just before the reassignment starts and removed when the task ends, also when it fails or times
        out (the values set before the task are put back). Left out, the move is not throttled.
    type: int
    version_added: 1.3.0
  reassignment_timeout:
    description:
      - Seconds to wait for a replication factor change to complete. Then the task fails, naming the
        partitions still moving; the reassignment goes on in Kafka (without the throttle), and a re-run
        with the same options waits for it.
    type: int
    default: 600
    version_added: 1.3.0
  config:
    description:
      - Topic-level configuration, for example C(retention.ms) or C(cleanup.policy).
      - Only the declared keys are compared and set; other overrides of the topic are left alone.
      - Values are compared after normalising them by the key's type, so V(true), V(True), V(1)
        are the same boolean, and V(1000) and V("1000") the same number. List values
        (C(cleanup.policy)) may be given as a YAML list or a comma-separated string.
      - A key set to V(null) removes the topic's override of that key, so the broker default applies.
      - Keys must be topic-level configs of Kafka 3.9, or keys the broker reports for an existing topic.
    type: dict
  state:
    description:
      - V(present) creates or updates the topics, V(absent) deletes them.
      - Internal topics (names starting with C(__)) are never deleted.
    type: str
    choices: [present, absent]
    default: present
  wait_timeout:
    description:
      - Seconds to wait after creating topics or adding partitions until every partition has a leader,
        and after deleting topics until they are gone from the metadata.
      - A created topic that is not ready in time fails the task; V(0) does not wait.
    type: int
    default: 60
extends_documentation_fragment:
  - streamops.kafka.kafka
attributes:
  check_mode:
    support: full
    description: Plans the same changes as a real run, has the brokers validate them, and applies nothing.
  diff_mode:
    support: full
    description:
      - Returns the partitions, replication factor and declared config keys of each changing topic
        before and after the change, and the replicas of each partition a replication factor change moves.
notes:
  - Deleting a topic is asynchronous in Kafka; the module waits up to O(wait_timeout) seconds for it to
    disappear from the metadata and warns when it did not.
  - A config key that is not overridden on the topic compares with the value the topic inherits, so
    declaring the broker default on an existing topic reports no change.
  - In ZooKeeper mode the controller writes every new topic to ZooKeeper before it answers, so creating
    a thousand topics can take longer than O(request_timeout_ms). When a create, add-partitions or delete
    request times out or breaks off, the module reads the metadata back (for up to O(wait_timeout)
    seconds) to tell whether it was applied, and only fails the topics for which it was not.
  - Requests are split so that none writes more than 5000 metadata records (a topic counts one
    record, plus one per partition and per config key), because a KRaft controller refuses a request
    of more than 10000 with C(Unable to perform excessively large batch operation). All batches are
    validated by the brokers before the first one is applied.
seealso:
  - module: streamops.kafka.kafka_info
  - name: Kafka topic-level configs
    description: The config keys and their meaning.
    link: https://kafka.apache.org/39/documentation.html#topicconfigs
'''

EXAMPLES = r'''
- name: Create the orders topic
  streamops.kafka.kafka_topic:
    bootstrap_servers:
      - kafka1.example.com:9092
    name: orders
    partitions: 12
    replication_factor: 3
    config:
      retention.ms: 604800000
      min.insync.replicas: 2
      cleanup.policy: delete
  delegate_to: localhost
  run_once: true

- name: Manage several topics in one request
  streamops.kafka.kafka_topic:
    bootstrap_servers: "{{ groups['kafka'] | map('regex_replace', '$', ':9092') | list }}"
    replication_factor: 3
    config:
      min.insync.replicas: 2
    topics:
      - name: payments
        partitions: 6
      - name: customers
        partitions: 3
        config:
          cleanup.policy: [compact]
      - name: legacy-events
        state: absent
  delegate_to: localhost
  run_once: true

- name: Remove the retention override of a topic
  streamops.kafka.kafka_topic:
    bootstrap_servers: [kafka1.example.com:9093]
    security_protocol: SASL_SSL
    sasl_mechanism: SCRAM-SHA-512
    sasl_plain_username: admin
    sasl_plain_password: "{{ kafka_admin_password }}"
    ssl_cafile: /etc/ssl/certs/kafka-ca.pem
    name: orders
    config:
      retention.ms: null
  delegate_to: localhost

- name: Raise the replication factor of orders to 3, copying at most 10 MB/s per broker
  streamops.kafka.kafka_topic:
    bootstrap_servers: [kafka1.example.com:9092]
    name: orders
    replication_factor: 3
    replication_throttle: 10485760
    reassignment_timeout: 1800
  delegate_to: localhost

- name: Delete a topic
  streamops.kafka.kafka_topic:
    bootstrap_servers: [kafka1.example.com:9092]
    name: scratch
    state: absent
  delegate_to: localhost
'''

RETURN = r'''
topics:
  description:
    - One entry per managed topic, in the order of the task.
    - Also returned when the task fails, to tell which topics failed and which were changed.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Topic name.
      type: str
      sample: orders
    state:
      description: Desired state of the topic.
      type: str
      sample: present
    action:
      description:
        - What the module did (or would do in check mode).
        - V(create), V(update) (partitions added and/or config keys set or removed), V(delete), V(none),
          or V(error) when the topic failed validation.
      type: str
      sample: update
    changed:
      description: Whether this topic was (or would be) changed.
      type: bool
      sample: true
    partitions:
      description: Partition count after the task, V(null) for an absent topic or a broker default not known.
      type: int
      sample: 12
    replication_factor:
      description: Replication factor after the task, V(null) for an absent topic or a broker default not known.
      type: int
      sample: 3
    config:
      description: The declared config keys with their normalised values (V(null) for a removed override).
      type: dict
      sample: {"retention.ms": "604800000", "cleanup.policy": "delete"}
    changes:
      description: Human readable list of the changes made (or planned) for this topic.
      type: list
      elements: str
      sample: ["partitions 6 -> 12", "set retention.ms=604800000 (was 86400000)"]
    error:
      description: Why this topic failed, V(null) when it did not.
      type: str
      sample: "cannot reduce partitions of topic 'orders' from 12 to 6: Kafka can only add partitions"
    reassignment:
      description:
        - One entry per partition a replication factor change moves, empty otherwise.
        - C(status) is V(planned) (check mode, or not started because the task failed before), V(already running),
          V(done), or why the partition is not done (starting with V(failed) or V(timed out)).
      type: list
      elements: dict
      version_added: 1.3.0
      sample: [{"partition": 0, "before": [1], "after": [1, 2, 3], "status": "done"}]
throttle:
  description: The replication throttle in bytes/s the task set and removed for its reassignment, V(null) when none.
  type: int
  returned: when a replication factor changed
  version_added: 1.3.0
  sample: 10485760
diff:
  description:
    - Partitions, replication factor and declared config keys of each changing topic before and after.
    - 'An absent topic is C({"state": "absent"}).'
  returned: in diff mode
  type: dict
  contains:
    before:
      description: Topic name to its state before the task.
      type: dict
      sample: {"orders": {"state": "present", "partitions": 6, "replication_factor": 1, "config": {"retention.ms": "86400000"},
               "assignment": {"0": [1]}}}
    after:
      description: Topic name to its state after the task.
      type: dict
      sample: {"orders": {"state": "present", "partitions": 12, "replication_factor": 3, "config": {"retention.ms": "604800000"},
               "assignment": {"0": [1, 2, 3]}}}
'''

import time
import traceback
import typing as t

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.streamops.kafka.plugins.module_utils._kafka import (
    AlterConfigOp,
    ConfigResource,
    ConfigResourceType,
    close_admin,
    connect_admin,
    describe_error,
    error_from_code,
    kafka_common_argument_spec,
)
from ansible_collections.streamops.kafka.plugins.module_utils._kafka_config import (
    TOPIC_CONFIG_TYPES,
    validate_topic_name,
)
from ansible_collections.streamops.kafka.plugins.module_utils._kafka_health import topic_not_ready_reason
from ansible_collections.streamops.kafka.plugins.module_utils._kafka_reassign import (
    Reassigner,
    replica_load,
)
from ansible_collections.streamops.kafka.plugins.module_utils._kafka_topic import (
    ACTION_CREATE,
    ACTION_DELETE,
    diff_from_plans,
    plan_topics,
    request_batches,
    result_entry,
    snapshot_from_cluster,
    topic_specs_from_params,
)
from ansible_collections.streamops.kafka.plugins.module_utils._wait import wait_option_problems

UNKNOWN_TOPIC_OR_PARTITION = 3


class TopicManager:
    """Talks to Kafka for kafka_topic; all decisions are made by plan_topics()."""

    def __init__(self, module: AnsibleModule, admin: t.Any) -> None:
        self.module = module
        self.admin = admin
        self.broker_timeout_ms = max(1000, int(module.params['request_timeout_ms'] * 0.8))
        # topic -> why its change is not confirmed yet (see _run_batch)
        self.uncertain: dict[str, str] = {}

    # -- reading ---------------------------------------------------------------

    def snapshot(self, specs: list[dict[str, t.Any]]) -> dict[str, t.Any]:
        names = [s['name'] for s in specs if validate_topic_name(s.get('name')) is None]
        names = list(dict.fromkeys(names))
        metadata = self.admin.describe_topics(names) if names else []
        cluster = self.admin.describe_cluster()
        brokers = cluster.get('brokers') or []
        existing = set(t['name'] for t in metadata if not t.get('error_code'))

        declared = set()
        for spec in specs:
            declared.update((spec.get('config') or {}).keys())
        need_all_keys = bool(declared - set(TOPIC_CONFIG_TYPES))
        resources = []
        for spec in specs:
            if spec['name'] not in existing or spec.get('state') != 'present':
                continue
            keys = sorted((spec.get('config') or {}).keys())
            if need_all_keys:
                resources.append(ConfigResource(ConfigResourceType.TOPIC, spec['name']))
            elif keys:
                resources.append(ConfigResource(ConfigResourceType.TOPIC, spec['name'], keys))
        topic_configs = {}
        if resources:
            described = self.admin.describe_configs(resources, config_filter='all')
            topic_configs = described.get('topic') or {}

        broker_defaults = None
        needs_defaults = any(
            s.get('state') == 'present' and s['name'] not in existing
            and (s.get('partitions') is None or s.get('replication_factor') is None)
            for s in specs)
        if needs_defaults and brokers:
            broker_id = str(brokers[0].get('broker_id', brokers[0].get('node_id')))
            described = self.admin.describe_configs(
                [ConfigResource(ConfigResourceType.BROKER, broker_id,
                                ['num.partitions', 'default.replication.factor'])],
                config_filter='all')
            broker_defaults = (described.get('broker') or {}).get(broker_id)
        snapshot = snapshot_from_cluster(metadata, brokers, topic_configs, broker_defaults)
        declared = [(spec, snapshot['topics'][spec['name']]) for spec in specs
                    if spec.get('state') == 'present' and isinstance(spec.get('replication_factor'), int)
                    and spec['name'] in snapshot['topics']]
        # A partition with another replica count, or with replicas out of the ISR (a reassignment
        # adding replicas may be under way), needs a look at the running reassignments, so that
        # none is started twice or taken for done; a topic as declared and in sync costs nothing.
        if any(len(p['replicas']) != spec['replication_factor'] or len(p['isr']) < len(p['replicas'])
               for spec, current in declared for p in current['assignment'].values()):
            snapshot['running'] = self.reassigner().running()
            moving = set(topic for topic, _index in snapshot['running'])
            if any(spec['name'] in moving or any(len(p['replicas']) != spec['replication_factor']
                                                 for p in current['assignment'].values())
                   for spec, current in declared):
                # Where new replicas go depends on what every broker holds.
                snapshot['load'] = replica_load(self.admin.describe_topics())
        return snapshot

    def reassigner(self) -> Reassigner:
        return Reassigner(self.admin, self.broker_timeout_ms)

    # -- writing -----------------------------------------------------------------

    @staticmethod
    def _config_resources(plans: list[dict[str, t.Any]]) -> list[t.Any]:
        resources = []
        for plan in plans:
            ops = dict((key, (AlterConfigOp.SET, value)) for key, value in plan['config_set'].items())
            ops.update((key, (AlterConfigOp.DELETE, None)) for key in plan['config_delete'])
            resources.append(ConfigResource(ConfigResourceType.TOPIC, plan['name'], ops))
        return resources

    def _run_batch(self, what: str, kind: str, plans: list[dict[str, t.Any]],
                   call: t.Callable[[list[dict[str, t.Any]]], t.Any],
                   errors_of: t.Callable[[t.Any], dict[str, str | None]], verifiable: bool = False,
                   ) -> dict[str, str | None]:
        """Run the admin call for the plans, one request per batch (request_batches); ``{name: error or None}``.

        ``verifiable``: the outcome can be read back from the metadata (create, add
        partitions, delete).  Then a timed out request, or one that raised after it may
        have reached the controller, is not an error yet: the topic is put in
        ``self.uncertain`` and the wait that follows decides.
        """
        result: dict[str, str | None] = {}
        for batch in request_batches(plans, kind):
            try:
                response = call(batch)
            except Exception as exc:  # pylint: disable=broad-except
                message = '%s request failed: %s' % (what, describe_error(exc))
                for plan in batch:
                    if verifiable:
                        self.uncertain[plan['name']] = message
                    result[plan['name']] = None if verifiable else message
                continue
            errors = errors_of(response)
            for plan in batch:
                error = errors.get(plan['name'], 'no answer from the broker for %s' % what)
                if error and verifiable and error.startswith('RequestTimedOutError'):
                    # The controller accepted it and goes on in the background.
                    self.uncertain[plan['name']] = '%s: %s' % (what, error)
                    error = None
                result[plan['name']] = error
        return result

    @staticmethod
    def _create_errors(response: dict[str, t.Any]) -> dict[str, str | None]:
        return dict((topic['name'], error_from_code(topic.get('error_code'), topic.get('error_message')))
                    for topic in response.get('topics') or [])

    @staticmethod
    def _partition_errors(response: t.Any) -> dict[str, str | None]:
        return dict((result.name, error_from_code(result.error_code, result.error_message))
                    for result in response.results or [])

    @staticmethod
    def _config_errors(response: dict[str, t.Any]) -> dict[str, str | None]:
        return dict((name, None if outcome == 'OK' else outcome)
                    for name, outcome in (response.get('topic') or {}).items())

    def create(self, plans: list[dict[str, t.Any]], validate_only: bool) -> dict[str, str | None]:
        return self._run_batch(
            'create topics', 'create', plans,
            lambda batch: self.admin.create_topics(dict((p['name'], p['create']) for p in batch),
                                                   timeout_ms=self.broker_timeout_ms,
                                                   validate_only=validate_only, raise_errors=False),
            self._create_errors, verifiable=not validate_only)

    def grow(self, plans: list[dict[str, t.Any]], validate_only: bool) -> dict[str, str | None]:
        def counts(batch: list[dict[str, t.Any]]) -> dict[str, t.Any]:
            return dict((p['name'], p['grow_to'] if p['grow_assignments'] is None
                         else dict(count=p['grow_to'], assignments=p['grow_assignments'])) for p in batch)
        return self._run_batch(
            'create partitions', 'grow', plans,
            lambda batch: self.admin.create_partitions(counts(batch), timeout_ms=self.broker_timeout_ms,
                                                       validate_only=validate_only, raise_errors=False),
            self._partition_errors, verifiable=not validate_only)

    def alter(self, plans: list[dict[str, t.Any]], validate_only: bool) -> dict[str, str | None]:
        return self._run_batch(
            'incremental alter configs', 'alter', plans,
            lambda batch: self.admin.alter_configs(self._config_resources(batch), validate_only=validate_only,
                                                   raise_on_unknown=False, incremental=True),
            self._config_errors)

    def delete(self, plans: list[dict[str, t.Any]]) -> dict[str, str | None]:
        return self._run_batch(
            'delete topics', 'delete', plans,
            lambda batch: self.admin.delete_topics([p['name'] for p in batch], timeout_ms=self.broker_timeout_ms,
                                                   raise_errors=False),
            self._create_errors, verifiable=True)

    # -- waiting -----------------------------------------------------------------

    def wait_ready(self, expected: dict[str, int | None], timeout: float) -> dict[str, str]:
        """Wait until every topic has its partitions with leaders; ``{name: reason}`` left."""
        pending: dict[str, str] = dict((name, 'not checked') for name in expected)
        deadline = time.monotonic() + timeout
        while pending:
            try:
                metadata = self.admin.describe_topics(sorted(pending))
            except Exception as exc:  # pylint: disable=broad-except
                metadata = []
                reason = 'metadata request failed: %s' % describe_error(exc)
                pending = dict((name, reason) for name in pending)
            by_name = dict((m.get('name'), m) for m in metadata)
            for name in list(pending):
                if name not in by_name:
                    continue
                reason = topic_not_ready_reason(by_name[name], expected[name])
                if reason is None:
                    del pending[name]
                else:
                    pending[name] = reason
            if not pending or time.monotonic() >= deadline:
                break
            time.sleep(0.2)
        return pending

    def wait_deleted(self, names: list[str], timeout: float) -> list[str]:
        """Wait until the topics are gone from the metadata; names still there."""
        pending = list(names)
        deadline = time.monotonic() + timeout
        while pending:
            try:
                metadata = self.admin.describe_topics(pending)
            except Exception:  # pylint: disable=broad-except
                metadata = [dict(name=name) for name in pending]
            pending = [m.get('name') for m in metadata if m.get('error_code') != UNKNOWN_TOPIC_OR_PARTITION]
            if not pending or time.monotonic() >= deadline:
                break
            time.sleep(0.2)
        return pending


def _fail_with(module: AnsibleModule, plans: list[dict[str, t.Any]], intro: str, changed: bool) -> None:
    if not changed:
        for plan in plans:
            plan['changed'] = False
    failed = [p for p in plans if p['error']]
    details = '; '.join('%s: %s' % (p['name'], p['error']) for p in failed[:20])
    if len(failed) > 20:
        details += '; ... and %d more' % (len(failed) - 20)
    result: dict[str, t.Any] = dict(
        changed=changed,
        topics=[result_entry(p) for p in plans],
        msg='%s for topic(s) %s: %s' % (intro, ', '.join(repr(p['name']) for p in failed[:20])
                                        + (', ...' if len(failed) > 20 else ''), details),
    )
    if module._diff:
        result['diff'] = diff_from_plans(p for p in plans if p['changed'])
    module.fail_json(**result)


def main() -> None:
    argument_spec = kafka_common_argument_spec()
    argument_spec.update(
        name=dict(type='str'),
        topics=dict(type='list', elements='dict', options=dict(
            name=dict(type='str', required=True),
            partitions=dict(type='int'),
            replication_factor=dict(type='int'),
            config=dict(type='dict'),
            state=dict(type='str', choices=['present', 'absent']),
        )),
        partitions=dict(type='int'),
        replication_factor=dict(type='int'),
        replication_throttle=dict(type='int'),
        reassignment_timeout=dict(type='int', default=600),
        config=dict(type='dict'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        wait_timeout=dict(type='int', default=60),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        mutually_exclusive=[('name', 'topics')],
        required_one_of=[('name', 'topics')],
        supports_check_mode=True,
    )
    problems = wait_option_problems(module.params)
    if module.params['replication_throttle'] is not None and module.params['replication_throttle'] <= 0:
        problems.append('replication_throttle must be a positive number of bytes per second, got %d'
                        % module.params['replication_throttle'])
    if module.params['reassignment_timeout'] < 0:
        problems.append('reassignment_timeout must be 0 or more seconds, got %d' % module.params['reassignment_timeout'])
    if problems:
        module.fail_json(msg='; '.join(problems))

    specs = topic_specs_from_params(module.params)
    admin = connect_admin(module)
    try:
        run(module, admin, specs)
    finally:
        close_admin(admin)


def run(module: AnsibleModule, admin: t.Any, specs: list[dict[str, t.Any]]) -> None:
    manager = TopicManager(module, admin)
    try:
        snapshot = manager.snapshot(specs)
    except Exception as exc:  # pylint: disable=broad-except
        module.fail_json(msg='Cannot read the current state of topics %s from Kafka: %s'
                         % (', '.join(repr(s.get('name')) for s in specs[:20]), describe_error(exc)),
                         exception=traceback.format_exc())
    plan = plan_topics(specs, snapshot)
    plans = plan['topics']
    if plan['errors']:
        _fail_with(module, plans, 'Invalid request, nothing was changed', changed=False)

    creates = [p for p in plans if p['create'] is not None]
    grows = [p for p in plans if p['grow_to'] is not None]
    alters = [p for p in plans if p['config_set'] or p['config_delete']]
    deletes = [p for p in plans if p['action'] == ACTION_DELETE]

    # The brokers validate everything first (validate_only), in check mode too.
    by_name = dict((p['name'], p) for p in plans)
    for step, batch in ((manager.create, creates), (manager.grow, grows), (manager.alter, alters)):
        for name, error in step(batch, validate_only=True).items():
            if error:
                plan = by_name[name]
                message = 'rejected by the broker: %s' % error
                plan['error'] = '%s; %s' % (plan['error'], message) if plan['error'] else message
                plan['changed'] = False
    if any(p['error'] for p in plans):
        _fail_with(module, plans, 'The brokers rejected the request, nothing was changed', changed=False)

    if not module.check_mode:
        apply(module, manager, plans, creates, grows, alters, deletes)

    changed = any(p['changed'] for p in plans)
    if any(p['error'] for p in plans):
        _fail_with(module, plans, 'Failed', changed=changed)
    result: dict[str, t.Any] = dict(changed=changed, topics=[result_entry(p) for p in plans])
    if any(p['reassign'] for p in plans):
        result['throttle'] = module.params['replication_throttle']
    if module._diff:
        result['diff'] = diff_from_plans(plans)
    module.exit_json(**result)


def reassign(module: AnsibleModule, manager: TopicManager, plans: list[dict[str, t.Any]],
             done: dict[str, list[str]], failed: dict[str, list[str]]) -> None:
    """Move the replicas of the plans' replication factor changes; one request for all, then wait."""
    if not plans:
        return
    moves = dict(((p['name'], index), replicas) for p in plans for index, replicas in p['reassign'].items())
    running = [(p['name'], index) for p in plans for index in p['reassign_running']]
    current = dict(((p['name'], index), (p['before'].get('assignment') or {}).get(index) or [])
                   for p in plans for index in p['reassign'])
    status, failures = manager.reassigner().execute(moves, current, running, module.params['replication_throttle'],
                                                    module.params['reassignment_timeout'])
    for p in plans:
        statuses = dict((index, status.get((p['name'], index), 'done')) for index in p['reassign'])
        p['reassign_status'] = statuses
        bad = ['partition %d %s' % (index, text) for index, text in sorted(statuses.items()) if text != 'done']
        if bad or failures:
            failed[p['name']].append('replication factor change: %s%s' % ('; '.join(bad + failures), (
                '; the reassignment goes on in Kafka without the throttle, re-run to wait for it'
                if any(text.startswith('timed out') for text in statuses.values()) else '')))
        if len(bad) < len(statuses):
            done[p['name']].append('reassign')


def apply(module: AnsibleModule, manager: TopicManager, plans: list[dict[str, t.Any]],
          creates: list[dict[str, t.Any]], grows: list[dict[str, t.Any]],
          alters: list[dict[str, t.Any]], deletes: list[dict[str, t.Any]]) -> None:
    """Apply the plan, one request per kind of change; record per-topic outcome."""
    done: dict[str, list[str]] = dict((p['name'], []) for p in plans)
    failed: dict[str, list[str]] = dict((p['name'], []) for p in plans)
    for label, step, batch in (('create', manager.create, creates), ('add partitions', manager.grow, grows),
                               ('alter config', manager.alter, alters)):
        for name, error in step(batch, validate_only=False).items():
            if error:
                failed[name].append('%s failed: %s' % (label, error))
            else:
                done[name].append(label)
    for name, error in manager.delete(deletes).items():
        if error:
            failed[name].append('delete failed: %s' % error)
        else:
            done[name].append('delete')
    reassign(module, manager, [p for p in plans if p['reassign'] and not failed[p['name']]], done, failed)

    # Wait for what was created or grown (and read back what is uncertain).  With
    # wait_timeout 0 only the uncertain topics are checked, once.
    timeout = module.params['wait_timeout']
    expected: dict[str, int | None] = {}
    for p in plans:
        if 'create' in done[p['name']] or 'add partitions' in done[p['name']]:
            if timeout > 0 or p['name'] in manager.uncertain:
                expected[p['name']] = p['partitions']
    for name, reason in manager.wait_ready(expected, timeout).items():
        if name in manager.uncertain:
            label = 'create' if 'create' in done[name] else 'add partitions'
            done[name].remove(label)
            failed[name].append('%s failed: %s; then not in the metadata after %ds: %s'
                                % (label, manager.uncertain[name], timeout, reason))
        else:
            failed[name].append('not ready after %ds: %s' % (timeout, reason))
    deleted = [p['name'] for p in deletes if 'delete' in done[p['name']]
               and (timeout > 0 or p['name'] in manager.uncertain)]
    remaining = manager.wait_deleted(deleted, timeout)
    for name in remaining:
        if name in manager.uncertain:
            done[name].remove('delete')
            failed[name].append('delete failed: %s; the topic is still in the metadata after %ds'
                                % (manager.uncertain[name], timeout))
    lingering = [name for name in remaining if name not in manager.uncertain]
    if lingering:
        module.warn('Topic(s) %s still in the metadata %ds after deletion; Kafka deletes asynchronously'
                    % (', '.join(lingering), timeout))
    confirmed = sorted(name for name in manager.uncertain if done[name])
    if confirmed:
        module.warn('The request for topic(s) %s did not complete in time (%s), but the metadata shows '
                    'it was applied' % (', '.join(confirmed), manager.uncertain[confirmed[0]]))

    for p in plans:
        name = p['name']
        p['changed'] = bool(done[name])
        if failed[name]:
            p['error'] = '; '.join(failed[name])
            if p['action'] == ACTION_CREATE and 'create' not in done[name]:
                p['after'] = dict(p['before'])


if __name__ == '__main__':
    main()
