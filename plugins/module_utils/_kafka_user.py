# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

"""Pure planning logic of ``streamops.kafka.kafka_user`` (private module_utils).

``plan_users(specs, snapshot, min_password_length)`` is the single place where the
desired SCRAM credentials are compared with the cluster's.  Check mode and the real
run both use it, so they succeed and fail alike.  Nothing in here talks to Kafka,
and no password ever leaves a plan except through ``upserts`` (what is sent).

Shapes
------
spec (one desired credential)::

    {'name': str, 'password': str|None, 'mechanism': 'SCRAM-SHA-512'|'SCRAM-SHA-256'|None,
     'iterations': int, 'state': 'present'|'absent', 'update_password': 'always'|'on_create'}

``mechanism`` ``None`` only makes sense with ``state=absent``: every mechanism of the user.

snapshot (the credentials Kafka reports, DescribeUserScramCredentials)::

    {user name: {mechanism name: iterations}}

A password cannot be read back from Kafka (it keeps a salted hash), so a credential
that exists is only replaced when ``update_password=always`` or when its iteration
count differs from the desired one.
"""

from __future__ import annotations

import typing as t

MECHANISMS = ('SCRAM-SHA-256', 'SCRAM-SHA-512')
DEFAULT_MECHANISM = 'SCRAM-SHA-512'
DEFAULT_ITERATIONS = 8192
# Kafka's ScramMechanism: minIterations 4096, maxIterations 16384 for both mechanisms
# (AlterUserScramCredentials answers UNACCEPTABLE_CREDENTIAL outside them).
MIN_ITERATIONS = 4096
MAX_ITERATIONS = 16384
DEFAULT_MIN_PASSWORD_LENGTH = 12

ACTION_CREATED = 'created'
ACTION_UPDATED = 'updated'
ACTION_DELETED = 'deleted'
ACTION_UNCHANGED = 'unchanged'
ACTION_ERROR = 'error'


def normalize_mechanism(value: t.Any) -> str | None:
    """``'scram_sha_512'``, ``ScramMechanism.SCRAM_SHA_512``, ``2`` -> ``'SCRAM-SHA-512'``; ``None`` if unknown."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        # kafka-python's ScramMechanism is an IntEnum: 1 = SHA-256, 2 = SHA-512
        name = getattr(value, 'name', None)
        if name is None:
            return {1: 'SCRAM-SHA-256', 2: 'SCRAM-SHA-512'}.get(value)
        value = name
    text = str(value).strip().upper().replace('_', '-')
    return text if text in MECHANISMS else None


def user_specs_from_params(params: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    """Desired credentials from the module parameters (pure).

    With ``name`` there is one spec.  With ``users`` each entry takes ``mechanism``,
    ``iterations``, ``state`` and ``update_password`` from the top-level options when it
    does not set them; the password is never inherited.
    """
    defaults = dict(
        mechanism=params.get('mechanism'),
        iterations=params.get('iterations'),
        state=params.get('state') or 'present',
        update_password=params.get('update_password') or 'on_create',
    )
    if params.get('name') is not None:
        entries: list[dict[str, t.Any]] = [dict(name=params['name'], password=params.get('password'))]
    else:
        entries = [dict(entry or {}) for entry in (params.get('users') or [])]
    specs = []
    for entry in entries:
        spec = dict(name=entry.get('name'), password=entry.get('password'))
        for key, default in defaults.items():
            value = entry.get(key)
            spec[key] = default if value is None else value
        if spec['iterations'] is None:
            spec['iterations'] = DEFAULT_ITERATIONS
        specs.append(spec)
    return specs


def snapshot_from_describe(answer: dict[str, t.Any] | None) -> dict[str, dict[str, int]]:
    """``{user: {mechanism: iterations}}`` from ``describe_user_scram_credentials()`` (pure).

    Users the answer reports with an error (Kafka: no credential for a user asked for by
    name) have no credentials.  Mechanisms this module does not know are kept under
    their own name so the diff shows them.
    """
    snapshot: dict[str, dict[str, int]] = {}
    for user, entry in (answer or {}).items():
        entry = entry or {}
        if entry.get('error'):
            continue
        credentials: dict[str, int] = {}
        for info in entry.get('credential_infos') or []:
            mechanism = info.get('mechanism')
            name = normalize_mechanism(mechanism) or str(getattr(mechanism, 'name', mechanism))
            credentials[name] = int(info.get('iterations') or 0)
        if credentials:
            snapshot[user] = credentials
    return snapshot


def shape_users(snapshot: dict[str, dict[str, int]]) -> list[dict[str, t.Any]]:
    """The users of a snapshot as kafka_info returns them, sorted by name (pure)."""
    return [dict(name=name, mechanisms=[dict(mechanism=mechanism, iterations=iterations)
                                        for mechanism, iterations in sorted(snapshot[name].items())])
            for name in sorted(snapshot)]


def _effective_mechanism(spec: dict[str, t.Any]) -> str | None:
    """The spec's mechanism; SCRAM-SHA-512 for ``present`` without one, ``None`` (every one) for ``absent``.

    An unknown mechanism is kept as given, so it is reported (and counted as listed) as is.
    """
    given = spec.get('mechanism')
    if given is None:
        return DEFAULT_MECHANISM if spec.get('state') == 'present' else None
    return normalize_mechanism(given) or str(given)


def _entry(spec: dict[str, t.Any], mechanism: str | None, iterations: int | None, action: str,
           error: str | None = None) -> dict[str, t.Any]:
    return dict(name=spec.get('name'), mechanism=mechanism, iterations=iterations, action=action,
                changed=action in (ACTION_CREATED, ACTION_UPDATED, ACTION_DELETED), error=error)


def _spec_problems(spec: dict[str, t.Any], mechanism: str | None, min_password_length: int) -> list[str]:
    """Why one spec is unusable (never quoting the password)."""
    name = spec.get('name')
    label = 'user %r' % (name,)
    problems = []
    if spec.get('state') not in ('present', 'absent'):
        problems.append('state of %s must be present or absent, got %r' % (label, spec.get('state')))
    if spec.get('update_password') not in ('always', 'on_create'):
        problems.append('update_password of %s must be always or on_create, got %r'
                        % (label, spec.get('update_password')))
    if spec.get('mechanism') is not None and normalize_mechanism(spec['mechanism']) is None:
        problems.append('mechanism of %s must be one of %s, got %r' % (label, ', '.join(MECHANISMS), spec['mechanism']))
    if spec.get('state') == 'present':
        iterations = spec.get('iterations')
        if isinstance(iterations, bool) or not isinstance(iterations, int):
            problems.append('iterations of %s must be an integer, got %r' % (label, iterations))
        elif not MIN_ITERATIONS <= iterations <= MAX_ITERATIONS:
            problems.append('iterations of %s must be between %d and %d (the bounds Kafka accepts for SCRAM), got %d'
                            % (label, MIN_ITERATIONS, MAX_ITERATIONS, iterations))
        password = spec.get('password')
        if password is None or password == '':
            problems.append('%s with state=present needs a password' % label)
        elif len(password) < min_password_length:
            problems.append('the password of %s has %d characters, fewer than min_password_length=%d'
                            % (label, len(password), min_password_length))
    return problems


def plan_users(specs: t.Sequence[dict[str, t.Any]], snapshot: dict[str, dict[str, int]],
               min_password_length: int = DEFAULT_MIN_PASSWORD_LENGTH) -> dict[str, t.Any]:
    """Compare the desired credentials with the snapshot; the only planning function.

    Returns ``{'users': [entry, ...], 'errors': [msg, ...], 'changed': bool,
    'upserts': [(name, mechanism, iterations, password)], 'deletions': [(name, mechanism)],
    'diff': {'before': .., 'after': ..}}``.  ``users`` has one entry per spec and mechanism
    (a spec with ``state=absent`` and no mechanism gives one entry per mechanism the user
    has, or one ``unchanged`` entry with mechanism ``None``).  Any error means nothing may
    be changed: ``upserts`` and ``deletions`` are then empty.

    Deciding ``changed``: ``present`` and no credential of that mechanism -> ``created``;
    a credential exists -> ``updated`` with ``update_password=always`` (Kafka cannot tell
    whether the password is the same, so it is always replaced) or when its iterations
    differ, else ``unchanged``; ``absent`` and a credential exists -> ``deleted``.
    """
    errors: list[str] = []
    entries: list[dict[str, t.Any]] = []
    upserts: list[tuple[str, str, int, str]] = []
    deletions: list[tuple[str, str]] = []

    if isinstance(min_password_length, bool) or not isinstance(min_password_length, int) or min_password_length < 0:
        errors.append('min_password_length must be 0 or more, got %r' % (min_password_length,))
        min_password_length = DEFAULT_MIN_PASSWORD_LENGTH

    # (name, mechanism or None) -> times listed; None stands for "every mechanism"
    seen: dict[tuple[t.Any, str | None], int] = {}
    for spec in specs:
        key = (spec.get('name'), _effective_mechanism(spec))
        seen[key] = seen.get(key, 0) + 1

    for spec in specs:
        name = spec.get('name')
        state = spec.get('state')
        mechanism = _effective_mechanism(spec)
        if not isinstance(name, str) or not name.strip():
            message = 'user name must be a non-empty string, got %r' % (name,)
            errors.append(message)
            entries.append(_entry(spec, mechanism, None, ACTION_ERROR, message))
            continue
        problems = _spec_problems(spec, mechanism, min_password_length)
        if seen.get((name, mechanism), 0) > 1:
            problems.append('user %r with mechanism %s is listed %d times in one task'
                            % (name, mechanism or '(every mechanism)', seen[(name, mechanism)]))
        elif (name, None) in seen and any(k[0] == name and k[1] is not None for k in seen):
            problems.append('user %r is listed both with state=absent for every mechanism and for one mechanism'
                            % (name,))
        if problems:
            errors.extend(problems)
            entries.append(_entry(spec, mechanism, None, ACTION_ERROR, '; '.join(problems)))
            continue

        current = snapshot.get(name) or {}
        if state == 'present':
            iterations = spec['iterations']
            existing = current.get(mechanism)
            if existing is None:
                action = ACTION_CREATED
            elif spec.get('update_password') == 'always' or existing != iterations:
                action = ACTION_UPDATED
            else:
                action = ACTION_UNCHANGED
            entries.append(_entry(spec, mechanism, iterations, action))
            if action != ACTION_UNCHANGED:
                upserts.append((name, t.cast(str, mechanism), iterations, spec['password']))
            continue

        targets = [mechanism] if mechanism is not None else sorted(current)
        if not targets or all(m not in current for m in targets):
            entries.append(_entry(spec, mechanism, None, ACTION_UNCHANGED))
            continue
        for target in targets:
            entries.append(_entry(spec, target, None, ACTION_DELETED))
            deletions.append((name, target))

    if errors:
        upserts, deletions = [], []
        for entry in entries:
            entry['changed'] = False
    diff = diff_from_entries(entries, snapshot) if not errors else dict(before={}, after={})
    return dict(users=entries, errors=errors, changed=any(e['changed'] for e in entries),
                upserts=upserts, deletions=deletions, diff=diff)


def diff_from_entries(entries: t.Iterable[dict[str, t.Any]],
                      snapshot: dict[str, dict[str, int]]) -> dict[str, dict[str, t.Any]]:
    """Before/after credentials (mechanism -> iterations, never a password) of the changing users.

    A credential replaced with the same iterations shows ``"credential": "replaced"`` after.
    """
    before: dict[str, dict[str, t.Any]] = {}
    after: dict[str, dict[str, t.Any]] = {}
    for entry in entries:
        if not entry['changed']:
            continue
        name = entry['name']
        if name not in before:
            current = snapshot.get(name) or {}
            before[name] = dict((m, dict(iterations=i)) for m, i in sorted(current.items()))
            after[name] = dict((m, dict(iterations=i)) for m, i in sorted(current.items()))
        if entry['action'] == ACTION_DELETED:
            after[name].pop(entry['mechanism'], None)
        else:
            view: dict[str, t.Any] = dict(iterations=entry['iterations'])
            if entry['action'] == ACTION_UPDATED and (snapshot.get(name) or {}).get(entry['mechanism']) == entry['iterations']:
                view['credential'] = 'replaced'
            after[name][entry['mechanism']] = view
    return dict(before=before, after=after)


def result_entry(entry: dict[str, t.Any]) -> dict[str, t.Any]:
    """The per-credential dict returned to the user (``users`` return value)."""
    return dict(name=entry['name'], mechanism=entry['mechanism'], iterations=entry['iterations'],
                action=entry['action'], changed=entry['changed'], error=entry['error'])
