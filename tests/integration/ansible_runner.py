"""Run real ansible-playbook processes from tests and return their parsed JSON results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
COLLECTIONS = ROOT / ".build" / "collections"
VENV_BIN = Path(sys.executable).parent


def _ensure_link() -> None:
    link = COLLECTIONS / "ansible_collections" / "streamops" / "kafka"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(ROOT)


@dataclass
class PlayResult:
    rc: int
    data: dict[str, Any]
    stderr: str

    def tasks(self, name: str) -> list[dict[str, Any]]:
        """Host results of every task called ``name`` (all plays), one dict per host."""
        out = []
        for play in self.data.get("plays", []):
            for task in play.get("tasks", []):
                if task["task"]["name"] == name:
                    out.extend(task["hosts"].values())
        return out

    def task(self, name: str) -> dict[str, Any]:
        found = self.tasks(name)
        assert found, "task %r not in play output; stderr: %s" % (name, self.stderr[-2000:])
        return found[0]

    @property
    def stats(self) -> dict[str, dict[str, int]]:
        return self.data.get("stats", {})

    def changed(self, host: str = "localhost") -> int:
        return self.stats.get(host, {}).get("changed", -1)

    def failed(self, host: str = "localhost") -> int:
        s = self.stats.get(host, {})
        return s.get("failures", 0) + s.get("unreachable", 0)

    def failure_messages(self) -> list[str]:
        msgs = []
        for play in self.data.get("plays", []):
            for task in play.get("tasks", []):
                for res in task["hosts"].values():
                    if res.get("failed") and not res.get("skipped"):
                        msgs.append(str(res.get("msg", res)))
        return msgs


def run_playbook(playbook: str, *args: str, extra_env: dict[str, str] | None = None,
                 timeout: int = 900, check: bool = False, diff: bool = False) -> PlayResult:
    """Write ``playbook`` (YAML text) to a temp file and run it on localhost with the JSON callback."""
    _ensure_link()
    env = dict(os.environ)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
        "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.json",
        "ANSIBLE_CALLBACK_RESULT_FORMAT": "json",
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "PATH": "%s:%s" % (VENV_BIN, env.get("PATH", "")),
    })
    env.update(extra_env or {})
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as fh:
        fh.write(playbook)
        path = fh.name
    cmd = [str(VENV_BIN / "ansible-playbook"), "-i", "localhost,", "-c", "local", path, *args]
    if check:
        cmd.append("--check")
    if diff:
        cmd.append("--diff")
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    finally:
        os.unlink(path)
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise AssertionError("ansible-playbook printed no JSON (rc=%s):\n%s\n%s" % (proc.returncode, proc.stdout[-3000:], proc.stderr[-3000:])) from exc
    return PlayResult(proc.returncode, data, proc.stderr)


TASK = "Run the module"


def run_module(module: str, args: dict[str, Any], check: bool = False, diff: bool = False,
               until: str | None = None, retries: int = 60, delay: int = 1,
               timeout: int = 600) -> tuple[PlayResult, dict[str, Any]]:
    """Run one task of ``module`` with ``args`` on localhost; (play, the task's result).

    The task registers ``result``; with ``until`` (a condition on ``result``) it is polled with
    Ansible's until/retries/delay.
    """
    task: dict[str, Any] = {"name": TASK, module: args, "register": "result"}
    if until:
        task.update(until=until, retries=retries, delay=delay)
    play = [{"name": module, "hosts": "localhost", "gather_facts": False, "tasks": [task]}]
    result = run_playbook(json.dumps(play, indent=2), check=check, diff=diff, timeout=timeout)
    return result, result.task(TASK)


def ok(play: PlayResult, res: dict[str, Any]) -> dict[str, Any]:
    """Assert the play and the task succeeded; return the task result."""
    assert play.rc == 0, (res.get("msg"), play.stderr[-2000:])
    assert not res.get("failed"), res.get("msg")
    return res


def failed(play: PlayResult, res: dict[str, Any]) -> dict[str, Any]:
    """Assert the task failed (and so the play); return the task result."""
    assert play.rc != 0, res
    assert res.get("failed") is True, res
    return res
