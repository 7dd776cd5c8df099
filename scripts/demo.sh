#!/usr/bin/env bash
# `make demo`: a local 3-node sandbox (systemd containers streamops-node1..3 on docker network
# streamops-test), deployed with the real command users run:
#   ansible-playbook playbooks/site.yml -i inventory/sandbox
# then the status report. `make demo-down` (scripts/demo.sh down) removes the containers.
#   scripts/demo.sh up|create|down|status|hosts
# MODE=zookeeper (default: the runbooks' topology, Kafka 3.9 on ZooKeeper) or MODE=kraft
# (inventory/sandbox_kraft: the same three hosts as combined KRaft nodes on Kafka 4.x).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$PWD/.build/collections"
case "${MODE:-zookeeper}" in
  zookeeper) inventory=inventory/sandbox ;;
  kraft) inventory=inventory/sandbox_kraft ;;
  *) echo "demo: MODE must be zookeeper or kraft, got '${MODE}'" >&2; exit 2 ;;
esac
mapfile -t host_list < <(ansible-inventory -i "$inventory" --list | python3 -c 'import json,sys; d=json.load(sys.stdin); print("\n".join(sorted(d["_meta"]["hostvars"])))')

create() { # the sandbox's hosts, from the one shared test-host definition (molecule/_shared)
  local platforms
  platforms=$(python3 -c 'import json,sys; print(json.dumps({"molecule_yml": {"platforms": [{"name": h} for h in sys.argv[1:]], "scenario": {"name": "demo"}}, "molecule_no_log": False}))' "${host_list[@]}")
  echo "demo: creating systemd hosts: ${host_list[*]}"
  ansible-playbook -i "$inventory" molecule/_shared/create.yml -e "$platforms"
  # systemd booted on each host (what molecule's prepare step does for the scenarios)
  ansible-playbook -i "$inventory" molecule/_shared/prepare.yml
}

case "${1:-up}" in
  up)
    create
    echo "demo: ansible-playbook playbooks/site.yml -i $inventory"
    ansible-playbook playbooks/site.yml -i "$inventory"
    ansible-playbook playbooks/status.yml -i "$inventory"
    echo "demo: the sandbox is up; remove it with: make demo-down"
    ;;
  create) create ;;
  down)
    for h in "${host_list[@]}"; do if docker rm -f -v "$h" >/dev/null 2>&1; then echo "demo: removed $h"; fi; done
    ;;
  status)
    ansible-playbook playbooks/status.yml -i "$inventory"
    ;;
  hosts) printf '%s\n' "${host_list[@]}" ;;
  *) echo "usage: $0 up|create|down|status|hosts" >&2; exit 2 ;;
esac
