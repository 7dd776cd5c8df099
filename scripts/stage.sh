#!/usr/bin/env bash
# stage.sh NAME CMD...: run one test stage, print and record how long it took.
# The summary file ($STAGE_SUMMARY, default .build/stages.txt) collects one line per stage, with
# the machine's speed during it when scripts/cpu-probe.sh runs (median CPU ms of its fixed work
# over the stage, from $CPU_PROBE_LOG; "-" without a sample).
set -uo pipefail
name=$1; shift
summary=${STAGE_SUMMARY:-.build/stages.txt}
mkdir -p "$(dirname "$summary")"
printf '\n===== stage %s: %s\n' "$name" "$*"
start=$(date +%s)
"$@"
rc=$?
end=$(date +%s)
secs=$(( end - start ))
status=$([[ $rc -eq 0 ]] && echo ok || echo "FAILED(rc=$rc)")
probe=$("$(dirname "$0")/cpu-probe.sh" median "$start" "$end")
printf '===== stage %s: %s in %dm%02ds (cpu probe %s ms)\n' "$name" "$status" $((secs / 60)) $((secs % 60)) "$probe"
printf '%-28s %-14s %5ds   cpu probe %5s ms\n' "$name" "$status" "$secs" "$probe" >> "$summary"
exit $rc
