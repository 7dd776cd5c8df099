# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.
"""Certificates checked on the control node before any host changes (the streamops.kafka.tls role).

The inputs are what community.crypto's x509_certificate_info and openssl_privatekey_info return.
"""

from __future__ import annotations

import datetime
import ipaddress
from typing import Any

from ansible.errors import AnsibleFilterError

_ASN1_TIME = "%Y%m%d%H%M%SZ"


def subject_alt_names(names: list[Any], addresses: list[Any] | None = None) -> list[str]:
    """``DNS:<name>`` / ``IP:<address>`` entries for the names and addresses, in order, without duplicates."""
    entries: list[str] = []
    for value in list(names or []) + list(addresses or []):
        text = str(value or "").strip()
        if not text:
            continue
        try:
            entry = "IP:%s" % ipaddress.ip_address(text)
        except ValueError:
            entry = "DNS:%s" % text
        if entry.lower() not in (e.lower() for e in entries):
            entries.append(entry)
    return entries


def _parse(value: str) -> datetime.datetime:
    try:
        return datetime.datetime.strptime(str(value), _ASN1_TIME).replace(tzinfo=datetime.timezone.utc)
    except ValueError as exc:
        raise AnsibleFilterError("%r is not an ASN.1 time like 20271231235959Z" % (value,)) from exc


def days_left(not_after: str, now: datetime.datetime | None = None) -> int:
    """Whole days from now until an ASN.1 time such as ``20271231235959Z`` (negative once expired)."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return int((_parse(not_after) - now).total_seconds() // 86400)


def certificate_problems(cert: dict[str, Any], key: dict[str, Any] | None, ca: dict[str, Any] | None,
                         required: list[str], host: str = "?", cert_path: str = "", key_path: str = "",
                         now: datetime.datetime | None = None) -> list[str]:
    """Readable problems of a host's certificate (empty when sound).

    ``required`` are the subject alternative names the certificate must carry (``DNS:x``, ``IP:y``).
    """
    problems: list[str] = []
    where = "%s: certificate %s" % (host, cert_path or "(given)")
    if key is not None and (key.get("public_key") or "").strip() != (cert.get("public_key") or "").strip():
        problems.append("%s: the private key %s does not match the certificate %s (different public keys)"
                        % (host, key_path or "(given)", cert_path or "(given)"))
    not_after = cert.get("not_after")
    not_before = cert.get("not_before")
    if (not_after and days_left(not_after, now) < 0) or cert.get("expired") is True:
        problems.append("%s expired on %s" % (where, not_after))
    elif not_before and _parse(not_before) > (now or datetime.datetime.now(datetime.timezone.utc)):
        problems.append("%s is not valid before %s" % (where, not_before))
    have = {str(s).lower() for s in cert.get("subject_alt_name") or []}
    missing = [name for name in required if name.lower() not in have]
    if missing:
        problems.append("%s has no subject alternative name %s (it has: %s); clients verifying the host name would refuse it"
                        % (where, ", ".join(missing), ", ".join(cert.get("subject_alt_name") or []) or "none"))
    if ca is not None:
        aki = cert.get("authority_key_identifier")
        ski = ca.get("subject_key_identifier")
        if aki and ski:
            signed = aki == ski
        else:
            signed = cert.get("issuer") == ca.get("subject")
        if not signed:
            problems.append("%s was not issued by the CA certificate (issuer %s, CA subject %s)"
                            % (where, cert.get("issuer"), ca.get("subject")))
    return problems


def _problems(cert, key=None, ca=None, required=None, host="?", cert_path="", key_path=""):
    if not isinstance(cert, dict):
        raise AnsibleFilterError("tls_certificate_problems expects x509_certificate_info's result, got %r" % (cert,))
    return certificate_problems(cert, key if isinstance(key, dict) else None, ca if isinstance(ca, dict) else None,
                                [str(r) for r in required or []], str(host), str(cert_path or ""), str(key_path or ""))


class FilterModule:
    """Certificate filters."""

    def filters(self):
        return {
            "tls_certificate_problems": _problems,
            "tls_subject_alt_names": subject_alt_names,
            "tls_days_left": days_left,
        }
