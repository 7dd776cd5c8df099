"""Unit tests of the upgrade refusals (metadata.version levels from kafka_feature's table)."""

from __future__ import annotations

from ansible_collections.streamops.kafka.plugins.filter.features import upgrade_problems
from ansible_collections.streamops.kafka.plugins.module_utils._kafka_feature import parse_version


def nodes(*versions):
    return [{"host": "k%d" % i, "version": v} for i, v in enumerate(versions, 1)]


LEVEL_39 = parse_version("metadata.version", "3.9")
LEVEL_43 = parse_version("metadata.version", "4.3")


def test_an_upgrade_and_its_raise_pass():
    assert upgrade_problems(nodes("4.3.1", "4.3.1"), LEVEL_39, "latest") == []
    assert upgrade_problems(nodes("4.3.1", "4.3.1"), LEVEL_39, "4.3") == []
    assert upgrade_problems(nodes("4.3.1"), None, "") == []


def test_a_binary_downgrade_below_the_finalized_level_is_refused():
    problems = upgrade_problems(nodes("4.3.1", "3.9.2"), LEVEL_43)
    assert len(problems) == 1
    assert problems[0].startswith("k2: kafka_version 3.9.2 runs metadata.version up to 3.9-IV0 (21), below the cluster's finalized 4.3-IV0")


def test_a_metadata_version_downgrade_is_refused_naming_both():
    problems = upgrade_problems(nodes("4.3.1"), LEVEL_43, "4.0")
    assert problems == ["kafka_metadata_version 4.0 is 4.0-IV3 (25), below the finalized 4.3-IV0 (%d): "
                        "metadata.version is never lowered" % LEVEL_43]


def test_raising_while_a_node_runs_the_old_release_is_refused():
    problems = upgrade_problems(nodes("4.3.1", "3.9.2"), LEVEL_39, "4.3-IV0")
    assert problems == ["k2 runs kafka_version 3.9.2 (metadata.version up to 3.9-IV0 (21)): it cannot run "
                        "kafka_metadata_version 4.3-IV0 (4.3-IV0 (%d)); upgrade every node first" % LEVEL_43]
    latest = upgrade_problems(nodes("4.3.1", "3.9.2"), LEVEL_39, "latest")
    assert latest[0].startswith("kafka_metadata_version latest while the nodes run different releases (k1 4.3.1, k2 3.9.2)")


def test_an_unreadable_metadata_version_is_named():
    assert upgrade_problems(nodes("4.3.1"), LEVEL_39, "4.x")[0].startswith("kafka_metadata_version: cannot read metadata.version '4.x'")
