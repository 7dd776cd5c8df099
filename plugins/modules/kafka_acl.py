#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

from __future__ import annotations

DOCUMENTATION = r'''
---
module: kafka_acl
short_description: Grant and revoke Kafka ACLs
version_added: 1.3.0
description:
  - Manages access control lists of a Kafka cluster that runs an authorizer
    (C(authorizer.class.name), in KRaft mode C(org.apache.kafka.metadata.authorizer.StandardAuthorizer)),
    through the Kafka admin API (DescribeAcls, CreateAcls, DeleteAcls).
  - Reads the ACLs once, compares, and only creates the missing ones and deletes the superfluous ones;
    a second run with the same ACLs changes nothing.
  - Everything is validated before anything changes. A principal without a type, an unknown operation, permission,
    resource type or pattern type, an operation that does not apply to the resource type, a cluster resource not
    named C(kafka-cluster) and a host that is not an IP address fail the whole task, naming the ACL and the value,
    with nothing changed.
  - Check mode runs the same planning and reports what would be added and removed.
author:
  - streamops engineering (@streamops)
options:
  acls:
    description:
      - The ACLs to grant (O(state=present)) or revoke (O(state=absent)).
      - The same ACL listed twice counts once.
    type: list
    elements: dict
    required: true
    suboptions:
      principal:
        description:
          - Who the ACL is for, as C(TYPE:NAME), for example V(User:alice) (the SCRAM user name, or the
            certificate's distinguished name with TLS client authentication), or V(User:*) for everyone.
          - The type is case-sensitive; a principal without one (V(alice)) is refused.
        type: str
        required: true
      operation:
        description:
          - The operation, case-insensitive (V(WRITE), V(write), V(IdempotentWrite) and V(idempotent_write) are the same).
          - V(all), V(read), V(write), V(create), V(delete), V(alter), V(describe), V(cluster_action),
            V(describe_configs), V(alter_configs), V(idempotent_write), V(create_tokens), V(describe_tokens).
          - 'Only the operations Kafka checks on the resource type are accepted (as C(kafka-acls.sh) does), besides V(all):
            topic: read, write, create, describe, delete, alter, describe_configs, alter_configs;
            group: read, describe, delete, describe_configs, alter_configs;
            cluster: create, cluster_action, describe_configs, alter_configs, idempotent_write, alter, describe;
            transactional_id: describe, write; delegation_token: describe; user: create_tokens, describe_tokens.'
          - Granting V(write) or V(read) on a topic implies V(describe) of it in Kafka.
        type: str
        required: true
      permission:
        description:
          - V(allow) or V(deny). A deny ACL wins over any allow ACL.
        type: str
        default: allow
      resource_type:
        description:
          - V(topic), V(group), V(cluster), V(transactional_id), V(delegation_token) or V(user).
        type: str
        required: true
      resource_name:
        description:
          - Name of the resource, or V(*) with O(acls[].pattern_type=literal) for every resource of the type.
          - Required, except for V(cluster), whose only resource is V(kafka-cluster) (the default).
        type: str
      pattern_type:
        description:
          - V(literal) (the resource named exactly) or V(prefixed) (every resource whose name starts with O(acls[].resource_name)).
        type: str
        default: literal
      host:
        description:
          - Client IP address the ACL applies to, or V(*) for every host. Kafka matches it against the connection's
            IP address, so host names and CIDR ranges are refused.
        type: str
        default: '*'
  state:
    description:
      - V(present) grants the ACLs, V(absent) revokes them.
    type: str
    choices: [present, absent]
    default: present
  exclusive:
    description:
      - With O(state=present), also revoke every ACL on the listed resources (same resource type, name and pattern
        type) that is not listed, whoever it is for. ACLs on other resources are never touched.
    type: bool
    default: false
extends_documentation_fragment:
  - streamops.kafka.kafka
attributes:
  check_mode:
    support: full
    description: Reads the ACLs and plans the same changes as a real run, and applies nothing.
  diff_mode:
    support: full
    description: Returns the ACLs on the listed resources before and after, sorted.
notes:
  - The connecting principal needs C(ALTER) on the cluster resource to change ACLs and C(DESCRIBE) on it to read them;
    a super user (C(super.users)) has both.
  - A cluster without an authorizer answers with C(SecurityDisabledError); the module then fails saying so.
  - Kafka applies ACLs in the controller and then on every broker from the metadata log, usually within milliseconds.
  - ACLs with the operation C(TWO_PHASE_COMMIT) (Kafka 4.0+) cannot be read by kafka-python 3.0.
seealso:
  - module: streamops.kafka.kafka_user
  - module: streamops.kafka.kafka_info
  - name: Kafka authorization and ACLs
    description: The operations and resources, and which requests need which.
    link: https://kafka.apache.org/documentation/#security_authz
'''

EXAMPLES = r'''
# The first task names the connection options; the others take them from module_defaults of the
# action group streamops.kafka.kafka (set once on the play or a block, for every Kafka module):
#   module_defaults:
#     group/streamops.kafka.kafka: {bootstrap_servers: [...], security_protocol: SASL_SSL, ...}
- name: Let the orders service produce to the orders topics and read with its consumer group
  streamops.kafka.kafka_acl:
    bootstrap_servers: [kafka1.example.com:9093]
    security_protocol: SASL_SSL
    ssl_cafile: /etc/ssl/certs/kafka-ca.pem
    sasl_mechanism: SCRAM-SHA-512
    sasl_plain_username: admin
    sasl_plain_password: "{{ kafka_admin_password }}"
    acls:
      - principal: User:orders-service
        operation: write
        resource_type: topic
        resource_name: orders.
        pattern_type: prefixed
      - principal: User:orders-service
        operation: read
        resource_type: group
        resource_name: orders-service
      - principal: User:orders-service
        operation: idempotent_write
        resource_type: cluster
  delegate_to: localhost
  run_once: true

- name: The payments topic is readable by billing and nobody else (other ACLs on it are revoked)
  streamops.kafka.kafka_acl:
    exclusive: true
    acls:
      - principal: User:billing
        operation: read
        resource_type: topic
        resource_name: payments
  delegate_to: localhost
  run_once: true

- name: Revoke a grant
  streamops.kafka.kafka_acl:
    state: absent
    acls:
      - principal: User:legacy-app
        operation: all
        resource_type: topic
        resource_name: "*"
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
acls_added:
  description: ACLs created (or that would be in check mode), sorted.
  returned: always
  type: list
  elements: dict
  sample: [{"principal": "User:alice", "host": "*", "operation": "write", "permission": "allow",
            "resource_type": "topic", "resource_name": "orders", "pattern_type": "literal"}]
acls_removed:
  description: ACLs deleted (or that would be in check mode), sorted; same keys as RV(acls_added).
  returned: always
  type: list
  elements: dict
  sample: []
acls:
  description:
    - The ACLs on the resources the task names (same resource type, name and pattern type) after the task, sorted;
      same keys as RV(acls_added). ACLs on other resources are not listed.
  returned: success
  type: list
  elements: dict
  sample: [{"principal": "User:alice", "host": "*", "operation": "describe", "permission": "allow",
            "resource_type": "topic", "resource_name": "orders", "pattern_type": "literal"},
           {"principal": "User:alice", "host": "*", "operation": "write", "permission": "allow",
            "resource_type": "topic", "resource_name": "orders", "pattern_type": "literal"}]
diff:
  description: The ACLs on the resources the task names before and after, sorted.
  returned: in diff mode
  type: dict
  contains:
    before:
      description: ACLs before the task.
      type: list
      elements: dict
    after:
      description: ACLs after the task.
      type: list
      elements: dict
'''

import traceback
import typing as t

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.streamops.kafka.plugins.module_utils._kafka import (
    ACL,
    ACLFilter,
    ACLOperation,
    ACLPermissionType,
    ACLResourcePatternType,
    ResourcePattern,
    ResourcePatternFilter,
    ResourceType,
    close_admin,
    connect_admin,
    describe_error,
    kafka_common_argument_spec,
    kafka_errors,
)
from ansible_collections.streamops.kafka.plugins.module_utils._kafka_acl import (
    acl_from_kafka,
    acl_key,
    plan_acls,
    sort_acls,
)


def _enums(acl: dict[str, str]) -> dict[str, t.Any]:
    return dict(
        principal=acl['principal'],
        host=acl['host'],
        operation=ACLOperation[acl['operation'].upper()],
        permission_type=ACLPermissionType[acl['permission'].upper()],
        resource_pattern=(ResourceType[acl['resource_type'].upper()], acl['resource_name'],
                          ACLResourcePatternType[acl['pattern_type'].upper()]),
    )


def to_acl(acl: dict[str, str]) -> t.Any:
    """An ACL dict as kafka-python's ``ACL``."""
    fields = _enums(acl)
    fields['resource_pattern'] = ResourcePattern(*fields['resource_pattern'])
    return ACL(**fields)


def to_filter(acl: dict[str, str]) -> t.Any:
    """A filter matching exactly this ACL (every field concrete), for DeleteAcls."""
    fields = _enums(acl)
    fields['resource_pattern'] = ResourcePatternFilter(*fields['resource_pattern'])
    return ACLFilter(**fields)


def read_acls(admin: t.Any) -> list[dict[str, str]]:
    """Every ACL of the cluster (one DescribeAcls with a match-anything filter)."""
    match_all = ACLFilter(principal=None, host=None, operation=ACLOperation.ANY,
                          permission_type=ACLPermissionType.ANY,
                          resource_pattern=ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY))
    acls, _error = admin.describe_acls(match_all)
    return [acl_from_kafka(acl) for acl in acls]


def create(admin: t.Any, acls: list[dict[str, str]]) -> tuple[list[dict[str, str]], list[str]]:
    """CreateAcls for ``acls``; (created, errors)."""
    if not acls:
        return [], []
    objects = [to_acl(acl) for acl in acls]
    try:
        answer = admin.create_acls(objects)
    except Exception as exc:  # pylint: disable=broad-except
        return [], ['CreateAcls request failed: %s' % describe_error(exc)]
    succeeded = set(id(obj) for obj in answer.get('succeeded') or [])
    failed_acls = [acl for acl, obj in zip(acls, objects) if id(obj) not in succeeded]
    errors = ['creating %s failed: %s' % (describe_acl(acl), getattr(error, '__name__', error))
              for acl, error in zip(failed_acls, answer.get('failed') or [])]
    return [acl for acl, obj in zip(acls, objects) if id(obj) in succeeded], errors


def delete(admin: t.Any, acls: list[dict[str, str]]) -> tuple[list[dict[str, str]], list[str]]:
    """DeleteAcls with one exact filter per ACL; (deleted, errors)."""
    if not acls:
        return [], []
    try:
        answer = admin.delete_acls([to_filter(acl) for acl in acls])
    except Exception as exc:  # pylint: disable=broad-except
        return [], ['DeleteAcls request failed: %s' % describe_error(exc)]
    deleted, errors = [], []
    for acl, (_filter, _matched, error) in zip(acls, answer):
        if error is None or error is kafka_errors.NoError:
            deleted.append(acl)
        else:
            errors.append('deleting %s failed: %s' % (describe_acl(acl), getattr(error, '__name__', error)))
    if len(answer) < len(acls):
        errors.extend('deleting %s failed: no answer from Kafka' % describe_acl(acl) for acl in acls[len(answer):])
    return deleted, errors


def describe_acl(acl: dict[str, str]) -> str:
    return '%s %s %s on %s %s %r from %s' % (acl['permission'], acl['principal'], acl['operation'],
                                             acl['pattern_type'], acl['resource_type'], acl['resource_name'],
                                             acl['host'])


def main() -> None:
    argument_spec = kafka_common_argument_spec()
    argument_spec.update(
        acls=dict(type='list', elements='dict', required=True, options=dict(
            principal=dict(type='str', required=True),
            operation=dict(type='str', required=True),
            permission=dict(type='str', default='allow'),
            resource_type=dict(type='str', required=True),
            resource_name=dict(type='str'),
            pattern_type=dict(type='str', default='literal'),
            host=dict(type='str', default='*'),
        )),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        exclusive=dict(type='bool', default=False),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    # Refuse what is invalid whatever the cluster holds, before connecting.
    plan = plan_acls(params['acls'], params['state'], params['exclusive'], [])
    if plan['errors']:
        module.fail_json(msg='Invalid request, nothing was changed: %s' % '; '.join(plan['errors']),
                         changed=False, acls_added=[], acls_removed=[])

    admin = connect_admin(module)
    try:
        run(module, admin)
    finally:
        close_admin(admin)


def run(module: AnsibleModule, admin: t.Any) -> None:
    params = module.params
    try:
        current = read_acls(admin)
    except Exception as exc:  # pylint: disable=broad-except
        hint = ''
        if kafka_errors is not None and isinstance(exc, kafka_errors.SecurityDisabledError):
            hint = ' (the cluster has no authorizer: set authorizer.class.name on every node)'
        module.fail_json(msg='Cannot read the ACLs from Kafka: %s%s' % (describe_error(exc), hint),
                         exception=traceback.format_exc())
    plan = plan_acls(params['acls'], params['state'], params['exclusive'], current)
    if plan['errors']:  # pragma: no cover - the same checks already passed in main()
        module.fail_json(msg='Invalid request, nothing was changed: %s' % '; '.join(plan['errors']))

    added, removed, errors = plan['add'], plan['remove'], []
    if not module.check_mode:
        # Grant first, revoke second: replacing an ACL never leaves a moment without it.
        added, create_errors = create(admin, plan['add'])
        removed, delete_errors = delete(admin, plan['remove'])
        errors = create_errors + delete_errors
    gone = set(acl_key(acl) for acl in removed)
    after = sort_acls([acl for acl in plan['before'] if acl_key(acl) not in gone] + added)
    result: dict[str, t.Any] = dict(changed=bool(added or removed), acls_added=sort_acls(added),
                                    acls_removed=sort_acls(removed), acls=after)
    if module._diff:
        result['diff'] = dict(before=plan['before'], after=after)
    if errors:
        module.fail_json(msg='Failed: %s' % '; '.join(errors), **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
