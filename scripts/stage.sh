#!/usr/bin/env bash
# stage.sh NAME CMD...: run one test stage, print and record how long it took.
# The summary file ($STAGE_SUMMARY, default .build/stages.txt) collects one line per stage, with
# the machine's speed during it when scripts/cpu-probe.sh runs (median CPU ms of its fixed work
# over the stage, from $CPU_PROBE_LOG; "-" without a sample). The output is also kept in
# <summary dir>/stage-logs/NAME.log.
set -uo pipefail
name=$1; shift
summary=${STAGE_SUMMARY:-.build/stages.txt}
mkdir -p "$(dirname "$summary")"
printf '\n===== stage %s: %s\n' "$name" "$*"
start=$(date +%s)
log=$(dirname "$summary")/stage-logs/$name.log
mkdir -p "$(dirname "$log")"
"$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
end=$(date +%s)
secs=$(( end - start ))
status=$([[ $rc -eq 0 ]] && echo ok || echo "FAILED(rc=$rc)")
probe=$("$(dirname "$0")/cpu-probe.sh" median "$start" "$end")
printf '===== stage %s: %s in %dm%02ds (cpu probe %s ms)\n' "$name" "$status" $((secs / 60)) $((secs % 60)) "$probe"
printf '%-28s %-14s %5ds   cpu probe %5s ms\n' "$name" "$status" "$secs" "$probe" >> "$summary"
# A failed stage's failing tests and tasks, for the summary at the end of the run ($STAGE_FAILURES):
# pytest's short summary lines and the assertion lines, Ansible's failed tasks and their messages.
if [[ $rc -ne 0 && -n ${STAGE_FAILURES:-} ]]; then
  { printf -- '--- %s\n' "$name"
    grep -E '^(FAILED|ERROR) ' "$log" | head -n 10
    grep -E '^(ERROR|FATAL): ' "$log" | head -n 10   # ansible-test sanity, ansible-lint
    grep -E '^E   ' "$log" | tail -n 8
    grep -E '^TASK \[|fatal: \[|FAILED! =>' "$log" | grep -B1 -E 'fatal: \[|FAILED! =>' | grep -v '^--$' | tail -n 8
    grep -E 'CRITICAL|^\* \[' "$log" | tail -n 8    # molecule: a failed step, idempotence's changed tasks
  } | cut -c1-400 >> "$STAGE_FAILURES"
fi
exit "$rc"
