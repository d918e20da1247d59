#!/usr/bin/env bash
# Starts reviewenv on this machine with working defaults: installs and starts what it needs
# (deploy/host-deps.sh), runs Traefik on port 80, builds the service and runs it in the
# foreground on port 8080. Environments are served as http://<name>.localhost.
#
# Reads (all optional): REVIEWENV_HOME (default $HOME), REVIEWENV_GIT_ROOT (default /srv/git),
#   REVIEWENV_API_TOKEN (default: generated once into $REVIEWENV_HOME/.reviewenv-token),
#   REVIEWENV_HTTP_PORT (Traefik's host port, default 80), QUARKUS_HTTP_PORT (default 8080),
#   and every other reviewenv key as REVIEWENV_* (see README.md).
# Exit code: the service's.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
"$top/deploy/host-deps.sh"

export REVIEWENV_HOME=${REVIEWENV_HOME:-$HOME}
export REVIEWENV_GIT_ROOT=${REVIEWENV_GIT_ROOT:-/srv/git}
export REVIEWENV_REDIS_URL=${REVIEWENV_REDIS_URL:-redis://127.0.0.1:${REVIEWENV_REDIS_PORT:-6390}}
export REVIEWENV_COMPOSE_TEMPLATES=${REVIEWENV_COMPOSE_TEMPLATES:-$top/compose-templates}
mkdir -p "$REVIEWENV_HOME" "$REVIEWENV_GIT_ROOT"
token_file="$REVIEWENV_HOME/.reviewenv-token"
if [ -z "${REVIEWENV_API_TOKEN:-}" ]; then
  if [ ! -s "$token_file" ]; then
    (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$token_file")
  fi
  REVIEWENV_API_TOKEN=$(cat "$token_file")
  export REVIEWENV_API_TOKEN
  echo "start: API token in $token_file (hooks read it with REVIEWENV_TOKEN_FILE=$token_file)"
fi

REVIEWENV_ROUTES=${REVIEWENV_TRAEFIK_DYNAMIC_DIR:-$REVIEWENV_HOME/.reviewenv-traefik/dynamic} \
  REVIEWENV_NETWORK=${REVIEWENV_NETWORK:-reviewenv} "$top/traefik/run.sh"

if [ ! -f target/quarkus-app/quarkus-run.jar ] || [ -n "$(find src pom.xml -newer target/quarkus-app/quarkus-run.jar -print -quit)" ]; then
  ./mvnw -B -q package -DskipTests
fi
# glibc's per-thread malloc arenas only add to the RSS of a service this small.
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
# shellcheck disable=SC2046
exec java ${REVIEWENV_JAVA_OPTS:-$(grep -v '^#' "$top/deploy/java-opts")} -jar target/quarkus-app/quarkus-run.jar
