#!/usr/bin/env bash
# `make bench`: benchmarks that print figures (no pass/fail on time):
#   1. the floor: the runbook's installs done bare through `docker exec` on fresh sandbox hosts
#      (tests/benchmarks/runbook_floor.sh, to healthy); then the cold converge of the 3-node
#      sandbox with site.yml (fresh containers, JDK from apt, archives from the mirror, cluster
#      started and verified) and its idempotent re-run with the ten slowest tasks (profile_tasks),
#      for the ZooKeeper sandbox (Kafka 3.9 + ZooKeeper) and then the KRaft sandbox (Kafka 4.x,
#      combined nodes), on the same hosts; ratios cold / floor and re-run / cold;
#   2. 1000 topics created in one kafka_topic task, the no-op re-run of those 1000, their deletion,
#      beside the bare kafka-python calls, on loopback clusters in both modes, then 10 000 topics
#      in one task with the module's peak memory (tests/benchmarks/bench_kafka_topic.py);
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
large=${BENCH_LARGE_TOPICS:-10000}
out=.build/bench.txt
mkdir -p .build
: > "$out"

floor=""
runbook_floor() { # fresh ZooKeeper-sandbox hosts, the bare runbook to healthy; sets $floor
  local t0 t1
  MODE=zookeeper scripts/demo.sh down >/dev/null
  MODE=zookeeper scripts/demo.sh create >/dev/null
  mapfile -t hosts < <(MODE=zookeeper scripts/demo.sh hosts)
  t0=$(date +%s.%N)
  tests/benchmarks/runbook_floor.sh "${hosts[@]}" > .build/bench-runbook-floor.log
  t1=$(date +%s.%N)
  floor=$(echo "$t1 - $t0" | bc)
  printf '%-9s floor: bare runbook installs via docker exec, 3 nodes, to healthy: %6.1f s\n' zookeeper "$floor"
}

converge() { # converge MODE: fresh hosts, cold site.yml, idempotent re-run; prints the figures
  local mode=$1 inventory t0 t1 t2 changed cold rerun
  inventory=$([[ $mode == kraft ]] && echo inventory/sandbox_kraft || echo inventory/sandbox)
  MODE=$mode scripts/demo.sh down >/dev/null
  MODE=$mode scripts/demo.sh create >/dev/null
  t0=$(date +%s.%N)
  ansible-playbook playbooks/site.yml -i "$inventory" > ".build/bench-$mode-cold.log"
  t1=$(date +%s.%N)
  ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_tasks PROFILE_TASKS_TASK_OUTPUT_LIMIT=10 \
    ansible-playbook playbooks/site.yml -i "$inventory" > ".build/bench-$mode-rerun.log"
  t2=$(date +%s.%N)
  changed=$(grep -E '^streamops-node[0-9].*changed=' ".build/bench-$mode-rerun.log" | sed -E 's/.*changed=([0-9]+).*/\1/' | paste -sd+ | bc)
  cold=$(echo "$t1 - $t0" | bc)
  rerun=$(echo "$t2 - $t1" | bc)
  printf '%-9s cold converge, 3 nodes (site.yml):  %6.1f s' "$mode" "$cold"
  if [[ $mode == zookeeper && -n $floor ]]; then
    printf '  = %.2f x the runbook floor (goal <= 2.5)' "$(echo "$cold / $floor" | bc -l)"
  fi
  printf '\n%-9s idempotent re-run (site.yml):       %6.1f s  (changed=%s)  = %.2f x cold (goal <= 0.35)\n' \
    "$mode" "$rerun" "$changed" "$(echo "$rerun / $cold" | bc -l)"
  echo "$mode: the ten slowest tasks of the re-run (profile_tasks):"
  # profile_tasks' summary: the lines after its ==== rule, "<task> ---- 1.23s"
  sed -n '/^=\{20,\} *$/,$p' ".build/bench-$mode-rerun.log" | grep -E -- '-{3,} +[0-9.]+s$' | head -n 10 | sed 's/^/    /'
}

{
  runbook_floor
  converge zookeeper
  converge kraft
  python tests/benchmarks/bench_kafka_topic.py --start-cluster 3 --mode zookeeper,kraft --count "$count" --large "$large"
  python tests/benchmarks/bench_reassign.py   # replication factor changes and a drain on 4 loopback KRaft brokers: s, MB/s
  python tests/benchmarks/bench_rolling_load.py --mode zookeeper,kraft  # roll of 3 loopback brokers under kafka_load.py: acked/lost/stall
  molecule destroy -s migration >/dev/null
  molecule converge -s migration > .build/bench-migration.log 2>&1
  molecule side-effect -s migration >> .build/bench-migration.log 2>&1
  python tests/benchmarks/report_migration.py
  molecule destroy -s migration >/dev/null
} | tee "$out"
echo "bench: figures saved in $out; the KRaft sandbox is still up (make demo-down)"
