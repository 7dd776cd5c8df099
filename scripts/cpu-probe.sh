#!/usr/bin/env bash
# cpu-probe.sh median [FROM TO]: the median cpu_ms of the samples taken from epoch FROM to TO
#   (all of them without FROM TO), "-" without any.
# cpu-probe.sh [INTERVAL]: every INTERVAL seconds (default 60) append "epoch cpu_ms" to
# $CPU_PROBE_LOG (default .build/cpu-probe.log): the CPU milliseconds one fixed piece of Python
# work took. It measures the machine, not the tree: this 2-vCPU VM's per-core speed varies about
# twofold over the day, whatever else runs. scripts/stage.sh prints the median over each stage,
# so two runs' stage times can be compared (a stage at 900 ms ran on a machine half as fast as
# one at 450 ms). Costs under 1 % of one core at the default interval.
set -uo pipefail
log=${CPU_PROBE_LOG:-.build/cpu-probe.log}
if [[ ${1:-} == median ]]; then
  awk -v s="${2:-0}" -v e="${3:-9999999999}" '$1 >= s && $1 <= e { print $2 }' "$log" 2>/dev/null \
    | sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "-" }'
  exit 0
fi
interval=${1:-60}
mkdir -p "$(dirname "$log")"
while true; do
  python3 - >> "$log" <<'PY'
import resource, time
r0 = resource.getrusage(resource.RUSAGE_SELF)
s = 0
for i in range(3 * 10**6):
    s += i * i % 7
r1 = resource.getrusage(resource.RUSAGE_SELF)
print("%d %d" % (time.time(), 1000 * (r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)))
PY
  sleep "$interval"
done
