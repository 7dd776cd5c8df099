"""Every role's meta/argument_specs.yml matches its defaults/main.yml key for key and value for value."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROLES = sorted(p for p in (Path(__file__).resolve().parents[2] / "roles").iterdir() if p.is_dir())


@pytest.mark.parametrize("role", ROLES, ids=[r.name for r in ROLES])
def test_specs_match_defaults(role):
    defaults = yaml.safe_load((role / "defaults" / "main.yml").read_text()) or {}
    specs = yaml.safe_load((role / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]["options"]
    undocumented = sorted(set(defaults) - set(specs))
    assert not undocumented, "defaults without argument spec in %s: %s" % (role.name, undocumented)
    for key, value in defaults.items():
        assert key.startswith(role.name + "_"), "%s: public variable %s lacks the role prefix" % (role.name, key)
        if "{{" in str(value):
            assert "default" not in specs[key], "%s: templated default of %s must not be repeated in the spec" % (role.name, key)
            continue
        assert specs[key].get("default") == value, "%s: %s default %r in defaults but %r in argument_specs" % (
            role.name, key, value, specs[key].get("default"))
    for key, spec in specs.items():
        assert spec.get("description"), "%s: option %s has no description" % (role.name, key)
        if key not in defaults:
            assert spec.get("required") or "default" not in spec, "%s: %s has a spec default but no defaults/main.yml entry" % (role.name, key)


def test_every_role_has_specs():
    names = [r.name for r in ROLES]
    assert {"java", "zookeeper", "archive"} <= set(names)


def test_role_versions_match_the_test_mirror():
    """The roles install by default exactly what the test mirror builds (scripts/versions.env)."""
    root = Path(__file__).resolve().parents[2]
    pinned = dict(line.split("=", 1) for line in (root / "scripts" / "versions.env").read_text().splitlines()
                  if "=" in line and not line.startswith("#"))
    kafka = yaml.safe_load((root / "roles" / "kafka" / "defaults" / "main.yml").read_text())
    zookeeper = yaml.safe_load((root / "roles" / "zookeeper" / "defaults" / "main.yml").read_text())
    assert kafka["kafka_version"] == pinned["KAFKA_VERSION"]
    assert kafka["kafka_scala_version"] == pinned["KAFKA_SCALA_VERSION"]
    assert zookeeper["zookeeper_version"] == pinned["ZOOKEEPER_VERSION"]


def test_variables_doc_is_generated_from_the_specs():
    """docs/VARIABLES.md lists every role option; regenerate with scripts/gen_variables_doc.py."""
    import subprocess
    import sys
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, str(root / "scripts" / "gen_variables_doc.py"), "--check"], check=False)
    assert proc.returncode == 0, "docs/VARIABLES.md is stale: run python scripts/gen_variables_doc.py"
