"""Every role's meta/argument_specs.yml matches its defaults/main.yml key for key and value for value.

The roles are discovered (every directory under roles/), so a new role is checked without
editing this file; the discovery itself is checked so an empty or broken one cannot turn the
parametrized tests into silent skips.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

ROLES_DIR = Path(__file__).resolve().parents[2] / "roles"
ROLES = sorted(p for p in ROLES_DIR.iterdir() if p.is_dir() and not p.name.startswith("."))
# A floor, not the list: discovery must at least find these (it finds every role there is).
KNOWN_ROLES = {"archive", "java", "kafka", "zookeeper"}

# Python types a literal default may have for each argument spec type (no type = str).
SPEC_TYPES = {"str": (str,), "path": (str,), "int": (int,), "float": (int, float), "bool": (bool,),
              "list": (list,), "dict": (dict,), "raw": (object,)}


def _load(path: Path):
    assert path.is_file(), "%s is missing" % path.relative_to(ROLES_DIR.parent)
    return yaml.safe_load(path.read_text())


def _defaults(role: Path) -> dict:
    return _load(role / "defaults" / "main.yml") or {}


def _entry_points(role: Path) -> dict:
    specs = (_load(role / "meta" / "argument_specs.yml") or {}).get("argument_specs") or {}
    assert "main" in specs, "%s: meta/argument_specs.yml has no 'main' entry point" % role.name
    return specs


def _same(a, b) -> bool:
    """Equal and of the same type all the way down (True != 1, 1 != 1.0, "1" != 1)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _type_problem(key: str, spec: dict, value) -> str | None:
    kind = spec.get("type", "str")
    allowed = SPEC_TYPES.get(kind)
    if allowed is None:
        return "%s: unknown type %r" % (key, kind)
    if isinstance(value, bool) and bool not in allowed and object not in allowed:
        return "%s: default %r is a bool but the spec says %s" % (key, value, kind)
    if not isinstance(value, allowed):
        return "%s: default %r is not a %s" % (key, value, kind)
    if kind == "list" and spec.get("elements") in SPEC_TYPES:
        bad = [v for v in value if _type_problem(key, {"type": spec["elements"]}, v)]
        if bad:
            return "%s: elements %r are not %s" % (key, bad, spec["elements"])
    if "choices" in spec and value not in spec["choices"]:
        return "%s: default %r is not one of the choices %r" % (key, value, spec["choices"])
    return None


def test_every_role_is_discovered():
    names = {r.name for r in ROLES}
    assert KNOWN_ROLES <= names, "roles/ discovery missed %s (found %s)" % (sorted(KNOWN_ROLES - names), sorted(names))


@pytest.mark.parametrize("role", ROLES, ids=[r.name for r in ROLES])
def test_every_entry_point_is_specified(role):
    for entry, spec in _entry_points(role).items():
        assert (role / "tasks" / ("%s.yml" % entry)).is_file(), "%s: entry point %s has no tasks/%s.yml" % (role.name, entry, entry)
        assert spec.get("short_description"), "%s: entry point %s has no short_description" % (role.name, entry)
        for key, option in (spec.get("options") or {}).items():
            assert key.startswith(role.name + "_"), "%s: option %s lacks the role prefix" % (role.name, key)
            assert option.get("description"), "%s: option %s has no description" % (role.name, key)


@pytest.mark.parametrize("role", ROLES, ids=[r.name for r in ROLES])
def test_specs_match_defaults(role):
    defaults = _defaults(role)
    specs = _entry_points(role)["main"].get("options") or {}
    undocumented = sorted(set(defaults) - set(specs))
    assert not undocumented, "defaults without argument spec in %s: %s" % (role.name, undocumented)
    unset = sorted(k for k, s in specs.items() if k not in defaults and "default" in s)
    assert not unset, "%s: spec default but no defaults/main.yml entry for %s" % (role.name, unset)
    problems = []
    for key, value in defaults.items():
        spec = specs[key]
        if not key.startswith(role.name + "_"):
            problems.append("public variable %s lacks the role prefix" % key)
        if "{{" in str(value):
            if "default" in spec:
                problems.append("templated default of %s must not be repeated in the spec" % key)
            continue
        if not _same(spec.get("default"), value):
            problems.append("%s default %r in defaults but %r in argument_specs" % (key, value, spec.get("default")))
        problem = _type_problem(key, spec, value)
        if problem:
            problems.append(problem)
    assert not problems, "%s:\n  %s" % (role.name, "\n  ".join(problems))


def test_role_versions_match_the_test_mirror():
    """The roles install by default exactly what the test mirror builds (scripts/versions.env)."""
    root = Path(__file__).resolve().parents[2]
    pinned = dict(line.split("=", 1) for line in (root / "scripts" / "versions.env").read_text().splitlines()
                  if "=" in line and not line.startswith("#"))
    kafka = yaml.safe_load((root / "roles" / "kafka" / "defaults" / "main.yml").read_text())
    zookeeper = yaml.safe_load((root / "roles" / "zookeeper" / "defaults" / "main.yml").read_text())
    assert kafka["kafka_zookeeper_mode_version"] == pinned["KAFKA_VERSION"]
    assert kafka["kafka_kraft_mode_version"] == pinned["KAFKA4_VERSION"]
    assert kafka["kafka_scala_version"] == pinned["KAFKA_SCALA_VERSION"]
    assert zookeeper["zookeeper_version"] == pinned["ZOOKEEPER_VERSION"]


def test_upgrade_versions_of_the_test_mirror():
    """The mirror's extra versions are the rolling upgrades' other ends: Kafka 3.8 -> KAFKA_VERSION
    (3.9), ZOOKEEPER_VERSION (3.8, the role's default) -> ZOOKEEPER_NEXT_VERSION (3.9)."""
    root = Path(__file__).resolve().parents[2]
    pinned = dict(line.split("=", 1) for line in (root / "scripts" / "versions.env").read_text().splitlines()
                  if "=" in line and not line.startswith("#"))

    def version(key):
        return tuple(int(part) for part in pinned[key].split("."))

    assert version("KAFKA_PREVIOUS_VERSION")[:2] == (3, 8)
    assert version("KAFKA_VERSION")[:2] == (3, 9)
    assert version("ZOOKEEPER_VERSION")[:2] == (3, 8)
    assert version("ZOOKEEPER_NEXT_VERSION")[:2] == (3, 9)


def test_variables_doc_is_generated_from_the_specs():
    """docs/VARIABLES.md lists every role option; regenerate with scripts/gen_variables_doc.py."""
    import subprocess
    import sys
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, str(root / "scripts" / "gen_variables_doc.py"), "--check"], check=False)
    assert proc.returncode == 0, "docs/VARIABLES.md is stale: run python scripts/gen_variables_doc.py"
