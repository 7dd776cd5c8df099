#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

from __future__ import annotations

DOCUMENTATION = r'''
module: warn
short_description: Show a warning without changing anything
version_added: 1.1.0
description:
  - Shows O(msg) as an Ansible C([WARNING]) (in the run's output and its summary) and reports C(changed=false).
  - The roles use it for deprecated variables, for example C(kafka_broker_id), which still works.
author:
  - streamops engineering (@streamops)
options:
  msg:
    description: The warning.
    type: str
    required: true
attributes:
  check_mode:
    support: full
    description: Only shows the warning, in check mode too.
  diff_mode:
    support: none
    description: Nothing to show a difference of.
  platform:
    support: full
    platforms: all
    description: Runs on the control node.
notes:
  - An action plugin; it runs on the control node and needs no connection to the host.
seealso:
  - module: ansible.builtin.debug
'''

EXAMPLES = r'''
- name: Tell the user an old variable is deprecated
  streamops.kafka.warn:
    msg: kafka_broker_id is deprecated, use kafka_node_id
  when: kafka_broker_id is defined
'''

RETURN = r'''
msg:
  description: The warning shown.
  returned: always
  type: str
  sample: kafka_broker_id is deprecated, use kafka_node_id
'''
