#!/usr/bin/env bash
# The test-host HTTP mirror: container `streamops-mirror` on docker network
# `streamops-test`, serving $STREAMOPS_CACHE/mirror read-only on port 8080.
# Test hosts on that network fetch http://streamops-mirror:8080/<path>.
#
#   scripts/mirror.sh start      create/start it (idempotent), wait until it answers
#   scripts/mirror.sh stop       remove the container (the network is kept)
#   scripts/mirror.sh status     running? + URLs; exit 1 when not running
#   scripts/mirror.sh url        URL for test hosts: http://streamops-mirror:8080
#   scripts/mirror.sh host-url   URL reachable from this machine (container IP)
#
# Runs from the base image (scripts/build-image.sh), without systemd: the
# container's command is python3's http.server.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${STREAMOPS_CACHE:-$HOME/.cache/streamops-kafka}"
MIRROR_DIR="$CACHE/mirror"
NAME=streamops-mirror
NETWORK=streamops-test
PORT=8080
IMAGE="${STREAMOPS_TEST_IMAGE:-streamops/debian12-systemd:latest}"
WAIT="${STREAMOPS_MIRROR_WAIT:-30}"

log() { printf 'mirror: %s\n' "$*" >&2; }
die() { printf 'mirror: ERROR: %s\n' "$*" >&2; exit 1; }

container_ip() {
  docker inspect -f "{{with index .NetworkSettings.Networks \"$NETWORK\"}}{{.IPAddress}}{{end}}" "$NAME" 2>/dev/null
}

answers() { # from this machine, straight to the container's address
  local ip
  ip="$(container_ip)"
  [ -n "$ip" ] && curl -fs -o /dev/null --max-time 2 "http://$ip:$PORT/" 2>/dev/null
}

ensure_network() {
  docker network inspect "$NETWORK" >/dev/null 2>&1 && return 0
  log "creating docker network $NETWORK"
  docker network create --label org.streamops.role=test-network "$NETWORK" >/dev/null \
    || docker network inspect "$NETWORK" >/dev/null 2>&1 # lost a race: fine
}

start() {
  "$HERE/docker-up.sh"
  docker image inspect "$IMAGE" >/dev/null 2>&1 \
    || die "image $IMAGE not found: run scripts/build-image.sh first"
  mkdir -p "$MIRROR_DIR"
  ensure_network

  local state want_src have_src
  state="$(docker inspect -f '{{.State.Status}}' "$NAME" 2>/dev/null || true)"
  if [ -n "$state" ]; then
    want_src="$(cd "$MIRROR_DIR" && pwd -P)"
    have_src="$(docker inspect -f '{{range .Mounts}}{{if eq .Destination "/srv"}}{{.Source}}{{end}}{{end}}' "$NAME")"
    if [ "$have_src" != "$want_src" ]; then
      log "existing $NAME serves '$have_src', want '$want_src': recreating"
      docker rm -f "$NAME" >/dev/null
      state=""
    elif [ "$state" = running ] \
         && [ "$(docker exec "$NAME" stat -c %i /srv 2>/dev/null)" != "$(stat -c %i "$MIRROR_DIR")" ]; then
      # The directory was deleted and made anew: the bind mount still shows the old one.
      log "$MIRROR_DIR was replaced since $NAME started: recreating"
      docker rm -f "$NAME" >/dev/null
      state=""
    fi
  fi
  case "$state" in
    running) ;;
    "")
      log "starting $NAME ($IMAGE) serving $MIRROR_DIR"
      docker run -d --name "$NAME" --hostname "$NAME" \
        --network "$NETWORK" \
        --label org.streamops.role=mirror \
        --restart unless-stopped \
        --init \
        -v "$MIRROR_DIR:/srv:ro" \
        "$IMAGE" python3 -m http.server "$PORT" --directory /srv >/dev/null
      ;;
    *)
      log "$NAME is $state: starting it"
      docker start "$NAME" >/dev/null
      ;;
  esac

  local i
  for ((i = 0; i < WAIT * 2; i++)); do
    if answers; then
      log "$NAME answers at http://$(container_ip):$PORT/ (test hosts: $(url))"
      return 0
    fi
    sleep 0.5
  done
  docker logs --tail 20 "$NAME" >&2 || true
  die "$NAME does not answer after ${WAIT}s"
}

stop() {
  if docker inspect "$NAME" >/dev/null 2>&1; then
    docker rm -f "$NAME" >/dev/null
    log "removed $NAME"
  else
    log "$NAME not present"
  fi
}

url() { echo "http://$NAME:$PORT"; }

status() {
  if [ "$(docker inspect -f '{{.State.Status}}' "$NAME" 2>/dev/null)" = running ] && answers; then
    echo "running: $(url) (from this machine: http://$(container_ip):$PORT), serving $MIRROR_DIR"
  else
    echo "not running"
    return 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  url) url ;;
  host-url)
    ip="$(container_ip)"
    [ -n "$ip" ] || die "$NAME is not running (scripts/mirror.sh start)"
    echo "http://$ip:$PORT"
    ;;
  *) echo "usage: $0 start|stop|status|url|host-url" >&2; exit 2 ;;
esac
