"""The seed part of reviewenv's benchmark (bench.py --only seed).

A branch whose compose file says x-reviewenv: {seed: {from: <base>, volumes: [db]}} starts with a copy
of the base environment's volume db. This part measures that copy as the packaged service makes it
(the seconds its job log reports: "seed: volume db copied from <base>: <bytes> bytes by reflink in
<seconds> s") against cp -a (coreutils 9 reflinks where it can by default), cp -a --reflink=never (with
and without a sync after it: the copier's copy is on the disk when its container has ended) and cp -a
--reflink=always of the same data on the same file system (as root, on the volumes' _data
directories), for 64 MiB and 1 GiB, on two daemons: one on btrfs that
this part makes (CowDaemon, as the tests' testsupport/CowDaemon.java: a sparse file on a loop
device, in network and mount namespaces of its own) and this machine's own (overlay2 on ext4). The
service is restarted for each daemon with DOCKER_HOST pointing at it and a home of its own. Every
figure is a median of --runs; nothing is left behind (environments, volumes, the copier image it
made on this machine's daemon, the btrfs daemon and its file).
"""
import os
import json
import re
import statistics
import subprocess
import time
import uuid

SIZES_MIB = (64, 1024)
LOG_LINE = re.compile(r"seed: volume db copied from (\S+): (\d+) bytes by (reflink|plain copy) in ([\d.]+) s")
COPIER_LABEL = "dev.reviewenv.copier"

COMPOSE = """services:
  db:
    image: reviewenv/busybox:local
    init: true
    expose: ["8080"]
    command: ["sh", "-c", "[ -f /data/done ] || {{ busybox dd if=/dev/urandom of=/data/blob bs=1M count={mib} 2>/dev/null && busybox touch /data/done; }}; exec httpd -f -p 8080 -h /data"]
    healthcheck: {{test: ["CMD-SHELL", "test -f /data/done"], interval: 1s, retries: 600}}
    volumes: ["db:/data"]
volumes:
  db: {{}}
"""
SEEDED = "x-reviewenv: {{seed: {{from: {base}, volumes: [db]}}}}\n"


def sh(*argv, check=True):
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if check and r.returncode != 0:
        raise SystemExit("`%s` failed (%d):\n%s" % (" ".join(argv), r.returncode, r.stdout))
    return r.stdout


class Daemon:
    """A Docker daemon as the docker CLI reaches it, and the file system its volumes live on."""

    def __init__(self, label, host, btrfs_mount=None):
        self.label = label
        self.host = host
        self.btrfs_mount = btrfs_mount

    def docker(self, *args, check=True):
        return sh("docker", "-H", self.host, *args, check=check)

    def mountpoint(self, volume):
        return self.docker("volume", "inspect", "-f", "{{.Mountpoint}}", volume).strip()

    def free(self, path):
        """statvfs free bytes of the file system at path once written data is accounted for (btrfs does it lazily)."""
        sh("sync")
        if self.btrfs_mount:
            sh("btrfs", "filesystem", "sync", self.btrfs_mount)
        st = os.statvfs(path)
        return st.f_bavail * st.f_frsize


class CowDaemon:
    """A second dockerd on a btrfs loop device, in its own network and mount namespaces (see testsupport/CowDaemon.java)."""

    def __init__(self):
        self.id = uuid.uuid4().hex[:8]
        self.name = "rvcow" + self.id
        self.dir = "/var/tmp/reviewenv-cow-" + self.id
        self.mnt = os.path.join(self.dir, "mnt")
        self.host = "unix://" + os.path.join(self.dir, "docker.sock")
        self.process = None
        self.mounted = False
        self.netns = False

    def start(self):
        os.makedirs(self.mnt)
        image = os.path.join(self.dir, "disk.img")
        sh("truncate", "-s", str(6 << 30), image)
        sh("mkfs.btrfs", "-q", image)
        sh("mount", "-o", "loop", image, self.mnt)
        self.mounted = True
        sh("ip", "netns", "add", self.name)
        self.netns = True
        sh("ip", "-n", self.name, "link", "set", "lo", "up")
        with open(os.path.join(self.dir, "daemon.json"), "w") as f:
            f.write("{}\n")  # not the machine's /etc/docker/daemon.json
        dockerd = " ".join(["exec dockerd", "--config-file", os.path.join(self.dir, "daemon.json"),
                            "--data-root", os.path.join(self.mnt, "docker"), "--exec-root", os.path.join(self.dir, "exec"),
                            "--pidfile", os.path.join(self.dir, "docker.pid"), "-H", self.host, "--cgroup-parent", self.name])
        log = open(os.path.join(self.dir, "dockerd.log"), "w")
        # nsenter and unshare exec what they run, and sh execs dockerd: the PID kept is the daemon's.
        self.process = subprocess.Popen(["nsenter", "--net=/run/netns/" + self.name, "unshare", "--mount", "sh", "-c",
                                         "mount -t tmpfs tmpfs /run && " + dockerd], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while subprocess.run(["docker", "-H", self.host, "version"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode:
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise SystemExit("the btrfs dockerd did not start:\n" + open(os.path.join(self.dir, "dockerd.log")).read()[-2000:])
            time.sleep(0.2)
        tar = os.path.join(self.dir, "image.tar")
        sh("docker", "save", "-o", tar, "reviewenv/busybox:local")
        sh("docker", "-H", self.host, "load", "-q", "-i", tar)
        os.remove(tar)
        return Daemon("btrfs (loop device)", self.host, self.mnt)

    def close(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.mounted and subprocess.run(["umount", self.mnt]).returncode != 0:
            time.sleep(1)
            if subprocess.run(["umount", self.mnt]).returncode != 0:
                subprocess.run(["umount", "-l", self.mnt])
        for line in sh("losetup", "-j", os.path.join(self.dir, "disk.img"), check=False).splitlines():
            sh("losetup", "-d", line.split(":")[0], check=False)
        if self.netns:
            sh("ip", "netns", "del", self.name, check=False)
        sh("sh", "-c", "for c in /sys/fs/cgroup/*/%s; do [ -d \"$c\" ] && find \"$c\" -depth -type d -exec rmdir {} + ; done; true"
           % self.name, check=False)
        sh("rm", "-rf", self.dir, check=False)


def median(xs):
    """The median of what was measured; None when nothing was (a cp that refused every time)."""
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def timed_cp(daemon, source, flags, synced=False):
    """cp -a (with flags) of the source volume's data into a fresh volume on the same daemon, and a sync after it when
    synced (what is written is on the disk, as the copier's is when it ends): seconds, or None when cp refuses."""
    target = "reviewenv-bench-rawseed-" + uuid.uuid4().hex[:8]
    daemon.docker("volume", "create", target)
    try:
        src, dst = daemon.mountpoint(source), daemon.mountpoint(target)
        sh("sync")
        t0 = time.monotonic()
        r = subprocess.run(["cp", "-a"] + flags + [src + "/.", dst + "/"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            return None
        if synced:
            sh("sync")
        return time.monotonic() - t0
    finally:
        daemon.docker("volume", "rm", "-f", target, check=False)


class SeedPart:
    """The seed rows: bench is bench.py's Bench (its git work tree, service and jobs), http its GET with the API token."""

    def __init__(self, bench, http):
        self.bench = bench
        self.http = http
        self.rows = []

    def branch(self, branch, mib, base=None):
        """Pushes a branch whose db volume holds mib MiB (written by the base, seeded from base otherwise); its job, succeeded."""
        b = self.bench
        git = lambda *args: subprocess.run(["git", "-C", b.work] + list(args), env=b.git_env, check=True,
                                           stdout=subprocess.DEVNULL)
        git("checkout", "-q", "-B", branch)
        with open(os.path.join(b.work, "docker-compose.yml"), "w") as f:
            f.write((SEEDED.format(base=base) if base else "") + COMPOSE.format(mib=mib))
        git("add", "-A")
        git("commit", "-q", "--allow-empty", "-m", branch)
        return b.await_job(b.push(branch)[0])

    def volume(self, daemon, environment):
        names = daemon.docker("volume", "ls", "-q", "--filter", "label=dev.reviewenv.environment=" + environment,
                              "--filter", "label=com.docker.compose.volume=db").split()
        if len(names) != 1:
            raise SystemExit("environment %s has %d volumes db: %s" % (environment, len(names), names))
        return names[0]

    def on(self, n, daemon):
        b = self.bench
        b.stop_service()
        b.start_service(DOCKER_HOST=daemon.host, REVIEWENV_HOME=os.path.join(b.root, "seed-home-%d" % n),
                        REVIEWENV_COMPOSE_READY_TIMEOUT="300s")
        try:
            for mib in SIZES_MIB:
                base = "seed%db%d" % (n, mib)
                self.branch(base, mib)
                source = self.volume(daemon, base)
                ours, cp, never, never_synced, reflink, taken, how = [], [], [], [], [], [], set()
                for i in range(b.args.runs):
                    branch = "seed%ds%dr%d" % (n, mib, i)
                    free = daemon.free(daemon.mountpoint(source))
                    job = self.branch(branch, mib, base)
                    taken.append((free - daemon.free(daemon.mountpoint(source))) / 2**20)
                    m = LOG_LINE.search(job["output"])
                    if not m:
                        raise SystemExit("the job of %s does not say it seeded db:\n%s" % (branch, job["output"]))
                    ours.append(float(m.group(4)))
                    how.add(m.group(3))
                    cp.append(timed_cp(daemon, source, []))  # coreutils 9 reflinks by default (--reflink=auto)
                    never.append(timed_cp(daemon, source, ["--reflink=never"]))
                    never_synced.append(timed_cp(daemon, source, ["--reflink=never"], synced=True))
                    reflink.append(timed_cp(daemon, source, ["--reflink=always"]))
                    b.stop(branch)
                b.stop(base)
                row = (daemon.label, mib, median(ours), "/".join(sorted(how)), median(cp), median(never), median(never_synced),
                       median(reflink), "%.1f" % median(taken))
                self.rows.append(row)
                print("  " + " | ".join(cell(x) for x in row), flush=True)
        finally:
            self.stop_all()
            b.stop_service()

    def stop_all(self):
        """Every environment the service under this part still has, stopped (also after a failure)."""
        b = self.bench
        status, body = self.http("http://127.0.0.1:%d/api/environments" % b.http_port, timeout=60)
        for env in (json.loads(body) if status == 200 else []):
            try:
                b.stop(env["name"])
            except SystemExit as e:
                print("could not stop %s: %s" % (env["name"], e), flush=True)

    def run(self):
        host = Daemon("overlay2 on ext4", "unix:///var/run/docker.sock")
        copiers_before = host.docker("images", "-q", "--filter", "label=" + COPIER_LABEL).split()
        cow = CowDaemon()
        try:
            self.on(0, cow.start())
            self.on(1, host)
        finally:
            cow.close()
            for image in host.docker("images", "-q", "--filter", "label=" + COPIER_LABEL).split():
                if image not in copiers_before:
                    host.docker("rmi", "-f", image, check=False)
            self.bench.start_service()
        return self.table()

    def table(self):
        lines = ["", "Seeding a volume on first deploy: reviewenv's copy (the seconds its job log reports) against cp of the"
                 " same data on the same file system (coreutils %s), medians of %d runs." % (COREUTILS, self.bench.args.runs), "",
                 "| data root | data | reviewenv (s) | how | cp -a (s) | cp -a --reflink=never (s) | the same + sync (s)"
                 " | cp -a --reflink=always (s) | free space the deploy took (MiB) |",
                 "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |"]
        for row in self.rows:
            lines.append("| " + " | ".join(cell(x) for x in row) + " |")
        return "\n".join(lines) + "\n"


COREUTILS = sh("cp", "--version").splitlines()[0].split()[-1]


def cell(x):
    """A table cell: seconds and MiB to three and one places, a size in MiB as MiB or GiB, a refused cp as such."""
    if x is None:
        return "refused"
    if isinstance(x, int):
        return "%d MiB" % x if x < 1024 else "%d GiB" % (x // 1024)
    if isinstance(x, float):
        return "%.3f" % x
    return str(x)
