#!/usr/bin/env bash
# Runs reviewenv's benchmark (bench/bench.py): installs and starts what it needs
# (deploy/host-deps.sh), builds the service if it is not built, then measures it against the raw
# tools in the same run and prints a table (also written to bench/last-run.md).
# Arguments go to bench.py: --runs N --parallel N --environments N --records N --workers N --only load,records,seed.
# Exit code: bench.py's (0 when every measure was taken).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
"$top/deploy/host-deps.sh"
# The seed part makes a btrfs file system for a second Docker daemon (bench/seed.py).
dpkg-query -W -f='${Status}' btrfs-progs 2>/dev/null | grep -q 'install ok installed' \
  || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq btrfs-progs >/dev/null
if [ ! -f target/quarkus-app/quarkus-run.jar ] || [ -n "$(find src pom.xml -newer target/quarkus-app/quarkus-run.jar -print -quit)" ]; then
  ./mvnw -B -q package -DskipTests
fi
exec python3 "$top/bench/bench.py" "$@"
