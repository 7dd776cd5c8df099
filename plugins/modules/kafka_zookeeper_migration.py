#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

from __future__ import annotations

DOCUMENTATION = r'''
---
module: kafka_zookeeper_migration
short_description: Report, and reset for a rollback, the state of a ZooKeeper to KRaft migration kept in ZooKeeper
version_added: 1.2.0
description:
  - Reads from ZooKeeper what a ZooKeeper to KRaft migration of a Kafka 3.9 cluster leaves there, to drive
    and check each phase of the migration.
  - The cluster id from C(/cluster/id), which the KRaft controllers are formatted with.
  - The controller from C(/controller) and C(/controller_epoch), and whether a KRaft controller has taken
    over as the controller (RV(kraft_controller)).
  - The migration state from C(/migration) and whether the metadata migration is complete
    (RV(migration_completed)).
  - The ids of the brokers registered in ZooKeeper, from C(/brokers/ids).
  - With O(reset=true) it deletes C(/controller) and C(/migration), the step of a rollback to ZooKeeper
    mode that comes after the KRaft controllers are stopped and before the brokers are restarted with
    their ZooKeeper-mode settings.
  - Read-only unless O(reset=true).
  - With O(ssl=true) it connects to the servers' TLS client port (C(secureClientPort)); when no server can be
    reached the error names what went wrong with the last connections (for example C(certificate verify failed)).
author:
  - streamops engineering (@streamops)
options:
  zookeeper_connect:
    description:
      - The brokers' C(zookeeper.connect), that is C(host:port) servers separated by commas, optionally
        followed by the chroot the cluster lives in, for example C(zk1:2181,zk2:2181,zk3:2181/kafka).
      - IPv6 addresses are written in brackets, for example C([::1]:2181).
      - With O(ssl=true), the servers' TLS client ports (C(secureClientPort)).
    type: str
    required: true
  timeout:
    description:
      - Seconds to wait for a connection to one of the servers; also the ZooKeeper session timeout.
    type: int
    default: 10
  reset:
    description:
      - Delete C(/controller) and C(/migration), the documented step of a rollback to ZooKeeper mode before
        the migration is finalized.
      - Stop every KRaft controller first; a running one writes both znodes again. A znode that changes
        between the read and the delete fails the task.
      - Once C(/controller) is deleted, a ZooKeeper-mode broker becomes the controller, and once
        C(/migration) is deleted, KRaft controllers started later begin a new migration.
      - The task reports a change only when it deleted something. RV(controller) and RV(migration) hold what
        the znodes held before they were deleted, RV(removed) the deleted paths.
      - Do not reset after the migration is finalized (the controllers run without C(zookeeper.connect)).
        ZooKeeper no longer receives the cluster's metadata then, and a rollback is not possible.
    type: bool
    default: false
requirements:
  - kazoo >= 2.9 (on the host that runs the module, usually the controller)
extends_documentation_fragment:
  - streamops.kafka.zookeeper_tls
attributes:
  check_mode:
    support: full
    description: In check mode the module reads all the same; with O(reset=true) it reports what it would delete.
  diff_mode:
    support: none
    description: The module reports the deleted paths in RV(removed), not as a diff.
notes:
  - The migration needs a static controller quorum (C(controller.quorum.voters)); KRaft controllers formatted
    with a dynamic quorum (C(--initial-controllers)) cannot migrate a cluster.
  - A KRaft controller creates C(/migration) when it starts in migration mode, with C(kraft_metadata_offset) -1.
    It claims C(/controller) only when every broker registered in ZooKeeper runs in migration mode, and sets
    C(kraft_metadata_offset) to the offset of the migrated metadata (0 or more) once it has copied the metadata
    into the KRaft log. RV(migration_completed) is that offset being 0 or more.
  - The C(/controller) znode a KRaft controller writes is persistent; it stays after the migration is finalized,
    so RV(kraft_controller) stays V(true) from then on.
  - With O(ssl=true), kazoo trusts the system's certificate authorities as well as O(ssl_cafile).
seealso:
  - module: streamops.kafka.kafka_info
  - module: streamops.kafka.zookeeper_ensemble_info
  - name: ZooKeeper to KRaft migration
    description: The phases of the migration and the rollback procedure.
    link: https://kafka.apache.org/39/documentation.html#kraft_zk_migration
'''

EXAMPLES = r'''
- name: Read the cluster id the KRaft controllers are formatted with
  streamops.kafka.kafka_zookeeper_migration:
    zookeeper_connect: zk1:2181,zk2:2181,zk3:2181/kafka
  register: zk_migration
  delegate_to: localhost
  run_once: true

- name: Wait until the KRaft controllers have migrated the metadata
  streamops.kafka.kafka_zookeeper_migration:
    zookeeper_connect: zk1:2181,zk2:2181,zk3:2181/kafka
  register: zk_migration
  until: zk_migration.kraft_controller and zk_migration.migration_completed
  retries: 60
  delay: 5
  delegate_to: localhost
  run_once: true

- name: Roll back (the KRaft controllers are stopped) - delete /controller and /migration
  streamops.kafka.kafka_zookeeper_migration:
    zookeeper_connect: zk1:2181,zk2:2181,zk3:2181/kafka
    reset: true
  register: zk_reset
  delegate_to: localhost
  run_once: true

- name: Read the migration state through the ZooKeeper TLS client port, with a client certificate
  streamops.kafka.kafka_zookeeper_migration:
    zookeeper_connect: zk1:2281,zk2:2281,zk3:2281/kafka
    ssl: true
    ssl_cafile: /etc/kafka/tls/ca.pem
    ssl_certfile: /etc/kafka/tls/client.pem
    ssl_keyfile: /etc/kafka/tls/client.key
  register: zk_migration
  delegate_to: localhost
  run_once: true

- name: Show what the rollback deleted
  ansible.builtin.debug:
    msg: "Deleted {{ zk_reset.removed }}; /migration held {{ zk_reset.migration }}"
'''

RETURN = r'''
cluster_id:
  description: The cluster id from C(/cluster/id), V(null) when no broker has registered the cluster yet.
  returned: always
  type: str
  sample: 4S9m8QM_RX2MLxVvv_OKGg
controller:
  description:
    - The JSON object in C(/controller), V(null) when there is no controller.
    - A ZooKeeper-mode broker of Kafka 3.4 or later writes C(kraftControllerEpoch) -1, older ones leave it out.
  returned: always
  type: dict
  sample: {"version": 2, "brokerid": 3000, "timestamp": "1795309146850", "kraftControllerEpoch": 1}
kraft_controller:
  description: Whether C(/controller) was written by a KRaft controller (its C(kraftControllerEpoch) is 0 or more).
  returned: always
  type: bool
  sample: true
controller_epoch:
  description: The number in C(/controller_epoch), V(null) when the znode does not exist.
  returned: always
  type: int
  sample: 3
migration:
  description: The JSON object in C(/migration), V(null) when no KRaft controller has started in migration mode.
  returned: always
  type: dict
  sample: {"version": 0, "kraft_metadata_offset": 96, "kraft_controller_id": 3000, "kraft_metadata_epoch": 1,
           "kraft_controller_epoch": 1}
migration_completed:
  description: Whether C(/migration) records a completed metadata migration (C(kraft_metadata_offset) 0 or more).
  returned: always
  type: bool
  sample: true
broker_ids:
  description:
    - Sorted ids of the brokers registered in C(/brokers/ids), ZooKeeper-mode brokers including those in migration mode.
    - KRaft brokers do not register there.
  returned: always
  type: list
  elements: int
  sample: [1, 2]
removed:
  description: The paths O(reset=true) deleted (in check mode, would delete); empty without O(reset).
  returned: always
  type: list
  elements: str
  sample: ["/controller", "/migration"]
'''

import logging
import traceback
import typing as t
import warnings

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.streamops.kafka.plugins.module_utils._zookeeper_migration import (
    BROKER_IDS_PATH,
    READ_PATHS,
    RESET_PATHS,
    MigrationStateError,
    build_report,
    parse_connect,
)
from ansible_collections.streamops.kafka.plugins.module_utils._zookeeper_tls import (
    KazooConnectionErrors,
    kazoo_tls_kwargs,
    tls_option_problems,
    zookeeper_tls_argument_spec,
)

KAZOO_IMPORT_ERROR: str | None
try:
    from kazoo.client import KazooClient
    from kazoo.exceptions import BadVersionError, KazooException, NoNodeError
    from kazoo.handlers.threading import KazooTimeoutError
except ImportError:  # pragma: no cover - exercised when the library is missing
    KazooClient = None  # type: ignore[assignment,misc]

    class KazooException(Exception):  # type: ignore[no-redef]
        """Stand-in: never raised without kazoo."""

    class BadVersionError(KazooException):  # type: ignore[no-redef]
        """Stand-in: never raised without kazoo."""

    class NoNodeError(KazooException):  # type: ignore[no-redef]
        """Stand-in: never raised without kazoo."""

    class KazooTimeoutError(Exception):  # type: ignore[no-redef]
        """Stand-in: never raised without kazoo."""

    HAS_KAZOO = False
    KAZOO_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_KAZOO = True
    KAZOO_IMPORT_ERROR = None


class ResetConflict(Exception):
    """A znode changed between its read and its deletion."""


def read_znodes(client: t.Any) -> tuple[dict[str, t.Any], dict[str, t.Any], list[str] | None]:
    """(path -> data or None, path -> stat, children of /brokers/ids or None)."""
    data: dict[str, t.Any] = {}
    stats: dict[str, t.Any] = {}
    for path in READ_PATHS:
        try:
            data[path], stats[path] = client.get(path)
        except NoNodeError:
            data[path] = None
    try:
        children = client.get_children(BROKER_IDS_PATH)
    except NoNodeError:
        children = None
    return data, stats, children


def reset_znodes(client: t.Any, stats: dict[str, t.Any], check_mode: bool) -> list[str]:
    """Delete the reset paths that exist (as read, same version); return the deleted paths."""
    removed = []
    for path in RESET_PATHS:
        if path not in stats:
            continue
        if not check_mode:
            try:
                client.delete(path, version=stats[path].version)
            except NoNodeError:
                continue
            except BadVersionError as exc:
                raise ResetConflict(
                    '%s changed while it was being deleted: is a KRaft controller still running? '
                    'Stop every KRaft controller before the reset' % path) from exc
        removed.append(path)
    return removed


def main() -> None:
    module = AnsibleModule(
        argument_spec=dict(
            zookeeper_connect=dict(type='str', required=True),
            timeout=dict(type='int', default=10),
            reset=dict(type='bool', default=False),
            **zookeeper_tls_argument_spec()
        ),
        supports_check_mode=True,
    )
    params = module.params
    if not HAS_KAZOO:
        module.fail_json(msg=missing_required_lib('kazoo'), exception=KAZOO_IMPORT_ERROR)
    try:
        servers, chroot = parse_connect(params['zookeeper_connect'])
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    if params['timeout'] <= 0:
        module.fail_json(msg='timeout must be a positive number of seconds, got %d' % params['timeout'])
    tls_problems = tls_option_problems(params)
    if tls_problems:
        module.fail_json(msg='; '.join(tls_problems))
    where = ','.join(servers) + (chroot or '')

    # kazoo logs connection attempts at WARNING; without a handler they would go to stderr.
    # Why a connection failed (a TLS error) is only logged: collected to name it on a timeout.
    logger = logging.getLogger('kazoo')
    logger.addHandler(logging.NullHandler())
    connection_errors = KazooConnectionErrors()
    logger.addHandler(connection_errors)
    # short connection retries: kazoo's connection thread sleeps up to max_delay between attempts,
    # and the process cannot exit while it sleeps
    client = KazooClient(hosts=params['zookeeper_connect'].strip(), timeout=params['timeout'],
                         connection_retry=dict(max_tries=-1, delay=0.1, max_delay=1),
                         **kazoo_tls_kwargs(params))
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            client.start(timeout=params['timeout'])
        if chroot and caught:
            module.warn('The chroot %s does not exist in ZooKeeper at %s: no Kafka cluster has used it yet'
                        % (chroot, ','.join(servers)))
    except KazooTimeoutError:
        module.fail_json(msg='Cannot connect to ZooKeeper at %s%s: no server answered within %d s%s'
                         % (','.join(servers), ' over TLS' if params['ssl'] else '', params['timeout'],
                            connection_errors.summary()))
    except Exception as exc:  # pylint: disable=broad-except
        module.fail_json(msg='Cannot connect to ZooKeeper at %s: %s' % (','.join(servers), exc),
                         exception=traceback.format_exc())
    finally:
        logger.removeHandler(connection_errors)
    removed: list[str] = []
    try:
        data, stats, children = read_znodes(client)
        # parsed before anything is deleted: a reset never removes what it cannot report
        report = build_report(data, children)
        if params['reset']:
            removed = reset_znodes(client, stats, module.check_mode)
    except MigrationStateError as exc:
        module.fail_json(msg='Unexpected content in ZooKeeper at %s: %s' % (where, exc))
    except ResetConflict as exc:
        module.fail_json(msg='%s (ZooKeeper at %s)' % (exc, where))
    except KazooException as exc:
        module.fail_json(msg='Cannot read the migration state from ZooKeeper at %s: %s: %s' % (where, type(exc).__name__, exc),
                         exception=traceback.format_exc())
    finally:
        try:
            client.stop()
            client.close()
        except Exception:  # pylint: disable=broad-except
            pass
    module.exit_json(changed=bool(removed), removed=removed, **report)


if __name__ == '__main__':
    main()
