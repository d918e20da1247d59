#!/usr/bin/env bash
# Removes what deploy/install.sh installed. By default the environments keep running (they are
# Docker's: containers, volumes, images) and the data stays (/var/lib/reviewenv: records, Redis,
# Traefik's logs and certificates; /srv/git); say otherwise:
#
#   sudo deploy/uninstall.sh                         # the service goes; environments and data stay
#   sudo deploy/uninstall.sh --remove-environments   # first every environment is stopped, as a manual stop does
#   sudo deploy/uninstall.sh --purge                 # also the data and the user reviewenv (not /srv/git)
#
# Options: --root DIR (a root file system, nothing is stopped), --check (say what would go).
# Exit codes: 0 done; 1 an environment could not be stopped (nothing else was removed); 2 bad arguments.
set -euo pipefail
ROOT=""
CHECK=0
REMOVE_ENVIRONMENTS=0
PURGE=0
say() { printf 'uninstall: %s\n' "$*" >&2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --remove-environments) REMOVE_ENVIRONMENTS=1; shift ;;
    --purge) PURGE=1; shift ;;
    --check) CHECK=1; shift ;;
    --root) ROOT=$(cd "${2:?--root needs a directory}" && pwd); shift 2 ;;
    *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { say "run as root: sudo $0"; exit 2; }
live=0
[ -z "$ROOT" ] && [ -d /run/systemd/system ] && live=1
gone() { if [ "$CHECK" = 1 ]; then say "would remove $1"; else say "removing $1"; rm -rf -- "$ROOT$1"; fi; }

if [ "$REMOVE_ENVIRONMENTS" = 1 ]; then
  [ "$live" = 1 ] || { say "--remove-environments needs the running service (systemd); start it first"; exit 1; }
  # shellcheck disable=SC1091
  token=$(sed -n 's/^REVIEWENV_API_TOKEN=//p' /etc/reviewenv/reviewenv.env | tail -1)
  api=http://127.0.0.1:8080/api
  for name in $(curl -fsS -H "Authorization: Bearer $token" "$api/environments" | grep -o '"name":"[a-z0-9-]*"' | cut -d'"' -f4); do
    if [ "$CHECK" = 1 ]; then say "would stop the environment $name"; continue; fi
    job=$(curl -fsS -X DELETE -H "Authorization: Bearer $token" "$api/environments/$name" | grep -o '"job":"[^"]*"' | cut -d'"' -f4)
    for _ in $(seq 1 300); do
      status=$(curl -fsS -H "Authorization: Bearer $token" "$api/jobs/$job" | grep -o '"status":"[a-z]*"' | head -1 | cut -d'"' -f4)
      case "$status" in succeeded) say "stopped $name"; break ;; failed|cancelled) say "stopping $name $status; nothing removed"; exit 1 ;; esac
      sleep 1
    done
  done
fi

units=(reviewenv.service reviewenv-traefik.service reviewenv-redis.service reviewenv-reap.timer reviewenv-reap.service reviewenv-firewall.service reviewenv-isolation.service)
for u in "${units[@]}"; do
  [ -e "$ROOT/etc/systemd/system/$u" ] || continue
  if [ "$CHECK" = 1 ]; then say "would stop and disable $u"; continue; fi
  if [ "$live" = 1 ]; then systemctl disable --now "$u" >/dev/null 2>&1 || true; else systemctl ${ROOT:+--root="$ROOT"} disable "$u" >/dev/null 2>&1 || true; fi
  gone "/etc/systemd/system/$u"
done
[ "$live" = 1 ] && [ "$CHECK" = 0 ] && systemctl daemon-reload
gone /usr/local/bin/reviewenv-reap
gone /etc/logrotate.d/reviewenv-traefik
gone /opt/reviewenv
gone /etc/reviewenv
if [ "$PURGE" = 1 ]; then
  gone /var/lib/reviewenv
  gone /var/spool/reviewenv
  if grep -q '^reviewenv:' "$ROOT/etc/passwd"; then
    if [ "$CHECK" = 1 ]; then say "would remove the user reviewenv"; else userdel ${ROOT:+--root "$ROOT"} reviewenv; fi
  fi
  [ "$REMOVE_ENVIRONMENTS" = 1 ] || say "environments still running are no longer reviewenv's to end: docker ps --filter label=dev.reviewenv.environment"
fi
[ "$CHECK" = 1 ] || say "done; Debian's packages (docker.io, redis-server, ...) and /srv/git are left as they are"
