# -*- coding: utf-8 -*-
# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""The shared wait options (plugins/module_utils/_wait.py)."""

from __future__ import annotations

import pytest

from ansible_collections.streamops.kafka.plugins.module_utils._wait import WAIT_ARGUMENT_SPEC, wait_option_problems


@pytest.mark.parametrize("params, expected", [
    ({'wait_timeout': 0, 'wait_interval': 0.1}, []),
    ({'wait_timeout': -1, 'wait_interval': 1.0}, ['wait_timeout must be 0 or more seconds, got -1']),
    ({'wait_timeout': 5, 'wait_interval': 0.0}, ['wait_interval must be more than 0 seconds, got 0.0']),
    ({'wait_timeout': -2, 'wait_interval': -1.0}, ['wait_timeout must be 0 or more seconds, got -2',
                                                   'wait_interval must be more than 0 seconds, got -1.0']),
    # a module with a timeout but no interval (kafka_topic)
    ({'wait_timeout': -1}, ['wait_timeout must be 0 or more seconds, got -1']),
    ({'wait_timeout': 60}, []),
])
def test_wait_option_problems(params, expected):
    assert wait_option_problems(params) == expected


def test_defaults_match_the_doc_fragment():
    import yaml  # pylint: disable=import-outside-toplevel
    from ansible_collections.streamops.kafka.plugins.doc_fragments.wait import ModuleDocFragment  # pylint: disable=import-outside-toplevel
    options = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    assert set(options) == set(WAIT_ARGUMENT_SPEC)
    for name, spec in WAIT_ARGUMENT_SPEC.items():
        assert options[name]['type'] == spec['type'] and options[name]['default'] == spec['default'], name
