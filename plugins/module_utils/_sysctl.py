# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.
"""Kernel settings (sysctl) for ZooKeeper and Kafka hosts: validation, the sysctl.d file, applying
them through /proc/sys, and saying which ones this host cannot take (pure logic, a proc root to
read and write as a parameter)."""

from __future__ import annotations

import errno
import os
import re
from typing import Any

INT_MAX = 2 ** 31 - 1
# Ranges the kernel accepts or that make sense for these hosts; a value outside is refused.
RANGES = {
    "vm.swappiness": (0, 200),
    "vm.max_map_count": (65530, INT_MAX),
    "vm.dirty_ratio": (1, 100),
    "vm.dirty_background_ratio": (0, 100),
    "vm.overcommit_memory": (0, 2),
    "net.core.rmem_max": (4096, INT_MAX),
    "net.core.wmem_max": (4096, INT_MAX),
    "net.core.rmem_default": (4096, INT_MAX),
    "net.core.wmem_default": (4096, INT_MAX),
    "net.core.somaxconn": (128, INT_MAX),
    "net.core.netdev_max_backlog": (1, INT_MAX),
    "net.ipv4.tcp_max_syn_backlog": (128, INT_MAX),
    "fs.file-max": (8192, 2 ** 63 - 1),
}
# min default max, in bytes
TRIPLES = ("net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem")
_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[A-Za-z0-9_-]+)+$")
_TOKEN = re.compile(r"^[A-Za-z0-9_.:-]+( [A-Za-z0-9_.:-]+)*$")
HEADER = "# Kernel settings for ZooKeeper and Kafka, written by streamops.kafka (linux_sysctl); applied at boot.\n"


def normalize(value: Any) -> str:
    """'4096 65536 2097152' for a list or a string with any whitespace; str(int) for numbers."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return " ".join(str(v).strip() for v in value)
    return " ".join(str(value).split())


def _int(text: str) -> int | None:
    return int(text) if re.match(r"^-?[0-9]+$", text) else None


def problems(settings: dict[str, Any]) -> list[str]:
    """Readable problems, each naming the key and the value; empty when every setting is sound."""
    found: list[str] = []
    if not isinstance(settings, dict):
        return ["the sysctl settings must be a mapping of key to value, got %r" % (settings,)]
    for key, raw in sorted(settings.items(), key=lambda kv: str(kv[0])):
        key = str(key)
        if not _NAME.match(key):
            found.append("sysctl key %r is not a sysctl name (dotted, as vm.swappiness)" % key)
            continue
        if raw is None or isinstance(raw, dict):
            found.append("sysctl %s = %r is not a value" % (key, raw))
            continue
        value = normalize(raw)
        if not value or not _TOKEN.match(value):
            found.append("sysctl %s = %r is not a value (numbers or words separated by spaces)" % (key, raw))
            continue
        if key in RANGES:
            low, high = RANGES[key]
            number = _int(value)
            if number is None:
                found.append("sysctl %s = %r is not an integer" % (key, raw))
            elif not low <= number <= high:
                found.append("sysctl %s = %s is out of range (%d to %d)" % (key, value, low, high))
        elif key in TRIPLES:
            parts = [_int(p) for p in value.split(" ")]
            if len(parts) != 3 or any(p is None or p < 1 or p > INT_MAX for p in parts):
                found.append("sysctl %s = %r must be three positive integers: min default max (bytes)" % (key, raw))
            elif not parts[0] <= parts[1] <= parts[2]:
                found.append("sysctl %s = %s must be ordered min <= default <= max" % (key, value))
    background = _int(normalize(settings.get("vm.dirty_background_ratio", "")))
    dirty = _int(normalize(settings.get("vm.dirty_ratio", "")))
    if background is not None and dirty is not None and background >= dirty:
        found.append("sysctl vm.dirty_background_ratio = %d must be below vm.dirty_ratio = %d (background flushing starts first)"
                     % (background, dirty))
    return found


def render(settings: dict[str, Any]) -> str:
    """The sysctl.d file: one 'key = value' line per setting, sorted."""
    return HEADER + "".join("%s = %s\n" % (key, normalize(settings[key])) for key in sorted(settings))


def proc_path(key: str, root: str = "/proc/sys") -> str:
    return os.path.join(root, *key.split("."))


def read(key: str, root: str = "/proc/sys") -> str | None:
    """The live value, whitespace-normalized, or None when this kernel has no such setting."""
    try:
        with open(proc_path(key, root), encoding="ascii") as handle:
            return normalize(handle.read())
    except OSError:
        return None


def _reason(code: int | None, key: str) -> str:
    if code == errno.EROFS:
        return "/proc/sys is read-only here (a container: set %s on the host that runs it)" % key
    if code in (errno.EACCES, errno.EPERM):
        return "permission denied (a container without the right, or not root)"
    if code == errno.ENOENT:
        return "this kernel has no %s" % key
    if code == errno.EINVAL:
        return "the kernel refused the value"
    return os.strerror(code) if code else "unknown error"


def apply(settings: dict[str, Any], root: str = "/proc/sys", check_mode: bool = False) -> dict[str, list[dict[str, Any]]]:
    """Write each setting whose live value differs. Returns {applied, not_applied}; each entry
    {key, wanted, current[, reason]}. Check mode writes nothing and predicts with access(2)."""
    applied: list[dict[str, Any]] = []
    not_applied: list[dict[str, Any]] = []
    for key in sorted(settings):
        wanted = normalize(settings[key])
        current = read(key, root)
        entry = {"key": key, "wanted": wanted, "current": current}
        if current == wanted:
            continue
        path = proc_path(key, root)
        if current is None:
            not_applied.append(dict(entry, reason=_reason(errno.ENOENT, key)))
            continue
        if check_mode:
            if os.access(path, os.W_OK):
                applied.append(entry)
            else:
                not_applied.append(dict(entry, reason=_reason(errno.EROFS if _read_only(path) else errno.EACCES, key)))
            continue
        try:
            with open(path, "w", encoding="ascii") as handle:
                handle.write(wanted + "\n")
        except OSError as exc:
            not_applied.append(dict(entry, reason=_reason(exc.errno, key)))
            continue
        now = read(key, root)
        if now != wanted:
            not_applied.append(dict(entry, current=now, reason="the kernel keeps %s" % now))
        else:
            applied.append(entry)
    return {"applied": applied, "not_applied": not_applied}


def _read_only(path: str) -> bool:
    try:
        return bool(os.statvfs(os.path.dirname(path)).f_flag & os.ST_RDONLY)
    except OSError:
        return False
