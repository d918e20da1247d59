#!/usr/bin/env bash
# Runs every test: installs and starts what they need (deploy/host-deps.sh: Docker engine,
# Compose v1 and v2, Redis, the Traefik and busybox images), then `./mvnw verify`.
# The tests start their own Redis, Traefik and network and remove them afterwards.
# Extra arguments go to Maven (e.g. -Dtest=EnvironmentNamesTest).
# Exit code: Maven's; 1 when a dependency cannot be installed or started.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
"$top/deploy/host-deps.sh"
exec ./mvnw -B verify "$@"
