#!/usr/bin/env python3
"""Fault drills (targets.md "Reliability"): each runs the real daemon on loopback against its
own embedded PostgreSQL, injects a fault, checks the outcome in the database, and exits
non-zero when a target is missed.

  crash    N audit uploads (each with one evidence file) by 4 clients that retry with the
           same ids, while the daemon is SIGKILLed at random moments and restarted, and
           PostgreSQL is restarted once: stored = acknowledged = N, no duplicates, every
           evidence hash intact.
  sigterm  SIGTERM under upload load: readiness answers 503 while draining, no client sees a
           5xx, every acknowledged upload is stored.
  outage   PostgreSQL stopped for 10 s under load: requests fail fast with 503, the same
           daemon process serves again once PostgreSQL is back.

Usage: drills.py [crash|sigterm|outage|all] [--uploads N] [--seed S]
Needs the debug build (swift build --product touchstone) and Python 3's standard library.
"""
import argparse
import hashlib
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOUCHSTONE = os.path.join(ROOT, ".build", "debug", "touchstone")
SAMPLES = os.environ.get("SAMPLES", os.path.join(ROOT, "Tests", "Fixtures", "samples"))
WORK = os.path.join(ROOT, ".build", "drills")
HOME = os.path.join(WORK, "home")
PORT = int(os.environ.get("DRILL_PORT", "18095"))
NAMESPACE = uuid.UUID("5b0c1f9e-3f5e-4a51-9d39-7a3f0c2b8e11")


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Harness:
    """One embedded cluster, one tenant with an admin token, and the daemon as a child process."""

    def __init__(self):
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("DATABASE_URL", "PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE")}
        self.env["TOUCHSTONE_HOME"] = HOME
        self.daemon = None
        self.token = None
        self.starts = 0

    def ts(self, *args, capture=False):
        result = subprocess.run([TOUCHSTONE, *args, "--log-level", "error"], env=self.env, check=True,
                                stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL if capture else None)
        return result.stdout.decode().strip() if capture else None

    def setup(self):
        # A new cluster each drill: `dev reset` deletes the data wherever the layout keeps it (under
        # /var/lib/touchstone when PostgreSQL's user cannot traverse a parent of the home).
        subprocess.run([TOUCHSTONE, "dev", "reset"], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(HOME, ignore_errors=True)
        os.makedirs(WORK, exist_ok=True)
        self.ts("tenant", "create", "drill", "--name", "Drill chain")
        self.ts("import", "outlets", "--tenant", "drill", os.path.join(SAMPLES, "outlets.csv"))
        self.ts("import", "staff", "--tenant", "drill", os.path.join(SAMPLES, "staff.csv"))
        self.ts("template", "add", "--tenant", "drill", os.path.join(SAMPLES, "template-demo-visit.json"))
        self.ts("user", "add", "drill-admin", "--tenant", "drill", "--role", "admin")
        self.token = self.ts("token", "create", "--tenant", "drill", "--user", "drill-admin", "--days", "1", capture=True)

    def start_daemon(self):
        self.starts += 1
        out = open(os.path.join(WORK, "serve.log"), "ab")
        self.daemon = subprocess.Popen(
            [TOUCHSTONE, "serve", "--port", str(PORT), "--upload-rate", "0", "--log-level", "warning"],
            env=self.env, stdout=out, stderr=out)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.daemon.poll() is not None:
                raise RuntimeError(f"daemon exited with {self.daemon.returncode}; see {WORK}/serve.log")
            if request("GET", "/health/ready", timeout=1)[0] == 200:
                return
            time.sleep(0.05)
        raise RuntimeError("daemon not ready within 60 s")

    def kill_daemon(self, sig=signal.SIGKILL):
        if self.daemon and self.daemon.poll() is None:
            self.daemon.send_signal(sig)
            self.daemon.wait()

    def stop_postgres(self):
        subprocess.run([TOUCHSTONE, "dev", "stop"], env=self.env, check=True, stdout=subprocess.DEVNULL)

    def start_postgres(self):
        subprocess.run([TOUCHSTONE, "dev", "start"], env=self.env, check=True, stdout=subprocess.DEVNULL)

    def postgres_socket(self):
        """The embedded cluster's socket directory, as `touchstone dev start` reports it: the home's
        run/ unless the layout falls back to /tmp (a parent of the home the server's user cannot
        traverse, or a path too long for a socket)."""
        out = subprocess.run([TOUCHSTONE, "dev", "start"], env=self.env, check=True, stdout=subprocess.PIPE).stdout.decode()
        return next(field[len("host="):] for field in out.split() if field.startswith("host="))

    def sql(self, query):
        """One value, read as the database superuser (row-level security does not apply)."""
        result = subprocess.run(["psql", "-h", self.postgres_socket(), "-U", "postgres", "-d", "touchstone", "-Atc", query],
                                check=True, stdout=subprocess.PIPE, env=self.env)
        return result.stdout.decode().strip()

    def close(self):
        self.kill_daemon(signal.SIGTERM)
        subprocess.run([TOUCHSTONE, "dev", "stop"], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def request(method, path, body=None, headers=None, timeout=10):
    """(status, body) or (None, error) when no HTTP response came back."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException) as error:
        return None, str(error)
    finally:
        connection.close()


class Upload:
    """One audit document (the sample audit with its own id, and photo bytes of its own)."""

    with open(os.path.join(SAMPLES, "audits.jsonl"), encoding="utf-8") as f:
        BASE = json.loads(f.readline())

    def __init__(self, run, index):
        self.id = str(uuid.uuid5(NAMESPACE, f"{run}-{index}"))
        self.photo = f"photo of audit {self.id}".encode() * 40
        self.sha256 = hashlib.sha256(self.photo).hexdigest()
        doc = dict(Upload.BASE, id=self.id, visitedAt=f"2026-09-{1 + index % 28:02d}T10:{index % 60:02d}:00+08:00")
        doc["attachments"] = [{"item": "P1", "name": "front.jpg", "sha256": self.sha256, "contentType": "image/jpeg"}]
        self.body = json.dumps(doc, ensure_ascii=False).encode()

    def send(self, token):
        """Uploads the document then its photo; (True, statuses) once both are acknowledged."""
        auth = {"Authorization": f"Bearer {token}"}
        status, _ = request("POST", "/api/v1/audits", self.body, dict(auth, **{"Content-Type": "application/json"}))
        if status not in (200, 201):
            return False, [status]
        photo_status, _ = request("PUT", f"/api/v1/audits/{self.id}/attachments/P1/front.jpg", self.photo,
                                  dict(auth, **{"Content-Type": "image/jpeg"}))
        return photo_status == 200, [status, photo_status]


class Clients:
    """Worker threads that upload a queue of documents, retrying each until acknowledged."""

    def __init__(self, harness, uploads, workers):
        self.harness = harness
        self.pending = list(reversed(uploads))
        self.lock = threading.Lock()
        self.acknowledged = []
        self.statuses = {}
        self.server_errors = []
        self.threads = [threading.Thread(target=self.work, daemon=True) for _ in range(workers)]
        self.stop = threading.Event()

    def record(self, status):
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status is not None and status >= 500 and status != 503:
                self.server_errors.append(status)

    def work(self):
        while not self.stop.is_set():
            with self.lock:
                if not self.pending:
                    return
                upload = self.pending.pop()
            while not self.stop.is_set():
                done, statuses = upload.send(self.harness.token)
                for status in statuses:
                    self.record(status)
                if done:
                    with self.lock:
                        self.acknowledged.append(upload)
                    break
                time.sleep(0.05)

    def start(self):
        for thread in self.threads:
            thread.start()

    def join(self, timeout):
        deadline = time.time() + timeout
        for thread in self.threads:
            thread.join(max(0, deadline - time.time()))
        return not any(thread.is_alive() for thread in self.threads)


def check(condition, message, failures):
    log(("ok    " if condition else "FAIL  ") + message)
    if not condition:
        failures.append(message)


def verify_stored(harness, uploads, failures):
    ids = ",".join(f"'{u.id}'" for u in uploads)
    stored = int(harness.sql(f"SELECT count(*) FROM audits WHERE id IN ({ids})"))
    check(stored == len(uploads), f"stored {stored} of {len(uploads)} acknowledged audits", failures)
    answers = harness.sql(f"SELECT count(DISTINCT n) FROM (SELECT count(*) AS n FROM audit_answers WHERE audit_id IN ({ids}) GROUP BY audit_id) a")
    check(answers == "1", "every stored audit has the same number of answers (no partial or doubled writes)", failures)
    intact = int(harness.sql(f"SELECT count(*) FROM audit_attachments WHERE audit_id IN ({ids}) AND content IS NOT NULL "
                             f"AND encode(sha256(content), 'hex') = sha256"))
    check(intact == len(uploads), f"{intact} of {len(uploads)} evidence files stored with their declared SHA-256", failures)


def crash_drill(harness, count, rng):
    log(f"crash drill: {count} uploads, the daemon SIGKILLed at random, PostgreSQL restarted once")
    failures = []
    uploads = [Upload("crash", i) for i in range(count)]
    harness.start_daemon()
    clients = Clients(harness, uploads, workers=4)
    clients.start()
    # Random moments, chosen by progress so the faults happen however fast the machine is:
    # kills at random points of the run, PostgreSQL restarted once halfway.
    kill_points = sorted(rng.sample(range(1, count), max(3, count // 100)))
    kills = 0
    postgres_restarted = False
    while any(t.is_alive() for t in clients.threads):
        time.sleep(rng.uniform(0.005, 0.05))
        with clients.lock:
            progress = len(clients.acknowledged)
        if not postgres_restarted and progress >= count // 2:
            log(f"  restarting PostgreSQL at {progress} acknowledged")
            harness.stop_postgres()
            time.sleep(1)
            harness.start_postgres()
            postgres_restarted = True
        elif kill_points and progress >= kill_points[0] and progress < count:
            while kill_points and progress >= kill_points[0]:
                kill_points.pop(0)
            harness.kill_daemon()
            kills += 1
            harness.start_daemon()
    clients.join(600)
    log(f"  {kills} SIGKILLs, PostgreSQL restarted: {postgres_restarted}, responses {clients.statuses}")
    check(kills >= 3 and postgres_restarted, "the faults happened (≥ 3 kills and one PostgreSQL restart)", failures)
    check(len(clients.acknowledged) == count, f"acknowledged {len(clients.acknowledged)} of {count}", failures)
    check(not clients.server_errors, f"no 5xx other than 503 ({len(clients.server_errors)} seen)", failures)
    verify_stored(harness, clients.acknowledged, failures)
    total = int(harness.sql("SELECT count(*) FROM audits"))
    check(total == count, f"{total} audits in the database in all (no duplicates, nothing extra)", failures)
    harness.kill_daemon(signal.SIGTERM)
    return failures


def sigterm_drill(harness, rng):
    log("sigterm drill: SIGTERM under upload load")
    failures = []
    harness.start_daemon()
    uploads = [Upload("sigterm", i) for i in range(20_000)]
    clients = Clients(harness, uploads, workers=8)
    clients.start()
    time.sleep(2)
    ready = []
    stop_polling = threading.Event()

    def poll():
        while not stop_polling.is_set():
            ready.append(request("GET", "/health/ready", timeout=1)[0])
            time.sleep(0.02)

    poller = threading.Thread(target=poll, daemon=True)
    before = len(clients.acknowledged)
    harness.daemon.send_signal(signal.SIGTERM)
    poller.start()
    exit_code = harness.daemon.wait(timeout=60)
    stop_polling.set()
    clients.stop.set()
    clients.join(30)
    poller.join(5)
    log(f"  acknowledged {before} before SIGTERM, {len(clients.acknowledged)} in all; readiness while stopping {sorted(set(ready), key=str)}")
    check(exit_code == 0, f"the daemon exited cleanly (status {exit_code})", failures)
    check(503 in ready, "readiness answered 503 while draining", failures)
    check(clients.statuses.get(503, 0) == 0 and not clients.server_errors,
          f"no client saw a 5xx (responses {clients.statuses})", failures)
    verify_stored(harness, clients.acknowledged, failures)
    return failures


def outage_drill(harness, rng):
    log("outage drill: PostgreSQL down for 10 s under load")
    failures = []
    harness.start_daemon()
    pid = harness.daemon.pid
    auth = {"Authorization": f"Bearer {harness.token}"}
    harness.stop_postgres()
    down_at = time.time()
    latencies = []
    statuses = {}
    while time.time() - down_at < 10:
        started = time.time()
        status, _ = request("GET", "/api/v1/outlets", headers=auth, timeout=10)
        latencies.append(time.time() - started)
        statuses[status] = statuses.get(status, 0) + 1
        time.sleep(0.1)
    ready_during = request("GET", "/health/ready", timeout=5)[0]
    harness.start_postgres()
    recovered_after = None
    back = time.time()
    while time.time() - back < 30:
        if request("GET", "/api/v1/outlets", headers=auth, timeout=10)[0] == 200:
            recovered_after = time.time() - back
            break
        time.sleep(0.1)
    upload = Upload("outage", 0)
    done, _ = upload.send(harness.token)
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else 0
    log(f"  during the outage: {statuses}, slowest {latencies[-1]:.3f} s, p99 {p99:.3f} s, readiness {ready_during}")
    check(set(statuses) == {503}, "every request during the outage answered 503", failures)
    check(latencies[-1] < 2.0, f"and failed fast (slowest {latencies[-1]:.3f} s < 2 s)", failures)
    check(ready_during == 503, "readiness answered 503 during the outage", failures)
    check(recovered_after is not None, f"served again {recovered_after:.2f} s after PostgreSQL came back" if recovered_after is not None
          else "did not recover within 30 s", failures)
    check(done and harness.daemon.poll() is None and harness.daemon.pid == pid,
          "the same daemon process accepted an upload afterwards (no restart)", failures)
    if done:
        verify_stored(harness, [upload], failures)
    harness.kill_daemon(signal.SIGTERM)
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("drill", nargs="?", default="all", choices=["crash", "sigterm", "outage", "all"])
    parser.add_argument("--uploads", type=int, default=2000, help="uploads in the crash drill (default 2000)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    failures = []
    for name in (["crash", "sigterm", "outage"] if args.drill == "all" else [args.drill]):
        harness = Harness()
        try:
            harness.setup()
            if name == "crash":
                failures += crash_drill(harness, args.uploads, rng)
            elif name == "sigterm":
                failures += sigterm_drill(harness, rng)
            else:
                failures += outage_drill(harness, rng)
        finally:
            harness.close()
    if failures:
        log(f"{len(failures)} checks failed")
        sys.exit(1)
    log("all drills passed")


if __name__ == "__main__":
    main()
