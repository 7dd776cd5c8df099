#!/usr/bin/env bash
# The whole suite (`make test`). Every stage runs even after a failure, so one run shows all
# problems; the exit code is non-zero when any stage failed. Prints each stage's duration.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
export PATH="$PWD/.venv/bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$PWD/.build/collections" PY_COLORS=0 ANSIBLE_FORCE_COLOR=0
export STREAMOPS_CACHE="${STREAMOPS_CACHE:-$HOME/.cache/streamops-kafka}"
export STAGE_SUMMARY=$PWD/.build/stages.txt CPU_PROBE_LOG=$PWD/.build/cpu-probe.log STAGE_FAILURES=$PWD/.build/failures.txt
mkdir -p .build && : > "$STAGE_SUMMARY" && : > "$CPU_PROBE_LOG" && : > "$STAGE_FAILURES"
# the machine's speed through the run (scripts/cpu-probe.sh; each stage line shows its median)
scripts/cpu-probe.sh 60 >/dev/null 2>&1 & probe_pid=$!
trap 'kill "$probe_pid" 2>/dev/null' EXIT
failed=0
stage() { scripts/stage.sh "$@" || failed=1; }
total_start=$(date +%s)

# background_stage NAME CMD...: a stage run beside the next ones, its output kept in
# .build/stage-NAME.log and shown by wait_stages.
background_pids=() background_names=()
background_stage() {
  local name=$1; shift
  scripts/stage.sh "$name" "$@" > ".build/stage-$name.log" 2>&1 &
  background_pids+=("$!") background_names+=("$name")
}
wait_stages() {
  local i
  for i in "${!background_pids[@]}"; do
    wait "${background_pids[$i]}" || failed=1
    cat ".build/stage-${background_names[$i]}.log"
  done
  background_pids=() background_names=()
}

scripts/stage.sh packages scripts/bootstrap.sh --packages || { echo "bootstrap (Debian packages) failed"; exit 1; }
stage docker-up scripts/docker-up.sh
# On a clean machine the base image (debootstrap), the mirror (Maven Central) and the Python
# toolchain (PyPI) are each minutes of mostly network and package work: they build at the same
# time, and lint, sanity and unit (which need neither image nor mirror) run while the first two finish.
# Sanity runs beside lint and unit: much of it is ansible-test making its venvs (pip from PyPI).
background_stage image scripts/build-image.sh
background_stage mirror scripts/build-mirror.sh
scripts/stage.sh bootstrap scripts/bootstrap.sh || { echo "bootstrap failed"; wait_stages; exit 1; }
background_stage sanity make --no-print-directory sanity
stage lint make --no-print-directory lint
stage unit make --no-print-directory unit
wait_stages
stage mirror-serve scripts/mirror.sh start
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
if [[ -s $STAGE_FAILURES ]]; then
  echo
  echo "===== what failed (full output: .build/stage-logs/<stage>.log)"
  cat "$STAGE_FAILURES"
fi
exit $failed
