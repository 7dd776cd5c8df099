# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Unit tests of the kafka_acl module: main() against a fake KafkaAdminClient keeping ACLs in memory."""

from __future__ import annotations

import typing as t

import kafka.errors as kafka_errors
import pytest
from kafka.admin import ACL, ACLFilter, ACLOperation, ACLPermissionType, ACLResourcePatternType, ResourcePattern, ResourceType

from ansible_collections.streamops.kafka.plugins.modules import kafka_acl as module

from module_harness import AdminRun


def kafka_acl(principal: str = 'User:alice', operation: str = 'WRITE', resource_name: str = 'orders',
              resource_type: str = 'TOPIC', pattern_type: str = 'LITERAL', permission: str = 'ALLOW',
              host: str = '*') -> t.Any:
    return ACL(principal, host, ACLOperation[operation], ACLPermissionType[permission],
               ResourcePattern(ResourceType[resource_type], resource_name, ACLResourcePatternType[pattern_type]))


def view(principal: str = 'User:alice', operation: str = 'write', resource_name: str = 'orders',
         resource_type: str = 'topic', pattern_type: str = 'literal', permission: str = 'allow',
         host: str = '*') -> dict[str, str]:
    return dict(principal=principal, host=host, operation=operation, permission=permission,
                resource_type=resource_type, resource_name=resource_name, pattern_type=pattern_type)


class FakeAdmin:
    def __init__(self) -> None:
        self.acls: list[t.Any] = []
        self.calls: list[tuple[str, t.Any]] = []
        self.disabled = False
        self.create_failures: dict[str, type] = {}  # principal -> error class
        self.closed = False

    def describe_acls(self, acl_filter: t.Any) -> tuple[list[t.Any], t.Any]:
        self.calls.append(('describe', acl_filter))
        if self.disabled:
            raise kafka_errors.SecurityDisabledError('No Authorizer is configured.')
        assert acl_filter.resource_pattern.resource_type == ResourceType.ANY
        return list(self.acls), kafka_errors.NoError

    def create_acls(self, acls: list[t.Any]) -> dict[str, list[t.Any]]:
        self.calls.append(('create', acls))
        out: dict[str, list[t.Any]] = dict(succeeded=[], failed=[])
        for acl in acls:
            assert isinstance(acl, ACL)
            if acl.principal in self.create_failures:
                out['failed'].append(self.create_failures[acl.principal])
                continue
            if acl not in self.acls:
                self.acls.append(acl)
            out['succeeded'].append(acl)
        return out

    def delete_acls(self, filters: list[t.Any]) -> list[tuple[t.Any, list[t.Any], t.Any]]:
        self.calls.append(('delete', filters))
        out = []
        for acl_filter in filters:
            assert isinstance(acl_filter, ACLFilter)
            # every field is concrete: equality is the exact match Kafka makes
            matched = [acl for acl in self.acls if acl == acl_filter]
            self.acls = [acl for acl in self.acls if acl not in matched]
            out.append((acl_filter, matched, kafka_errors.NoError))
        return out

    def close(self) -> None:
        self.closed = True

    def writes(self) -> list[tuple[str, t.Any]]:
        return [c for c in self.calls if c[0] != 'describe']


class Run(AdminRun):
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        super().__init__(monkeypatch, module, FakeAdmin())


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Run:
    return Run(monkeypatch)


PRODUCE = [dict(principal='User:alice', operation='WRITE', resource_type='topic', resource_name='orders'),
           dict(principal='User:alice', operation='describe', resource_type='topic', resource_name='orders')]


def test_grant_then_rerun_unchanged(run: Run) -> None:
    failed, result = run(acls=PRODUCE, diff=True)
    assert failed is False
    assert result['changed'] is True
    assert result['acls_added'] == [view(operation='describe'), view()]
    assert result['acls_removed'] == []
    assert result['acls'] == [view(operation='describe'), view()]
    assert result['diff'] == dict(before=[], after=[view(operation='describe'), view()])
    assert sorted(a.operation.name for a in run.admin.acls) == ['DESCRIBE', 'WRITE']
    assert run.admin.closed is True

    run.admin.calls.clear()
    failed, result = run(acls=PRODUCE)
    assert failed is False
    assert result['changed'] is False
    assert result['acls_added'] == [] and result['acls_removed'] == []
    assert run.admin.writes() == []


def test_check_mode_reports_and_sends_nothing(run: Run) -> None:
    run.admin.acls.append(kafka_acl('User:bob', 'READ'))
    failed, planned = run(check=True, diff=True, acls=PRODUCE, exclusive=True)
    assert failed is False
    assert run.admin.writes() == []
    assert planned['changed'] is True
    assert planned['acls_removed'] == [view('User:bob', 'read')]
    failed, applied = run(diff=True, acls=PRODUCE, exclusive=True)
    assert failed is False
    for key in ('changed', 'acls_added', 'acls_removed', 'acls', 'diff'):
        assert planned[key] == applied[key]


def test_exclusive_removes_the_unlisted_on_the_same_resource(run: Run) -> None:
    run.admin.acls += [kafka_acl(), kafka_acl('User:bob', 'READ'), kafka_acl('User:bob', 'READ', 'payments'),
                       kafka_acl('User:bob', 'READ', pattern_type='PREFIXED')]
    failed, result = run(acls=PRODUCE[:1], exclusive=True)
    assert failed is False
    assert result['acls_removed'] == [view('User:bob', 'read')]
    assert result['acls'] == [view()]
    remaining = sorted((a.principal, a.resource_pattern.resource_name, a.resource_pattern.pattern_type.name)
                       for a in run.admin.acls)
    assert remaining == [('User:alice', 'orders', 'LITERAL'), ('User:bob', 'orders', 'PREFIXED'),
                         ('User:bob', 'payments', 'LITERAL')]
    # alice's grant exists already: only a revocation is sent
    assert [c[0] for c in run.admin.writes()] == ['delete']


def test_grant_before_revoke(run: Run) -> None:
    run.admin.acls.append(kafka_acl('User:bob', 'READ'))
    failed, _result = run(acls=PRODUCE[:1], exclusive=True)
    assert failed is False
    assert [c[0] for c in run.admin.writes()] == ['create', 'delete']


def test_absent(run: Run) -> None:
    run.admin.acls += [kafka_acl(), kafka_acl(operation='DESCRIBE')]
    failed, result = run(acls=PRODUCE[:1], state='absent')
    assert failed is False
    assert result['acls_removed'] == [view()]
    assert result['acls'] == [view(operation='describe')]
    [(kind, [acl_filter])] = run.admin.writes()
    assert kind == 'delete'
    assert acl_filter.operation == ACLOperation.WRITE
    assert acl_filter.resource_pattern.pattern_type == ACLResourcePatternType.LITERAL
    failed, result = run(acls=PRODUCE[:1], state='absent')
    assert result['changed'] is False


def test_invalid_operation_refused_before_connecting(run: Run) -> None:
    failed, result = run(acls=[dict(principal='User:alice', operation='publish', resource_type='topic', resource_name='x')])
    assert failed is True
    assert result['msg'].startswith("Invalid request, nothing was changed: acls[0] (User:alice) has an invalid "
                                    "operation 'publish': valid are all, read, write")
    assert run.connected == 0


def test_principal_without_type_refused(run: Run) -> None:
    failed, result = run(acls=[dict(principal='alice', operation='read', resource_type='topic', resource_name='x')])
    assert failed is True
    assert ('acls[0] has principal \'alice\' without a type: Kafka principals are TYPE:NAME, write "User:alice"'
            in result['msg'])
    assert run.connected == 0


def test_no_authorizer(run: Run) -> None:
    run.admin.disabled = True
    failed, result = run(acls=PRODUCE)
    assert failed is True
    assert result['msg'] == ('Cannot read the ACLs from Kafka: SecurityDisabledError: [Error 54] SecurityDisabledError: '
                             'No Authorizer is configured. '
                             '(the cluster has no authorizer: set authorizer.class.name on every node)')


def test_create_failure_names_the_acl(run: Run) -> None:
    run.admin.create_failures['User:bob'] = kafka_errors.InvalidRequestError
    failed, result = run(acls=PRODUCE[:1] + [dict(principal='User:bob', operation='read', resource_type='group',
                                                  resource_name='g')])
    assert failed is True
    assert result['changed'] is True
    assert result['msg'] == "Failed: creating allow User:bob read on literal group 'g' from * failed: InvalidRequestError"
    assert result['acls_added'] == [view()]


def test_cluster_acl_default_name(run: Run) -> None:
    failed, result = run(acls=[dict(principal='User:alice', operation='IdempotentWrite', resource_type='cluster')])
    assert failed is False
    assert result['acls_added'] == [view(operation='idempotent_write', resource_type='cluster', resource_name='kafka-cluster')]
    [acl] = run.admin.acls
    assert acl.resource_pattern.resource_type == ResourceType.CLUSTER
    assert acl.resource_pattern.resource_name == 'kafka-cluster'
