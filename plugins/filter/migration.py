# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.
"""Where a ZooKeeper -> KRaft migration stands, read from what the nodes run (pure logic).

Every phase of playbooks/migrate_to_kraft.yml starts from this instead of assuming a state:
the brokers' and controllers' server.properties and what ZooKeeper says (/migration).
"""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError

PHASES = ("none", "controllers", "brokers_migrate", "brokers_kraft", "finalize")


def parse_properties(text: str | None) -> dict[str, str] | None:
    """A Java properties file (key=value lines, # comments) as a dict; None stays None."""
    if text is None:
        return None
    values: dict[str, str] = {}
    for line in str(text).splitlines():
        line = line.strip()
        if not line or line[0] in "#!" or "=" not in line:
            continue
        key, _sep, value = line.partition("=")
        values[key.strip()] = value.strip()
    return values


def node_state(role: str, properties: dict[str, str] | None) -> str:
    """absent | zookeeper | migrating | kraft for a broker; absent | migrating | kraft for a controller."""
    if properties is None:
        return "absent"
    roles = [r.strip() for r in properties.get("process.roles", "").split(",") if r.strip()]
    migrating = properties.get("zookeeper.metadata.migration.enable", "false").strip().lower() == "true"
    if role == "controller":
        if "controller" not in roles:
            return "absent"
        return "migrating" if migrating else "kraft"
    if roles:
        return "kraft"
    return "migrating" if migrating else "zookeeper"


def _names(states: dict[str, str], wanted: str) -> str:
    return ", ".join(h for h, s in states.items() if s == wanted)


def migration_state(nodes: list[dict[str, Any]], migration_completed: bool = False) -> dict[str, Any]:
    """nodes: [{host, role: broker|controller, properties: dict|None}] -> the migration's state.

    Returns {done, in_progress, next, brokers: {host: state}, controllers: {host: state}, problems}.
    ``done`` is the last phase complete (``none`` before the controllers exist), ``in_progress`` a
    phase applied to some nodes only (resume it), ``problems`` states no phase explains.
    """
    brokers = {n["host"]: node_state("broker", n.get("properties")) for n in nodes if n.get("role") == "broker"}
    controllers = {n["host"]: node_state("controller", n.get("properties")) for n in nodes if n.get("role") == "controller"}
    b, c = set(brokers.values()), set(controllers.values())
    problems: list[str] = []
    done, in_progress = "none", ""
    if not brokers:
        problems.append("there are no brokers (inventory group of the brokers is empty)")
    if not controllers:
        problems.append("there are no controllers (put the KRaft controllers in the controller group)")
    if "absent" in b:
        problems.append("brokers %s have no server.properties: deploy the ZooKeeper-mode cluster with site.yml first"
                        % _names(brokers, "absent"))
    if problems:
        return {"done": "invalid", "in_progress": "", "next": "", "brokers": brokers, "controllers": controllers,
                "problems": problems}
    if c == {"absent"}:
        if b != {"zookeeper"}:
            problems.append("brokers %s run with migration or KRaft settings but no controller is deployed: "
                            "run playbooks/rollback_to_zookeeper.yml" % ", ".join(h for h, s in brokers.items() if s != "zookeeper"))
    elif "absent" in c:
        in_progress = "controllers"
        if b != {"zookeeper"}:
            problems.append("controllers %s are missing while brokers have left ZooKeeper mode" % _names(controllers, "absent"))
    elif "kraft" in c:
        if b != {"kraft"}:
            problems.append("controllers %s left the migration (finalized) while brokers %s are not in KRaft mode"
                            % (_names(controllers, "kraft"), ", ".join(h for h, s in brokers.items() if s != "kraft")))
        elif c == {"kraft"}:
            done = "finalize"
        else:
            done, in_progress = "brokers_kraft", "finalize"
    else:  # every controller migrating
        if b == {"zookeeper"}:
            done = "controllers"
        elif b == {"kraft"}:
            done = "brokers_kraft"
        elif "kraft" in b and "zookeeper" not in b:
            done, in_progress = "brokers_migrate", "brokers_kraft"
        elif "kraft" in b:
            problems.append("brokers %s run KRaft while brokers %s have not started migrating"
                            % (_names(brokers, "kraft"), _names(brokers, "zookeeper")))
        elif b == {"migrating"} and migration_completed:
            done = "brokers_migrate"
        else:
            done, in_progress = "controllers", "brokers_migrate"
    if problems:
        done = "invalid"
    following = PHASES[PHASES.index(done) + 1] if done in PHASES[:-1] else ""
    return {"done": done, "in_progress": in_progress, "next": in_progress or following,
            "brokers": brokers, "controllers": controllers, "problems": problems}


def phase_plan(state: dict[str, Any], phase: str) -> dict[str, str]:
    """What to do with ``phase`` now: {action: run | skip | refuse, reason}.

    run: the phase is next, in progress (resume), or complete (a re-run changes nothing);
    skip: the cluster is already past it (applying it again would undo a later phase);
    refuse: an earlier phase is missing or the state is not one of the migration's.
    """
    if phase not in PHASES[1:]:
        return {"action": "refuse", "reason": "unknown migration phase %r (one of %s)" % (phase, ", ".join(PHASES[1:]))}
    done = state.get("done")
    if done not in PHASES:
        return {"action": "refuse", "reason": "the migration state is not one this playbook can continue from: %s"
                % "; ".join(state.get("problems") or ["unknown"])}
    wanted, reached = PHASES.index(phase), PHASES.index(done)
    current = state.get("in_progress") or ""
    if current and PHASES.index(current) < wanted:
        return {"action": "refuse", "reason": "phase %s is not complete (applied to some nodes only): run it again before %s"
                % (current, phase)}
    if reached > wanted or (current and PHASES.index(current) > wanted):
        return {"action": "skip", "reason": "the cluster is past phase %s (completed: %s%s)"
                % (phase, done, ", %s in progress" % current if current else "")}
    if reached < wanted - 1:
        return {"action": "refuse", "reason": "phase %s needs phase %s complete first (the cluster has completed: %s)"
                % (phase, PHASES[wanted - 1], done)}
    return {"action": "run", "reason": "completed: %s%s" % (done, ", %s in progress" % current if current else "")}


ACL_AUTHORIZER = "kafka.security.authorizer.AclAuthorizer"
STANDARD_AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer"


def authorizer_for_mode(properties: dict[str, Any] | None, mode: str) -> dict[str, Any]:
    """The node's extra properties with ``authorizer.class.name`` fit for its mode.

    AclAuthorizer keeps its ACLs in ZooKeeper and cannot run on a KRaft node; the migration copies
    the ACLs into the metadata log, where StandardAuthorizer reads them (Kafka's migration guide:
    switch the class when the brokers move to KRaft). A node in KRaft mode (a controller, a broker
    from brokers_kraft on) gets StandardAuthorizer in place of AclAuthorizer; every other value,
    and every node in ZooKeeper mode, is left as given.
    """
    if properties is None:
        return {}
    if not isinstance(properties, dict):
        raise AnsibleFilterError("kafka_server_properties must be a dict, got %r" % (properties,))
    if mode not in ("zookeeper", "kraft"):
        raise AnsibleFilterError("mode must be 'zookeeper' or 'kraft', got %r" % (mode,))
    if mode == "kraft" and str(properties.get("authorizer.class.name", "")).strip() == ACL_AUTHORIZER:
        return dict(properties, **{"authorizer.class.name": STANDARD_AUTHORIZER})
    return dict(properties)


def _state_filter(nodes, migration_completed=False):
    try:
        return migration_state([dict(n) for n in nodes], bool(migration_completed))
    except (KeyError, TypeError, ValueError) as exc:
        raise AnsibleFilterError("kafka_migration_state: %s" % exc) from exc


class FilterModule:
    """streamops.kafka migration filters."""

    def filters(self):
        return {
            "kafka_properties": parse_properties,
            "kafka_migration_state": _state_filter,
            "kafka_migration_phase_plan": phase_plan,
            "kafka_authorizer_for_mode": authorizer_for_mode,
        }
