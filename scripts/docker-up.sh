#!/usr/bin/env bash
# Make sure a Docker engine is usable; start dockerd in the background if not.
#
# Idempotent: returns at once when `docker info` already works. Safe without a
# TTY / stdin (CI). The docker.io Debian package is installed by
# scripts/bootstrap.sh; this script only starts the daemon.
#
# Env:
#   STREAMOPS_CACHE          cache dir (dockerd.log goes there)
#   STREAMOPS_DOCKER_WAIT    seconds to wait for the daemon (default 60)
set -euo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin" # dockerd, debootstrap, chroot (CI PATHs may lack sbin)

CACHE="${STREAMOPS_CACHE:-$HOME/.cache/streamops-kafka}"
WAIT="${STREAMOPS_DOCKER_WAIT:-60}"
LOG="$CACHE/dockerd.log"

log() { printf 'docker-up: %s\n' "$*" >&2; }
die() { printf 'docker-up: ERROR: %s\n' "$*" >&2; exit 1; }

command -v docker >/dev/null 2>&1 \
  || die "'docker' CLI not found on PATH (install the docker.io Debian package: scripts/bootstrap.sh)"

if docker info >/dev/null 2>&1; then
  log "docker engine already usable ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
  exit 0
fi

DOCKERD="$(command -v dockerd || true)"
[ -n "$DOCKERD" ] \
  || die "'dockerd' not found (install the docker.io Debian package: scripts/bootstrap.sh)"
[ "$(id -u)" -eq 0 ] || die "dockerd is not running and starting it needs root"

mkdir -p "$CACHE"

# A daemon that is starting (or a stale pid file from a dead one)?
pidfile=/var/run/docker.pid
if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  log "dockerd (pid $(cat "$pidfile")) is already starting; waiting for it"
else
  rm -f "$pidfile"
  # containerd: dockerd starts its own managed containerd when none is running.
  log "starting $DOCKERD in the background (log: $LOG)"
  # setsid + closed stdin: the daemon outlives this script and its job/session,
  # and never waits on a terminal.
  setsid "$DOCKERD" </dev/null >>"$LOG" 2>&1 &
fi

for ((i = 0; i < WAIT; i++)); do
  if docker info >/dev/null 2>&1; then
    log "docker engine ready after ${i}s ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
    exit 0
  fi
  sleep 1
done

log "last lines of $LOG:"
tail -n 30 "$LOG" >&2 2>/dev/null || true
die "docker engine not usable after ${WAIT}s (see $LOG)"
