#!/usr/bin/env bash
# Runs every test: installs and starts what they need (deploy/host-deps.sh: Docker engine,
# Compose v1 and v2, Redis, the Traefik and busybox images; and the distribution registry, built
# with `go install`; schemathesis; Chromium and its driver; debootstrap; btrfs-progs and xfsprogs),
# then `./mvnw verify`.
# The tests start their own Redis, Traefik and network and remove them afterwards.
# Extra arguments go to Maven (e.g. -Dtest=EnvironmentNamesTest).
# Exit code: Maven's; 1 when a dependency cannot be installed or started.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
"$top/deploy/host-deps.sh"

# A real image registry, so that tests can make a deploy pull (none is reachable from here).
export GOBIN=${GOBIN:-/opt/reviewenv/tools/go-bin}
export REVIEWENV_REGISTRY_BIN="$GOBIN/registry"
if [ ! -x "$REVIEWENV_REGISTRY_BIN" ]; then
  command -v go >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go >/dev/null
  echo "test: installing the distribution registry into $GOBIN" >&2
  GOTOOLCHAIN=auto go install github.com/distribution/distribution/v3/cmd/registry@v3.0.0
fi
# schemathesis checks the API against its own description; Chromium is the dashboard tests' browser.
if [ ! -x /opt/reviewenv/tools/bin/st ]; then
  echo "test: installing schemathesis into /opt/reviewenv/tools" >&2
  /opt/reviewenv/tools/bin/pip install -q schemathesis==4.32.5
fi
# Chromium for the dashboard test; debootstrap, openssl, shellcheck for the installer's tests (InstallIT, TlsTest, ScriptsTest);
# gcc and libc6-dev build the raw-socket tool of the isolation test (IsolationTest); openssh-server is the
# forge a test fetches from over SSH (MirrorsTest: an sshd of its own on a loopback port, never the system's);
# btrfs-progs and xfsprogs make the copy-on-write file systems of the seeding tests' second Docker daemon
# (testsupport/CowDaemon: mkfs.btrfs, mkfs.xfs -m reflink=1, btrfs filesystem sync on a loop device).
test_packages=(chromium chromium-driver debootstrap openssl shellcheck gcc libc6-dev openssh-server btrfs-progs xfsprogs)
for p in "${test_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
    || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${test_packages[@]}" >/dev/null
done
exec ./mvnw -B verify "$@"
