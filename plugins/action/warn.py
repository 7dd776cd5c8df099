# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.
"""Action plugin of streamops.kafka.warn: show a warning, change nothing."""

from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    """Emit ``msg`` as an Ansible warning."""

    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("msg",))
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        msg = self._task.args.get("msg")
        if not isinstance(msg, str) or not msg.strip():
            raise AnsibleActionFail("streamops.kafka.warn needs a non-empty msg, got %r" % (msg,))
        result.update(changed=False, msg=msg.strip(), warnings=[msg.strip()])
        return result
