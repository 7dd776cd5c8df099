#!/usr/bin/env bash
# stage.sh NAME CMD...: run one test stage, print and record how long it took.
# The summary file ($STAGE_SUMMARY, default .build/stages.txt) collects one line per stage.
set -uo pipefail
name=$1; shift
summary=${STAGE_SUMMARY:-.build/stages.txt}
mkdir -p "$(dirname "$summary")"
printf '\n===== stage %s: %s\n' "$name" "$*"
start=$(date +%s)
"$@"
rc=$?
secs=$(( $(date +%s) - start ))
status=$([[ $rc -eq 0 ]] && echo ok || echo "FAILED(rc=$rc)")
printf '===== stage %s: %s in %dm%02ds\n' "$name" "$status" $((secs / 60)) $((secs % 60))
printf '%-28s %-14s %5ds\n' "$name" "$status" "$secs" >> "$summary"
exit $rc
