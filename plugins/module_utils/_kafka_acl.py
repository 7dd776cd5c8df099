# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

"""Pure planning logic of ``streamops.kafka.kafka_acl`` (private module_utils).

``plan_acls(entries, state, exclusive, current)`` is the single place where the
desired ACLs are compared with the cluster's.  Check mode and the real run both use
it, so they succeed and fail alike.  Nothing in here talks to Kafka.

An ACL is a flat dict of strings, the enum names in lower case::

    {'principal': 'User:alice', 'host': '*', 'operation': 'write', 'permission': 'allow',
     'resource_type': 'topic', 'resource_name': 'orders', 'pattern_type': 'literal'}

``current`` is the list of such dicts Kafka reports (``acl_from_kafka`` turns
kafka-python's ``ACL`` objects into them).
"""

from __future__ import annotations

import ipaddress
import re
import typing as t

CLUSTER_RESOURCE_NAME = 'kafka-cluster'

RESOURCE_TYPES = ('topic', 'group', 'cluster', 'transactional_id', 'delegation_token', 'user')
PATTERN_TYPES = ('literal', 'prefixed')
PERMISSIONS = ('allow', 'deny')
OPERATIONS = ('all', 'read', 'write', 'create', 'delete', 'alter', 'describe', 'cluster_action',
              'describe_configs', 'alter_configs', 'idempotent_write', 'create_tokens', 'describe_tokens')

# Kafka's AclEntry.supportedOperations (Kafka 4.3), what kafka-acls.sh accepts per resource type;
# ALL is valid on every type.  The brokers store any combination, but the authorizer never asks
# for the others, so such an ACL would grant or deny nothing.
SUPPORTED_OPERATIONS: dict[str, tuple[str, ...]] = {
    'topic': ('read', 'write', 'create', 'describe', 'delete', 'alter', 'describe_configs', 'alter_configs'),
    'group': ('read', 'describe', 'delete', 'describe_configs', 'alter_configs'),
    'cluster': ('create', 'cluster_action', 'describe_configs', 'alter_configs', 'idempotent_write', 'alter',
                'describe'),
    'transactional_id': ('describe', 'write'),
    'delegation_token': ('describe',),
    'user': ('create_tokens', 'describe_tokens'),
}

ACL_KEYS = ('principal', 'host', 'operation', 'permission', 'resource_type', 'resource_name', 'pattern_type')
_SORT_KEYS = ('resource_type', 'resource_name', 'pattern_type', 'principal', 'host', 'operation', 'permission')
_CAMEL = re.compile(r'(?<=[a-z])(?=[A-Z])')


def _enum_text(value: t.Any) -> str:
    """``'ClusterAction'``, ``'CLUSTER_ACTION'``, ``'cluster-action'`` -> ``'cluster_action'``."""
    text = str(value).strip()
    return _CAMEL.sub('_', text).lower().replace('-', '_').replace(' ', '_')


def acl_from_kafka(acl: t.Any) -> dict[str, str]:
    """kafka-python's ``ACL`` (enums with ``.name``) as an ACL dict (pure, duck-typed)."""
    pattern = acl.resource_pattern
    return dict(
        principal=acl.principal,
        host=acl.host,
        operation=acl.operation.name.lower(),
        permission=acl.permission_type.name.lower(),
        resource_type=pattern.resource_type.name.lower(),
        resource_name=pattern.resource_name,
        pattern_type=pattern.pattern_type.name.lower(),
    )


def acl_key(acl: dict[str, t.Any]) -> tuple[str, ...]:
    return tuple(str(acl.get(k)) for k in _SORT_KEYS)


def sort_acls(acls: t.Iterable[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    return sorted(acls, key=acl_key)


def resource_of(acl: dict[str, t.Any]) -> tuple[str, str, str]:
    """(resource type, resource name, pattern type): what O(exclusive) compares on."""
    return (acl['resource_type'], acl['resource_name'], acl['pattern_type'])


def _choice(label: str, option: str, value: t.Any, valid: t.Sequence[str], default: str | None) -> tuple[str | None, str | None]:
    if value is None:
        if default is None:
            return None, '%s needs %s (one of %s)' % (label, option, ', '.join(valid))
        return default, None
    text = _enum_text(value)
    if text not in valid:
        return None, '%s has an invalid %s %r: valid are %s' % (label, option, value, ', '.join(valid))
    return text, None


def normalize_acl(entry: dict[str, t.Any], index: int) -> tuple[dict[str, str] | None, list[str]]:
    """One ``acls`` entry as an ACL dict, or ``None`` and why (each problem naming the value)."""
    label = 'acls[%d]' % index
    problems: list[str] = []
    entry = dict(entry or {})

    principal = entry.get('principal')
    if not isinstance(principal, str) or not principal.strip():
        problems.append('%s needs a principal such as "User:alice", got %r' % (label, principal))
    else:
        principal = principal.strip()
        kind, sep, name = principal.partition(':')
        if not sep or not kind or not name:
            problems.append('%s has principal %r without a type: Kafka principals are TYPE:NAME, write "User:%s"'
                            % (label, principal, name or kind or principal))
        elif kind != 'User' and kind.lower() == 'user':
            problems.append('%s has principal %r: the type is case-sensitive, write "User:%s"' % (label, principal, name))
        label = '%s (%s)' % (label, principal)

    resource_type, problem = _choice(label, 'resource_type', entry.get('resource_type'), RESOURCE_TYPES, None)
    if problem:
        problems.append(problem)
    operation, problem = _choice(label, 'operation', entry.get('operation'), OPERATIONS, None)
    if problem:
        if entry.get('operation') is not None and _enum_text(entry['operation']) == 'two_phase_commit':
            problem = '%s: operation %r cannot be managed with kafka-python 3.0 (it does not know it)' % (
                label, entry['operation'])
        elif entry.get('operation') is not None and _enum_text(entry['operation']) == 'any':
            problem = '%s: operation %r only exists in filters, an ACL needs a concrete one (or all)' % (
                label, entry['operation'])
        problems.append(problem)
    permission, problem = _choice(label, 'permission', entry.get('permission'), PERMISSIONS, 'allow')
    if problem:
        problems.append(problem)
    pattern_type, problem = _choice(label, 'pattern_type', entry.get('pattern_type'), PATTERN_TYPES, 'literal')
    if problem:
        problems.append(problem)

    if resource_type and operation and operation != 'all' and operation not in SUPPORTED_OPERATIONS[resource_type]:
        problems.append('%s: operation %s does not apply to resource_type %s (valid: all, %s)'
                        % (label, operation, resource_type, ', '.join(SUPPORTED_OPERATIONS[resource_type])))

    resource_name = entry.get('resource_name')
    if resource_type == 'cluster':
        if resource_name is None:
            resource_name = CLUSTER_RESOURCE_NAME
        if resource_name != CLUSTER_RESOURCE_NAME or pattern_type != 'literal':
            problems.append('%s: the cluster resource is named %r with pattern_type literal, got %r (%s)'
                            % (label, CLUSTER_RESOURCE_NAME, resource_name, pattern_type))
    elif not isinstance(resource_name, str) or not resource_name:
        problems.append('%s needs a resource_name for resource_type %s, got %r' % (label, resource_type, resource_name))

    host = entry.get('host')
    host = '*' if host is None else str(host).strip()
    if host != '*':
        try:
            host = str(ipaddress.ip_address(host))
        except ValueError:
            problems.append('%s has host %r: Kafka matches it against the client IP address, so it must be "*" or '
                            'one IP address (no host names, no CIDR ranges)' % (label, host))

    if problems:
        return None, problems
    return dict(principal=t.cast(str, principal), host=host, operation=t.cast(str, operation),
                permission=t.cast(str, permission), resource_type=t.cast(str, resource_type),
                resource_name=t.cast(str, resource_name), pattern_type=t.cast(str, pattern_type)), []


def plan_acls(entries: t.Sequence[dict[str, t.Any]], state: str, exclusive: bool,
              current: t.Iterable[dict[str, t.Any]]) -> dict[str, t.Any]:
    """Compare the desired ACLs with the cluster's; the only planning function.

    Returns ``{'errors': [...], 'add': [acl], 'remove': [acl], 'before': [acl], 'after': [acl],
    'changed': bool}``; ``before``/``after`` are the ACLs on the resources the task names
    (resource type, name and pattern type), sorted.  ``state=present`` adds what is missing
    and, with ``exclusive``, removes the other ACLs on those resources; ``state=absent``
    removes the listed ACLs that exist.  Any error means nothing may be changed.
    """
    errors: list[str] = []
    desired: list[dict[str, str]] = []
    seen: set[tuple[str, ...]] = set()
    if state not in ('present', 'absent'):
        errors.append('state must be present or absent, got %r' % (state,))
    if exclusive and state == 'absent':
        errors.append('exclusive=true only goes with state=present: it removes the ACLs not listed')
    if not entries:
        errors.append('acls must list at least one ACL')
    for index, entry in enumerate(entries):
        acl, problems = normalize_acl(entry, index)
        errors.extend(problems)
        if acl is not None and acl_key(acl) not in seen:
            seen.add(acl_key(acl))
            desired.append(acl)
    if errors:
        return dict(errors=errors, add=[], remove=[], before=[], after=[], changed=False)

    resources = set(resource_of(acl) for acl in desired)
    in_scope = dict((acl_key(acl), dict(acl)) for acl in current if resource_of(acl) in resources)
    if state == 'present':
        add = [acl for acl in desired if acl_key(acl) not in in_scope]
        remove = [acl for key, acl in in_scope.items() if key not in seen] if exclusive else []
    else:
        add = []
        remove = [in_scope[acl_key(acl)] for acl in desired if acl_key(acl) in in_scope]
    removed = set(acl_key(acl) for acl in remove)
    after = [acl for key, acl in in_scope.items() if key not in removed] + add
    return dict(errors=[], add=sort_acls(add), remove=sort_acls(remove), before=sort_acls(in_scope.values()),
                after=sort_acls(after), changed=bool(add or remove))
