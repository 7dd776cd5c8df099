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
short_description: Report brokers, topics, partition replicas, replication health and KRaft quorum of a Kafka cluster
version_added: 1.0.0
description:
  - Reads the cluster id, the controller, the live brokers and, for every topic, each partition's leader,
    replicas, in-sync replicas and offline replicas through the Kafka admin API.
  - Counts under-replicated partitions (fewer in-sync replicas than replicas) and offline partitions
    (no leader), so a rolling restart can wait until RV(under_replicated_partitions) is V(0).
  - Tells a KRaft cluster from a ZooKeeper-mode one (RV(mode)) and reads the finalized features
    (RV(metadata_version)). In KRaft mode it also reads the metadata quorum (RV(quorum)) with DescribeQuorum;
    the quorum is healthy when it has a leader and every voter is caught up.
  - A voter or observer is caught up when it is the leader, or when the leader knows its log end offset,
    it is at most O(quorum_max_lag) records behind the high watermark and, when the brokers report fetch
    times, it last caught up with the leader's log end at most O(quorum_max_lag_ms) milliseconds ago by the
    leader's clock.
  - A request refused with a retriable error (a node that has just stopped is still in the metadata for
    a few seconds) is sent again for up to O(request_timeout_ms); kafka-python then picks another node.
  - Also reads, best-effort, the SCRAM users (RV(users)) and the number of ACLs (RV(acl_count)); a cluster without an
    authorizer, or a principal not allowed to read them, gives V(null) there, never a failure.
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
  quorum_max_lag:
    description:
      - KRaft mode only. How many records a voter or observer may be behind the high watermark of the metadata
        log and still count as caught up.
      - The quorum leader appends a no-op record about every 500 ms (C(metadata.max.idle.interval.ms)), so a
        healthy follower is usually 0 to 2 records behind, and a stopped one falls about 2 records further
        behind every second.
    type: int
    default: 10
    version_added: 1.1.0
  quorum_max_lag_ms:
    description:
      - KRaft mode only. How long ago, in milliseconds by the quorum leader's clock, a voter or observer may have
        last caught up with the leader's log end and still count as caught up.
      - This catches a stopped replica even while the metadata log does not grow. Brokers that report no fetch
        times (DescribeQuorum v0) are judged by O(quorum_max_lag) alone.
    type: int
    default: 5000
    version_added: 1.1.0
  wait_for:
    description:
      - Poll the cluster until every condition given here holds, instead of reading it once. One module run
        keeps one client and reads every O(wait_interval) seconds, which is much cheaper than an C(until) loop
        around the task (a new module process per read) and sees the cluster change sooner.
      - A read that fails (a broker that just stopped, no broker up yet) counts as a condition not met yet.
      - When O(wait_timeout) passes first, the module fails naming every condition still unmet and the last reading.
      - The result is the reading that met the conditions, plus RV(waited).
    type: dict
    version_added: 1.2.0
    suboptions:
      brokers:
        description: These broker ids are registered.
        type: list
        elements: int
      replication:
        description: No partition is under-replicated or offline.
        type: bool
        default: false
      quorum_leader:
        description: The KRaft metadata quorum has a leader.
        type: bool
        default: false
      quorum_healthy:
        description: The KRaft metadata quorum is healthy (RV(quorum.healthy)).
        type: bool
        default: false
      voters_caught_up:
        description: These node ids are quorum voters and caught up.
        type: list
        elements: int
      voters:
        description: The quorum voters are exactly these node ids.
        type: list
        elements: int
extends_documentation_fragment:
  - streamops.kafka.kafka
  - streamops.kafka.wait
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
  - name: KRaft monitoring
    description: The metadata quorum, its leader, voters and observers.
    link: https://kafka.apache.org/documentation/#kraft_monitoring
'''

EXAMPLES = r'''
- name: Read the cluster state
  streamops.kafka.kafka_info:
    bootstrap_servers: [kafka1.example.com:9092]
  delegate_to: localhost
  run_once: true
  register: kafka_state

- name: Wait until brokers 1-3 are registered and no partition is under-replicated (rolling restart gate)
  streamops.kafka.kafka_info:
    bootstrap_servers: [kafka1.example.com:9092, kafka2.example.com:9092]
    wait_for:
      brokers: [1, 2, 3]
      replication: true
    wait_timeout: 300
  delegate_to: localhost
  register: kafka_health

- name: Wait until the KRaft metadata quorum has a leader and every voter is caught up
  streamops.kafka.kafka_info:
    bootstrap_servers: [kafka1.example.com:9092]
    topics: []
    wait_for:
      quorum_healthy: true
  delegate_to: localhost
  register: kafka_quorum

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
  description:
    - Node id of the active controller, V(null) while there is none.
    - In ZooKeeper mode the broker that is the active controller, as DescribeCluster reports it.
    - In KRaft mode the leader of the metadata quorum, RV(quorum.leader_id), a controller node (which is a broker
      too only in combined mode). DescribeCluster names a random broker there (KAFKA-17404), so it is not used.
  returned: always
  type: int
  sample: 1
mode:
  description:
    - V(kraft) when the brokers answer DescribeQuorum or report a finalized C(metadata.version) feature
      (KRaft brokers always do, ZooKeeper-mode brokers never do), else V(zookeeper).
  returned: always
  type: str
  sample: kraft
  version_added: 1.1.0
metadata_version:
  description:
    - Finalized level of the C(metadata.version) feature, for example V(25) for C(4.0-IV3).
    - V(null) in ZooKeeper mode.
  returned: always
  type: int
  sample: 25
  version_added: 1.1.0
finalized_features:
  description:
    - The cluster-wide finalized feature levels (C(kafka-features.sh describe)), by feature name.
    - Empty when there are none, or when the brokers are too old to report them (before Kafka 2.4).
  returned: always
  type: dict
  sample: {"metadata.version": {"min_version": 25, "max_version": 25}, "kraft.version": {"min_version": 1, "max_version": 1}}
  version_added: 1.1.0
quorum:
  description:
    - The KRaft metadata quorum (the C(__cluster_metadata) log), as DescribeQuorum reports it.
    - V(null) in ZooKeeper mode.
    - When DescribeQuorum answers with an error (for instance while there is no leader, during an election),
      RV(quorum.leader_id) is V(-1), the voter and observer lists are empty, RV(quorum.healthy) is V(false),
      and the module warns with the error.
  returned: always
  type: dict
  version_added: 1.1.0
  contains:
    leader_id:
      description: Node id of the quorum leader (the active controller), V(-1) when there is none.
      type: int
      sample: 1
    leader_epoch:
      description: Epoch of the quorum leader.
      type: int
      sample: 7
    high_watermark:
      description: High watermark of the metadata log, the offset up to which a majority of voters has it.
      type: int
      sample: 152644
    healthy:
      description: Whether the quorum has a leader (RV(quorum.leader_id) V(>= 0)) and every voter is caught up.
      type: bool
      sample: true
    voters:
      description: The voters (controllers), sorted by id.
      type: list
      elements: dict
      contains:
        id:
          description: Node id.
          type: int
          sample: 2
        directory_id:
          description: Id of the metadata log directory (KIP-853, Kafka 3.9+), V(null) when not reported.
          type: str
          sample: 3d1f8a61-3c3f-4d6e-9a43-6c3b4f7e2a10
        log_end_offset:
          description: Log end offset of the replica as the leader last saw it, V(-1) when unknown.
          type: int
          sample: 152644
        lag:
          description: RV(quorum.high_watermark) minus RV(quorum.voters[].log_end_offset), never below V(0).
          type: int
          sample: 0
        last_fetch_timestamp:
          description: Leader's time (ms since the epoch) of the replica's last fetch, V(null) when unknown.
          type: int
          sample: 1767225600123
        last_caught_up_timestamp:
          description: Leader's time (ms since the epoch) at which the replica last caught up with the leader's log end,
            V(null) when unknown.
          type: int
          sample: 1767225600123
        caught_up:
          description:
            - Whether the replica keeps up with the leader. The leader always does. Another replica does when its log
              end offset is known, RV(quorum.voters[].lag) is at most O(quorum_max_lag) and, when the brokers report
              fetch times, RV(quorum.voters[].last_caught_up_timestamp) is at most O(quorum_max_lag_ms) before the
              leader's current time.
          type: bool
          sample: true
    observers:
      description:
        - Replicas that fetch the metadata log without voting (brokers, and controllers not among the voters),
          sorted by id, with the same keys as RV(quorum.voters).
      type: list
      elements: dict
      sample: [{"id": 4, "directory_id": null, "log_end_offset": 152644, "lag": 0, "last_fetch_timestamp": 1767225600101,
                "last_caught_up_timestamp": 1767225600101, "caught_up": true}]
brokers:
  description: Live brokers, sorted by id. Fenced brokers (KRaft, Kafka 4.0+) are not live and not listed.
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
users:
  description:
    - The users with SCRAM credentials (DescribeUserScramCredentials), sorted by name, each with its mechanisms
      and iterations; never a password.
    - V(null) when they cannot be read (the connecting principal lacks C(DESCRIBE) on the cluster, or brokers
      before Kafka 2.7); the module then warns why.
  returned: always
  type: list
  elements: dict
  version_added: 1.3.0
  sample: [{"name": "admin", "mechanisms": [{"mechanism": "SCRAM-SHA-512", "iterations": 8192}]}]
  contains:
    name:
      description: User name.
      type: str
      sample: admin
    mechanisms:
      description: Its SCRAM credentials, sorted by mechanism.
      type: list
      elements: dict
      sample: [{"mechanism": "SCRAM-SHA-512", "iterations": 8192}]
user_count:
  description: Number of users in RV(users), V(null) when they cannot be read.
  returned: always
  type: int
  version_added: 1.3.0
  sample: 3
authorizer:
  description:
    - Whether the cluster runs an authorizer (C(authorizer.class.name)). V(false) when DescribeAcls answers
      C(SecurityDisabledError), V(true) when it answers (or refuses the connecting principal), V(null) when the
      request failed otherwise.
  returned: always
  type: bool
  version_added: 1.3.0
  sample: true
acl_count:
  description:
    - Number of ACLs in the cluster (DescribeAcls), V(null) without an authorizer (RV(authorizer=false)) or when the
      connecting principal may not read them (the module then warns why).
  returned: always
  type: int
  version_added: 1.3.0
  sample: 12
waited:
  description: With O(wait_for), the seconds the module waited and how many times it read the cluster.
  returned: when O(wait_for) is set
  type: dict
  sample: {seconds: 12.4, reads: 11}
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

import time
import traceback
import typing as t

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.streamops.kafka.plugins.module_utils._kafka import (
    ACLFilter,
    ACLOperation,
    ACLPermissionType,
    ACLResourcePatternType,
    ResourcePatternFilter,
    ResourceType,
    call_retrying,
    check_kafka_library,
    client_kwargs,
    close_admin,
    connect_admin,
    describe_error,
    kafka,
    kafka_common_argument_spec,
    kafka_errors,
    open_admin,
)
from ansible_collections.streamops.kafka.plugins.module_utils._kafka_health import (
    MODE_KRAFT,
    build_cluster_info,
    cluster_mode_info,
    finalized_features,
    shape_quorum,
    unmet_wait_conditions,
)
from ansible_collections.streamops.kafka.plugins.module_utils._kafka_user import shape_users, snapshot_from_describe
from ansible_collections.streamops.kafka.plugins.module_utils._wait import WAIT_ARGUMENT_SPEC, wait_option_problems


class QuorumUnreadable(Exception):
    """The brokers answered DescribeQuorum in a form the installed kafka-python cannot parse."""


def read_features(admin: t.Any, timeout_ms: int) -> dict[str, dict[str, int]]:
    """Finalized features, ``{}`` when the brokers (before Kafka 2.4) cannot report them."""
    try:
        return finalized_features(call_retrying(admin.describe_features, timeout_ms))
    except kafka_errors.UnsupportedVersionError:
        return {}


def read_quorum(admin: t.Any, timeout_ms: int) -> dict[str, t.Any] | None:
    """The DescribeQuorum answer, ``None`` when the brokers do not offer DescribeQuorum (ZooKeeper mode).

    ZooKeeper-mode brokers leave DescribeQuorum out of their ApiVersions, so
    kafka-python raises IncompatibleBrokerVersion before sending anything; a
    broker that refuses the request answers UNSUPPORTED_VERSION.  Both are
    ``UnsupportedVersionError``.
    """
    try:
        return call_retrying(admin.describe_metadata_quorum, timeout_ms)
    except kafka_errors.UnsupportedVersionError:
        return None
    except KeyError as exc:
        # kafka-python 3.0.12 pops 'error_message', a field DescribeQuorum has only from v2 (Kafka 3.9) on
        raise QuorumUnreadable('kafka-python %s cannot parse the DescribeQuorum answer of these brokers (KeyError %s); '
                               'it reads DescribeQuorum v2, which Kafka answers from 3.9 on'
                               % (getattr(kafka, '__version__', '?'), exc)) from exc


def read_security(admin: t.Any, timeout_ms: int, warnings: list[str]) -> dict[str, t.Any]:
    """SCRAM users and the ACL count, best-effort: what cannot be read is ``None`` and a warning, never an error."""
    info: dict[str, t.Any] = dict(users=None, user_count=None, authorizer=None, acl_count=None)
    try:
        users = shape_users(snapshot_from_describe(call_retrying(admin.describe_user_scram_credentials, timeout_ms)))
        info.update(users=users, user_count=len(users))
    except Exception as exc:  # pylint: disable=broad-except  # best-effort
        warnings.append('Cannot read the SCRAM users: %s' % describe_error(exc))
    try:
        match_all = ACLFilter(principal=None, host=None, operation=ACLOperation.ANY,
                              permission_type=ACLPermissionType.ANY,
                              resource_pattern=ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY))
        acls, _error = call_retrying(lambda: admin.describe_acls(match_all), timeout_ms)
        info.update(authorizer=True, acl_count=len(acls))
    except kafka_errors.SecurityDisabledError:
        info['authorizer'] = False
    except Exception as exc:  # pylint: disable=broad-except  # best-effort
        if isinstance(exc, (kafka_errors.ClusterAuthorizationFailedError, kafka_errors.TopicAuthorizationFailedError)):
            info['authorizer'] = True
        warnings.append('Cannot read the ACLs: %s' % describe_error(exc))
    return info


def read_cluster(admin: t.Any, requested: list[str] | None, timeout_ms: int) -> dict[str, t.Any]:
    """Every answer kafka_info needs: DescribeCluster, Metadata, finalized features, DescribeQuorum.

    Each request is retried on retriable errors for up to ``timeout_ms``: right after a node
    stops it is still in the metadata, and a request sent to it is refused.
    """
    return dict(
        cluster=call_retrying(admin.describe_cluster, timeout_ms),
        metadata=call_retrying(lambda: admin.describe_topics(requested), timeout_ms) if requested != [] else [],
        features=read_features(admin, timeout_ms),
        quorum=read_quorum(admin, timeout_ms),
    )


def check_lag_options(params: dict[str, t.Any]) -> str | None:
    """Why ``quorum_max_lag``/``quorum_max_lag_ms`` are unusable, ``None`` when they are fine."""
    for name in ('quorum_max_lag', 'quorum_max_lag_ms'):
        if params[name] < 0:
            return '%s must be 0 or more, got %d' % (name, params[name])
    return None


def kraft_without_quorum_message(servers: str, info: dict[str, t.Any], api_version: str | None) -> str:
    """Failure message for a KRaft cluster whose DescribeQuorum the client cannot send."""
    msg = ('The cluster at %s runs in KRaft mode (metadata.version %s is finalized) but the client cannot send it '
           'DescribeQuorum' % (servers, info['metadata_version']))
    if api_version:
        msg += ': api_version=%s pins a protocol table without it; leave api_version unset or set it to 4.0 or later' % (
            api_version,)
    else:
        msg += ' (brokers offer it from Kafka 3.3 on)'
    return msg


def read_info(admin: t.Any, requested: list[str] | None, params: dict[str, t.Any],
              warnings: list[str]) -> dict[str, t.Any]:
    """kafka_info's result from one read of the cluster; raises what the reads raise."""
    answers = read_cluster(admin, requested, params['request_timeout_ms'])
    quorum = None
    if answers['quorum'] is not None:
        quorum, error = shape_quorum(answers['quorum'], params['quorum_max_lag'], params['quorum_max_lag_ms'])
        if error:
            warnings.append('DescribeQuorum answered %s: the quorum is reported without leader and voters' % error)
    info = build_cluster_info(answers['cluster'], answers['metadata'], include_internal=params['include_internal'],
                              requested=requested)
    info.update(cluster_mode_info(answers['cluster'], answers['features'], quorum))
    return info


def wait_for_conditions(module: AnsibleModule, requested: list[str] | None, servers: str) -> dict[str, t.Any]:
    """Read the cluster every ``wait_interval`` s with one client until ``wait_for`` holds; fail at the timeout."""
    params = module.params
    check_kafka_library(module)
    try:
        kwargs = client_kwargs(params)
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    started = time.monotonic()
    deadline = started + params['wait_timeout']
    admin, info, reads, warnings = None, None, 0, []
    while True:
        reads += 1
        try:
            if admin is None:
                admin = open_admin(kwargs)
            info = read_info(admin, requested, params, warnings)
            unmet = unmet_wait_conditions(info, params['wait_for'])
        except Exception as exc:  # pylint: disable=broad-except  # a node just went away: read again
            close_admin(admin)
            admin = None
            unmet = ['a reading of the cluster at %s (%s)' % (servers, describe_error(exc))]
        if not unmet or time.monotonic() + params['wait_interval'] > deadline:
            break
        time.sleep(params['wait_interval'])
    if not unmet:
        info.update(read_security(admin, params['request_timeout_ms'], warnings))
    close_admin(admin)
    for warning in dict.fromkeys(warnings):
        module.warn(warning)
    waited = dict(seconds=round(time.monotonic() - started, 1), reads=reads)
    if unmet:
        module.fail_json(msg='After %s s (%d reads) the cluster at %s still lacks: %s'
                         % (waited['seconds'], reads, servers, '; '.join(unmet)), waited=waited, **(info or {}))
    info['waited'] = waited
    return info


def main() -> None:
    argument_spec = kafka_common_argument_spec()
    argument_spec.update(
        topics=dict(type='list', elements='str'),
        include_internal=dict(type='bool', default=False),
        quorum_max_lag=dict(type='int', default=10),
        quorum_max_lag_ms=dict(type='int', default=5000),
        wait_for=dict(type='dict', options=dict(
            brokers=dict(type='list', elements='int'),
            replication=dict(type='bool', default=False),
            quorum_leader=dict(type='bool', default=False),
            quorum_healthy=dict(type='bool', default=False),
            voters_caught_up=dict(type='list', elements='int'),
            voters=dict(type='list', elements='int'),
        )),
        **WAIT_ARGUMENT_SPEC
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    problem = check_lag_options(module.params) or '; '.join(wait_option_problems(module.params))
    if problem:
        module.fail_json(msg=problem)
    requested = module.params['topics']
    if requested is not None:
        requested = list(dict.fromkeys(requested))
    servers = ','.join(module.params['bootstrap_servers'])

    if module.params['wait_for'] is not None:
        info = wait_for_conditions(module, requested, servers)
    else:
        warnings: list[str] = []
        admin = connect_admin(module)
        try:
            info = read_info(admin, requested, module.params, warnings)
            info.update(read_security(admin, module.params['request_timeout_ms'], warnings))
        except Exception as exc:  # pylint: disable=broad-except
            module.fail_json(msg='Cannot read the cluster metadata from %s: %s' % (servers, describe_error(exc)),
                             exception=traceback.format_exc())
        finally:
            close_admin(admin)
        for warning in warnings:
            module.warn(warning)
    if info['mode'] == MODE_KRAFT and info['quorum'] is None:
        module.fail_json(msg=kraft_without_quorum_message(servers, info, module.params['api_version']), **info)
    module.exit_json(changed=False, **info)


if __name__ == '__main__':
    main()
