#!/usr/bin/env bash
# Runs Traefik as the container reviewenv-traefik on the shared network, watching the route
# directory. Re-running replaces the container.
#
# Reads: REVIEWENV_ROUTES (the route directory; default $HOME/.reviewenv-traefik/dynamic),
#        REVIEWENV_TRAEFIK_LOGS (where access.log goes, which reviewenv reads for each
#        environment's last request; default the route directory's sibling logs/),
#        REVIEWENV_NETWORK (default reviewenv), REVIEWENV_HTTP_PORT (host port; default 80),
#        REVIEWENV_HTTP_BIND (host address; default 0.0.0.0).
# Needs the image reviewenv/traefik:local (deploy/host-deps.sh builds it).
# Exit codes: 0 running; 1 could not start (docker's message is shown).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
routes=${REVIEWENV_ROUTES:-$HOME/.reviewenv-traefik/dynamic}
network=${REVIEWENV_NETWORK:-reviewenv}
port=${REVIEWENV_HTTP_PORT:-80}
bind=${REVIEWENV_HTTP_BIND:-0.0.0.0}
logs=${REVIEWENV_TRAEFIK_LOGS:-$(dirname "$routes")/logs}
mkdir -p "$routes" "$logs"
docker rm -f reviewenv-traefik >/dev/null 2>&1 || true
docker run -d --name reviewenv-traefik --restart unless-stopped --network "$network" \
  -p "$bind:$port:80" \
  -v "$routes:/etc/traefik/dynamic:ro" \
  -v "$logs:/var/log/traefik" \
  -v "$here/traefik.yml:/etc/traefik/traefik.yml:ro" \
  reviewenv/traefik:local >/dev/null
echo "traefik: serving http://<name>.<domain>:$port from $routes"
