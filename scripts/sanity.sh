#!/usr/bin/env bash
# ansible-test sanity needs the collection at .../ansible_collections/streamops/kafka inside a git
# tree. Copy the files git knows (tracked + untracked, not ignored) into .build/sanity and run it
# with --venv (ansible-test's container images cannot be pulled on these machines).
set -euo pipefail
cd "$(dirname "$0")/.."

# ansible-test bootstraps pip in its venvs with a get-pip script it downloads from a host that
# is not reachable here. It runs whatever script is cached at ~/.ansible/test/cache/get_pip_<v>.py,
# so put a stand-in there that uses Python's bundled pip and then pip from PyPI (reachable).
req=$(find .venv/lib -path '*ansible_test/_internal/python_requirements.py' | head -1)
pipv=$(grep -oP "^\s+pip='\K[0-9.]+" "$req" | head -1)
stand_in=$HOME/.ansible/test/cache/get_pip_${pipv//./_}.py
if [[ ! -s "$stand_in" ]]; then
  mkdir -p "$(dirname "$stand_in")"
  cat > "$stand_in" <<'PY'
"""Offline stand-in for get-pip.py: bundled pip via ensurepip, then the requested pip from PyPI."""
import subprocess
import sys

subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade', '--default-pip'])
args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + args)
PY
fi
dest=.build/sanity/ansible_collections/streamops/kafka
rm -rf .build/sanity
mkdir -p "$dest"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
  [[ -e "$f" ]] || continue
  mkdir -p "$dest/$(dirname "$f")"
  cp -p "$f" "$dest/$f"
done
cd "$dest"
git init -q && git add -A
PATH="$OLDPWD/.venv/bin:$PATH" ansible-test sanity --venv --python 3.11 --color no "$@"
