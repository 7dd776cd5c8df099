#!/usr/bin/env bash
# `make bench`: benchmarks that print figures (no pass/fail on time):
#   1. cold converge of the 3-node sandbox with site.yml (fresh containers, JDK from apt, archives
#      from the mirror, cluster started and verified) and its idempotent re-run, for the ZooKeeper
#      sandbox (Kafka 3.9 + ZooKeeper) and then the KRaft sandbox (Kafka 4.x, combined nodes),
#      on the same hosts, side by side;
#   2. 1000 topics created in one kafka_topic task, the no-op re-run of those 1000, their deletion
#      (tests/benchmarks/bench_kafka_topic.py against the KRaft sandbox's brokers);
#   3. replication factor changes (throttled and not) and a drain on 4 loopback KRaft brokers
#      (bench_reassign.py: seconds and copy rate);
#   4. a roll of 3 loopback brokers under the load tool (bench_rolling_load.py);
#   5. the ZooKeeper -> KRaft migration scenario (molecule/migration: converge + side effect): each
#      phase's, rollback's and upgrade's duration and the load figures of every roll
#      (tests/benchmarks/report_migration.py).
# Leaves the KRaft sandbox up (make demo-down removes it).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$PWD/.build/collections"
count=${BENCH_TOPICS:-1000}
out=.build/bench.txt
mkdir -p .build
: > "$out"

converge() { # converge MODE: fresh hosts, cold site.yml, idempotent re-run; prints two lines
  local mode=$1 inventory t0 t1 t2 changed
  inventory=$([[ $mode == kraft ]] && echo inventory/sandbox_kraft || echo inventory/sandbox)
  MODE=$mode scripts/demo.sh down >/dev/null
  MODE=$mode scripts/demo.sh create >/dev/null
  t0=$(date +%s.%N)
  ansible-playbook playbooks/site.yml -i "$inventory" > ".build/bench-$mode-cold.log"
  t1=$(date +%s.%N)
  ansible-playbook playbooks/site.yml -i "$inventory" > ".build/bench-$mode-rerun.log"
  t2=$(date +%s.%N)
  changed=$(grep -E '^streamops-node[0-9].*changed=' ".build/bench-$mode-rerun.log" | sed -E 's/.*changed=([0-9]+).*/\1/' | paste -sd+ | bc)
  printf '%-9s cold converge, 3 nodes (site.yml):  %6.1f s\n' "$mode" "$(echo "$t1 - $t0" | bc)"
  printf '%-9s idempotent re-run (site.yml):       %6.1f s  (changed=%s)\n' "$mode" "$(echo "$t2 - $t1" | bc)" "$changed"
}

{
  converge zookeeper
  converge kraft
  mapfile -t host_list < <(MODE=kraft scripts/demo.sh hosts)
  servers=$(for h in "${host_list[@]}"; do docker inspect -f '{{with index .NetworkSettings.Networks "streamops-test"}}{{.IPAddress}}{{end}}' "$h"; done | sed 's/$/:9092/' | paste -sd,)
  python tests/benchmarks/bench_kafka_topic.py --bootstrap-servers "$servers" --count "$count"
  python tests/benchmarks/bench_reassign.py   # replication factor changes and a drain on 4 loopback KRaft brokers: s, MB/s
  python tests/benchmarks/bench_rolling_load.py --mode zookeeper,kraft  # roll of 3 loopback brokers under kafka_load.py: acked/lost/stall
  molecule destroy -s migration >/dev/null
  molecule converge -s migration > .build/bench-migration.log 2>&1
  molecule side-effect -s migration >> .build/bench-migration.log 2>&1
  python tests/benchmarks/report_migration.py
  molecule destroy -s migration >/dev/null
} | tee "$out"
echo "bench: figures saved in $out; the KRaft sandbox is still up (make demo-down)"
