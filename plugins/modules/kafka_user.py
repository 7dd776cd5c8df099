#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

from __future__ import annotations

DOCUMENTATION = r'''
---
module: kafka_user
short_description: Create, update and delete SCRAM credentials of Kafka users
version_added: 1.3.0
description:
  - Manages the SCRAM credentials (C(SCRAM-SHA-512), C(SCRAM-SHA-256)) that Kafka authenticates
    C(SASL_SSL)/C(SASL_PLAINTEXT) clients with, through the Kafka admin API (DescribeUserScramCredentials
    and AlterUserScramCredentials, Kafka 2.7 and later; in KRaft mode the credentials live in the cluster metadata).
  - One user (O(name)) or many users in one task (O(users)); all changes of a task go in one request.
  - Everything is validated before anything changes. An empty user name, a missing password or one shorter than
    O(min_password_length), iterations outside what Kafka accepts, an unknown mechanism or a user listed twice
    fail the whole task, naming the user and the value (never the password), with nothing changed.
  - Kafka keeps only a salted hash of a password, so a password cannot be read back and compared.
    How C(changed) is decided for O(state=present) is therefore explicit, see O(update_password).
  - Check mode runs the same planning and reports what would be done.
author:
  - streamops engineering (@streamops)
options:
  name:
    description:
      - Name of one user, the name clients give as O(sasl_plain_username).
      - Mutually exclusive with O(users); one of the two is required.
    type: str
  password:
    description:
      - Password of the user O(name). Required with O(state=present).
      - It is sent to Kafka only as a salted hash (PBKDF2 with O(iterations)), and never returned or logged.
      - Mutually exclusive with O(users) (each entry has its own password).
    type: str
  mechanism:
    description:
      - SCRAM mechanism of the credential. A user may have one credential per mechanism.
      - With O(state=present) the default is V(SCRAM-SHA-512).
      - With O(state=absent) and no mechanism, every SCRAM credential of the user is deleted.
    type: str
    choices: [SCRAM-SHA-512, SCRAM-SHA-256]
  iterations:
    description:
      - PBKDF2 iteration count of the credential. Kafka accepts 4096 to 16384.
      - A credential whose iterations differ from this is replaced (which needs the password).
    type: int
    default: 8192
  state:
    description:
      - V(present) creates or updates the credential, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  update_password:
    description:
      - When to replace the password of a credential that exists already.
      - V(on_create) sets the password only when the credential is created; an existing credential with the
        same O(iterations) is left alone and reported unchanged. A rotated password is then not applied.
      - V(always) replaces the credential on every run. Since Kafka cannot tell whether the password is the same,
        the module then always reports C(changed=true) for an existing credential.
    type: str
    choices: [always, on_create]
    default: on_create
  min_password_length:
    description:
      - Refuse a password with fewer characters than this, before anything is changed.
    type: int
    default: 12
  users:
    description:
      - Several credentials to manage in one task.
      - Options an entry leaves out are taken from the top-level O(mechanism), O(iterations), O(state) and
        O(update_password); the password is never inherited.
      - A user must not be listed twice with the same mechanism.
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - Name of the user.
        type: str
        required: true
      password:
        description:
          - Password of the user, see O(password).
        type: str
      mechanism:
        description:
          - SCRAM mechanism, see O(mechanism).
        type: str
        choices: [SCRAM-SHA-512, SCRAM-SHA-256]
      iterations:
        description:
          - PBKDF2 iterations, see O(iterations).
        type: int
      state:
        description:
          - Whether the credential should exist, see O(state).
        type: str
        choices: [present, absent]
      update_password:
        description:
          - When to replace the password, see O(update_password).
        type: str
        choices: [always, on_create]
extends_documentation_fragment:
  - streamops.kafka.kafka
attributes:
  check_mode:
    support: full
    description: Plans the same changes as a real run and applies nothing.
  diff_mode:
    support: full
    description:
      - Returns the mechanisms and iterations of each changing user before and after; never a password.
notes:
  - The connecting principal needs C(ALTER) on the cluster resource to change credentials and C(DESCRIBE) on it
    to read them (a super user has both).
  - Kafka applies the change in the controller and then on every broker from the metadata log; a client may be
    refused for a moment right after its credential was created.
  - A user needs ACLs (M(streamops.kafka.kafka_acl)) to do anything once authenticated, when the cluster has an authorizer.
seealso:
  - module: streamops.kafka.kafka_acl
  - module: streamops.kafka.kafka_info
  - name: Kafka SASL/SCRAM authentication
    description: Configuring brokers and clients for SCRAM.
    link: https://kafka.apache.org/documentation/#security_sasl_scram
'''

EXAMPLES = r'''
# The first task names the connection options; the others take them from module_defaults of the
# action group streamops.kafka.kafka (set once on the play or a block, for every Kafka module):
#   module_defaults:
#     group/streamops.kafka.kafka: {bootstrap_servers: [...], security_protocol: SASL_SSL, ...}
- name: Create the orders service user (its password is set once, never rotated by this task)
  streamops.kafka.kafka_user:
    bootstrap_servers: [kafka1.example.com:9093]
    security_protocol: SASL_SSL
    ssl_cafile: /etc/ssl/certs/kafka-ca.pem
    sasl_mechanism: SCRAM-SHA-512
    sasl_plain_username: admin
    sasl_plain_password: "{{ kafka_admin_password }}"
    name: orders-service
    password: "{{ orders_service_password }}"
  delegate_to: localhost
  run_once: true

- name: Rotate passwords and remove a user in one request
  streamops.kafka.kafka_user:
    update_password: always
    users:
      - name: billing
        password: "{{ billing_password }}"
      - name: legacy-app
        password: "{{ legacy_password }}"
        mechanism: SCRAM-SHA-256
        iterations: 4096
      - name: retired-app
        state: absent
  delegate_to: localhost
  run_once: true
  no_log: true
'''

RETURN = r'''
users:
  description:
    - One entry per user and mechanism, in the order of the task. A user deleted with O(state=absent) and no
      O(mechanism) has one entry per mechanism it had.
    - Also returned when the task fails, to tell which users failed and which were changed.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: User name.
      type: str
      sample: orders-service
    mechanism:
      description: SCRAM mechanism, V(null) for an absent user that had no credential to delete.
      type: str
      sample: SCRAM-SHA-512
    iterations:
      description: Iterations of the credential after the task, V(null) when it is deleted or absent.
      type: int
      sample: 8192
    action:
      description:
        - What the module did (or would do in check mode).
        - V(created), V(updated) (replaced), V(deleted), V(unchanged), or V(error) when the entry failed validation
          or Kafka refused it.
      type: str
      sample: created
    changed:
      description: Whether this credential was (or would be) changed.
      type: bool
      sample: true
    error:
      description: Why this entry failed, V(null) when it did not. Never contains the password.
      type: str
      sample: null
diff:
  description:
    - Mechanisms and iterations of each changing user before and after, never a password.
    - A credential replaced with the same iterations (O(update_password=always)) shows C(credential=replaced) after.
  returned: in diff mode
  type: dict
  contains:
    before:
      description: User name to its credentials before the task.
      type: dict
      sample: {"billing": {"SCRAM-SHA-512": {"iterations": 8192}}}
    after:
      description: User name to its credentials after the task.
      type: dict
      sample: {"billing": {"SCRAM-SHA-512": {"iterations": 8192, "credential": "replaced"}}}
'''

import traceback
import typing as t

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.streamops.kafka.plugins.module_utils._kafka import (
    KafkaAdminClient,
    UserScramCredentialDeletion,
    UserScramCredentialUpsertion,
    close_admin,
    connect_admin,
    describe_error,
    kafka_common_argument_spec,
    kafka_errors,
)
from ansible_collections.streamops.kafka.plugins.module_utils._kafka_user import (
    ACTION_ERROR,
    DEFAULT_ITERATIONS,
    DEFAULT_MIN_PASSWORD_LENGTH,
    MECHANISMS,
    diff_from_entries,
    plan_users,
    result_entry,
    snapshot_from_describe,
    user_specs_from_params,
)


def _fail_with(module: AnsibleModule, plan: dict[str, t.Any], intro: str, changed: bool) -> None:
    failed = [e for e in plan['users'] if e['error']]
    details = '; '.join(e['error'] for e in failed[:20])
    if len(failed) > 20:
        details += '; ... and %d more' % (len(failed) - 20)
    result: dict[str, t.Any] = dict(changed=changed, users=[result_entry(e) for e in plan['users']],
                                    msg='%s: %s' % (intro, details))
    if module._diff:
        result['diff'] = plan['diff']
    module.fail_json(**result)


def send_alterations(admin: t.Any, alterations: list[t.Any]) -> dict[str, str | None]:
    """Send one AlterUserScramCredentials request to the controller; ``{user: error or None}``.

    kafka-python 3.0.12's ``alter_user_scram_credentials`` sends it to any broker and reports a
    result whose error code is set but whose message is empty as a success. A ZooKeeper-mode
    broker that is not the controller answers exactly so (NOT_CONTROLLER) and changes nothing, so
    the request goes to the controller with the client's own controller routing (which retries once
    on NOT_CONTROLLER), and every result's error code is read. KRaft brokers forward it either way.
    """
    if KafkaAdminClient is None or not isinstance(admin, KafkaAdminClient) or not hasattr(admin, '_send_request_to_controller'):
        return admin.alter_user_scram_credentials(alterations) or {}
    from kafka.protocol.admin import AlterUserScramCredentialsRequest  # pylint: disable=import-outside-toplevel
    request = AlterUserScramCredentialsRequest(
        deletions=[(a.user, int(a.mechanism)) for a in alterations if isinstance(a, UserScramCredentialDeletion)],
        upsertions=[(a.user, int(a.mechanism), a.iterations, a.salt, a.salted_password)
                    for a in alterations if isinstance(a, UserScramCredentialUpsertion)])

    def result_errors(response: t.Any) -> list[t.Any]:
        return [kafka_errors.for_code(result.error_code) for result in response.results]

    # pylint: disable-next=protected-access
    response = admin._manager.run(admin._send_request_to_controller, request, result_errors, False)
    return dict((result.user, None if not result.error_code
                 else result.error_message or kafka_errors.for_code(result.error_code).__name__)
                for result in response.results)


def apply(admin: t.Any, plan: dict[str, t.Any]) -> None:
    """Send every upsertion and deletion in one AlterUserScramCredentials request; record per-entry outcome."""
    alterations: list[t.Any] = [UserScramCredentialUpsertion(name, mechanism, password, iterations=iterations)
                                for name, mechanism, iterations, password in plan['upserts']]
    alterations.extend(UserScramCredentialDeletion(name, mechanism) for name, mechanism in plan['deletions'])
    if not alterations:
        return
    try:
        answer = send_alterations(admin, alterations)
        errors = dict((user, None if error is None else 'refused by Kafka: %s' % error) for user, error in answer.items())
    except Exception as exc:  # pylint: disable=broad-except
        message = 'AlterUserScramCredentials request failed: %s' % describe_error(exc)
        errors = dict((entry['name'], message) for entry in plan['users'])
    for entry in plan['users']:
        if not entry['changed']:
            continue
        error = errors.get(entry['name'], 'no answer from Kafka for this user')
        if error:
            entry['error'] = error
            entry['changed'] = False
            entry['action'] = ACTION_ERROR


def main() -> None:
    argument_spec = kafka_common_argument_spec()
    argument_spec.update(
        name=dict(type='str'),
        password=dict(type='str', no_log=True),
        mechanism=dict(type='str', choices=list(reversed(MECHANISMS))),
        iterations=dict(type='int', default=DEFAULT_ITERATIONS),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        update_password=dict(type='str', default='on_create', choices=['always', 'on_create'], no_log=False),
        min_password_length=dict(type='int', default=DEFAULT_MIN_PASSWORD_LENGTH, no_log=False),
        users=dict(type='list', elements='dict', options=dict(
            name=dict(type='str', required=True),
            password=dict(type='str', no_log=True),
            mechanism=dict(type='str', choices=list(reversed(MECHANISMS))),
            iterations=dict(type='int'),
            state=dict(type='str', choices=['present', 'absent']),
            update_password=dict(type='str', choices=['always', 'on_create'], no_log=False),
        )),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        mutually_exclusive=[('name', 'users'), ('password', 'users')],
        required_one_of=[('name', 'users')],
        supports_check_mode=True,
    )
    specs = user_specs_from_params(module.params)
    # Refuse what is invalid whatever the cluster holds, before connecting.
    plan = plan_users(specs, {}, module.params['min_password_length'])
    if plan['errors']:
        _fail_with(module, plan, 'Invalid request, nothing was changed', changed=False)

    admin = connect_admin(module)
    try:
        run(module, admin, specs)
    finally:
        close_admin(admin)


def run(module: AnsibleModule, admin: t.Any, specs: list[dict[str, t.Any]]) -> None:
    try:
        snapshot = snapshot_from_describe(admin.describe_user_scram_credentials())
    except Exception as exc:  # pylint: disable=broad-except
        module.fail_json(msg='Cannot read the SCRAM credentials of users %s from Kafka: %s'
                         % (', '.join(repr(s.get('name')) for s in specs[:20]), describe_error(exc)),
                         exception=traceback.format_exc())
    plan = plan_users(specs, snapshot, module.params['min_password_length'])
    if plan['errors']:
        _fail_with(module, plan, 'Invalid request, nothing was changed', changed=False)
    if not module.check_mode:
        apply(admin, plan)
        plan['diff'] = diff_from_entries(plan['users'], snapshot)
    changed = any(e['changed'] for e in plan['users'])
    if any(e['error'] for e in plan['users']):
        _fail_with(module, plan, 'Failed', changed=changed)
    result: dict[str, t.Any] = dict(changed=changed, users=[result_entry(e) for e in plan['users']])
    if module._diff:
        result['diff'] = plan['diff']
    module.exit_json(**result)


if __name__ == '__main__':
    main()
