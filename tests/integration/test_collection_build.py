"""The collection builds, installs with ansible-galaxy, and is usable by FQCN from another directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _run(cmd, cwd, env=None):
    proc = subprocess.run(cmd, cwd=str(cwd), env=env, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, "%s failed (rc=%d):\n%s\n%s" % (cmd, proc.returncode, proc.stdout[-3000:], proc.stderr[-3000:])
    return proc


def test_build_install_and_use_by_fqcn(tmp_path):
    _run([str(BIN / "ansible-galaxy"), "collection", "build", str(ROOT), "--output-path", str(tmp_path)], cwd=tmp_path)
    version = yaml.safe_load((ROOT / "galaxy.yml").read_text())["version"]
    tarball = tmp_path / ("streamops-kafka-%s.tar.gz" % version)
    assert tarball.is_file()
    with tarfile.open(tarball) as tar:
        names = tar.getnames()
    for wanted in ("roles/java/tasks/main.yml", "roles/zookeeper/meta/argument_specs.yml", "roles/kafka/tasks/main.yml",
                   "roles/archive/tasks/main.yml", "roles/rolling/tasks/main.yml", "plugins/modules/kafka_topic.py",
                   "plugins/filter/cluster.py", "plugins/filter/rolling.py", "plugins/action/warn.py",
                   "plugins/modules/zookeeper_ensemble_info.py", "playbooks/site.yml", "README.md", "LICENSE"):
        assert wanted in names, wanted
    for unwanted in ("tests/", "molecule/", "scripts/", ".venv/", ".build/", ".ci/", "Makefile"):
        assert not any(n == unwanted.rstrip("/") or n.startswith(unwanted) for n in names), unwanted

    collections = tmp_path / "installed"
    _run([str(BIN / "ansible-galaxy"), "collection", "install", "--force", "-p", str(collections), str(tarball)], cwd=tmp_path)
    assert (collections / "ansible_collections" / "streamops" / "kafka" / "MANIFEST.json").is_file()

    project = tmp_path / "elsewhere"
    project.mkdir()
    (project / "play.yml").write_text("""
- name: Use the installed collection by FQCN
  hosts: localhost
  gather_facts: true
  tasks:
    - name: Apply streamops.kafka.java (check mode, so nothing changes on this machine)
      ansible.builtin.include_role:
        name: streamops.kafka.java
    - name: Use a filter of the collection
      ansible.builtin.assert:
        that: "('sha512:' ~ 'A' * 128) | streamops.kafka.normalize_sha512 == 'a' * 128"
""")
    env = dict(os.environ)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": str(collections),
        "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.json",
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
    })
    env.pop("ANSIBLE_CONFIG", None)
    proc = _run([str(BIN / "ansible-playbook"), "-i", "localhost,", "-c", "local", "--check", "play.yml"], cwd=project, env=env)
    result = json.loads(proc.stdout)
    tasks = [t["task"]["name"] for play in result["plays"] for t in play["tasks"]]
    # The role really ran from the installed copy (its preflight and install tasks are there).
    assert "streamops.kafka.java : Reject unsupported Java versions" in tasks
    assert "streamops.kafka.java : Install OpenJDK (Debian family)" in tasks
    paths = [t["task"].get("path", "") for play in result["plays"] for t in play["tasks"]]
    assert any(str(collections) in p for p in paths), paths
    assert result["stats"]["localhost"]["failures"] == 0

    doc = _run([str(BIN / "ansible-doc"), "-t", "role", "streamops.kafka.zookeeper"], cwd=project, env=env)
    assert "zookeeper_allow_even_ensemble" in doc.stdout
