# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Unit tests of the kafka_user module: main() against a fake KafkaAdminClient.

The fake keeps the users' credentials in memory and records every admin call, so the tests
check what is sent to Kafka (and that nothing is sent when it must not be).
"""

from __future__ import annotations

import hashlib
import json
import typing as t

import pytest
from kafka.admin import ScramMechanism, UserScramCredentialDeletion, UserScramCredentialUpsertion

from ansible_collections.streamops.kafka.plugins.modules import kafka_user as module

from module_harness import AdminRun

PASSWORD = 'orders-Pa55word-long'


class FakeAdmin:
    def __init__(self) -> None:
        self.credentials: dict[str, dict[str, int]] = {}
        self.calls: list[tuple[str, t.Any]] = []
        self.refuse: dict[str, str] = {}
        self.closed = False

    def describe_user_scram_credentials(self, users: list[str] | None = None) -> dict[str, t.Any]:
        self.calls.append(('describe', users))
        return dict((user, dict(error=None, credential_infos=[
            dict(mechanism=ScramMechanism[m.replace('-', '_')], iterations=i) for m, i in creds.items()]))
            for user, creds in self.credentials.items() if creds)

    def alter_user_scram_credentials(self, alterations: list[t.Any]) -> dict[str, str | None]:
        self.calls.append(('alter', alterations))
        answer: dict[str, str | None] = {}
        for alt in alterations:
            if alt.user in self.refuse:
                answer[alt.user] = self.refuse[alt.user]
                continue
            answer[alt.user] = None
            mechanism = alt.mechanism.name.replace('_', '-')
            if isinstance(alt, UserScramCredentialUpsertion):
                self.credentials.setdefault(alt.user, {})[mechanism] = alt.iterations
            else:
                self.credentials.get(alt.user, {}).pop(mechanism, None)
        return answer

    def close(self) -> None:
        self.closed = True

    def alterations(self) -> list[t.Any]:
        return [alt for name, alts in self.calls if name == 'alter' for alt in alts]


class Run(AdminRun):
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        super().__init__(monkeypatch, module, FakeAdmin())


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Run:
    return Run(monkeypatch)


def test_create_then_rerun_unchanged(run: Run) -> None:
    failed, result = run(name='orders', password=PASSWORD, diff=True)
    assert failed is False
    assert result['changed'] is True
    assert result['users'] == [dict(name='orders', mechanism='SCRAM-SHA-512', iterations=8192, action='created',
                                    changed=True, error=None)]
    assert result['diff'] == dict(before={'orders': {}}, after={'orders': {'SCRAM-SHA-512': {'iterations': 8192}}})
    [upsert] = run.admin.alterations()
    assert isinstance(upsert, UserScramCredentialUpsertion)
    assert (upsert.user, upsert.mechanism, upsert.iterations) == ('orders', ScramMechanism.SCRAM_SHA_512, 8192)
    # the salted password really is PBKDF2 of the given password
    assert upsert.salted_password == hashlib.pbkdf2_hmac('sha512', PASSWORD.encode(), upsert.salt, 8192)
    assert run.admin.closed is True

    run.admin.calls.clear()
    failed, result = run(name='orders', password=PASSWORD)
    assert failed is False
    assert result['changed'] is False
    assert result['users'][0]['action'] == 'unchanged'
    assert run.admin.alterations() == []


def test_check_mode_plans_the_same_and_sends_nothing(run: Run) -> None:
    run.admin.credentials['old'] = {'SCRAM-SHA-256': 4096}
    args = dict(users=[dict(name='new', password=PASSWORD), dict(name='old', state='absent')])
    failed, planned = run(check=True, diff=True, **args)
    assert failed is False
    assert run.admin.alterations() == []
    assert run.admin.credentials == {'old': {'SCRAM-SHA-256': 4096}}
    failed, applied = run(diff=True, **args)
    assert failed is False
    assert planned['users'] == applied['users']
    assert planned['diff'] == applied['diff']
    assert [u['action'] for u in applied['users']] == ['created', 'deleted']
    assert run.admin.credentials == {'new': {'SCRAM-SHA-512': 8192}, 'old': {}}


def test_one_request_for_many_users(run: Run) -> None:
    run.admin.credentials['gone'] = {'SCRAM-SHA-512': 8192}
    failed, result = run(update_password='always', users=[
        dict(name='a', password=PASSWORD), dict(name='b', password=PASSWORD, mechanism='SCRAM-SHA-256', iterations=4096),
        dict(name='gone', state='absent')])
    assert failed is False
    assert [c[0] for c in run.admin.calls] == ['describe', 'alter']
    kinds = [(type(a).__name__, a.user, a.mechanism.name) for a in run.admin.alterations()]
    assert kinds == [('UserScramCredentialUpsertion', 'a', 'SCRAM_SHA_512'),
                     ('UserScramCredentialUpsertion', 'b', 'SCRAM_SHA_256'),
                     ('UserScramCredentialDeletion', 'gone', 'SCRAM_SHA_512')]


def test_update_password_always_is_changed_every_time(run: Run) -> None:
    run.admin.credentials['orders'] = {'SCRAM-SHA-512': 8192}
    failed, result = run(name='orders', password=PASSWORD, update_password='always', diff=True)
    assert failed is False
    assert result['changed'] is True
    assert result['users'][0]['action'] == 'updated'
    assert result['diff']['after'] == {'orders': {'SCRAM-SHA-512': {'iterations': 8192, 'credential': 'replaced'}}}
    assert len(run.admin.alterations()) == 1


def test_short_password_refused_before_connecting(run: Run) -> None:
    failed, result = run(name='orders', password='short')
    assert failed is True
    assert result['msg'] == ("Invalid request, nothing was changed: the password of user 'orders' has 5 characters, "
                             "fewer than min_password_length=12")
    assert run.connected == 0
    assert 'short' not in json.dumps(result['users'])


def test_duplicate_refused_and_nothing_sent(run: Run) -> None:
    failed, result = run(users=[dict(name='a', password=PASSWORD), dict(name='a', password=PASSWORD)])
    assert failed is True
    assert "user 'a' with mechanism SCRAM-SHA-512 is listed 2 times in one task" in result['msg']
    assert run.connected == 0


def test_unknown_mechanism_refused_by_the_argument_spec(run: Run) -> None:
    failed, result = run(name='a', password=PASSWORD, mechanism='PLAIN')
    assert failed is True
    assert 'PLAIN' in result['msg']
    assert run.connected == 0


def test_name_and_users_are_exclusive(run: Run) -> None:
    failed, result = run(name='a', password=PASSWORD, users=[dict(name='b', password=PASSWORD)])
    assert failed is True
    assert 'mutually exclusive' in result['msg']


def test_kafka_refusing_one_user_fails_naming_it(run: Run) -> None:
    run.admin.refuse['b'] = 'Iterations 99999 not supported'
    failed, result = run(users=[dict(name='a', password=PASSWORD), dict(name='b', password=PASSWORD)], diff=True)
    assert failed is True
    assert result['changed'] is True
    assert result['msg'] == 'Failed: refused by Kafka: Iterations 99999 not supported'
    entries = dict((u['name'], u) for u in result['users'])
    assert entries['a']['changed'] is True and entries['a']['error'] is None
    assert entries['b']['changed'] is False and entries['b']['action'] == 'error'
    assert list(result['diff']['after']) == ['a']


def test_request_failure_changes_nothing(run: Run) -> None:
    def boom(_alterations: t.Any) -> t.Any:
        raise RuntimeError('connection reset')

    run.admin.alter_user_scram_credentials = boom  # type: ignore[method-assign]
    failed, result = run(name='a', password=PASSWORD)
    assert failed is True
    assert result['changed'] is False
    assert result['msg'] == 'Failed: AlterUserScramCredentials request failed: RuntimeError: connection reset'


def test_describe_failure_names_the_users(run: Run) -> None:
    def refused(users: t.Any = None) -> t.Any:
        raise RuntimeError('ClusterAuthorizationFailedError')

    run.admin.describe_user_scram_credentials = refused  # type: ignore[method-assign]
    failed, result = run(name='a', password=PASSWORD)
    assert failed is True
    assert result['msg'] == "Cannot read the SCRAM credentials of users 'a' from Kafka: RuntimeError: ClusterAuthorizationFailedError"


def test_absent_without_mechanism_deletes_both(run: Run) -> None:
    run.admin.credentials['a'] = {'SCRAM-SHA-512': 8192, 'SCRAM-SHA-256': 4096}
    failed, result = run(name='a', state='absent')
    assert failed is False
    assert sorted((u['mechanism'], u['action']) for u in result['users']) == [
        ('SCRAM-SHA-256', 'deleted'), ('SCRAM-SHA-512', 'deleted')]
    assert all(isinstance(a, UserScramCredentialDeletion) for a in run.admin.alterations())
    assert run.admin.credentials['a'] == {}


class _Result(t.NamedTuple):
    user: str
    error_code: int
    error_message: t.Any


class _ControllerClient(module.KafkaAdminClient):  # type: ignore[misc,valid-type]
    """A KafkaAdminClient without a connection: the controller route answers with canned results."""

    def __init__(self, results):  # pylint: disable=super-init-not-called
        self.results = results
        self.requests = []
        self._manager = self

    def run(self, fn, *args):  # the connection manager's run(coroutine function, *args)
        return fn(*args)

    def _send_request_to_controller(self, request, get_errors_fn=lambda r: (), raise_errors=True, ignore_errors=()):
        self.requests.append(request)
        response = type('Response', (), {'results': self.results})()
        assert list(get_errors_fn(response))  # the error codes are read
        return response

    def alter_user_scram_credentials(self, alterations):
        raise AssertionError('the request must go to the controller')


def test_alterations_go_to_the_controller_and_an_error_without_message_is_an_error():
    # A ZooKeeper-mode broker that is not the controller answers NOT_CONTROLLER (41) without a message;
    # kafka-python's alter_user_scram_credentials would report that as a success.
    client = _ControllerClient([_Result('alice', 41, None), _Result('bob', 0, None), _Result('carol', 58, 'bad salt')])
    answer = module.send_alterations(client, [
        UserScramCredentialUpsertion('alice', ScramMechanism.SCRAM_SHA_512, 'a-long-password', iterations=8192),
        UserScramCredentialUpsertion('bob', ScramMechanism.SCRAM_SHA_256, 'b-long-password', iterations=4096),
        UserScramCredentialDeletion('carol', ScramMechanism.SCRAM_SHA_512)])
    assert answer == {'alice': 'NotControllerError', 'bob': None, 'carol': 'bad salt'}
    [request] = client.requests
    assert [u[0] for u in request.upsertions] == ['alice', 'bob'] and [u[2] for u in request.upsertions] == [8192, 4096]
    assert request.deletions == [('carol', int(ScramMechanism.SCRAM_SHA_512))]
