#!/usr/bin/env python3
"""Peak RSS of the daemon while evidence moves: four concurrent 20 MiB uploads, then four
downloads of them alongside four more 20 MiB uploads (eight transfers at once).

Starts `touchstone serve` (debug build unless TOUCHSTONE names another binary) on its own
embedded PostgreSQL under .build/evidence-bench and on loopback port 18481 (EVIDENCE_BENCH_PORT),
samples /proc/<pid>/status VmRSS every 10 ms, and prints the baseline and the peak. Exits 1
when the peak reaches the bound (150 MB, EVIDENCE_BENCH_BOUND_MB) or a transfer fails.

    python3 Benchmarks/evidence_memory.py
"""
import hashlib
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
TOUCHSTONE = os.environ.get("TOUCHSTONE", os.path.join(ROOT, ".build", "debug", "touchstone"))
SAMPLES = os.environ.get("SAMPLES", os.path.join(ROOT, "..", "shared", "spec", "samples"))
WORK = os.path.join(ROOT, ".build", "evidence-bench")
HOME = os.path.join(WORK, "home")
PORT = int(os.environ.get("EVIDENCE_BENCH_PORT", "18481"))
BOUND_MB = float(os.environ.get("EVIDENCE_BENCH_BOUND_MB", "150"))
SIZE = 20 * 1024 * 1024
TRANSFERS = 4
TIMEOUT = 300


class Daemon:
    def __init__(self):
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("DATABASE_URL", "PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE")}
        self.env["TOUCHSTONE_HOME"] = HOME
        self.process = None

    def ts(self, *args, capture=False):
        result = subprocess.run([TOUCHSTONE, *args, "--log-level", "error"], env=self.env, check=True, timeout=TIMEOUT,
                                stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL if capture else None)
        return result.stdout.decode().strip() if capture else None

    def setup(self):
        subprocess.run([TOUCHSTONE, "dev", "stop"], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(HOME, ignore_errors=True)
        os.makedirs(WORK, exist_ok=True)
        self.ts("tenant", "create", "bench", "--name", "Evidence bench")
        self.ts("import", "outlets", "--tenant", "bench", os.path.join(SAMPLES, "outlets.csv"))
        self.ts("import", "staff", "--tenant", "bench", os.path.join(SAMPLES, "staff.csv"))
        self.ts("template", "add", "--tenant", "bench", os.path.join(SAMPLES, "template-demo-visit.json"))
        tokens = []
        for i in range(TRANSFERS):
            self.ts("user", "add", f"shopper-{i}", "--tenant", "bench", "--role", "auditor")
            tokens.append(self.ts("token", "create", "--tenant", "bench", "--user", f"shopper-{i}", "--days", "1", capture=True))
        return tokens

    def start(self):
        log = open(os.path.join(WORK, "serve.log"), "ab")
        self.process = subprocess.Popen(
            [TOUCHSTONE, "serve", "--port", str(PORT), "--upload-rate", "0", "--log-level", "warning"],
            env=self.env, stdout=log, stderr=log)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daemon exited with {self.process.returncode}; see {WORK}/serve.log")
            if request("GET", "/health/ready", timeout=1)[0] == 200:
                return
            time.sleep(0.05)
        raise RuntimeError("daemon not ready within 60 s")

    def rss_mb(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def close(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        subprocess.run([TOUCHSTONE, "dev", "stop"], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def request(method, path, body=None, headers=None, timeout=TIMEOUT, digest=False):
    """(status, body or its sha256 when digest) or (None, error)."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        if not digest:
            return response.status, response.read()
        hasher, size = hashlib.sha256(), 0
        while chunk := response.read(1 << 20):
            hasher.update(chunk)
            size += len(chunk)
        return response.status, (hasher.hexdigest(), size)
    except (OSError, http.client.HTTPException) as error:
        return None, str(error)
    finally:
        connection.close()


class Sampler(threading.Thread):
    def __init__(self, daemon):
        super().__init__(daemon=True)
        self.target, self.peak, self.running = daemon, 0.0, True

    def run(self):
        while self.running:
            self.peak = max(self.peak, self.target.rss_mb())
            time.sleep(0.01)


def run_all(jobs):
    results = [None] * len(jobs)

    def work(i, job):
        results[i] = job()
    threads = [threading.Thread(target=work, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    return results


def main():
    with open(os.path.join(SAMPLES, "audits.jsonl"), encoding="utf-8") as f:
        base = json.loads(f.readline())
    daemon = Daemon()
    failures = []
    try:
        tokens = daemon.setup()
        daemon.start()
        payloads = [os.urandom(SIZE) for _ in range(2 * TRANSFERS)]
        hashes = [hashlib.sha256(p).hexdigest() for p in payloads]
        audits = []
        for i, token in enumerate(tokens):
            document = dict(base, id=str(uuid.uuid4()), attachments=[
                {"item": "P1", "name": name, "sha256": hashes[i + k * TRANSFERS], "contentType": "image/jpeg", "size": SIZE}
                for k, name in enumerate(["front.jpg", "back.jpg"])])
            status, body = request("POST", "/api/v1/audits", json.dumps(document).encode(),
                                   {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            if status != 201:
                raise RuntimeError(f"audit upload: {status} {body[:300]!r}")
            audits.append(document["id"])
        baseline = daemon.rss_mb()
        sampler = Sampler(daemon)
        sampler.start()

        def upload(i, name, payload):
            return lambda: request("PUT", f"/api/v1/audits/{audits[i]}/attachments/P1/{name}", payload,
                                   {"Authorization": f"Bearer {tokens[i]}", "Content-Type": "image/jpeg"})[0]

        def download(i):
            return lambda: request("GET", f"/api/v1/audits/{audits[i]}/attachments/P1/front.jpg",
                                   headers={"Authorization": f"Bearer {tokens[i]}"}, digest=True)

        started = time.time()
        first = run_all([upload(i, "front.jpg", payloads[i]) for i in range(TRANSFERS)])
        uploaded = time.time() - started
        peak_uploads = sampler.peak
        failures += [f"upload {i}: {s}" for i, s in enumerate(first) if s != 200]
        started = time.time()
        mixed = run_all([download(i) for i in range(TRANSFERS)]
                        + [upload(i, "back.jpg", payloads[TRANSFERS + i]) for i in range(TRANSFERS)])
        both = time.time() - started
        sampler.running = False
        sampler.join()
        for i, (status, result) in enumerate(mixed[:TRANSFERS]):
            if status != 200 or result != (hashes[i], SIZE):
                failures.append(f"download {i}: {status} {result}")
        failures += [f"upload {i}: {s}" for i, s in enumerate(mixed[TRANSFERS:]) if s != 200]
        print(f"binary: {TOUCHSTONE}")
        print(f"daemon RSS before transfers: {baseline:.1f} MB")
        print(f"4 concurrent 20 MiB uploads: {uploaded:.1f} s, peak RSS {peak_uploads:.1f} MB")
        print(f"4 downloads + 4 more 20 MiB uploads at once: {both:.1f} s")
        print(f"peak daemon RSS: {sampler.peak:.1f} MB (bound {BOUND_MB:.0f} MB)")
        if sampler.peak >= BOUND_MB:
            failures.append(f"peak RSS {sampler.peak:.1f} MB reaches the bound of {BOUND_MB:.0f} MB")
    finally:
        daemon.close()
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
