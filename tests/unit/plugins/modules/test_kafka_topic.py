# -*- coding: utf-8 -*-
# Copyright: (c) 2025, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Unit tests of the kafka_topic module: main() against a fake KafkaAdminClient.

The fake keeps an in-memory cluster and records every admin call, so the tests check what
is sent to Kafka (and that nothing is sent when it must not be), not only what is returned.
"""

from __future__ import annotations

import typing as t
from types import SimpleNamespace

import pytest

from ansible.module_utils import basic

from ansible_collections.streamops.kafka.plugins.module_utils import _kafka, _kafka_config
from ansible_collections.streamops.kafka.plugins.modules import kafka_topic as module

from module_harness import AdminRun, FailJson, fail_json, patch_module_args


WRITES = ('create_topics', 'create_partitions', 'alter_configs', 'delete_topics')


class FakeAdmin:
    """Just enough of kafka-python 3.x KafkaAdminClient, answering in its shapes."""

    def __init__(self, brokers: int = 3) -> None:
        self.brokers = [dict(broker_id=i, host='b%d' % i, port=9092, rack=None) for i in range(1, brokers + 1)]
        self.topics: dict[str, dict[str, t.Any]] = {}
        self.calls: list[tuple[str, t.Any, dict[str, t.Any]]] = []
        self.create_errors: dict[str, tuple[int, str]] = {}
        self.validate_errors: dict[str, tuple[int, str]] = {}
        self.alter_errors: dict[str, str] = {}
        self.leaderless: set[str] = set()
        self.closed = False

    def add_topic(self, name: str, partitions: int = 1, rf: int = 1, configs: dict[str, str] | None = None,
                  internal: bool = False) -> None:
        self.topics[name] = dict(partitions=partitions, rf=rf, configs=dict(configs or {}), internal=internal)

    # reads
    def describe_cluster(self) -> dict[str, t.Any]:
        self.calls.append(('describe_cluster', None, {}))
        return dict(cluster_id='cid', controller_id=1, brokers=list(self.brokers))

    def describe_topics(self, names: list[str] | None = None) -> list[dict[str, t.Any]]:
        self.calls.append(('describe_topics', names, {}))
        out = []
        for name in (names if names is not None else sorted(self.topics)):
            topic = self.topics.get(name)
            if topic is None:
                out.append(dict(name=name, error_code=3, is_internal=False, partitions=[]))
                continue
            leader = -1 if name in self.leaderless else 1
            out.append(dict(name=name, error_code=0, is_internal=topic['internal'], partitions=[
                dict(partition_index=i, leader_id=leader, replica_nodes=list(range(1, topic['rf'] + 1)),
                     isr_nodes=list(range(1, topic['rf'] + 1)), offline_replicas=[], error_code=0)
                for i in range(topic['partitions'])]))
        return out

    def list_partition_reassignments(self, topic_partitions: t.Any = None, timeout_ms: int | None = None) -> dict:
        self.calls.append(('list_partition_reassignments', topic_partitions, {}))
        return {}

    def describe_configs(self, resources: list[t.Any], config_filter: str = 'modified') -> dict[str, t.Any]:
        self.calls.append(('describe_configs', resources, dict(config_filter=config_filter)))
        out: dict[str, dict[str, t.Any]] = {}
        for resource in resources:
            if resource.resource_type.name == 'BROKER':
                out.setdefault('broker', {})[resource.name] = {
                    'num.partitions': dict(value='2', config_source='STATIC_BROKER_CONFIG', config_type='INT'),
                    'default.replication.factor': dict(value='3', config_source='STATIC_BROKER_CONFIG',
                                                       config_type='INT')}
                continue
            topic = self.topics[resource.name]
            entries = {}
            for key, ctype in _kafka_config.TOPIC_CONFIG_TYPES.items():
                if key in topic['configs']:
                    entries[key] = dict(value=topic['configs'][key], config_source='DYNAMIC_TOPIC_CONFIG',
                                        config_type=ctype)
                else:
                    entries[key] = dict(value='false' if ctype == 'BOOLEAN' else '1',
                                        config_source='DEFAULT_CONFIG', config_type=ctype)
            if resource.configs is not None:
                entries = dict((k, v) for k, v in entries.items() if k in resource.configs)
            out.setdefault('topic', {})[resource.name] = entries
        return out

    # writes
    def create_topics(self, new_topics: dict[str, dict[str, t.Any]], timeout_ms: int | None = None,
                      validate_only: bool = False, raise_errors: bool = True) -> dict[str, t.Any]:
        self.calls.append(('create_topics', new_topics, dict(validate_only=validate_only, timeout_ms=timeout_ms)))
        answers = []
        errors = self.validate_errors if validate_only else self.create_errors
        for name, spec in new_topics.items():
            code, message = errors.get(name, (0, None))
            answers.append(dict(name=name, error_code=code, error_message=message))
            if not validate_only and code in (0, 7):
                self.add_topic(name, spec['num_partitions'] if spec['num_partitions'] > 0 else 2,
                               spec['replication_factor'] if spec['replication_factor'] > 0 else 3,
                               spec.get('configs'))
        return dict(topics=answers)

    def create_partitions(self, counts: dict[str, int], timeout_ms: int | None = None, validate_only: bool = False,
                          raise_errors: bool = True) -> t.Any:
        self.calls.append(('create_partitions', counts, dict(validate_only=validate_only)))
        if not validate_only:
            for name, count in counts.items():
                self.topics[name]['partitions'] = count
        return SimpleNamespace(results=[SimpleNamespace(name=n, error_code=0, error_message=None) for n in counts])

    def alter_configs(self, resources: list[t.Any], validate_only: bool = False, raise_on_unknown: bool = True,
                      incremental: bool | None = None) -> dict[str, t.Any]:
        self.calls.append(('alter_configs', resources,
                           dict(validate_only=validate_only, incremental=incremental, raise_on_unknown=raise_on_unknown)))
        out = {}
        for resource in resources:
            error = self.alter_errors.get(resource.name)
            out[resource.name] = error or 'OK'
            if not validate_only and not error:
                for key, (op, value) in resource.configs.items():
                    if op.name == 'DELETE':
                        self.topics[resource.name]['configs'].pop(key, None)
                    else:
                        self.topics[resource.name]['configs'][key] = value
        return dict(topic=out)

    def delete_topics(self, names: list[str], timeout_ms: int | None = None, raise_errors: bool = True) -> dict[str, t.Any]:
        self.calls.append(('delete_topics', names, {}))
        for name in names:
            self.topics.pop(name, None)
        return dict(topics=[dict(name=n, error_code=0, error_message=None) for n in names])

    def close(self) -> None:
        self.closed = True

    # helpers
    def writes(self) -> list[tuple[str, t.Any, dict[str, t.Any]]]:
        return [c for c in self.calls if c[0] in WRITES]

    def real_writes(self) -> list[tuple[str, t.Any, dict[str, t.Any]]]:
        return [c for c in self.writes() if not c[2].get('validate_only')]


class Run(AdminRun):
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        super().__init__(monkeypatch, module, FakeAdmin())
        monkeypatch.setattr(module.time, 'sleep', lambda _seconds: None)
        self.warnings: list[str] = []
        monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda _self, warning: self.warnings.append(warning))


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Run:
    return Run(monkeypatch)


def test_create_one_topic(run: Run) -> None:
    failed, result = run(name='orders', partitions=3, replication_factor=3, config={'retention.ms': 1000})
    assert failed is False
    assert result['changed'] is True
    assert result['topics'][0]['action'] == 'create'
    assert 'diff' not in result
    assert [(c[0], c[2]['validate_only']) for c in run.admin.writes()] == [('create_topics', True),
                                                                           ('create_topics', False)]
    assert run.admin.real_writes()[0][1] == {
        'orders': dict(num_partitions=3, replication_factor=3, configs={'retention.ms': '1000'})}
    assert run.admin.topics['orders']['partitions'] == 3
    assert run.admin.closed is True


def test_rerun_makes_no_write(run: Run) -> None:
    run.admin.add_topic('orders', 3, 3, {'retention.ms': '1000'})
    failed, result = run(name='orders', partitions=3, replication_factor=3, config={'retention.ms': '1000'})
    assert failed is False
    assert result['changed'] is False
    assert run.admin.writes() == []


def test_one_request_per_kind_for_many_topics(run: Run) -> None:
    for i in range(5):
        run.admin.add_topic('grow-%d' % i, 1, 1)
        run.admin.add_topic('conf-%d' % i, 1, 1)
        run.admin.add_topic('drop-%d' % i, 1, 1)
    topics = ([dict(name='new-%d' % i, partitions=1, replication_factor=1) for i in range(5)]
              + [dict(name='grow-%d' % i, partitions=2) for i in range(5)]
              + [dict(name='conf-%d' % i, config={'retention.ms': 5}) for i in range(5)]
              + [dict(name='drop-%d' % i, state='absent') for i in range(5)])
    failed, result = run(topics=topics)
    assert failed is False, result['msg']
    kinds = [c[0] for c in run.admin.real_writes()]
    assert kinds == ['create_topics', 'create_partitions', 'alter_configs', 'delete_topics']
    creates, grows, alters, deletes = [c[1] for c in run.admin.real_writes()]
    assert sorted(creates) == ['new-%d' % i for i in range(5)]
    assert grows == dict(('grow-%d' % i, 2) for i in range(5))
    assert sorted(r.name for r in alters) == ['conf-%d' % i for i in range(5)]
    assert sorted(deletes) == ['drop-%d' % i for i in range(5)]
    assert [c[2]['incremental'] for c in run.admin.calls if c[0] == 'alter_configs'] == [True, True]
    assert all(not c[2]['raise_on_unknown'] for c in run.admin.calls if c[0] == 'alter_configs')
    reads = [c[0] for c in run.admin.calls if c[0].startswith('describe')]
    # one snapshot (topics, cluster, configs) + waiting for created/grown topics + deletion check
    assert reads[:3] == ['describe_topics', 'describe_cluster', 'describe_configs']
    assert [t['action'] for t in result['topics']] == ['create'] * 5 + ['update'] * 10 + ['delete'] * 5


def test_validation_error_sends_nothing(run: Run) -> None:
    failed, result = run(topics=[dict(name='fine', partitions=1, replication_factor=1),
                                 dict(name='wide', partitions=1, replication_factor=4)])
    assert failed is True
    assert result['changed'] is False
    assert result['msg'].startswith("Invalid request, nothing was changed for topic(s) 'wide': ")
    assert "replication_factor 4 of topic 'wide' exceeds the 3 live broker(s)" in result['msg']
    assert run.admin.writes() == []
    assert [t['changed'] for t in result['topics']] == [False, False]
    assert 'fine' not in run.admin.topics


def test_broker_rejection_in_validate_only_sends_no_real_write(run: Run) -> None:
    run.admin.validate_errors['bad'] = (40, 'Invalid value 0 for configuration min.insync.replicas')
    failed, result = run(topics=[dict(name='fine', partitions=1, replication_factor=1),
                                 dict(name='bad', partitions=1, replication_factor=1,
                                      config={'min.insync.replicas': 0})])
    assert failed is True
    assert result['msg'].startswith("The brokers rejected the request, nothing was changed for topic(s) 'bad'")
    assert 'InvalidConfigurationError(40): Invalid value 0' in result['msg']
    assert run.admin.real_writes() == []
    entries = dict((e['name'], e) for e in result['topics'])
    assert entries['fine']['error'] is None
    assert entries['bad']['error'].startswith('rejected by the broker: InvalidConfigurationError(40)')


def test_check_mode_validates_but_applies_nothing(run: Run) -> None:
    run.admin.add_topic('grow', 1, 1, {'retention.ms': '1'})
    failed, result = run(check=True, topics=[dict(name='new', partitions=2, replication_factor=1),
                                             dict(name='grow', partitions=4, config={'retention.ms': 2})])
    assert failed is False
    assert result['changed'] is True
    assert [t['action'] for t in result['topics']] == ['create', 'update']
    assert run.admin.writes() and run.admin.real_writes() == []
    assert sorted(c[0] for c in run.admin.writes()) == ['alter_configs', 'create_partitions', 'create_topics']
    assert 'new' not in run.admin.topics
    assert run.admin.topics['grow']['partitions'] == 1


def test_check_mode_and_real_run_agree(run: Run) -> None:
    run.admin.add_topic('grow', 1, 1)
    args = dict(topics=[dict(name='new', partitions=2, replication_factor=1), dict(name='grow', partitions=4)])
    planned = run(check=True, **args)[1]
    applied = run(**args)[1]
    assert planned['topics'] == applied['topics']
    assert planned['changed'] is True
    assert applied['changed'] is True


def test_delete_refuses_internal_and_sends_nothing(run: Run) -> None:
    run.admin.add_topic('__consumer_offsets', 50, 3, internal=True)
    run.admin.add_topic('scratch')
    failed, result = run(topics=[dict(name='scratch'), dict(name='__consumer_offsets')], state='absent')
    assert failed is True
    assert "refusing to delete internal topic '__consumer_offsets'" in result['msg']
    assert run.admin.writes() == []
    assert 'scratch' in run.admin.topics


def test_partial_failure_names_the_failed_topic_and_keeps_the_others(run: Run) -> None:
    run.admin.create_errors['taken'] = (36, "Topic 'taken' already exists.")
    failed, result = run(topics=[dict(name='ok', partitions=1, replication_factor=1),
                                 dict(name='taken', partitions=1, replication_factor=1)])
    assert failed is True
    assert result['changed'] is True
    assert result['msg'].startswith("Failed for topic(s) 'taken': taken: create failed: TopicAlreadyExistsError(36)")
    entries = dict((e['name'], e) for e in result['topics'])
    assert entries['ok']['changed'] is True and entries['ok']['error'] is None
    assert entries['taken']['changed'] is False


def test_request_timed_out_on_create_is_checked_by_the_wait(run: Run) -> None:
    run.admin.create_errors['slow'] = (7, 'Timed out waiting for metadata')
    failed, result = run(name='slow', partitions=2, replication_factor=1)
    assert failed is False, result.get('msg')
    assert result['topics'][0]['changed'] is True


def test_topic_without_leader_fails_after_wait(run: Run) -> None:
    run.admin.leaderless.add('orphan')
    failed, result = run(name='orphan', partitions=2, replication_factor=1, wait_timeout=1)
    assert failed is True
    assert result['changed'] is True
    assert "orphan: not ready after 1s: p0 has no leader, p1 has no leader" in result['msg']


def test_wait_timeout_zero_does_not_wait(run: Run) -> None:
    run.admin.leaderless.add('orphan')
    failed, _result = run(name='orphan', partitions=2, replication_factor=1, wait_timeout=0)
    assert failed is False
    assert [c[0] for c in run.admin.calls].count('describe_topics') == 1


def test_negative_wait_timeout(run: Run) -> None:
    failed, result = run(name='x', wait_timeout=-1)
    assert failed is True
    assert result['msg'] == 'wait_timeout must be 0 or more seconds, got -1'


def test_alter_failure_after_grow(run: Run) -> None:
    run.admin.add_topic('t', 1, 1, {'retention.ms': '1'})
    real_alter = run.admin.alter_configs

    def alter(resources: list[t.Any], validate_only: bool = False, **kw: t.Any) -> dict[str, t.Any]:
        if validate_only:
            return real_alter(resources, validate_only=True, **kw)
        return dict(topic={'t': '[Error 42] PolicyViolationError: no'})

    run.admin.alter_configs = alter  # type: ignore[method-assign]
    failed, result = run(name='t', partitions=2, config={'retention.ms': 2})
    assert failed is True
    assert result['changed'] is True
    assert 'alter config failed: [Error 42] PolicyViolationError: no' in result['msg']
    assert run.admin.topics['t']['partitions'] == 2


def test_create_request_failing_without_effect_is_an_error(run: Run) -> None:
    def boom(*_a: t.Any, **kw: t.Any) -> t.Any:
        if kw.get('validate_only'):
            return dict(topics=[dict(name='a', error_code=0, error_message=None)])
        raise RuntimeError('connection reset')

    run.admin.create_topics = boom  # type: ignore[method-assign]
    failed, result = run(name='a', partitions=1, replication_factor=1, wait_timeout=1)
    assert failed is True
    assert ("a: create failed: create topics request failed: RuntimeError: connection reset; "
            "then not in the metadata after 1s: UnknownTopicOrPartitionError(3)") in result['msg']
    assert result['changed'] is False
    assert result['topics'][0]['changed'] is False


def test_create_request_timing_out_but_applied_is_a_change(run: Run) -> None:
    real_create = run.admin.create_topics

    def slow(new_topics: dict[str, t.Any], **kw: t.Any) -> t.Any:
        answer = real_create(new_topics, **kw)
        if kw.get('validate_only'):
            return answer
        raise RuntimeError('RequestTimedOutError: Request timed out after 29999 ms')

    run.admin.create_topics = slow  # type: ignore[method-assign]
    failed, result = run(topics=[dict(name='a'), dict(name='b')], partitions=1, replication_factor=1)
    assert failed is False, result.get('msg')
    assert result['changed'] is True
    assert [t['changed'] for t in result['topics']] == [True, True]
    assert run.warnings == ['The request for topic(s) a, b did not complete in time (create topics request failed: '
                            'RuntimeError: RequestTimedOutError: Request timed out after 29999 ms), but the metadata '
                            'shows it was applied']


def test_create_request_timing_out_checked_even_without_wait(run: Run) -> None:
    real_create = run.admin.create_topics

    def slow(new_topics: dict[str, t.Any], **kw: t.Any) -> t.Any:
        answer = real_create(new_topics, **kw)
        if kw.get('validate_only'):
            return answer
        raise RuntimeError('timed out')

    run.admin.create_topics = slow  # type: ignore[method-assign]
    failed, result = run(name='a', partitions=1, replication_factor=1, wait_timeout=0)
    assert failed is False
    assert result['changed'] is True


def test_delete_request_failing_without_effect_is_an_error(run: Run) -> None:
    run.admin.add_topic('gone-soon')

    def boom(*_a: t.Any, **_kw: t.Any) -> t.Any:
        raise RuntimeError('connection reset')

    run.admin.delete_topics = boom  # type: ignore[method-assign]
    failed, result = run(name='gone-soon', state='absent', wait_timeout=1)
    assert failed is True
    assert ('gone-soon: delete failed: delete topics request failed: RuntimeError: connection reset; '
            'the topic is still in the metadata after 1s') in result['msg']
    assert result['changed'] is False


def test_alter_request_exception_is_an_error(run: Run) -> None:
    run.admin.add_topic('t', 1, 1, {'retention.ms': '1'})
    real_alter = run.admin.alter_configs

    def boom(resources: list[t.Any], validate_only: bool = False, **kw: t.Any) -> t.Any:
        if validate_only:
            return real_alter(resources, validate_only=True, **kw)
        raise RuntimeError('connection reset')

    run.admin.alter_configs = boom  # type: ignore[method-assign]
    failed, result = run(name='t', config={'retention.ms': 2})
    assert failed is True
    assert 'alter config failed: incremental alter configs request failed: RuntimeError: connection reset' in result['msg']


def test_diff_mode(run: Run) -> None:
    run.admin.add_topic('t', 1, 1, {'retention.ms': '1'})
    failed, result = run(diff=True, topics=[dict(name='t', partitions=2, config={'retention.ms': 2}),
                                            dict(name='n', partitions=1, replication_factor=1)])
    assert failed is False
    assert result['diff'] == {
        'before': {'t': dict(state='present', partitions=1, replication_factor=1, config={'retention.ms': '1'}),
                   'n': dict(state='absent')},
        'after': {'t': dict(state='present', partitions=2, replication_factor=1, config={'retention.ms': '2'}),
                  'n': dict(state='present', partitions=1, replication_factor=1, config={})},
    }


def test_broker_defaults_are_read_only_when_needed(run: Run) -> None:
    failed, result = run(name='dflt')
    assert failed is False
    assert result['topics'][0]['partitions'] == 2
    assert result['topics'][0]['replication_factor'] == 3
    broker_reads = [c for c in run.admin.calls if c[0] == 'describe_configs']
    assert len(broker_reads) == 1 and broker_reads[0][1][0].resource_type.name == 'BROKER'
    created = run.admin.real_writes()[0][1]['dflt']
    assert created['num_partitions'] == -1 and created['replication_factor'] == -1


def test_no_describe_configs_without_declared_config(run: Run) -> None:
    run.admin.add_topic('t', 1, 1)
    run(name='t', partitions=1, replication_factor=1)
    assert [c[0] for c in run.admin.calls] == ['describe_topics', 'describe_cluster']


def test_declared_keys_only_are_described(run: Run) -> None:
    run.admin.add_topic('t', 1, 1)
    run(name='t', config={'retention.ms': 1, 'preallocate': True})
    [call] = [c for c in run.admin.calls if c[0] == 'describe_configs']
    assert call[1][0].configs == ['preallocate', 'retention.ms']
    assert call[2]['config_filter'] == 'all'


def test_unlisted_key_makes_the_module_read_all_keys(run: Run) -> None:
    run.admin.add_topic('t', 1, 1)
    failed, result = run(name='t', config={'retention.msec': 1})
    assert failed is True
    assert "did you mean 'retention.ms'?" in result['msg']
    [call] = [c for c in run.admin.calls if c[0] == 'describe_configs']
    assert call[1][0].configs is None


def test_name_and_topics_are_exclusive(run: Run) -> None:
    failed, result = run(name='a', topics=[dict(name='b')])
    assert failed is True
    assert 'mutually exclusive' in result['msg']


def test_name_or_topics_required(run: Run) -> None:
    failed, result = run()
    assert failed is True
    assert 'one of the following is required: name, topics' in result['msg']


def test_passwords_are_no_log() -> None:
    spec = module.kafka_common_argument_spec()
    assert spec['sasl_plain_password']['no_log'] and spec['ssl_password']['no_log']


def test_missing_library(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    monkeypatch.setattr(_kafka, 'HAS_KAFKA', False)
    monkeypatch.setattr(_kafka, 'KAFKA_IMPORT_ERROR', 'Traceback: no kafka')
    with patch_module_args(dict(bootstrap_servers=['h:9092'], name='a')):
        with pytest.raises(FailJson) as exc:
            module.main()
    assert 'Failed to import the required Python library (kafka-python)' in exc.value.args[0]['msg']


def test_too_old_library(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    monkeypatch.setattr(_kafka.kafka, '__version__', '2.0.2')
    with patch_module_args(dict(bootstrap_servers=['h:9092'], name='a')):
        with pytest.raises(FailJson) as exc:
            module.main()
    assert 'kafka-python >= 3.0.0, < 4.0.0' in exc.value.args[0]['msg']
    assert 'Found kafka-python 2.0.2' in exc.value.args[0]['msg']


def test_bad_connection_options(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    with patch_module_args(dict(bootstrap_servers=['h:9092'], name='a', security_protocol='SASL_SSL')):
        with pytest.raises(FailJson) as exc:
            module.main()
    assert exc.value.args[0]['msg'] == ('security_protocol=SASL_SSL requires sasl_mechanism '
                                        '(one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)')


@pytest.mark.parametrize('options, message', [
    (dict(reassignment_timeout=-1), 'reassignment_timeout must be 0 or more seconds, got -1'),
    (dict(replication_throttle=0), 'replication_throttle must be a positive number of bytes per second, got 0'),
    (dict(replication_throttle=-10), 'replication_throttle must be a positive number of bytes per second, got -10'),
])
def test_bad_reassignment_options_are_refused_before_any_call(run: Run, options: dict[str, t.Any], message: str) -> None:
    run.admin.add_topic('t', 1, 1)
    failed, result = run(name='t', replication_factor=3, **options)
    assert failed is True
    assert message in result['msg']
    assert not [c for c in run.admin.calls if c[0] in WRITES or c[0].startswith('alter')]
