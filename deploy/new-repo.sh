#!/usr/bin/env bash
# Creates a bare repository under the git root with reviewenv's post-receive hook, ready for
# `git push` (push options enabled for `git push -o lifetime=2d`). Re-running updates the hook.
#
# Usage: deploy/new-repo.sh team/shop
# Reads: REVIEWENV_GIT_ROOT (default /srv/git).
# Exit codes: 0 ready; 2 bad name.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
root=${REVIEWENV_GIT_ROOT:-/srv/git}
name=${1:-}
name=${name%.git}
if ! [[ "$name" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$ ]] || [[ "$name" == *..* ]]; then
  echo "usage: $0 <path/under/the/git/root>  (letters, digits, '_', '.', '-', '/'; no '..')" >&2
  exit 2
fi
repo="$root/$name.git"
if [ ! -d "$repo/objects" ]; then
  mkdir -p "$(dirname "$repo")"
  git init -q --bare "$repo"
fi
git -C "$repo" config receive.advertisePushOptions true
install -m 755 "$here/hooks/post-receive" "$repo/hooks/post-receive"
echo "$repo: ready; push with: git remote add ci $repo && git push ci <branch>"
