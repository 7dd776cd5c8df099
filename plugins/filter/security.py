# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.
"""The kafka role's users and ACLs checked in preflight, with the same rules as the modules that apply them."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError

from ansible_collections.streamops.kafka.plugins.filter.migration import parse_properties
from ansible_collections.streamops.kafka.plugins.module_utils._kafka_acl import normalize_acl
from ansible_collections.streamops.kafka.plugins.module_utils._kafka_user import plan_users, user_specs_from_params


def access_problems(users: list[dict[str, Any]] | None, acls: list[dict[str, Any]] | None = None,
                    min_password_length: int = 12, mechanism: str = "SCRAM-SHA-512") -> list[str]:
    """Problems of kafka_users and kafka_acls (empty when sound); never quotes a password."""
    for name, value in (("kafka_users", users), ("kafka_acls", acls)):
        if value is not None and (not isinstance(value, list) or not all(isinstance(v, dict) for v in value)):
            raise AnsibleFilterError("%s must be a list of dicts, got %s" % (name, type(value).__name__))
    problems: list[str] = []
    if users:
        specs = user_specs_from_params({"users": users, "mechanism": mechanism})
        problems.extend("kafka_users: %s" % p for p in plan_users(specs, {}, int(min_password_length))["errors"])
    for index, entry in enumerate(acls or []):
        problems.extend("kafka_%s" % p for p in normalize_acl(entry, index)[1])
    return problems


def security_of(properties_text: str, controller_listener: str = "CONTROLLER") -> dict[str, Any] | None:
    """What a server.properties says about security: the client listener's protocol (its name, as the
    kafka role names listeners), the SASL mechanisms, TLS on the controller listener, an authorizer.
    ``None`` without a ``listeners`` line (no file yet)."""
    props = parse_properties(properties_text or "")
    if not props.get("listeners"):
        return None
    names = [entry.split("://", 1)[0].strip() for entry in props["listeners"].split(",") if "://" in entry]
    names = [name for name in names if name != controller_listener]
    protocol_map = dict(pair.split(":", 1) for pair in props.get("listener.security.protocol.map", "").split(",") if ":" in pair)
    return {
        "listener": names[0] if names else None,
        "sasl": props.get("sasl.enabled.mechanisms", ""),
        "controller_tls": protocol_map.get(controller_listener) == "SSL",
        "authorizer": bool(props.get("authorizer.class.name")),
    }


def security_change_problems(current_text: str, planned_text: str, host: str = "?",
                             controller_listener: str = "CONTROLLER") -> list[str]:
    """Refuse turning TLS, SASL or authorisation on or off on a node that already runs (not handled).

    Compares the server.properties the node has (written by an earlier run) with the one this run
    would write; nothing to compare on a new node.
    """
    current = security_of(current_text, controller_listener)
    planned = security_of(planned_text, controller_listener)
    if current is None or planned is None:
        return []
    changed = []
    for key, label in (("listener", "client listener"), ("sasl", "SASL mechanisms"),
                       ("controller_tls", "TLS on the controller listener"), ("authorizer", "authorizer")):
        if current[key] != planned[key]:
            before, after = (value if value not in ("", None) else "none" for value in (current[key], planned[key]))
            changed.append("%s %s -> %s" % (label, before, after))
    if not changed:
        return []
    return ["%s: changing the security of a node that already runs (%s) is not handled yet: the nodes would stop "
            "understanding each other half way through the roll; create the cluster secured, or keep its settings"
            % (host, "; ".join(changed))]


class FilterModule:
    """Security filters."""

    def filters(self):
        return {"kafka_access_problems": access_problems, "kafka_security_change_problems": security_change_problems}
