# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.
"""Kernel settings checked on the control node, before any host changes (the tuning role's preflight)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.streamops.kafka.plugins.module_utils._sysctl import problems


def _filter(settings):
    if not isinstance(settings, dict):
        raise AnsibleFilterError("os_sysctl_problems expects a mapping of sysctl key to value, got %r" % (settings,))
    return problems(dict(settings))


class FilterModule:
    """OS tuning filters."""

    def filters(self):
        return {"os_sysctl_problems": _filter}
