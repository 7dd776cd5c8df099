# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

from __future__ import annotations


class ModuleDocFragment:
    """The options of a module that waits inside one run (``streamops.kafka.wait``).

    Defined in code by ``WAIT_ARGUMENT_SPEC`` in ``plugins/module_utils/_wait.py``; keep both in sync.
    """

    DOCUMENTATION = r'''
options:
  wait_timeout:
    description:
      - Seconds the module's wait (see its C(wait_*) condition option) lasts at most; then it fails naming
        what is still unmet.
    type: int
    default: 300
    version_added: 1.2.0
  wait_interval:
    description: Seconds between two reads while the module waits.
    type: float
    default: 1.0
    version_added: 1.2.0
'''
