#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

from __future__ import annotations

DOCUMENTATION = r'''
---
module: linux_sysctl
short_description: Write kernel settings to a sysctl.d file and apply them, saying which ones the host cannot take
version_added: 1.3.0
description:
  - Validates every setting first (a sysctl name; integers within the range the kernel or these hosts accept,
    for example V(vm.swappiness) 0 to 200; C(net.ipv4.tcp_rmem) and C(tcp_wmem) as three ordered integers;
    C(vm.dirty_background_ratio) below C(vm.dirty_ratio)) and fails naming the key and the value before
    anything changes.
  - Writes O(path) (one C(key = value) line per setting) only when it differs, atomically, so the settings
    hold after a reboot.
  - Applies each setting whose live value in C(/proc/sys) differs. A setting the host cannot take (a read-only
    C(/proc/sys), as in a container; a key this kernel does not have) is not skipped in silence; it is returned
    in RV(not_applied) with the reason, and one warning lists them all.
  - One module run for all the settings, so a converge that changes nothing costs one task per host.
author:
  - streamops engineering (@streamops)
options:
  settings:
    description: Kernel settings, key to value (a number, or a string or list of numbers separated by spaces).
    type: dict
    required: true
  path:
    description: The sysctl.d file that holds the settings.
    type: path
    default: /etc/sysctl.d/60-streamops-kafka.conf
  apply:
    description: Apply the settings now as well, not only at the next boot.
    type: bool
    default: true
attributes:
  check_mode:
    support: full
    description: Reports what would be written and applied; predicts from the access rights of C(/proc/sys).
  diff_mode:
    support: full
    description: Returns the file before and after.
seealso:
  - module: ansible.posix.sysctl
  - name: Kafka operations, OS settings
    description: Why these settings (swappiness, memory maps, dirty page flushing, socket buffers).
    link: https://kafka.apache.org/documentation/#os
'''

EXAMPLES = r'''
- name: Tune the kernel for Kafka
  streamops.kafka.linux_sysctl:
    settings:
      vm.swappiness: 1
      vm.max_map_count: 262144
      net.ipv4.tcp_rmem: "4096 65536 2097152"
  register: tuned

- name: Show what this host could not take
  ansible.builtin.debug:
    msg: "{{ tuned.not_applied | map(attribute='key') | list }}"
'''

RETURN = r'''
path:
  description: The sysctl.d file.
  returned: always
  type: str
  sample: /etc/sysctl.d/60-streamops-kafka.conf
file_changed:
  description: Whether the file was (or in check mode would be) written.
  returned: always
  type: bool
  sample: false
applied:
  description: Settings whose live value was (or would be) changed, each with the value before.
  returned: always
  type: list
  elements: dict
  sample: [{key: vm.swappiness, wanted: "1", current: "60"}]
not_applied:
  description: Settings whose live value differs and that this host cannot take, each with the reason.
  returned: always
  type: list
  elements: dict
  sample: [{key: vm.swappiness, wanted: "1", current: "60", reason: "/proc/sys is read-only here (a container: set vm.swappiness on the host that runs it)"}]
'''

import os
import tempfile

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.streamops.kafka.plugins.module_utils import _sysctl


def _read_file(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def main() -> None:
    module = AnsibleModule(
        argument_spec=dict(
            settings=dict(type="dict", required=True),
            path=dict(type="path", default="/etc/sysctl.d/60-streamops-kafka.conf"),
            apply=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    settings = {str(k): v for k, v in module.params["settings"].items()}
    path = module.params["path"]
    found = _sysctl.problems(settings)
    if found:
        module.fail_json(msg="; ".join(found), problems=found)
    content = _sysctl.render(settings)
    before = _read_file(path)
    file_changed = before != content
    if file_changed and not module.check_mode:
        directory = os.path.dirname(path) or "."
        os.makedirs(directory, mode=0o755, exist_ok=True)  # systemd-sysctl reads /etc/sysctl.d without procps too
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".linux_sysctl.")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.chmod(tmp, 0o644)
        module.atomic_move(tmp, path)
    result = {"applied": [], "not_applied": []}
    if module.params["apply"]:
        result = _sysctl.apply(settings, check_mode=module.check_mode)
    if result["not_applied"]:
        listed = "; ".join("%s = %s (now %s): %s" % (e["key"], e["wanted"], e["current"], e["reason"])
                           for e in result["not_applied"])
        module.warn("%d kernel setting(s) not applied, %s holds them for the next boot: %s"
                    % (len(result["not_applied"]), path, listed))
    module.exit_json(changed=file_changed or bool(result["applied"]), path=path, file_changed=file_changed,
                     applied=result["applied"], not_applied=result["not_applied"],
                     diff={"before": before or "", "after": content, "before_header": path, "after_header": path})


if __name__ == "__main__":
    main()
