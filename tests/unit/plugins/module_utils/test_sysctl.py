"""Kernel settings: validation, the sysctl.d file, applying through a proc root (a temporary directory)."""

from __future__ import annotations

import os
import stat

import pytest

from ansible_collections.streamops.kafka.plugins.module_utils import _sysctl

GOOD = {"vm.swappiness": 1, "vm.max_map_count": 262144, "vm.dirty_background_ratio": 5, "vm.dirty_ratio": 60,
        "net.ipv4.tcp_rmem": "4096  65536\t2097152", "net.core.rmem_max": "2097152"}


def _proc(tmp_path, values):
    for key, value in values.items():
        path = tmp_path.joinpath(*key.split("."))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(value + "\n")
    return str(tmp_path)


def test_sound_settings_have_no_problems():
    assert _sysctl.problems(GOOD) == []
    assert _sysctl.problems({"kernel.pid_max": 4194304, "net.ipv4.tcp_wmem": [4096, 65536, 4194304]}) == []


@pytest.mark.parametrize("settings, expected", [
    ({"vm.swappiness": 300}, "sysctl vm.swappiness = 300 is out of range (0 to 200)"),
    ({"vm.swappiness": -1}, "sysctl vm.swappiness = -1 is out of range (0 to 200)"),
    ({"vm.max_map_count": "lots"}, "sysctl vm.max_map_count = 'lots' is not an integer"),
    ({"vm.max_map_count": 1000}, "sysctl vm.max_map_count = 1000 is out of range (65530 to 2147483647)"),
    ({"net.ipv4.tcp_rmem": "4096 65536"}, "sysctl net.ipv4.tcp_rmem = '4096 65536' must be three positive integers"),
    ({"net.ipv4.tcp_wmem": "8192 4096 65536"}, "sysctl net.ipv4.tcp_wmem = 8192 4096 65536 must be ordered min <= default <= max"),
    ({"swappiness": 1}, "sysctl key 'swappiness' is not a sysctl name"),
    ({"vm.swappiness": None}, "sysctl vm.swappiness = None is not a value"),
    ({"kernel.core_pattern": "|/bin/sh -c x;y"}, "sysctl kernel.core_pattern = '|/bin/sh -c x;y' is not a value"),
    ({"vm.dirty_background_ratio": 60, "vm.dirty_ratio": 20},
     "sysctl vm.dirty_background_ratio = 60 must be below vm.dirty_ratio = 20"),
])
def test_bad_settings_are_named(settings, expected):
    found = _sysctl.problems(settings)
    assert len(found) == 1 and found[0].startswith(expected), found


def test_render_is_sorted_and_normalized():
    text = _sysctl.render({"vm.swappiness": 1, "net.ipv4.tcp_rmem": "4096  65536\t2097152"})
    assert text.splitlines()[1:] == ["net.ipv4.tcp_rmem = 4096 65536 2097152", "vm.swappiness = 1"]
    assert text.startswith("# ")


def test_apply_writes_only_what_differs(tmp_path):
    root = _proc(tmp_path, {"vm.swappiness": "60", "vm.max_map_count": "262144", "net.ipv4.tcp_rmem": "4096\t131072\t6291456"})
    settings = {"vm.swappiness": 1, "vm.max_map_count": 262144, "net.ipv4.tcp_rmem": "4096 65536 2097152"}
    predicted = _sysctl.apply(settings, root, check_mode=True)
    assert [e["key"] for e in predicted["applied"]] == ["net.ipv4.tcp_rmem", "vm.swappiness"]
    assert _sysctl.read("vm.swappiness", root) == "60"  # check mode wrote nothing
    done = _sysctl.apply(settings, root)
    assert done == {"applied": [{"key": "net.ipv4.tcp_rmem", "wanted": "4096 65536 2097152", "current": "4096 131072 6291456"},
                                {"key": "vm.swappiness", "wanted": "1", "current": "60"}], "not_applied": []}
    assert _sysctl.read("vm.swappiness", root) == "1"
    assert _sysctl.apply(settings, root) == {"applied": [], "not_applied": []}


def test_apply_reports_what_the_host_cannot_take(tmp_path):
    root = _proc(tmp_path, {"vm.swappiness": "60"})
    target = tmp_path / "vm" / "swappiness"
    target.chmod(stat.S_IRUSR)
    try:
        if os.access(target, os.W_OK):  # root ignores file modes: a missing key still shows the report
            settings = {"vm.nonexistent_setting": 5}
            expected_reason = "this kernel has no vm.nonexistent_setting"
        else:
            settings = {"vm.swappiness": 1}
            expected_reason = "permission denied"
        for check_mode in (True, False):
            result = _sysctl.apply(settings, root, check_mode=check_mode)
            assert result["applied"] == []
            assert len(result["not_applied"]) == 1
            assert result["not_applied"][0]["reason"].startswith(expected_reason), result
    finally:
        target.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_unknown_key_is_reported_not_created(tmp_path):
    root = _proc(tmp_path, {"vm.swappiness": "1"})
    result = _sysctl.apply({"vm.swappiness": 1, "net.core.bogus": 3}, root)
    assert result == {"applied": [], "not_applied": [{"key": "net.core.bogus", "wanted": "3", "current": None,
                                                      "reason": "this kernel has no net.core.bogus"}]}
    assert not (tmp_path / "net").exists()


def test_read_only_reason_names_the_container_case():
    assert _sysctl._reason(30, "vm.swappiness").startswith("/proc/sys is read-only here (a container: set vm.swappiness")
