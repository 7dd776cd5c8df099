#!/usr/bin/env bash
# The whole suite (`make test`). Every stage runs even after a failure, so one run shows all
# problems; the exit code is non-zero when any stage failed. Prints each stage's duration.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
export PATH="$PWD/.venv/bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$PWD/.build/collections" PY_COLORS=0 ANSIBLE_FORCE_COLOR=0
export STREAMOPS_CACHE="${STREAMOPS_CACHE:-$HOME/.cache/streamops-kafka}"
export STAGE_SUMMARY=$PWD/.build/stages.txt CPU_PROBE_LOG=$PWD/.build/cpu-probe.log
mkdir -p .build && : > "$STAGE_SUMMARY" && : > "$CPU_PROBE_LOG"
# the machine's speed through the run (scripts/cpu-probe.sh; each stage line shows its median)
scripts/cpu-probe.sh 60 >/dev/null 2>&1 & probe_pid=$!
trap 'kill "$probe_pid" 2>/dev/null' EXIT
failed=0
stage() { scripts/stage.sh "$@" || failed=1; }
total_start=$(date +%s)

scripts/stage.sh bootstrap scripts/bootstrap.sh || { echo "bootstrap failed"; exit 1; }
stage docker-up scripts/docker-up.sh
stage image scripts/build-image.sh
stage mirror scripts/build-mirror.sh
stage mirror-serve scripts/mirror.sh start
stage lint make --no-print-directory lint
stage sanity make --no-print-directory sanity
stage unit make --no-print-directory unit
stage integration make --no-print-directory integration
# molecule/_shared: the platform and tasks every scenario uses (not a scenario).
NOT_IN_TEST='^_'
for s in $(find molecule -mindepth 2 -maxdepth 2 -name molecule.yml | cut -d/ -f2 | grep -Ev "$NOT_IN_TEST" | sort); do
  stage "molecule-$s" molecule test -s "$s"
done

secs=$(( $(date +%s) - total_start ))
echo
echo "===== stage timings"
cat "$STAGE_SUMMARY"
probe=$(scripts/cpu-probe.sh median)
printf '%-28s %-14s %5ds   cpu probe %5s ms (median of the run)\n' total "$([[ $failed -eq 0 ]] && echo ok || echo FAILED)" "$secs" "$probe"
exit $failed
