#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

from __future__ import annotations

DOCUMENTATION = r'''
---
module: kafka_feature
short_description: Read and raise the finalized features of a KRaft Kafka cluster, first of all metadata.version
version_added: 1.2.0
description:
  - Reads the finalized level of a KRaft feature (O(feature), by default C(metadata.version)) and, with
    O(version), raises it with UpdateFeatures, as C(kafka-features.sh upgrade) does.
  - Meant as the last step of a rolling upgrade, once every broker and controller runs the new Kafka
    release. Kafka keeps using the old C(metadata.version) until it is raised, so until then the nodes can
    still be rolled back to the old release.
  - A O(version) below the finalized level is a downgrade and is refused; so is a O(version) above the
    highest level the cluster supports. A O(version) equal to the finalized level changes nothing.
  - The highest level the cluster supports (RV(supported_max_level)) is the highest level every registered
    broker and controller supports. The module finds it by asking the active controller to validate levels
    (UpdateFeatures with C(validate_only), which changes nothing) from the highest level the connected
    broker supports downwards. When the brokers cannot validate (UpdateFeatures before version 1, Kafka
    before 3.3) it is the highest level the connected broker supports (RV(supported_max_scope) V(broker)).
  - Only KRaft clusters are managed; a cluster without a finalized C(metadata.version) (ZooKeeper mode)
    is refused.
  - Requests refused with a retriable error are sent again for up to O(request_timeout_ms).
author:
  - streamops engineering (@streamops)
options:
  feature:
    description:
      - The feature to read or raise, for example C(metadata.version), C(kraft.version),
        C(transaction.version) or C(group.version).
    type: str
    default: metadata.version
  version:
    description:
      - The level to raise O(feature) to. Without it the module only reads.
      - V(latest) is the highest level the cluster supports (RV(supported_max_level)).
      - An integer level, for example V(27).
      - For C(metadata.version) also a name, for example V(4.1-IV1), or a release, for example V(4.1) (also
        V(4.1.0)), which means the newest production C(metadata.version) of that release (V(4.1-IV1), level
        27). The names known are those of Kafka 3.0 to 4.3.1, V(3.0-IV1) (1) to V(4.3-IV0) (30), and
        V(4.4-IV0) (31), which Kafka 4.3.1 offers only with C(unstable.feature.versions.enable).
      - Other features take V(latest) or an integer level.
    type: str
extends_documentation_fragment:
  - streamops.kafka.kafka
attributes:
  check_mode:
    support: full
    description:
      - The upgrade is validated by the controller (UpdateFeatures with C(validate_only)) but not applied.
  diff_mode:
    support: full
    description: Shows the finalized level before and after, with its name.
notes:
  - Raise C(metadata.version) only when every broker and controller runs the new release. The controller
    refuses levels that a registered node does not support, and the module reports its error.
  - Kafka can lower some features again (C(kafka-features.sh downgrade)); this module never does.
seealso:
  - module: streamops.kafka.kafka_info
  - name: Upgrading a KRaft cluster
    description: When and how to raise metadata.version after a rolling upgrade.
    link: https://kafka.apache.org/documentation/#upgrade
  - name: KIP-584
    description: Versioning scheme for features.
    link: https://cwiki.apache.org/confluence/display/KAFKA/KIP-584%3A+Versioning+scheme+for+features
'''

EXAMPLES = r'''
- name: Read the finalized metadata.version
  streamops.kafka.kafka_feature:
    bootstrap_servers: [kafka1.example.com:9092]
  delegate_to: localhost
  run_once: true
  register: kafka_mv

- name: Raise metadata.version to the highest level every node supports, after the rolling upgrade
  streamops.kafka.kafka_feature:
    bootstrap_servers: [kafka1.example.com:9092, kafka2.example.com:9092]
    version: latest
  delegate_to: localhost
  run_once: true

- name: Raise metadata.version to the newest level of Kafka 4.1 (4.1-IV1)
  streamops.kafka.kafka_feature:
    bootstrap_servers: [kafka1.example.com:9092]
    version: "4.1"
  delegate_to: localhost
  run_once: true

- name: Raise transaction.version to level 2
  streamops.kafka.kafka_feature:
    bootstrap_servers: [kafka1.example.com:9092]
    feature: transaction.version
    version: "2"
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
feature:
  description: The feature read or raised, O(feature).
  returned: always
  type: str
  sample: metadata.version
finalized_level:
  description:
    - The finalized level of the feature after the task, V(0) for a feature that is not finalized.
    - In check mode, the level it would have.
  returned: success
  type: int
  sample: 30
finalized_version:
  description: The name of RV(finalized_level) (C(metadata.version) only), V(null) for a level not in the table.
  returned: success
  type: str
  sample: 4.3-IV0
previous_level:
  description: The finalized level before the task, V(0) for a feature that was not finalized.
  returned: when the finalized level could be read
  type: int
  sample: 25
previous_version:
  description: The name of RV(previous_level) (C(metadata.version) only), V(null) for a level not in the table.
  returned: when the finalized level could be read
  type: str
  sample: 4.0-IV3
target_level:
  description: The level O(version) resolved to, V(null) without O(version).
  returned: when the finalized level could be read
  type: int
  sample: 30
target_version:
  description: The name of RV(target_level) (C(metadata.version) only), V(null) when it has none.
  returned: when the finalized level could be read
  type: str
  sample: 4.3-IV0
supported_min_level:
  description: The lowest level of the feature the connected broker supports.
  returned: when the finalized level could be read
  type: int
  sample: 7
supported_max_level:
  description:
    - The highest level of the feature the cluster supports (see RV(supported_max_scope)). V(latest) resolves to it.
  returned: when the finalized level could be read
  type: int
  sample: 30
supported_max_version:
  description: The name of RV(supported_max_level) (C(metadata.version) only), V(null) when it has none.
  returned: when the finalized level could be read
  type: str
  sample: 4.3-IV0
supported_max_scope:
  description:
    - V(cluster) when RV(supported_max_level) is what every registered broker and controller supports, found
      through the controller's validation.
    - V(broker) when the cluster could not validate and it is the connected broker's own maximum.
  returned: when the finalized level could be read
  type: str
  sample: cluster
diff:
  description: "The finalized level before and after, each a line C(<feature>: <name> (<level>)), or C(<feature>: <level>) for a level without a name."
  returned: success
  type: dict
  sample: {"before": "metadata.version: 4.0-IV3 (25)\n", "after": "metadata.version: 4.3-IV0 (30)\n"}
'''

import time
import traceback
import typing as t

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.streamops.kafka.plugins.module_utils._kafka import (
    call_retrying,
    close_admin,
    connect_admin,
    describe_error,
    kafka_common_argument_spec,
    kafka_errors,
)
from ansible_collections.streamops.kafka.plugins.module_utils._kafka_feature import (
    LATEST,
    METADATA_VERSION_FEATURE,
    FeatureError,
    describe_level,
    feature_levels,
    highest_accepted,
    kafka_error_text,
    parse_version,
    plan_change,
    version_name,
)


class Refused(Exception):
    """The module must fail with this message and the partial result."""

    def __init__(self, msg: str, result: dict[str, t.Any] | None = None) -> None:
        super().__init__(msg)
        self.result = result or {}


class CannotValidate(Exception):
    """The brokers do not offer UpdateFeatures with validate_only (before Kafka 3.3)."""


class FeatureClient:
    """describe_features/update_features of one feature, retried on retriable errors."""

    def __init__(self, admin: t.Any, feature: str, timeout_ms: int) -> None:
        self.admin = admin
        self.feature = feature
        self.timeout_ms = timeout_ms
        self.last_refusal: str | None = None

    def describe(self) -> dict[str, t.Any]:
        return call_retrying(self.admin.describe_features, self.timeout_ms)

    def update(self, level: int, validate_only: bool) -> str | None:
        """``None`` when the controller accepts ``level``, else its error text; other errors are raised."""
        try:
            answer = call_retrying(lambda: self.admin.update_features({self.feature: level}, validate_only=validate_only,
                                                                      timeout_ms=self.timeout_ms), self.timeout_ms)
        except kafka_errors.InvalidUpdateVersionError as exc:
            return kafka_error_text(exc)
        except kafka_errors.UnsupportedVersionError as exc:
            if validate_only:
                raise CannotValidate(describe_error(exc)) from exc
            raise
        outcome = (answer or {}).get(self.feature, 'OK')
        return None if outcome == 'OK' else str(outcome)

    def accepts(self, level: int) -> bool:
        """Whether the controller would raise the feature to ``level`` (validate_only)."""
        refusal = self.update(level, validate_only=True)
        if refusal is not None:
            self.last_refusal = refusal
        return refusal is None


def level_result(prefix: str, feature: str, level: int | None) -> dict[str, t.Any]:
    return {prefix + '_level': level, prefix + '_version': version_name(feature, level)}


def wait_finalized(client: FeatureClient, target: int) -> int | None:
    """Poll describe_features until the connected broker reports ``target`` finalized; the level it last reported."""
    deadline = time.monotonic() + client.timeout_ms / 1000.0
    level = None
    while True:
        level = feature_levels(client.describe(), client.feature)[0]
        if (level is not None and level >= target) or time.monotonic() >= deadline:
            return level
        time.sleep(0.25)


def manage(client: FeatureClient, requested: int | str | None, check_mode: bool, servers: str,
           warn: t.Callable[[str], None]) -> dict[str, t.Any]:
    """Read the feature, find the cluster's maximum, and raise the feature when asked; the module result."""
    feature = client.feature
    features = client.describe()
    if feature_levels(features, METADATA_VERSION_FEATURE)[0] is None:
        raise Refused('The cluster at %s has no finalized %s: it is not a KRaft cluster (ZooKeeper mode?); '
                      'kafka_feature manages the features of KRaft clusters' % (servers, METADATA_VERSION_FEATURE))
    finalized, supported_min, broker_max = feature_levels(features, feature)
    if finalized is None and broker_max is None:
        raise Refused('The brokers at %s do not know the feature %s; they know %s'
                      % (servers, feature, ', '.join(sorted(features)) or 'none'))
    finalized = finalized or 0
    result: dict[str, t.Any] = dict(feature=feature, supported_min_level=supported_min)
    result.update(level_result('previous', feature, finalized))
    result.update(level_result('finalized', feature, finalized))

    scope = 'cluster'
    try:
        supported_max = highest_accepted(finalized, broker_max if broker_max is not None else finalized, client.accepts)
    except CannotValidate as exc:
        scope = 'broker'
        supported_max = max(finalized, broker_max or 0)
        warn('The controller cannot validate feature updates (%s): supported_max_level is what the connected '
             'broker supports, not necessarily every node' % exc)
    result.update(level_result('supported_max', feature, supported_max))
    result['supported_max_scope'] = scope

    target = supported_max if requested == LATEST else requested
    result.update(level_result('target', feature, target))
    before = '%s: %s\n' % (feature, describe_level(feature, finalized))
    result['diff'] = dict(before=before, after=before)
    if target is None:
        return result
    try:
        raise_it = plan_change(feature, target, finalized, supported_max)
    except FeatureError as exc:
        msg = str(exc)
        if target > supported_max and client.last_refusal and scope == 'cluster':
            msg += ' (the controller refused %d: %s)' % (supported_max + 1, client.last_refusal)
        raise Refused(msg, result) from exc
    if not raise_it:
        return result

    # check mode: the controller validates the change (validate_only) without applying it
    refusal = None if check_mode and scope == 'broker' else client.update(target, validate_only=check_mode)
    if refusal is not None:
        raise Refused('Raising %s from %s to %s failed: %s' % (
            feature, describe_level(feature, finalized), describe_level(feature, target), refusal), result)
    now = target
    if not check_mode:
        seen = wait_finalized(client, target)
        if seen is None or seen < target:
            warn('%s was raised to %s but the connected broker still reports %s after %d ms'
                 % (feature, describe_level(feature, target), describe_level(feature, seen), client.timeout_ms))
        else:
            now = seen
    result.update(level_result('finalized', feature, now))
    result['diff'] = dict(before=before, after='%s: %s\n' % (feature, describe_level(feature, now)))
    result['changed'] = True
    return result


def main() -> None:
    argument_spec = kafka_common_argument_spec()
    argument_spec.update(
        feature=dict(type='str', default=METADATA_VERSION_FEATURE),
        version=dict(type='str'),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    feature = (module.params['feature'] or '').strip()
    if not feature:
        module.fail_json(msg='feature must name a feature, for example %s' % METADATA_VERSION_FEATURE)
    requested = None
    if module.params['version'] is not None:
        try:
            requested = parse_version(feature, module.params['version'])
        except FeatureError as exc:
            module.fail_json(msg=str(exc), feature=feature)
    servers = ','.join(module.params['bootstrap_servers'])

    admin = connect_admin(module)
    client = FeatureClient(admin, feature, module.params['request_timeout_ms'])
    try:
        result = manage(client, requested, module.check_mode, servers, module.warn)
    except Refused as exc:
        result = dict(exc.result)
        result.setdefault('feature', feature)
        module.fail_json(msg=str(exc), **result)
    except Exception as exc:  # pylint: disable=broad-except
        module.fail_json(msg='Cannot read or update the feature %s at %s: %s' % (feature, servers, describe_error(exc)),
                         feature=feature, exception=traceback.format_exc())
    finally:
        close_admin(admin)
    result.setdefault('changed', False)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
