#!/usr/bin/env python3
"""reviewenv's benchmark: the packaged service against the raw tools, measured side by side in one run.

Starts its own Redis, Docker network, Traefik container and service (java -jar, with the JVM flags
of deploy/start.sh), pushes through the real hook, and prints a Markdown table of medians and
ratios. It is a harness, not a test: it asserts nothing but that what it measures happened.

Usage: bench/run.sh [--runs N] [--records N] [--environments N] [--parallel N] [--only push,...,seed]
The seed part is bench/seed.py.
"""
import argparse
from http.client import HTTPConnection
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid

import seed

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(TOP, "target", "quarkus-app", "quarkus-run.jar")
TOKEN = "bench-token-" + uuid.uuid4().hex[:16]
JVM_FLAGS = os.environ.get("REVIEWENV_JAVA_OPTS", " ".join(
    line for line in open(os.path.join(TOP, "deploy", "java-opts")).read().splitlines() if not line.startswith("#"))).split()

COMPOSE = """services:
  web:
    build: ./web
    init: true
    expose: ["8080"]
"""
DOCKERFILE = """FROM reviewenv/busybox:local
RUN mkdir -p /www && echo '{page}' > /www/index.html
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
"""


def sh(*argv, cwd=None, env=None, check=True):
    r = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if check and r.returncode != 0:
        raise SystemExit("`%s` failed (%d):\n%s" % (" ".join(argv), r.returncode, r.stdout))
    return r.stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(url, host=None, method="GET", timeout=5, data=None, auth=None):
    req = urllib.request.Request(url, method=method, data=data)
    if host:
        req.add_header("Host", host)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    req.add_header("Authorization", auth or "Bearer " + TOKEN)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except OSError:
        return 0, ""


# reviewer:let-me-review, for the sign-in rows of the load part.
BCRYPT = "$2a$10$OpkPEPV3Id5DB5lvUqUflu3yePdB7jb5qQWu5bk3G8RZ8jM2LgDo."


def base64(text):
    import base64 as b64
    return b64.b64encode(text.encode()).decode()


class Timed:
    def __init__(self, times, codes, background_codes):
        self.times = sorted(times)
        self.count = len(times)
        self.codes = dict(sorted(codes.items()))
        self.background_codes = dict(sorted(background_codes.items()))
        self.ok = set(self.codes) <= {200, 202}
        self.p50 = median(self.times)
        self.p99 = self.times[min(len(self.times) - 1, int(len(self.times) * 0.99))] if self.times else float("nan")


def timed(call, clients, seconds=None, count=None, background=None):
    """Runs call() from `clients` threads for `seconds` (or `count` times each); its latencies and status codes."""
    times, codes, bg_codes, lock = [], {}, {}, threading.Lock()
    until = time.monotonic() + (seconds or 3600)
    stop = threading.Event()

    def client():
        i = 0
        while time.monotonic() < until and (count is None or i < count):
            t0 = time.monotonic()
            r = call()
            code = r[0] if isinstance(r, tuple) else 0
            with lock:
                times.append(time.monotonic() - t0)
                codes[code] = codes.get(code, 0) + 1
            i += 1

    def attacker(fn):
        while not stop.is_set():
            code = fn()[0]
            with lock:
                bg_codes[code] = bg_codes.get(code, 0) + 1

    attackers = [threading.Thread(target=attacker, args=(background[0],)) for _ in range(background[1])] if background else []
    for a in attackers:
        a.start()
    if attackers:
        time.sleep(1)
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    for a in attackers:
        a.join()
    return Timed(times, codes, bg_codes)


def slow_clients(port, n):
    """n connections sending a request head a byte a second: how long each lasted until the service closed it."""
    lasted = []

    def one():
        s = socket.create_connection(("127.0.0.1", port))
        s.settimeout(1)
        t0 = time.monotonic()
        try:
            for b in b"GET /api/environments HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
                s.sendall(bytes([b]))
                try:
                    s.recv(4096)  # an answer (the 408) or the close: dropped
                    lasted.append(time.monotonic() - t0)
                    return
                except socket.timeout:
                    continue  # a second passed: the next byte
        except OSError:
            lasted.append(time.monotonic() - t0)
        finally:
            s.close()

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return lasted


def wait(what, predicate, limit=180, every=0.02):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(every)
    raise SystemExit("timed out waiting for " + what)


def median(xs):
    return statistics.median(xs) if xs else float("nan")


class Bench:
    def __init__(self, args):
        self.args = args
        self.root = tempfile.mkdtemp(prefix="reviewenv-bench-")
        self.home = os.path.join(self.root, "home")
        self.git_root = os.path.join(self.root, "git")
        self.routes = os.path.join(self.home, ".reviewenv-traefik", "dynamic")
        os.makedirs(self.routes)
        os.makedirs(self.git_root)
        self.id = uuid.uuid4().hex[:6]
        self.network = "reviewenv-bench-" + self.id
        self.redis_port = free_port()
        self.http_port = free_port()
        self.results = []
        self.service = None
        self.raw_projects = []

    # --- the parts ---

    def start_redis(self):
        self.redis = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(self.redis_port), "--save", "",
                                       "--appendonly", "yes", "--dir", self.root], stdout=subprocess.DEVNULL)

    def build_caches(self):
        """The build caches (volumes) of the bench's repository: reviewenv makes one per repository."""
        return set(sh("docker", "volume", "ls", "-q", "--filter", "label=dev.reviewenv.build-cache=bench/app", check=False).split())

    def start_parts(self):
        self.caches_before = self.build_caches()
        self.start_redis()
        sh("docker", "network", "create", self.network)
        self.traefik = sh("docker", "run", "-d", "--name", "reviewenv-bench-traefik-" + self.id, "--network", self.network,
                          "-p", "127.0.0.1::80", "-v", self.routes + ":/etc/traefik/dynamic:ro",
                          "-v", os.path.join(self.home, ".reviewenv-traefik", "logs") + ":/var/log/traefik",
                          "-v", os.path.join(TOP, "traefik", "traefik.yml") + ":/etc/traefik/traefik.yml:ro",
                          "reviewenv/traefik:local").strip()
        self.traefik_port = int(sh("docker", "port", self.traefik, "80/tcp").splitlines()[0].rsplit(":", 1)[1])
        sh(os.path.join(TOP, "deploy", "new-repo.sh"), "bench/app", env=dict(os.environ, REVIEWENV_GIT_ROOT=self.git_root))
        self.work = os.path.join(self.root, "work")
        sh("git", "init", "-q", "-b", "main", self.work)
        sh("git", "-C", self.work, "remote", "add", "ci", os.path.join(self.git_root, "bench/app.git"))
        self.git_env = dict(os.environ, REVIEWENV_URL="http://127.0.0.1:%d" % self.http_port, REVIEWENV_TOKEN=TOKEN,
                            REVIEWENV_HOOK_ENV="/nonexistent", REVIEWENV_SPOOL=os.path.join(self.root, "spool"),
                            GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@b", GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@b")

    def start_service(self, reaper_every="1h", **extra):
        env = dict(os.environ)
        env.update(MALLOC_ARENA_MAX="2", REVIEWENV_HOME=self.home, REVIEWENV_GIT_ROOT=self.git_root,
                   REVIEWENV_REDIS_URL="redis://127.0.0.1:%d" % self.redis_port, REVIEWENV_NETWORK=self.network,
                   REVIEWENV_API_TOKEN=TOKEN, REVIEWENV_REAPER_EVERY=reaper_every, QUARKUS_HTTP_PORT=str(self.http_port),
                   REVIEWENV_SPOOL_DIR=os.path.join(self.root, "spool"), REVIEWENV_JOBS_WORKERS=str(self.args.workers),
                   REVIEWENV_TRAEFIK_CONTAINER="reviewenv-bench-traefik-" + self.id,
                   REVIEWENV_BUILD_LOCAL_IMAGES="reviewenv/busybox:local")
        env.update(extra)
        log = open(os.path.join(self.root, "service.log"), "a")
        t0 = time.monotonic()
        self.service = subprocess.Popen(["java"] + JVM_FLAGS + ["-jar", JAR], env=env, stdout=log, stderr=subprocess.STDOUT)
        wait("the service", lambda: http("http://127.0.0.1:%d/q/health/ready" % self.http_port)[0] == 200, limit=90)
        return time.monotonic() - t0

    def stop_service(self):
        if self.service and self.service.poll() is None:
            self.service.terminate()
            self.service.wait(60)

    def traefik_mb(self):
        usage = sh("docker", "stats", "--no-stream", "--format", "{{.MemUsage}}", self.traefik).split("/")[0].strip()
        number = float(re.match(r"[\d.]+", usage).group(0))
        unit = usage[len(re.match(r"[\d.]+", usage).group(0)):].strip()
        return number * {"B": 1 / 2**20, "KiB": 1 / 1024, "MiB": 1, "GiB": 1024}.get(unit, 1)

    def rss_mb(self):
        with open("/proc/%d/status" % self.service.pid) as f:
            return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) / 1024

    def close(self):
        if self.service and self.service.poll() is None:
            status, body = http("http://127.0.0.1:%d/api/environments" % self.http_port, timeout=60)
            for env in (json.loads(body) if status == 200 else []):
                if not env["name"].startswith("rec"):
                    try:
                        self.stop(env["name"])
                    except SystemExit as e:
                        print("could not stop %s: %s" % (env["name"], e), file=sys.stderr)
        self.stop_service()
        for p in self.raw_projects:
            sh("docker", "compose", "-p", p, "-f", os.path.join(self.root, "raw", p, "docker-compose.yml"), "down",
               "--rmi", "local", "--volumes", "--remove-orphans", check=False)
        for c in sh("docker", "ps", "-aq", "--filter", "network=" + self.network, check=False).split():
            sh("docker", "rm", "-f", c, check=False)
        sh("docker", "rm", "-f", "reviewenv-bench-traefik-" + self.id, check=False)
        sh("docker", "network", "rm", self.network, check=False)
        for img in sh("docker", "images", "--format", "{{.Repository}}", check=False).split():
            if re.match(r"(bench|par|mem|wake)\d+(/web|-web)$|rawbench", img):
                sh("docker", "rmi", "-f", img, check=False)
        for v in self.build_caches() - getattr(self, "caches_before", set()):
            sh("docker", "volume", "rm", v, check=False)
        self.redis.terminate()
        shutil.rmtree(self.root, ignore_errors=True)

    # --- pushing ---

    def commit_branch(self, branch, page):
        sh("git", "-C", self.work, "checkout", "-q", "-B", branch, env=self.git_env)
        os.makedirs(os.path.join(self.work, "web"), exist_ok=True)
        with open(os.path.join(self.work, "docker-compose.yml"), "w") as f:
            f.write(COMPOSE)
        with open(os.path.join(self.work, "web", "Dockerfile"), "w") as f:
            f.write(DOCKERFILE.format(page=page))
        sh("git", "-C", self.work, "add", "-A", env=self.git_env)
        sh("git", "-C", self.work, "commit", "-q", "-m", page, env=self.git_env)

    def push(self, *branches):
        out = sh("git", "-C", self.work, "push", "-q", "-f", "ci", *branches, env=self.git_env)
        return re.findall(r"started job ([0-9a-f-]{36})", out)

    def answers(self, name, page):
        status, body = http("http://127.0.0.1:%d/" % self.traefik_port, host=name + ".localhost", timeout=2)
        return status == 200 and page in body

    def job(self, job_id):
        return json.loads(http("http://127.0.0.1:%d/api/jobs/%s" % (self.http_port, job_id))[1])

    def await_job(self, job_id):
        wait("job " + job_id, lambda: self.job(job_id)["status"] in ("succeeded", "failed", "cancelled"), every=0.05)
        j = self.job(job_id)
        if j["status"] != "succeeded":
            raise SystemExit("job %s %s:\n%s" % (job_id, j["status"], j["output"]))
        return j

    def stop(self, name):
        status, body = http("http://127.0.0.1:%d/api/environments/%s" % (self.http_port, name), method="DELETE")
        return self.await_job(json.loads(body)["job"])

    # --- the raw tools ---

    def raw_dir(self, project, page):
        d = os.path.join(self.root, "raw", project)
        os.makedirs(os.path.join(d, "web"), exist_ok=True)
        with open(os.path.join(d, "docker-compose.yml"), "w") as f:
            f.write(COMPOSE)
        with open(os.path.join(d, "web", "Dockerfile"), "w") as f:
            f.write(DOCKERFILE.format(page=page))
        return d

    def raw_up(self, project, page):
        d = self.raw_dir(project, page)
        self.raw_projects.append(project)
        t0 = time.monotonic()
        sh("docker", "compose", "-p", project, "-f", os.path.join(d, "docker-compose.yml"), "up", "-d", "--build", "--quiet-pull")
        cid = sh("docker", "compose", "-p", project, "-f", os.path.join(d, "docker-compose.yml"), "ps", "-q", "web").strip()
        ip = sh("docker", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", cid).strip()

        def answered():
            s, b = http("http://%s:8080/" % ip, timeout=2)
            return s == 200 and page in b
        wait("raw " + project, answered)
        return time.monotonic() - t0

    def raw_down(self, project):
        t0 = time.monotonic()
        sh("docker", "compose", "-p", project, "-f", os.path.join(self.root, "raw", project, "docker-compose.yml"), "down",
           "--rmi", "local", "--volumes", "--remove-orphans")
        self.raw_projects.remove(project)
        return time.monotonic() - t0

    # --- the measures ---

    def row(self, what, ours, raw, goal):
        ratio = ours / raw if raw else float("nan")
        self.results.append((what, ours, raw, ratio, goal))
        print("  %-58s %8.3f  %8.3f  %6.2fx  %s" % (what, ours, raw, ratio, goal), flush=True)

    def push_and_teardown(self):
        ours, raw, ours_down, raw_down = [], [], [], []
        for i in range(self.args.runs):
            page = "page-%d-%s" % (i, uuid.uuid4().hex[:8])
            raw.append(self.raw_up("rawbench%d" % i, page))
            self.commit_branch("bench%d" % i, page)
            t0 = time.monotonic()
            self.push("bench%d" % i)
            wait("bench%d to answer" % i, lambda: self.answers("bench%d" % i, page))
            ours.append(time.monotonic() - t0)
            t0 = time.monotonic()
            self.stop("bench%d" % i)
            ours_down.append(time.monotonic() - t0)
            raw_down.append(self.raw_down("rawbench%d" % i))
        self.one_push = median(ours)
        self.row("push -> answering via Traefik (s) vs raw up -d --build", median(ours), median(raw),
                 "goal <= 1.05 x raw + 0.3 s = %.3f s" % (1.05 * median(raw) + 0.3))
        self.row("teardown (s) vs raw down --rmi local --volumes", median(ours_down), median(raw_down), "")

    def parallel(self):
        n = self.args.parallel
        pages = {}
        for i in range(n):
            pages["par%d" % i] = "par-%d-%s" % (i, uuid.uuid4().hex[:8])
            self.commit_branch("par%d" % i, pages["par%d" % i])
        t0 = time.monotonic()
        jobs = self.push(*pages.keys())
        wait("%d branches to answer" % n, lambda: all(self.answers(b, p) for b, p in pages.items()), limit=600, every=0.2)
        took = time.monotonic() - t0
        bound = n * self.one_push / self.args.workers
        self.row("%d branches pushed at once, all answering (s) vs one push" % n, took, self.one_push,
                 "goal <= %d x one / %d workers + 20%% = %.1f s" % (n, self.args.workers, bound * 1.2))
        assert len(jobs) == n
        for b in pages:
            self.stop(b)
        # The raw tools doing the same work, as many at a time as reviewenv has workers.
        from concurrent.futures import ThreadPoolExecutor
        t0 = time.monotonic()
        with ThreadPoolExecutor(self.args.workers) as pool:
            list(pool.map(lambda i: self.raw_up("rawbench%d" % i, "raw-par-%d" % i), range(n)))
        raw = time.monotonic() - t0
        self.row("  the same vs %d raw up -d --build, %d at a time (s)" % (n, self.args.workers), took, raw, "")
        for i in range(n):
            self.raw_down("rawbench%d" % i)

    def memory(self, idle_rss):
        n = self.args.environments
        pages = {}
        for i in range(n):
            pages["mem%d" % i] = "mem-%d" % i
            self.commit_branch("mem%d" % i, pages["mem%d" % i])
        traefik_idle = self.traefik_mb()
        for j in self.push(*pages.keys()):
            self.await_job(j)
        time.sleep(5)
        rss = self.rss_mb()
        self.row("service RSS with %d environments (MB) vs idle" % n, rss, idle_rss, "")
        # Traefik joins one network per environment: what it costs it, and what one more join costs.
        self.row("Traefik memory on %d routing networks (MB) vs on none" % n, self.traefik_mb(), traefik_idle, "")
        extra = "reviewenv-bench-join-" + self.id
        sh("docker", "network", "create", "--internal", extra)
        t0 = time.monotonic()
        sh("docker", "network", "connect", extra, self.traefik)
        join = time.monotonic() - t0
        sh("docker", "network", "disconnect", extra, self.traefik)
        sh("docker", "network", "rm", extra)
        bare = "reviewenv-bench-bare-" + self.id
        sh("docker", "network", "create", "--internal", bare)
        probe = sh("docker", "run", "-d", "--rm", "--network", self.network, "reviewenv/busybox:local", "sleep", "60").strip()
        t0 = time.monotonic()
        sh("docker", "network", "connect", bare, probe)
        raw_join = time.monotonic() - t0
        sh("docker", "rm", "-f", probe)
        sh("docker", "network", "rm", bare)
        self.row("Traefik joins its %d-th network (s) vs a container on one network" % (n + 1), join, raw_join, "")
        for b in pages:
            self.stop(b)

    def records(self):
        n = self.args.records
        base = os.path.join(self.home, ".reviewenv")
        now = int(time.time())
        for i in range(n):
            d = os.path.join(base, "rec%05d" % i)
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "environment.json"), "w") as f:
                json.dump({"name": "rec%05d" % i, "repository": "bench/gone", "branch": "b%d" % i, "ref": "refs/heads/b%d" % i,
                           "commit": "0" * 40, "url": "http://rec%05d.localhost" % i, "status": "deploying",
                           "createdAt": "2026-01-01T00:00:00Z", "history": []}, f)
            with open(os.path.join(d, "removeat"), "w") as f:
                f.write("%d\n" % (now + 86400))
        times = []
        for run in range(self.args.runs + 1):
            t0 = time.monotonic()
            assert len(self.walk_pages(1000, parse=run == 0)) >= n
            times.append(time.monotonic() - t0)
        assert sorted(self.walk_pages(1000)) == sorted(set(self.walk_pages(1000)))  # whole pages, each name once
        t0 = time.monotonic()
        sh("ls", "-f", base)
        raw_ls = time.monotonic() - t0
        # The same walks, each more than a second after the one before: every record's files looked at again.
        looked = []
        for _ in range(self.args.runs):
            time.sleep(1.2)
            t0 = time.monotonic()
            assert len(self.walk_pages(1000, parse=False)) >= n
            looked.append(time.monotonic() - t0)
        self.row("GET /api/environments: all %d records, pages of 1000 (s, warm) vs ls" % n, median(times[1:]), raw_ls,
                 "goal <= 0.100 s")
        self.row("  the same, a walk 1.2 s after the last (every file looked at) vs ls", median(looked), raw_ls, "")
        self.row("  the same, first (cold) read (s) vs ls", times[0], raw_ls, "")
        # The reaper passes of the service itself, read from its log (reviewenv.reaper.every=2s).
        self.stop_service()
        self.start_service(reaper_every="2s")
        time.sleep(2 * (self.args.runs + 2))
        passes = [int(m) for m in re.findall(r"reaper pass over %d records: .* in (\d+) ms" % n,
                                             open(os.path.join(self.root, "service.log")).read())]
        t0 = time.monotonic()
        for d in os.listdir(base):
            if d.startswith("rec"):
                open(os.path.join(base, d, "removeat")).read()
        raw_read = time.monotonic() - t0
        self.row("reaper pass over %d records (s) vs reading every removeat" % n, median(passes[1:] or passes) / 1000, raw_read,
                 "goal <= 0.200 s")
        for d in os.listdir(base):
            if d.startswith("rec"):
                shutil.rmtree(os.path.join(base, d))

    def walk_pages(self, limit, parse=True):
        """Every environment, following the Link: rel="next" of each page. Unparsed, it counts the
        environments in each page instead of parsing it (how long Python takes to parse 5 MB of JSON
        is not the service's time); the names then are placeholders."""
        names, path = [], "/api/environments?limit=%d" % limit
        connection = HTTPConnection("127.0.0.1", self.http_port, timeout=60)  # one, kept alive, as a browser does
        try:
            while path:
                connection.request("GET", path, headers={"Authorization": "Bearer " + TOKEN})
                r = connection.getresponse()
                body = r.read()
                assert r.status == 200, (r.status, body[:200])
                names += [e["name"] for e in json.loads(body)] if parse else [None] * body.count(b'"name":')
                m = re.search(r'<([^>]+)>; rel="next"', r.getheader("Link") or "")
                path = m.group(1) if m else None
        finally:
            connection.close()
        return names

    def make_records(self, n, prefix="rec"):
        base = os.path.join(self.home, ".reviewenv")
        for i in range(n):
            name = "%s%05d" % (prefix, i)
            d = os.path.join(base, name)
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "environment.json"), "w") as f:
                json.dump({"name": name, "repository": "bench/gone", "branch": "b%d" % i, "ref": "refs/heads/b%d" % i,
                           "commit": "0" * 40, "url": "http://%s.localhost" % name, "status": "running",
                           "createdAt": "2026-01-01T00:00:00Z", "history": []}, f)

    def load(self, idle_rss):
        """The rows of "Hold under load and hostile clients": each attack against the service, and what it left."""
        n = self.args.records
        self.make_records(n, "load")
        self.stop_service()
        self.start_service(REVIEWENV_BASIC_AUTH="reviewer:" + BCRYPT)
        base = "http://127.0.0.1:%d" % self.http_port
        time.sleep(5)
        # 64 readers of pages of 1000 over N records, for 20 s.
        one = timed(lambda: http(base + "/api/environments?limit=1000", timeout=60), 1, 5)
        many = timed(lambda: http(base + "/api/environments?limit=1000&after=load%05d" % (uuid.uuid4().int % (n - 1000)),
                                  timeout=60), 64, 20)
        alive = http(base + "/q/health/live")[0] == 200
        self.row("64 readers of pages of 1000 over %d records: p99 (s) vs one reader" % n, many.p99, one.p99,
                 "no failure: %s (%d answers, %s)" % ("yes" if many.ok and alive else "NO", many.count, many.codes))
        load_rss = self.rss_mb()
        # Pushes at 16 clients with N records: a branch lookup from the index, no global lock.
        body = lambda: json.dumps({"repository": "bench/app", "ref": "refs/heads/load-%s" % uuid.uuid4().hex[:10],
                                   "before": "0" * 40, "after": "1" * 40, "options": {}}).encode()
        pushes = timed(lambda: http(base + "/api/push", method="POST", data=body()), 16, 15)
        floor = timed(lambda: http(base + "/q/health/live"), 16, 5)
        self.row("POST /api/push at 16 clients, %d records: p99 (s) vs GET /q/health/live" % n, pushes.p99, floor.p99,
                 "goal <= 0.100 s; %.0f pushes/s, %s" % (pushes.count / 15, pushes.codes))
        # Wrong basic credentials at 16 clients, and an unrelated request meanwhile.
        calm = timed(lambda: http(base + "/api/jobs/" + str(uuid.uuid4())), 1, 5)
        wrong = lambda: http(base + "/", auth="Basic " + base64("reviewer:guess-%d" % time.monotonic_ns()))
        attacked = timed(lambda: http(base + "/api/jobs/" + str(uuid.uuid4())), 1, 10, background=(wrong, 16))
        self.row("GET /api/jobs/x during 16 clients of wrong passwords: median (s) vs calm", attacked.p50, calm.p50,
                 "the attackers got %s" % attacked.background_codes)
        self.stop_service()
        self.start_service(REVIEWENV_BASIC_AUTH="reviewer:" + BCRYPT)
        # One of each first, untimed: the first sign-in after a start also warms up the code (10 failures in all, the limit).
        http(base + "/", auth="Basic " + base64("nobody:warm"))
        http(base + "/", auth="Basic " + base64("reviewer:warm"))
        known = timed(lambda: http(base + "/", auth="Basic " + base64("reviewer:nope")), 1, count=4)
        unknown = timed(lambda: http(base + "/", auth="Basic " + base64("nobody:nope")), 1, count=4)
        self.row("a wrong password, known user (s) vs unknown user", known.p50, unknown.p50, "goal: the same (1.0x)")
        # Five clients sending a byte a second.
        t0 = time.monotonic()
        drops = slow_clients(self.http_port, 5)
        self.row("5 clients sending a byte a second: dropped after (s) vs the head's bound", median(drops), 10.0,
                 "all dropped: %s" % ("yes" if len(drops) == 5 else "NO"))
        # Redis restarted under push load.
        codes = {}
        def push_counting():
            code = http(base + "/api/push", method="POST", data=body())[0]
            codes[code] = codes.get(code, 0) + 1
        background = threading.Thread(target=lambda: timed(push_counting, 8, 8))
        background.start()
        time.sleep(2)
        self.redis.terminate()
        self.redis.wait()
        time.sleep(1)
        self.start_redis()
        background.join()
        self.row("pushes answered 500 while Redis restarted under load vs answered", codes.get(500, 0), sum(codes.values()),
                 "goal 0 (503 + Retry-After instead): %s" % codes)
        # RSS after all of it, and a minute later.
        after = self.rss_mb()
        time.sleep(60)
        later = self.rss_mb()
        self.row("service RSS under load (MB) vs idle", max(load_rss, after), idle_rss, "")
        self.row("  a minute after the load (MB) vs idle", later, idle_rss, "goal <= 150 MB")
        self.stop_service()
        for d in os.listdir(os.path.join(self.home, ".reviewenv")):
            if d.startswith("load") or d.startswith("rec"):
                shutil.rmtree(os.path.join(self.home, ".reviewenv", d), ignore_errors=True)
        self.start_service()

    def environment(self, name):
        status, body = http("http://127.0.0.1:%d/api/environments/%s" % (self.http_port, name))
        return json.loads(body) if status == 200 else {}

    def wake(self):
        """A sleeping environment woken by a request through Traefik vs the raw compose stop/start of the same stack."""
        self.stop_service()
        self.start_service(reaper_every="1s", REVIEWENV_IDLE_AFTER="3s")
        ours, raw = [], []
        for i in range(self.args.runs):
            page = "wake-%d-%s" % (i, uuid.uuid4().hex[:8])
            self.commit_branch("wake%d" % i, page)
            self.await_job(self.push("wake%d" % i)[0])
            wait("wake%d to sleep" % i, lambda: self.environment("wake%d" % i).get("status") == "sleeping", limit=60, every=0.1)
            t0 = time.monotonic()
            wait("wake%d to answer" % i, lambda: self.answers("wake%d" % i, page), limit=120, every=0.02)
            ours.append(time.monotonic() - t0)
            self.stop("wake%d" % i)
            project = "rawbench%d" % i
            self.raw_up(project, page)
            f = os.path.join(self.root, "raw", project, "docker-compose.yml")
            sh("docker", "compose", "-p", project, "-f", f, "stop")
            t0 = time.monotonic()
            sh("docker", "compose", "-p", project, "-f", f, "start")
            cid = sh("docker", "compose", "-p", project, "-f", f, "ps", "-q", "web").strip()
            ip = sh("docker", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", cid).strip()
            wait("raw " + project + " to answer", lambda: http("http://%s:8080/" % ip, timeout=2)[0] == 200)
            raw.append(time.monotonic() - t0)
            self.raw_down(project)
        self.row("wake: request to a sleeping environment -> answered (s) vs raw start", median(ours), median(raw),
                 "goal: within seconds")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--parallel", type=int, default=20)
    p.add_argument("--environments", type=int, default=50)
    p.add_argument("--records", type=int, default=10000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--only", default="", help="comma-separated parts: push,parallel,memory,records,load,wake,seed (default: all)")
    args = p.parse_args()
    if not os.path.isfile(JAR):
        raise SystemExit(JAR + " is missing: ./mvnw package -DskipTests")
    b = Bench(args)
    try:
        b.start_parts()
        print("reviewenv bench: %d runs, JVM flags %s" % (args.runs, " ".join(JVM_FLAGS)), flush=True)
        print("  %-58s %8s  %8s  %7s  %s" % ("measure", "ours", "raw", "ratio", "goal"))
        starts = []
        for _ in range(3):
            starts.append(b.start_service())
            b.stop_service()
        t0 = time.monotonic()
        sh("java", "-version")
        jvm = time.monotonic() - t0
        b.start_service()
        time.sleep(10)
        idle = b.rss_mb()
        b.row("service start to ready (s) vs java -version", median(starts), jvm, "")
        b.row("service idle RSS (MB) vs goal", idle, 120, "goal <= 120 MB")
        only = set(filter(None, args.only.split(",")))
        seeding = []
        for part, run in (("push", b.push_and_teardown), ("parallel", b.parallel), ("memory", lambda: b.memory(idle)),
                          ("records", b.records), ("load", lambda: b.load(idle)), ("wake", b.wake),
                          ("seed", lambda: seeding.append(seed.SeedPart(b, http).run()))):
            if not only or part in only:
                run()
        # A run of the seed part alone appends its table to the last full run's; any other run writes the file anew.
        last = os.path.join(TOP, "bench", "last-run.md")
        seed_only = only == {"seed"} and os.path.isfile(last)
        with open(last, "a" if seed_only else "w") as f:
            if not seed_only:
                f.write("| measure | reviewenv | raw | ratio | goal |\n| --- | ---: | ---: | ---: | --- |\n")
                for what, ours, raw, ratio, goal in b.results:
                    f.write("| %s | %.3f | %.3f | %.2fx | %s |\n" % (what, ours, raw, ratio, goal))
            for table in seeding:  # the seed part's own table, after the main one
                print(table, end="")
                f.write(table)
        print("written to bench/last-run.md")
    finally:
        b.close()


if __name__ == "__main__":
    main()
