# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.

"""The ``wait_timeout``/``wait_interval`` options of the modules that wait inside one run
(kafka_info ``wait_for``, zookeeper_ensemble_info ``wait_until``; documented by the
``streamops.kafka.wait`` doc fragment) and the check every module with a ``wait_timeout`` makes
(private module_utils: the API may change between releases of the collection without notice).
"""

from __future__ import annotations

import typing as t

WAIT_ARGUMENT_SPEC: dict[str, dict[str, t.Any]] = dict(
    wait_timeout=dict(type='int', default=300),
    wait_interval=dict(type='float', default=1.0),
)


def wait_option_problems(params: dict[str, t.Any]) -> list[str]:
    """Why ``wait_timeout`` (and ``wait_interval`` when the module has it) are unusable; [] when fine."""
    problems = []
    if params['wait_timeout'] < 0:
        problems.append('wait_timeout must be 0 or more seconds, got %d' % params['wait_timeout'])
    if params.get('wait_interval') is not None and params['wait_interval'] <= 0:
        problems.append('wait_interval must be more than 0 seconds, got %s' % params['wait_interval'])
    return problems
