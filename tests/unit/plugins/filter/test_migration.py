# Copyright: (c) 2026, streamops.kafka contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
# Also available under the GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt
# or https://www.gnu.org/licenses/gpl-3.0.txt), as Ansible content customarily is.
import re

import pytest

from ansible_collections.streamops.kafka.plugins.filter.migration import (
    migration_state, node_state, parse_properties, phase_plan)

ZK = {"broker.id": "1", "zookeeper.connect": "zk:2181", "inter.broker.protocol.version": "3.9"}
MIGRATING = dict(ZK, **{"zookeeper.metadata.migration.enable": "true", "controller.quorum.voters": "3000@c1:9093"})
KRAFT_BROKER = {"process.roles": "broker", "node.id": "1", "controller.quorum.voters": "3000@c1:9093"}
CTRL_MIGRATING = {"process.roles": "controller", "node.id": "3000", "zookeeper.metadata.migration.enable": "true",
                  "zookeeper.connect": "zk:2181"}
CTRL_KRAFT = {"process.roles": "controller", "node.id": "3000"}


def cluster(brokers, controllers):
    return ([{"host": "b%d" % i, "role": "broker", "properties": p} for i, p in enumerate(brokers, 1)]
            + [{"host": "c%d" % i, "role": "controller", "properties": p} for i, p in enumerate(controllers, 1)])


def test_parse_properties():
    text = "# comment\n\n! bang\nbroker.id=1\n zookeeper.connect = a:2181,b:2181/kafka \nlisteners=PLAINTEXT://0.0.0.0:9092\n"
    assert parse_properties(text) == {"broker.id": "1", "zookeeper.connect": "a:2181,b:2181/kafka",
                                      "listeners": "PLAINTEXT://0.0.0.0:9092"}
    assert parse_properties(None) is None


@pytest.mark.parametrize("role, props, expected", [
    ("broker", None, "absent"), ("broker", ZK, "zookeeper"), ("broker", MIGRATING, "migrating"),
    ("broker", KRAFT_BROKER, "kraft"), ("controller", None, "absent"), ("controller", ZK, "absent"),
    ("controller", CTRL_MIGRATING, "migrating"), ("controller", CTRL_KRAFT, "kraft"),
    ("broker", dict(ZK, **{"zookeeper.metadata.migration.enable": "false"}), "zookeeper"),
])
def test_node_state(role, props, expected):
    assert node_state(role, props) == expected


@pytest.mark.parametrize("brokers, controllers, completed, done, in_progress, following", [
    ([ZK, ZK], [None, None, None], False, "none", "", "controllers"),
    ([ZK, ZK], [CTRL_MIGRATING, None, None], False, "none", "controllers", "controllers"),
    ([ZK, ZK], [CTRL_MIGRATING] * 3, False, "controllers", "", "brokers_migrate"),
    ([MIGRATING, ZK], [CTRL_MIGRATING] * 3, False, "controllers", "brokers_migrate", "brokers_migrate"),
    ([MIGRATING, MIGRATING], [CTRL_MIGRATING] * 3, False, "controllers", "brokers_migrate", "brokers_migrate"),
    ([MIGRATING, MIGRATING], [CTRL_MIGRATING] * 3, True, "brokers_migrate", "", "brokers_kraft"),
    ([KRAFT_BROKER, MIGRATING], [CTRL_MIGRATING] * 3, True, "brokers_migrate", "brokers_kraft", "brokers_kraft"),
    ([KRAFT_BROKER, KRAFT_BROKER], [CTRL_MIGRATING] * 3, True, "brokers_kraft", "", "finalize"),
    ([KRAFT_BROKER, KRAFT_BROKER], [CTRL_KRAFT, CTRL_MIGRATING, CTRL_MIGRATING], True, "brokers_kraft", "finalize", "finalize"),
    ([KRAFT_BROKER, KRAFT_BROKER], [CTRL_KRAFT] * 3, True, "finalize", "", ""),
])
def test_migration_state_follows_the_phases(brokers, controllers, completed, done, in_progress, following):
    state = migration_state(cluster(brokers, controllers), completed)
    assert (state["done"], state["in_progress"], state["next"], state["problems"]) == (done, in_progress, following, [])


@pytest.mark.parametrize("brokers, controllers, problem", [
    ([ZK, None], [None], "brokers b2 have no server.properties"),
    ([MIGRATING, ZK], [None], "brokers b1 run with migration or KRaft settings but no controller is deployed"),
    ([KRAFT_BROKER, ZK], [CTRL_MIGRATING], "brokers b1 run KRaft while brokers b2 have not started migrating"),
    ([MIGRATING, MIGRATING], [CTRL_KRAFT], "controllers c1 left the migration (finalized) while brokers b1, b2"),
    ([ZK], [], "there are no controllers"),
])
def test_states_no_phase_explains_are_problems(brokers, controllers, problem):
    state = migration_state(cluster(brokers, controllers))
    assert state["done"] == "invalid"
    assert any(p.startswith(problem) for p in state["problems"]), state["problems"]


def test_phase_plan_runs_next_resumes_and_reruns():
    fresh = migration_state(cluster([ZK, ZK], [None]))
    assert phase_plan(fresh, "controllers")["action"] == "run"
    started = migration_state(cluster([MIGRATING, ZK], [CTRL_MIGRATING]))
    assert phase_plan(started, "brokers_migrate")["action"] == "run"
    done = migration_state(cluster([MIGRATING, MIGRATING], [CTRL_MIGRATING]), True)
    assert phase_plan(done, "brokers_migrate")["action"] == "run"


def test_phase_plan_refuses_out_of_order_naming_the_missing_phase():
    fresh = migration_state(cluster([ZK, ZK], [None]))
    assert phase_plan(fresh, "brokers_kraft") == {
        "action": "refuse",
        "reason": "phase brokers_kraft needs phase brokers_migrate complete first (the cluster has completed: none)"}
    half = migration_state(cluster([MIGRATING, ZK], [CTRL_MIGRATING]))
    assert phase_plan(half, "brokers_kraft") == {
        "action": "refuse",
        "reason": "phase brokers_migrate is not complete (applied to some nodes only): run it again before brokers_kraft"}
    not_copied = migration_state(cluster([MIGRATING, MIGRATING], [CTRL_MIGRATING]), False)
    assert phase_plan(not_copied, "brokers_kraft")["action"] == "refuse"
    assert phase_plan(fresh, "finish")["reason"].startswith("unknown migration phase 'finish'")
    bad = migration_state(cluster([MIGRATING], [None]))
    assert phase_plan(bad, "controllers")["action"] == "refuse"


def test_phase_plan_skips_phases_the_cluster_is_past():
    kraft = migration_state(cluster([KRAFT_BROKER, KRAFT_BROKER], [CTRL_MIGRATING]), True)
    assert phase_plan(kraft, "controllers")["action"] == "skip"
    assert phase_plan(kraft, "brokers_migrate")["action"] == "skip"
    assert phase_plan(kraft, "brokers_kraft")["action"] == "run"
    finalizing = migration_state(cluster([KRAFT_BROKER], [CTRL_KRAFT, CTRL_MIGRATING, CTRL_MIGRATING]), True)
    assert phase_plan(finalizing, "brokers_kraft")["action"] == "skip"
    assert phase_plan(finalizing, "finalize")["action"] == "run"


def test_authorizer_switched_on_kraft_nodes_only():
    from ansible_collections.streamops.kafka.plugins.filter.migration import authorizer_for_mode
    acl = {"authorizer.class.name": "kafka.security.authorizer.AclAuthorizer", "super.users": "User:admin"}
    assert authorizer_for_mode(acl, "kraft") == {
        "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer", "super.users": "User:admin"}
    assert authorizer_for_mode(acl, "zookeeper") == acl
    assert acl["authorizer.class.name"] == "kafka.security.authorizer.AclAuthorizer"  # the input is not changed
    custom = {"authorizer.class.name": "com.example.MyAuthorizer"}
    assert authorizer_for_mode(custom, "kraft") == custom
    assert authorizer_for_mode({}, "kraft") == {}
    assert authorizer_for_mode(None, "kraft") == {}


@pytest.mark.parametrize("props, mode", [(["a"], "kraft"), ({}, "combined")])
def test_authorizer_bad_input(props, mode):
    from ansible.errors import AnsibleFilterError
    from ansible_collections.streamops.kafka.plugins.filter.migration import authorizer_for_mode
    with pytest.raises(AnsibleFilterError, match=re.escape(repr(props) if mode == "kraft" else repr(mode))):
        authorizer_for_mode(props, mode)
