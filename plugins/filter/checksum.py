# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.
"""Filters that read Apache-style checksum files."""

from __future__ import annotations

import re

from ansible.errors import AnsibleFilterError

_HEX128 = re.compile(r"^[0-9a-fA-F]{128}$")
_BSD = re.compile(r"^SHA512\s*\((?P<file>[^)]+)\)\s*=\s*(?P<hex>[0-9a-fA-F]{128})\s*$", re.IGNORECASE)


def _clean_name(name: str) -> str:
    name = name.strip()
    if name.startswith("*"):
        name = name[1:]
    while name.startswith("./"):
        name = name[2:]
    return name.rsplit("/", 1)[-1]


def parse_sha512(text: str, filename: str | None = None) -> str:
    """Return the lower-case SHA-512 hex digest for ``filename`` found in ``text``.

    Raises ValueError with a readable message when no (unique) digest can be found.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("checksum file is empty")
    wanted = _clean_name(filename) if filename else None
    stripped = text.strip()

    # A bare digest, possibly wrapped over lines.
    compact = re.sub(r"\s+", "", stripped)
    if _HEX128.match(compact):
        return compact.lower()

    found: dict[str, str] = {}
    # gpg --print-md: "<file>: HEX HEX ...", continuation lines indented.
    gpg = re.match(r"^(?P<file>[^\s:][^:]*?):\s*(?P<hex>[0-9A-Fa-f\s]+)$", stripped, re.DOTALL)
    if gpg:
        digest = re.sub(r"\s+", "", gpg.group("hex"))
        if _HEX128.match(digest):
            found[_clean_name(gpg.group("file"))] = digest.lower()
    if not found:
        for line in stripped.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            bsd = _BSD.match(line)
            if bsd:
                found[_clean_name(bsd.group("file"))] = bsd.group("hex").lower()
                continue
            parts = line.split(None, 1)
            if len(parts) == 2 and _HEX128.match(parts[0]):
                found[_clean_name(parts[1])] = parts[0].lower()
    if not found:
        raise ValueError("no SHA-512 digest found in checksum file (first line: %r)" % stripped.splitlines()[0][:120])
    if wanted is None:
        if len(found) == 1:
            return next(iter(found.values()))
        raise ValueError("checksum file lists several files (%s); name the one wanted" % ", ".join(sorted(found)))
    if wanted in found:
        return found[wanted]
    if len(found) == 1:
        listed = next(iter(found))
        raise ValueError("checksum file is for %r, not for %r" % (listed, wanted))
    raise ValueError("checksum file has no digest for %r (it lists %s)" % (wanted, ", ".join(sorted(found))))


def normalize_sha512(value: str) -> str:
    """Accept ``<hex>`` or ``sha512:<hex>`` and return the lower-case hex digest."""
    if not isinstance(value, str):
        raise ValueError("checksum must be a string, got %r" % (value,))
    raw = value.strip()
    if raw.lower().startswith("sha512:"):
        raw = raw[7:].strip()
    if not _HEX128.match(raw):
        raise ValueError("checksum %r is not a SHA-512 digest (expected 128 hex characters, optionally prefixed 'sha512:')" % value)
    return raw.lower()


def _filter_sha512_from_checksum_file(text, filename=None):
    try:
        return parse_sha512(text, filename)
    except ValueError as exc:
        raise AnsibleFilterError("sha512_from_checksum_file: %s" % exc) from exc


def _filter_normalize_sha512(value):
    try:
        return normalize_sha512(value)
    except ValueError as exc:
        raise AnsibleFilterError("normalize_sha512: %s" % exc) from exc


class FilterModule:
    """Checksum filters."""

    def filters(self):
        return {
            "sha512_from_checksum_file": _filter_sha512_from_checksum_file,
            "normalize_sha512": _filter_normalize_sha512,
        }
