#!/usr/bin/env bash
# ansible-test sanity needs the collection at .../ansible_collections/streamops/kafka inside a git
# tree. Copy the files git knows (tracked + untracked, not ignored) into .build/sanity and run it
# with --venv (ansible-test's container images cannot be pulled on these machines).
set -euo pipefail
cd "$(dirname "$0")/.."
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
