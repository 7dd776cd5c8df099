#!/usr/bin/env bash
# Installs everything `make test` / `make demo` need on a fresh Debian machine:
# Debian packages (docker.io, debootstrap, ...), the pinned Python toolchain (.venv, a link to
# the cached build),
# and the collection link that puts this checkout on the Ansible collections path.
# Idempotent and cached: a second run does no network work.
#   scripts/bootstrap.sh             everything
#   scripts/bootstrap.sh --packages  the Debian packages only (run-tests.sh builds the base image
#                                    and the mirror while the Python toolchain installs)
set -euo pipefail
packages_only=false
case "${1:-}" in
  "") ;;
  --packages) packages_only=true ;;
  *) echo "bootstrap: unknown argument '$1' (usage: bootstrap.sh [--packages])" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
root=$PWD

# --- Debian packages -------------------------------------------------------------------
missing=()
while read -r pkg; do
  [[ -z "$pkg" || "$pkg" == \#* ]] && continue
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done < requirements/apt.txt
if ((${#missing[@]})); then
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    echo "bootstrap: need root to install ${missing[*]} (run as root or install them first)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if $packages_only; then
  echo "bootstrap: Debian packages ok"
  exit 0
fi

# --- Python toolchain ------------------------------------------------------------------
# Built once per (requirements/dev.txt, interpreter) in the cache and linked as .venv, so a fresh
# clone does not reinstall the same pinned wheels; an empty cache builds it here.
# The interpreter itself, resolved, also when a venv's python3 comes first on PATH (make puts
# .venv/bin there): otherwise `make lint` would key, and build, a second toolchain.
py=$("${PYTHON:-python3}" -c 'import os, sys
print(os.path.realpath(sys._base_executable if sys.prefix != sys.base_prefix else sys.executable))')
want=$( (cat requirements/dev.txt; "$py" -c 'import sys; print(sys.version, sys.executable)') | sha256sum | cut -c1-16)
venv=${STREAMOPS_CACHE:-$HOME/.cache/streamops-kafka}/venv/$want
if [[ ! -f "$venv/.complete" ]]; then
  echo "bootstrap: creating $venv with $($py --version)"
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  "$py" -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
  # --no-compile here (pip compiles one file at a time); compileall below does it on both cores.
  "$venv/bin/pip" install -q --no-compile -r requirements/dev.txt
  touch "$venv/.complete"
fi
# Byte-code, once per toolchain: where PYTHONDONTWRITEBYTECODE is set (it is on these machines)
# nothing imported is ever cached, and every ansible-playbook and every module run on the control
# node recompiled ansible-core, jinja2, kafka-python... (measured: an empty playbook 1.01 s ->
# 0.60 s, a 1000-topic kafka_topic no-op task 3.0 s -> 2.1 s). compileall's exit status is not
# checked: a few packages ship test files that are not Python 3.
if [[ ! -f "$venv/.compiled" ]]; then
  echo "bootstrap: compiling the toolchain's byte-code"
  "$venv/bin/python" -m compileall -q -j 0 "$venv/lib" >/dev/null 2>&1 || true
  touch "$venv/.compiled"
fi
if [[ "$(readlink .venv 2>/dev/null)" != "$venv" ]]; then
  rm -rf .venv
  ln -s "$venv" .venv
fi

# --- the collection on the Ansible path --------------------------------------------------
link=.build/collections/ansible_collections/streamops/kafka
mkdir -p "$(dirname "$link")"
if [[ "$(readlink "$link" 2>/dev/null)" != "$root" ]]; then
  rm -f "$link"
  ln -s "$root" "$link"
fi
echo "bootstrap: ok (ansible-core $(.venv/bin/python -c "import ansible.release as r; print(r.__version__)"))"
