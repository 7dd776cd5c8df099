#!/usr/bin/env bash
# Build the molecule test-host base image: Debian 12 (bookworm) with systemd as
# PID 1, python3 for Ansible, no Java.
#
#   scripts/build-image.sh            build unless streamops/debian12-systemd:<hash> exists
#   scripts/build-image.sh --force    rebuild
#   scripts/build-image.sh --print-tag   print the tag for the current recipe and exit
#
# No registry is used (Docker Hub is not reachable): the rootfs is made with
# debootstrap from the same Debian mirror the host's apt uses, then `docker import`ed.
# The image is tagged streamops/debian12-systemd:<recipe hash> and :latest; the
# recipe hash is the sha256 of this script, so editing the script means a rebuild.
#
# Env:
#   STREAMOPS_CACHE                   cache dir ($CACHE/image/ holds stamps + .deb cache)
#   STREAMOPS_DEBIAN_MIRROR           override the Debian mirror (default: the host's)
#   STREAMOPS_DEBIAN_SECURITY_MIRROR  override the security mirror (default: the host's)
set -euo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin" # dockerd, debootstrap, chroot (CI PATHs may lack sbin)

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${STREAMOPS_CACHE:-$HOME/.cache/streamops-kafka}"
IMAGE_DIR="$CACHE/image"
REPO_NAME="streamops/debian12-systemd"
SUITE=bookworm

# Packages on top of debootstrap's minbase. Keep Java out: the roles install it.
#  - systemd, systemd-sysv, dbus: PID 1 + systemctl/hostnamectl over D-Bus
#  - python3, python3-apt: Ansible modules (apt module without a runtime install)
#  - acl: Ansible `become_user: <unprivileged>` needs setfacl for its temp files
#  - sudo: `become` works as on a real server
#  - iproute2, procps, netcat-openbsd, curl, ca-certificates: what a real server has;
#    ps for kafka-server-stop.sh, nc for ZooKeeper four-letter words, ss for ports
#  - nftables: the roles' firewall (the role would install it; baked in so no test host needs apt)
#  - openssh-server: Ansible reaches the test hosts over SSH, as it reaches real servers
#    (a `docker exec` per task cost dockerd about 0.35 CPU-s: docs/SUBSTRATE.md)
INCLUDE_PKGS="systemd,systemd-sysv,dbus,python3,python3-apt,acl,sudo,iproute2,procps,ca-certificates,curl,netcat-openbsd,less,openssh-server,nftables"

# Units that fail or make no sense in a container. Masked (symlink to /dev/null).
MASK_UNITS=(
  systemd-remount-fs.service     # / is docker's overlay, nothing to remount
  getty.target                   # no consoles
  console-getty.service
  getty@tty1.service
  serial-getty@.service
  systemd-udevd.service          # no udev in a container (/sys is read-only)
  systemd-udevd-control.socket
  systemd-udevd-kernel.socket
  systemd-udev-trigger.service
  systemd-udev-settle.service
  systemd-modules-load.service   # no kernel modules from inside
  kmod-static-nodes.service
  systemd-firstboot.service      # would prompt on a console
  systemd-hwdb-update.service
  sys-kernel-config.mount
  sys-kernel-debug.mount
  sys-kernel-tracing.mount
  sys-fs-fuse-connections.mount
  proc-sys-fs-binfmt_misc.automount
  proc-sys-fs-binfmt_misc.mount
  systemd-binfmt.service
  systemd-journald-audit.socket  # no audit netlink in a container
  systemd-pstore.service
  apt-daily.timer                # background apt would hold the dpkg lock while
  apt-daily.service              # Ansible's apt module runs
  apt-daily-upgrade.timer
  apt-daily-upgrade.service
  e2scrub_all.timer
  e2scrub_reap.service
  fstrim.timer
)

log() { printf 'build-image: %s\n' "$*" >&2; }
die() { printf 'build-image: ERROR: %s\n' "$*" >&2; exit 1; }

RECIPE_HASH="$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12)"
TAG="$REPO_NAME:$RECIPE_HASH"

FORCE=0
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    --print-tag) echo "$TAG"; exit 0 ;;
    -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument: $arg" ;;
  esac
done

"$HERE/docker-up.sh"

mkdir -p "$IMAGE_DIR"
exec 9>"$IMAGE_DIR/build.lock"
flock 9 # one build at a time (parallel CI steps / engineers)

if [ "$FORCE" -eq 0 ] && docker image inspect "$TAG" >/dev/null 2>&1; then
  docker tag "$TAG" "$REPO_NAME:latest"
  log "image $TAG exists (recipe unchanged), tagged :latest; use --force to rebuild"
  echo "$TAG"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || die "debootstrap needs root"
command -v debootstrap >/dev/null 2>&1 || die "debootstrap not found (apt-get install debootstrap)"

# --- which Debian mirror does the host's apt use? -----------------------------
# Prints "URI SUITE" for every enabled deb source (one-line and deb822 format).
host_sources() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk '$1 == "deb" {
           i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
           print $i, $(i + 1)
         }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'function flush() {
           if (types ~ /(^| )deb( |$)/ && tolower(enabled) != "no")
             for (u = 1; u <= nu; u++) for (s = 1; s <= ns; s++) print uris[u], suites[s]
           types = ""; enabled = ""; nu = 0; ns = 0
         }
         /^[ \t]*#/ { next }
         /^[ \t]*$/ { flush(); next }
         { key = tolower($1); sub(/:$/, "", key); $1 = "" ; sub(/^ /, "") }
         key == "types" { types = $0 }
         key == "enabled" { enabled = $0 }
         key == "uris" { nu = split($0, uris, " ") }
         key == "suites" { ns = split($0, suites, " ") }
         END { flush() }' "$f"
  done
}
SOURCES="$(host_sources | sed 's#/*[[:space:]]# #' | sort -u)"
MIRROR="${STREAMOPS_DEBIAN_MIRROR:-$(awk -v s="$SUITE" '$2 == s { print $1; exit }' <<<"$SOURCES")}"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
SEC_MIRROR="${STREAMOPS_DEBIAN_SECURITY_MIRROR:-$(awk -v s="$SUITE-security" '$2 == s { print $1; exit }' <<<"$SOURCES")}"
HAS_UPDATES=0
grep -q " $SUITE-updates\$" <<<"$SOURCES" && HAS_UPDATES=1
log "mirror: $MIRROR (updates: $HAS_UPDATES) security: ${SEC_MIRROR:-none}"

# --- debootstrap ---------------------------------------------------------------
remove_workdir() {
  local m
  # debootstrap mounts proc/sys inside the target; never leave them behind, and
  # never let rm walk into them (--one-file-system).
  for m in proc sys dev/pts dev; do
    if mountpoint -q "$1/rootfs/$m" 2>/dev/null; then umount -l "$1/rootfs/$m" || true; fi
  done
  rm -rf --one-file-system "$1"
}
# Leftovers of a build that was killed (we hold the lock, so none is running).
for d in "$IMAGE_DIR"/build.*/; do
  [ -d "$d" ] && remove_workdir "${d%/}"
done

START=$SECONDS
WORK="$(mktemp -d "$IMAGE_DIR/build.XXXXXX")"
ROOTFS="$WORK/rootfs"
trap 'remove_workdir "$WORK"' EXIT

DEB_CACHE="$IMAGE_DIR/debs"
mkdir -p "$DEB_CACHE" "$ROOTFS"
log "debootstrap $SUITE into $ROOTFS (log: $IMAGE_DIR/debootstrap.log)"
if ! debootstrap --variant=minbase --merged-usr \
       --include="$INCLUDE_PKGS" \
       --cache-dir="$DEB_CACHE" \
       --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
       "$SUITE" "$ROOTFS" "$MIRROR" </dev/null >"$IMAGE_DIR/debootstrap.log" 2>&1; then
  tail -n 40 "$IMAGE_DIR/debootstrap.log" >&2
  [ -f "$ROOTFS/debootstrap/debootstrap.log" ] && tail -n 40 "$ROOTFS/debootstrap/debootstrap.log" >&2
  die "debootstrap failed (see $IMAGE_DIR/debootstrap.log)"
fi
log "debootstrap done after $((SECONDS - START))s"

# --- configure the rootfs for container use -------------------------------------
log "configuring rootfs"
# apt sources: same mirror as the host, deb822 format as on a Debian 12 install.
rm -f "$ROOTFS/etc/apt/sources.list"
{
  printf 'Types: deb\nURIs: %s\nSuites: %s' "$MIRROR" "$SUITE"
  [ "$HAS_UPDATES" -eq 1 ] && printf ' %s-updates' "$SUITE"
  printf '\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
  if [ -n "$SEC_MIRROR" ]; then
    printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\n' "$SEC_MIRROR" "$SUITE"
    printf 'Components: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
  fi
} >"$ROOTFS/etc/apt/sources.list.d/debian.sources"

# The reachable Debian mirror may be a frozen snapshot whose Release files are
# past Valid-Until: accept them, like the host does. No recommends: keep test
# hosts as lean as a minimal server install.
cat >"$ROOTFS/etc/apt/apt.conf.d/90streamops" <<'EOF'
// streamops test image (scripts/build-image.sh)
Acquire::Check-Valid-Until "false";
Acquire::Check-Date "false";
Acquire::Languages "none";
APT::Install-Recommends "false";
APT::Install-Suggests "false";
EOF
# dpkg: no fsync per unpacked file (as Docker's own Debian images do): a test host is thrown away
# with its container.
echo force-unsafe-io >"$ROOTFS/etc/dpkg/dpkg.cfg.d/90streamops-unsafe-io"

# Masked units.
for u in "${MASK_UNITS[@]}"; do
  ln -sfn /dev/null "$ROOTFS/etc/systemd/system/$u"
done
ln -sfn /lib/systemd/system/multi-user.target "$ROOTFS/etc/systemd/system/default.target"

# journald: keep logs in memory-ish size, forward nothing to a console.
mkdir -p "$ROOTFS/etc/systemd/journald.conf.d"
cat >"$ROOTFS/etc/systemd/journald.conf.d/90-container.conf" <<'EOF'
[Journal]
Storage=volatile
RuntimeMaxUse=32M
ForwardToConsole=no
EOF

# sshd: root logs in with the key molecule/_shared/create.yml mounts as its authorized_keys (no
# password). The side effects start up to 20 ansible-playbook runs at once, each connecting to every
# host: MaxStartups' default (10:30:100) would drop some of those handshakes at random.
mkdir -p "$ROOTFS/etc/ssh/sshd_config.d"
cat >"$ROOTFS/etc/ssh/sshd_config.d/90-streamops-test.conf" <<'EOF'
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
MaxStartups 200
MaxSessions 100
UseDNS no
HostKey /etc/ssh/ssh_host_ed25519_key
EOF
# No host keys in the image: each container makes its own at its first boot, before the unit's own
# config test. Only the ed25519 key: `ssh-keygen -A` also made RSA 3072 and ECDSA keys, most of the
# key generation's CPU while every container of a scenario boots at once on 2 cores.
rm -f "$ROOTFS"/etc/ssh/ssh_host_*
mkdir -p "$ROOTFS/etc/systemd/system/ssh.service.d"
cat >"$ROOTFS/etc/systemd/system/ssh.service.d/90-host-keys.conf" <<'EOF'
[Service]
ExecStartPre=
ExecStartPre=/bin/sh -c 'test -s /etc/ssh/ssh_host_ed25519_key || exec /usr/bin/ssh-keygen -q -t ed25519 -N "" -f /etc/ssh/ssh_host_ed25519_key'
ExecStartPre=/usr/sbin/sshd -t
EOF
mkdir -p "$ROOTFS/etc/systemd/system/multi-user.target.wants"
ln -sfn /lib/systemd/system/ssh.service "$ROOTFS/etc/systemd/system/multi-user.target.wants/ssh.service"

# machine-id policy: empty file => systemd generates a fresh, unique ID on each
# container's first boot and writes it (root is writable), WITHOUT entering
# "first boot" mode (no systemd-firstboot, no preset-all). The dbus copy must be
# a symlink, otherwise systemd would reuse it and every host would share one ID.
: >"$ROOTFS/etc/machine-id"
rm -f "$ROOTFS/var/lib/dbus/machine-id"
mkdir -p "$ROOTFS/var/lib/dbus"
ln -sfn /etc/machine-id "$ROOTFS/var/lib/dbus/machine-id"

# Docker provides hostname, hosts and resolv.conf.
rm -f "$ROOTFS/etc/hostname"
# No leftovers of the build: apt lists/caches (roles run `apt update` themselves).
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/*.bin \
       "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/log/*.log \
       "$ROOTFS"/var/log/apt/* "$ROOTFS/debootstrap"
# Java must NOT be in the base image: the roles are tested installing it.
if compgen -G "$ROOTFS/usr/lib/jvm/*" >/dev/null; then die "a JVM ended up in the image"; fi

for m in proc sys dev/pts dev; do
  if mountpoint -q "$ROOTFS/$m" 2>/dev/null; then umount -l "$ROOTFS/$m" || true; fi
done

# --- import ------------------------------------------------------------------
# `docker import -c` accepts CMD/ENV/LABEL/... but not STOPSIGNAL on this engine
# (20.10: "stopsignal is not a valid change command"), so import to a staging tag
# and add STOPSIGNAL with a one-line local build (legacy builder: FROM a local
# image, nothing is pulled; BuildKit would try to resolve it on a registry).
STAGE_TAG="$REPO_NAME:$RECIPE_HASH-rootfs"
log "docker import -> $STAGE_TAG"
tar --numeric-owner --xattrs -C "$ROOTFS" \
    --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' --exclude='./run/*' \
    -c . \
  | docker import \
      -c 'CMD ["/sbin/init"]' \
      -c 'ENV container=docker' \
      -m "streamops debian12 systemd base (debootstrap $SUITE from $MIRROR)" \
      - "$STAGE_TAG" >/dev/null
log "docker build (STOPSIGNAL, labels) -> $TAG"
printf 'FROM %s\nSTOPSIGNAL SIGRTMIN+3\nLABEL org.streamops.recipe=%s org.streamops.suite=%s\n' \
    "$STAGE_TAG" "$RECIPE_HASH" "$SUITE" \
  | DOCKER_BUILDKIT=0 docker build --pull=false -q -t "$TAG" - >"$WORK/build.out" 2>&1 \
  || { cat "$WORK/build.out" >&2; die "docker build of $TAG failed"; }
docker tag "$TAG" "$REPO_NAME:latest"
docker rmi "$STAGE_TAG" >/dev/null
# Drop images of older recipes (best effort: one still used by a container stays).
{ docker images --format '{{.Repository}}:{{.Tag}}' "$REPO_NAME" \
    | grep -v -e ":latest\$" -e ":$RECIPE_HASH\$" || true; } \
  | while read -r old; do
      if docker rmi "$old" >/dev/null 2>&1; then log "removed old image $old"; fi
    done

ELAPSED=$((SECONDS - START))
{
  echo "tag=$TAG"
  echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "seconds=$ELAPSED"
  echo "mirror=$MIRROR"
} >"$IMAGE_DIR/$RECIPE_HASH.stamp"
log "built $TAG (+ :latest) in ${ELAPSED}s, size $(docker image inspect -f '{{.Size}}' "$TAG" | awk '{printf "%.0f MB", $1/1e6}')"
echo "$TAG"
