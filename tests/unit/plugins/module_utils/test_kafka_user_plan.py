# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Unit tests of the kafka_user planner (plugins/module_utils/_kafka_user.py)."""

from __future__ import annotations

import json
import typing as t

import pytest

from ansible_collections.streamops.kafka.plugins.module_utils import _kafka_user as ku

PASSWORD = 'correct-horse-battery'


def spec(name: t.Any = 'alice', password: t.Any = PASSWORD, mechanism: t.Any = None, iterations: t.Any = 8192,
         state: str = 'present', update_password: str = 'on_create') -> dict[str, t.Any]:
    return dict(name=name, password=password, mechanism=mechanism, iterations=iterations, state=state,
                update_password=update_password)


def plan(*specs: dict[str, t.Any], snapshot: dict[str, dict[str, int]] | None = None,
         min_password_length: int = 12) -> dict[str, t.Any]:
    result = ku.plan_users(list(specs), snapshot or {}, min_password_length)
    # whatever the outcome, no password anywhere but in what is sent
    visible = json.dumps(dict((k, v) for k, v in result.items() if k != 'upserts'))
    assert PASSWORD not in visible
    return result


def actions(result: dict[str, t.Any]) -> list[tuple[t.Any, t.Any, t.Any]]:
    return [(e['name'], e['mechanism'], e['action']) for e in result['users']]


# -- specs from params ---------------------------------------------------------------


def test_specs_single_name_defaults() -> None:
    specs = ku.user_specs_from_params(dict(name='a', password='p', mechanism=None, iterations=8192, state='present',
                                           update_password='on_create', users=None))
    assert specs == [dict(name='a', password='p', mechanism=None, iterations=8192, state='present',
                          update_password='on_create')]


def test_specs_users_inherit_but_never_the_password() -> None:
    specs = ku.user_specs_from_params(dict(name=None, password='top', mechanism='SCRAM-SHA-256', iterations=4096,
                                           state='present', update_password='always',
                                           users=[dict(name='a', password='pa'), dict(name='b', iterations=9000,
                                                                                      state='absent')]))
    assert specs[0] == dict(name='a', password='pa', mechanism='SCRAM-SHA-256', iterations=4096, state='present',
                            update_password='always')
    assert specs[1]['password'] is None
    assert specs[1]['iterations'] == 9000 and specs[1]['state'] == 'absent'


# -- deciding changed ----------------------------------------------------------------


def test_create_when_missing() -> None:
    result = plan(spec())
    assert actions(result) == [('alice', 'SCRAM-SHA-512', 'created')]
    assert result['changed'] is True
    assert result['upserts'] == [('alice', 'SCRAM-SHA-512', 8192, PASSWORD)]
    assert result['deletions'] == []
    assert result['diff'] == dict(before={'alice': {}}, after={'alice': {'SCRAM-SHA-512': {'iterations': 8192}}})


def test_other_mechanism_existing_is_still_a_create() -> None:
    result = plan(spec(), snapshot={'alice': {'SCRAM-SHA-256': 4096}})
    assert actions(result) == [('alice', 'SCRAM-SHA-512', 'created')]
    assert result['diff']['after'] == {'alice': {'SCRAM-SHA-256': {'iterations': 4096},
                                                 'SCRAM-SHA-512': {'iterations': 8192}}}


def test_on_create_leaves_an_existing_credential_alone() -> None:
    result = plan(spec(), snapshot={'alice': {'SCRAM-SHA-512': 8192}})
    assert actions(result) == [('alice', 'SCRAM-SHA-512', 'unchanged')]
    assert result['changed'] is False
    assert result['upserts'] == []
    assert result['diff'] == dict(before={}, after={})


def test_on_create_with_other_iterations_replaces() -> None:
    result = plan(spec(iterations=4096), snapshot={'alice': {'SCRAM-SHA-512': 8192}})
    assert actions(result) == [('alice', 'SCRAM-SHA-512', 'updated')]
    assert result['upserts'] == [('alice', 'SCRAM-SHA-512', 4096, PASSWORD)]
    assert result['diff'] == dict(before={'alice': {'SCRAM-SHA-512': {'iterations': 8192}}},
                                  after={'alice': {'SCRAM-SHA-512': {'iterations': 4096}}})


def test_always_replaces_and_reports_changed() -> None:
    result = plan(spec(update_password='always'), snapshot={'alice': {'SCRAM-SHA-512': 8192}})
    assert actions(result) == [('alice', 'SCRAM-SHA-512', 'updated')]
    assert result['changed'] is True
    assert result['diff']['after'] == {'alice': {'SCRAM-SHA-512': {'iterations': 8192, 'credential': 'replaced'}}}


def test_absent_one_mechanism() -> None:
    result = plan(spec(state='absent', password=None, mechanism='SCRAM-SHA-256'),
                  snapshot={'alice': {'SCRAM-SHA-256': 4096, 'SCRAM-SHA-512': 8192}})
    assert actions(result) == [('alice', 'SCRAM-SHA-256', 'deleted')]
    assert result['deletions'] == [('alice', 'SCRAM-SHA-256')]
    assert result['diff']['after'] == {'alice': {'SCRAM-SHA-512': {'iterations': 8192}}}


def test_absent_without_mechanism_deletes_every_one() -> None:
    result = plan(spec(state='absent', password=None), snapshot={'alice': {'SCRAM-SHA-256': 4096, 'SCRAM-SHA-512': 8192}})
    assert actions(result) == [('alice', 'SCRAM-SHA-256', 'deleted'), ('alice', 'SCRAM-SHA-512', 'deleted')]
    assert result['diff']['after'] == {'alice': {}}


def test_absent_user_without_credentials_is_unchanged() -> None:
    result = plan(spec(state='absent', password=None), snapshot={'bob': {'SCRAM-SHA-512': 8192}})
    assert actions(result) == [('alice', None, 'unchanged')]
    assert result['changed'] is False
    result = plan(spec(state='absent', password=None, mechanism='SCRAM-SHA-256'), snapshot={'alice': {'SCRAM-SHA-512': 8192}})
    assert actions(result) == [('alice', 'SCRAM-SHA-256', 'unchanged')]


def test_mechanism_is_case_insensitive() -> None:
    assert actions(plan(spec(mechanism='scram_sha_256'))) == [('alice', 'SCRAM-SHA-256', 'created')]


# -- refusals ------------------------------------------------------------------------


@pytest.mark.parametrize('bad, message', [
    (dict(password='short'), "the password of user 'alice' has 5 characters, fewer than min_password_length=12"),
    (dict(password=None), "user 'alice' with state=present needs a password"),
    (dict(password=''), "user 'alice' with state=present needs a password"),
    (dict(mechanism='PLAIN'), "mechanism of user 'alice' must be one of SCRAM-SHA-256, SCRAM-SHA-512, got 'PLAIN'"),
    (dict(iterations=4095), "iterations of user 'alice' must be between 4096 and 16384 (the bounds Kafka accepts for SCRAM), "
                            "got 4095"),
    (dict(iterations=16385), "iterations of user 'alice' must be between 4096 and 16384 (the bounds Kafka accepts for SCRAM), "
                             "got 16385"),
    (dict(name=''), "user name must be a non-empty string, got ''"),
    (dict(name='  '), "user name must be a non-empty string, got '  '"),
    (dict(state='gone'), "state of user 'alice' must be present or absent, got 'gone'"),
    (dict(update_password='sometimes'), "update_password of user 'alice' must be always or on_create, got 'sometimes'"),
])
def test_refusals_name_the_value_and_plan_nothing(bad: dict[str, t.Any], message: str) -> None:
    result = plan(spec(name='fine', password=PASSWORD), spec(**bad), snapshot={'alice': {'SCRAM-SHA-512': 8192}})
    assert message in result['errors']
    assert result['upserts'] == [] and result['deletions'] == []
    assert result['changed'] is False
    assert [e['changed'] for e in result['users']] == [False, False]
    assert result['users'][1]['action'] == 'error'


def test_short_password_refused_even_when_it_would_not_be_used() -> None:
    result = plan(spec(password='short'), snapshot={'alice': {'SCRAM-SHA-512': 8192}})
    assert result['errors']


def test_min_password_length_option() -> None:
    assert plan(spec(password='short'), min_password_length=5)['errors'] == []
    assert plan(spec(), min_password_length=-1)['errors'] == ['min_password_length must be 0 or more, got -1']


def test_duplicates_are_refused() -> None:
    result = plan(spec(), spec(mechanism='SCRAM-SHA-512'), spec(name='bob'))
    assert "user 'alice' with mechanism SCRAM-SHA-512 is listed 2 times in one task" in result['errors']
    assert result['upserts'] == []


def test_same_user_two_mechanisms_is_fine() -> None:
    result = plan(spec(), spec(mechanism='SCRAM-SHA-256'))
    assert result['errors'] == []
    assert actions(result) == [('alice', 'SCRAM-SHA-512', 'created'), ('alice', 'SCRAM-SHA-256', 'created')]


def test_absent_every_mechanism_and_one_mechanism_conflict() -> None:
    result = plan(spec(state='absent', password=None), spec(mechanism='SCRAM-SHA-256'))
    assert ("user 'alice' is listed both with state=absent for every mechanism and for one mechanism"
            in result['errors'])


# -- reading Kafka's answer ------------------------------------------------------------


def test_snapshot_from_describe() -> None:
    from kafka.admin import ScramMechanism

    answer = {
        'alice': dict(error=None, credential_infos=[dict(mechanism=ScramMechanism.SCRAM_SHA_512, iterations=8192),
                                                    dict(mechanism=ScramMechanism.SCRAM_SHA_256, iterations=4096)]),
        'ghost': dict(error='Attempt to describe a user credential that does not exist', credential_infos=[]),
        'odd': dict(error=None, credential_infos=[dict(mechanism=ScramMechanism.UNKNOWN, iterations=1)]),
    }
    snapshot = ku.snapshot_from_describe(answer)
    assert snapshot == {'alice': {'SCRAM-SHA-512': 8192, 'SCRAM-SHA-256': 4096}, 'odd': {'UNKNOWN': 1}}
    assert ku.shape_users(snapshot) == [
        dict(name='alice', mechanisms=[dict(mechanism='SCRAM-SHA-256', iterations=4096),
                                       dict(mechanism='SCRAM-SHA-512', iterations=8192)]),
        dict(name='odd', mechanisms=[dict(mechanism='UNKNOWN', iterations=1)])]
