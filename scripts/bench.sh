#!/usr/bin/env bash
# `make bench`: benchmarks that print figures (no pass/fail on time):
#   1. cold converge of the 3-node sandbox with site.yml (fresh containers, JDK from apt, archives
#      from the mirror, ZooKeeper + Kafka started and verified),
#   2. the idempotent re-run,
#   3. 1000 topics created in one kafka_topic task, the no-op re-run of those 1000, their deletion
#      (tests/benchmarks/bench_kafka_topic.py against the sandbox's brokers).
# Leaves the sandbox up (make demo-down removes it).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$PWD/.build/collections"
inventory=inventory/sandbox
count=${BENCH_TOPICS:-1000}
out=.build/bench.txt
mkdir -p .build

scripts/demo.sh down >/dev/null
scripts/demo.sh create >/dev/null
mapfile -t host_list < <(scripts/demo.sh hosts)

t0=$(date +%s.%N)
ansible-playbook playbooks/site.yml -i "$inventory" > .build/bench-cold.log
t1=$(date +%s.%N)
ansible-playbook playbooks/site.yml -i "$inventory" > .build/bench-rerun.log
t2=$(date +%s.%N)
rerun_changed=$(grep -E '^streamops-node[0-9].*changed=' .build/bench-rerun.log | sed -E 's/.*changed=([0-9]+).*/\1/' | paste -sd+ | bc)

servers=$(for h in "${host_list[@]}"; do docker inspect -f '{{with index .NetworkSettings.Networks "streamops-test"}}{{.IPAddress}}{{end}}' "$h"; done | sed 's/$/:9092/' | paste -sd,)
{
  printf 'cold converge, 3 nodes (site.yml):  %6.1f s\n' "$(echo "$t1 - $t0" | bc)"
  printf 'idempotent re-run (site.yml):       %6.1f s  (changed=%s)\n' "$(echo "$t2 - $t1" | bc)" "$rerun_changed"
  python tests/benchmarks/bench_kafka_topic.py --bootstrap-servers "$servers" --count "$count"
} | tee "$out"
echo "bench: figures saved in $out; the sandbox is still up (make demo-down)"
