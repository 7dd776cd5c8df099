"""The rolling role's Kafka gate fails at once when the control node lacks kafka-python.

Before, a control node without the library retried the gate 60 x 5 s before saying so. The gate
runs here exactly as the roles include it (streamops.kafka.rolling, tasks_from gate.yml), with the
modules executed by the system Python, which has no kafka-python (the suite installs it only into
.venv; the first assertion proves that, so the test cannot pass vacuously).
"""

from __future__ import annotations

import subprocess

from ansible_runner import run_playbook

SYSTEM_PYTHON = "/usr/bin/python3"

GATE_PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Run one Kafka gate
      ansible.builtin.include_role:
        name: streamops.kafka.rolling
        tasks_from: gate.yml
      vars:
        __rolling_node: {host: localhost, roles: [broker, controller], gates: [replication, quorum], tier: 0, leader: false}
        __rolling_after: true
        rolling_nodes: [{host: localhost, roles: [broker, controller], node_id: "1"}]
        rolling_kafka_bootstrap_servers: ["127.0.0.1:1"]
        rolling_kafka_admin_host: localhost
        rolling_wait_timeout: 300
"""


def test_gate_fails_at_once_without_kafka_python():
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import kafka"], capture_output=True, text=True, check=False)
    assert probe.returncode != 0, "the system Python has kafka-python; this test needs one without it"

    play = run_playbook(GATE_PLAYBOOK, extra_env={"ANSIBLE_PYTHON_INTERPRETER": SYSTEM_PYTHON})
    assert play.rc != 0
    gates = [t for t in play.data["plays"][0]["tasks"] if "Gate quorum and/or replication" in t["task"]["name"]]
    assert len(gates) == 1, [t["task"]["name"] for t in play.data["plays"][0]["tasks"]]
    result = gates[0]["hosts"]["localhost"]
    assert result["failed"] is True
    assert "kafka-python" in result["msg"] and "required Python library" in result["msg"], result["msg"]
    # one attempt, not 150 retries of 2 s
    assert result.get("attempts", 1) == 1, result.get("attempts")
