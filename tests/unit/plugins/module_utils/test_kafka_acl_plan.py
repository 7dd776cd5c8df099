# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Unit tests of the kafka_acl planner (plugins/module_utils/_kafka_acl.py)."""

from __future__ import annotations

import typing as t

import pytest

from ansible_collections.streamops.kafka.plugins.module_utils import _kafka_acl as ka


def entry(principal: t.Any = 'User:alice', operation: t.Any = 'write', resource_type: t.Any = 'topic',
          resource_name: t.Any = 'orders', **kw: t.Any) -> dict[str, t.Any]:
    return dict(principal=principal, operation=operation, resource_type=resource_type, resource_name=resource_name,
                permission=kw.pop('permission', 'allow'), pattern_type=kw.pop('pattern_type', 'literal'),
                host=kw.pop('host', '*'), **kw)


def acl(principal: str = 'User:alice', operation: str = 'write', resource_type: str = 'topic',
        resource_name: str = 'orders', permission: str = 'allow', pattern_type: str = 'literal',
        host: str = '*') -> dict[str, str]:
    return dict(principal=principal, host=host, operation=operation, permission=permission,
                resource_type=resource_type, resource_name=resource_name, pattern_type=pattern_type)


def test_grant_missing_only() -> None:
    current = [acl(operation='describe'), acl(resource_name='other')]
    plan = ka.plan_acls([entry(), entry(operation='describe')], 'present', False, current)
    assert plan['errors'] == []
    assert plan['add'] == [acl()]
    assert plan['remove'] == []
    assert plan['before'] == [acl(operation='describe')]
    assert plan['after'] == [acl(operation='describe'), acl()]
    assert plan['changed'] is True


def test_rerun_is_unchanged() -> None:
    plan = ka.plan_acls([entry(), entry(operation='describe')], 'present', False, [acl(), acl(operation='describe')])
    assert plan['changed'] is False
    assert plan['add'] == [] and plan['remove'] == []


def test_case_insensitive_values_and_defaults() -> None:
    plan = ka.plan_acls([dict(principal='User:alice', operation='IdempotentWrite', resource_type='CLUSTER',
                              permission=None, pattern_type=None, host=None, resource_name=None)],
                        'present', False, [])
    assert plan['add'] == [acl(operation='idempotent_write', resource_type='cluster', resource_name='kafka-cluster')]
    plan = ka.plan_acls([entry(operation='DESCRIBE-CONFIGS', permission='DENY', pattern_type='Prefixed')],
                        'present', False, [])
    assert plan['add'] == [acl(operation='describe_configs', permission='deny', pattern_type='prefixed')]


def test_duplicates_count_once() -> None:
    plan = ka.plan_acls([entry(), entry(operation='WRITE')], 'present', False, [])
    assert plan['add'] == [acl()]


def test_exclusive_removes_unlisted_on_the_same_resource_only() -> None:
    current = [acl(), acl(principal='User:bob', operation='read'),
               acl(principal='User:bob', operation='read', pattern_type='prefixed'),
               acl(principal='User:bob', operation='read', resource_name='other'),
               acl(principal='User:bob', operation='read', resource_type='group')]
    plan = ka.plan_acls([entry()], 'present', True, current)
    assert plan['add'] == []
    assert plan['remove'] == [acl(principal='User:bob', operation='read')]
    assert plan['after'] == [acl()]
    plan = ka.plan_acls([entry()], 'present', False, current)
    assert plan['changed'] is False


def test_absent_removes_listed_that_exist() -> None:
    plan = ka.plan_acls([entry(), entry(operation='read')], 'absent', False, [acl(), acl(operation='describe')])
    assert plan['remove'] == [acl()]
    assert plan['add'] == []
    assert plan['after'] == [acl(operation='describe')]
    assert ka.plan_acls([entry()], 'absent', False, [])['changed'] is False


def test_host_is_normalised() -> None:
    assert ka.plan_acls([entry(host='10.0.0.1')], 'present', False, [])['add'] == [acl(host='10.0.0.1')]
    assert ka.plan_acls([entry(host='::0001')], 'present', False, [])['add'] == [acl(host='::1')]


@pytest.mark.parametrize('bad, message', [
    (dict(principal='alice'),
     'acls[1] has principal \'alice\' without a type: Kafka principals are TYPE:NAME, write "User:alice"'),
    (dict(principal='user:alice'),
     'acls[1] has principal \'user:alice\': the type is case-sensitive, write "User:alice"'),
    (dict(principal=':alice'),
     'acls[1] has principal \':alice\' without a type: Kafka principals are TYPE:NAME, write "User:alice"'),
    (dict(operation='publish'),
     "acls[1] (User:alice) has an invalid operation 'publish': valid are " + ', '.join(ka.OPERATIONS)),
    (dict(operation='any'),
     "acls[1] (User:alice): operation 'any' only exists in filters, an ACL needs a concrete one (or all)"),
    (dict(operation='two_phase_commit', resource_type='transactional_id'),
     "acls[1] (User:alice): operation 'two_phase_commit' cannot be managed with kafka-python 3.0 (it does not know it)"),
    (dict(resource_type='queue'),
     "acls[1] (User:alice) has an invalid resource_type 'queue': valid are " + ', '.join(ka.RESOURCE_TYPES)),
    (dict(pattern_type='match'), "acls[1] (User:alice) has an invalid pattern_type 'match': valid are literal, prefixed"),
    (dict(permission='maybe'), "acls[1] (User:alice) has an invalid permission 'maybe': valid are allow, deny"),
    (dict(operation='idempotent_write'),
     'acls[1] (User:alice): operation idempotent_write does not apply to resource_type topic '
     '(valid: all, read, write, create, describe, delete, alter, describe_configs, alter_configs)'),
    (dict(operation='write', resource_type='group'),
     'acls[1] (User:alice): operation write does not apply to resource_type group '
     '(valid: all, read, describe, delete, describe_configs, alter_configs)'),
    (dict(resource_type='cluster', resource_name='my-cluster', operation='alter'),
     "acls[1] (User:alice): the cluster resource is named 'kafka-cluster' with pattern_type literal, "
     "got 'my-cluster' (literal)"),
    (dict(resource_name=''), "acls[1] (User:alice) needs a resource_name for resource_type topic, got ''"),
    (dict(host='client.example.com'),
     'acls[1] (User:alice) has host \'client.example.com\': Kafka matches it against the client IP address, so it '
     'must be "*" or one IP address (no host names, no CIDR ranges)'),
    (dict(host='10.0.0.0/8'),
     'acls[1] (User:alice) has host \'10.0.0.0/8\': Kafka matches it against the client IP address, so it '
     'must be "*" or one IP address (no host names, no CIDR ranges)'),
])
def test_refusals_name_the_value_and_plan_nothing(bad: dict[str, t.Any], message: str) -> None:
    plan = ka.plan_acls([entry(resource_name='fine'), entry(**bad)], 'present', True, [acl(principal='User:x')])
    assert message in plan['errors'], plan['errors']
    assert plan['add'] == [] and plan['remove'] == [] and plan['changed'] is False


def test_all_is_valid_for_every_resource_type() -> None:
    for resource_type in ka.RESOURCE_TYPES:
        name = 'kafka-cluster' if resource_type == 'cluster' else 'x'
        assert ka.plan_acls([entry(operation='all', resource_type=resource_type, resource_name=name)],
                            'present', False, [])['errors'] == []


def test_exclusive_with_absent_and_empty_list_are_refused() -> None:
    assert ka.plan_acls([entry()], 'absent', True, [])['errors'] == [
        'exclusive=true only goes with state=present: it removes the ACLs not listed']
    assert ka.plan_acls([], 'present', False, [])['errors'] == ['acls must list at least one ACL']


def test_acl_from_kafka() -> None:
    from kafka.admin import ACL, ACLOperation, ACLPermissionType, ACLResourcePatternType, ResourcePattern, ResourceType

    kafka_acl = ACL('User:alice', '*', ACLOperation.IDEMPOTENT_WRITE, ACLPermissionType.DENY,
                    ResourcePattern(ResourceType.TRANSACTIONAL_ID, 'tx-', ACLResourcePatternType.PREFIXED))
    assert ka.acl_from_kafka(kafka_acl) == acl(operation='idempotent_write', permission='deny',
                                               resource_type='transactional_id', resource_name='tx-',
                                               pattern_type='prefixed')
