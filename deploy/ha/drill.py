#!/usr/bin/env python3
"""HA drill (`make ha-drill`): the debug daemon on a pg_auto_failover formation made by
deploy/ha/ha.sh (a monitor, a primary, a synchronous secondary on one machine), reached with
the multi-host connection string `target_session_attrs=read-write`.

  failover    N audit uploads (each with one evidence file) by 4 clients that retry with the same
              ids; a third of the way in, the primary's node is SIGKILLed (its postmaster and its
              pg_autoctl keeper, as when its machine dies), the monitor promotes the secondary,
              and later the old primary is started again and rejoins as the secondary.
  switchover  N/2 more uploads through a planned `pg_autoctl perform switchover`.

Checks: every upload acknowledged and stored (stored = acknowledged), no duplicates, every
evidence hash intact, the same daemon process throughout (no restart), no client-visible answer
but 200/201 and 503, every 503 with Retry-After, no request left hanging (10 s client timeout).
Reports the longest time without a primary (a probe opens a read-write session every 0.25 s)
and the longest time between two acknowledged uploads.

Usage: drill.py [--uploads N] [--dir DIR] [--port P]
Needs the debug build (swift build --product touchstone); runs ha.sh (installs pg_auto_failover).
Reuses the clients and checks of deploy/drills/drills.py.
"""
import argparse
import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "drills"))
os.environ.setdefault("DRILL_PORT", "18096")
import drills  # noqa: E402  (the shared uploads, clients and checks)
from drills import ROOT, TOUCHSTONE, SAMPLES, Upload, Clients, check, log, verify_stored  # noqa: E402

HA = os.path.join(HERE, "ha.sh")
# The account ha.sh runs the servers as when run as root (Debian's postgres, else touchstone).
SERVER_ACCOUNT = []
if os.geteuid() == 0:
    import pwd
    try:
        SERVER_ACCOUNT = ["runuser", "-u", pwd.getpwnam("postgres").pw_name, "--"]
    except KeyError:
        SERVER_ACCOUNT = ["runuser", "-u", "touchstone", "--"]
PORT = drills.PORT
WORKERS = 4


class Formation:
    """The formation made by ha.sh, the tenant on it, and the daemon as a child process."""

    def __init__(self, directory, base_port):
        self.dir = directory
        self.base_port = base_port
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith("PG") and k not in ("DATABASE_URL", "TOUCHSTONE_OWNER_DATABASE")}
        self.daemon = None
        self.tokens = []
        self.token_of = {}
        self.lock = threading.Lock()
        self.runtime = self.owner = None

    def ha(self, *args):
        result = subprocess.run([HA, *args, "--dir", self.dir, "--port", str(self.base_port)],
                                stdout=subprocess.PIPE, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"ha.sh {args[0]} failed ({result.returncode})")
        return result.stdout

    def create(self):
        self.ha("destroy")
        started = time.time()
        out = self.ha("start")
        self.runtime = re.search(r"^runtime: (.*)$", out, re.M).group(1)
        self.owner = re.search(r"^owner: +(.*)$", out, re.M).group(1)
        log(f"  formation created in {time.time() - started:.0f} s; runtime: {self.runtime}")

    def ts(self, *args, owner=False, capture=False):
        result = subprocess.run([TOUCHSTONE, *args, "--database", self.owner if owner else self.runtime, "--log-level", "error"],
                                env=self.env, check=True, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL if capture else None)
        return result.stdout.decode().strip() if capture else None

    def setup_tenant(self):
        self.ts("migrate", owner=True)
        self.ts("tenant", "create", "drill", "--name", "Drill chain", owner=True)
        self.ts("import", "outlets", "--tenant", "drill", os.path.join(SAMPLES, "outlets.csv"))
        self.ts("import", "staff", "--tenant", "drill", os.path.join(SAMPLES, "staff.csv"))
        self.ts("template", "add", "--tenant", "drill", os.path.join(SAMPLES, "template-demo-visit.json"))
        # One login per client, as each auditor has their own (evidence transfers are capped per credential).
        for i in range(WORKERS + 1):
            self.ts("user", "add", f"drill-{i}", "--tenant", "drill", "--role", "admin")
            self.tokens.append(self.ts("token", "create", "--tenant", "drill", "--user", f"drill-{i}", "--days", "1", capture=True))

    @property
    def token(self):
        """The calling thread's own token (drills.Clients reads `harness.token`)."""
        with self.lock:
            thread = threading.get_ident()
            if thread not in self.token_of:
                self.token_of[thread] = self.tokens[len(self.token_of) % len(self.tokens)]
            return self.token_of[thread]

    def start_daemon(self):
        out = open(os.path.join(self.dir, "serve.log"), "ab")
        self.daemon = subprocess.Popen(
            [TOUCHSTONE, "serve", "--port", str(PORT), "--no-migrate", "--upload-rate", "0", "--log-level", "notice",
             "--database", self.runtime], env=self.env, stdout=out, stderr=out)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.daemon.poll() is not None:
                raise RuntimeError(f"daemon exited with {self.daemon.returncode}; see {self.dir}/serve.log")
            if drills.request("GET", "/health/ready", timeout=1)[0] == 200:
                return
            time.sleep(0.1)
        raise RuntimeError("daemon not ready within 60 s")

    def superuser(self, query, database="touchstone", port=None):
        """One value, as the cluster's superuser on its unix socket (the only way it may log in):
        on the current primary, or on `port`."""
        port = port or self.node_ports[self.primary()]
        result = subprocess.run([*SERVER_ACCOUNT, "psql", "-X", "-Atc", query, "-h", os.path.join(self.dir, "run"), "-p", str(port),
                                 "-d", database], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if result.returncode != 0:
            raise RuntimeError(result.stderr.strip())
        return result.stdout.strip()

    sql = superuser  # what drills.verify_stored calls

    node_ports = property(lambda self: {"node1": self.base_port + 1, "node2": self.base_port + 2})

    def states(self):
        """{node name: (reported state, goal state)} from the monitor."""
        rows = self.superuser("SELECT nodename, reportedstate, goalstate FROM pgautofailover.node",
                              database="pg_auto_failover", port=self.base_port)
        return {name: (reported, goal) for name, reported, goal in (line.split("|") for line in rows.splitlines())}

    def primary(self):
        for name, (reported, goal) in self.states().items():
            if reported in ("primary", "wait_primary", "single") and goal == reported:
                return name
        return None

    def wait_states(self, wanted, timeout=240):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                states = self.states()
                if sorted(r for r, g in states.values() if r == g) == sorted(wanted):
                    return states
            except RuntimeError:
                pass
            time.sleep(1)
        raise RuntimeError(f"the formation did not reach {wanted}: {self.states()}")

    def kill_node(self, name):
        """SIGKILLs a node's pg_autoctl service (the supervisor and its children, which rename
        themselves "pg_autoctl: …") and its postmaster, as when its machine dies. Only processes
        of this drill's data directory of that node: the supervisor names it on its command line."""
        pgdata = os.path.join(self.dir, name)
        postmaster = int(open(os.path.join(pgdata, "postmaster.pid")).readline())
        parents = {}
        supervisors = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                cmdline = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
                ppid = int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            parents[int(pid)] = ppid
            if cmdline[:2] == [b"pg_autoctl", b"run"] and pgdata.encode() in cmdline:
                supervisors.append(int(pid))
        keepers = supervisors + [pid for pid, ppid in parents.items() if ppid in supervisors]
        for pid in keepers:  # stopped first, so that none of them restarts the postmaster
            os.kill(pid, signal.SIGSTOP)
        os.kill(postmaster, signal.SIGKILL)
        for pid in keepers:
            os.kill(pid, signal.SIGKILL)
        return 1 + len(keepers)

    def close(self):
        if self.daemon and self.daemon.poll() is None:
            self.daemon.send_signal(signal.SIGTERM)
            self.daemon.wait()
        subprocess.run([HA, "stop", "--dir", self.dir], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Probe:
    """Measures from outside: whether a read-write session opens (every 0.25 s), and whether a
    daemon read answers, with its status and Retry-After."""

    def __init__(self, formation):
        self.formation = formation
        self.stop = threading.Event()
        self.down_since = None
        self.longest_without_primary = 0.0
        self.unavailable = 0
        self.missing_retry_after = 0
        self.hung = 0
        self.statuses = {}
        self.threads = [threading.Thread(target=self.primary_loop, daemon=True),
                        threading.Thread(target=self.daemon_loop, daemon=True)]

    def primary_loop(self):
        conninfo = self.formation.runtime.replace("connect_timeout=5", "connect_timeout=1")
        while not self.stop.is_set():
            now = time.time()
            ok = subprocess.run(["psql", "-X", "-Atc", "SELECT 1", conninfo], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=self.formation.env).returncode == 0
            if ok and self.down_since is not None:
                self.longest_without_primary = max(self.longest_without_primary, now - self.down_since)
                log(f"  a primary accepts read-write sessions again after {now - self.down_since:.1f} s")
                self.down_since = None
            elif not ok and self.down_since is None:
                self.down_since = now
            time.sleep(0.25)

    def daemon_loop(self):
        headers = {"Authorization": f"Bearer {self.formation.token}"}
        while not self.stop.is_set():
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
            try:
                connection.request("GET", "/api/v1/audits?limit=1", headers=headers)
                response = connection.getresponse()
                response.read()
                self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
                if response.status == 503:
                    self.unavailable += 1
                    if not response.getheader("Retry-After"):
                        self.missing_retry_after += 1
            except (OSError, http.client.HTTPException):
                self.hung += 1
            finally:
                connection.close()
            time.sleep(0.2)

    def start(self):
        for thread in self.threads:
            thread.start()

    def finish(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(15)
        if self.down_since is not None:
            self.longest_without_primary = max(self.longest_without_primary, time.time() - self.down_since)


def ack_gaps(clients):
    """The longest time between two acknowledgements (clients record them in order)."""
    times = sorted(clients.ack_times)
    return max((b - a for a, b in zip(times, times[1:])), default=0.0)


class TimedClients(Clients):
    """drills.Clients that also keeps when each upload was acknowledged."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ack_times = []
        self.acknowledged = AckList(self.ack_times)


class AckList(list):
    def __init__(self, times):
        super().__init__()
        self.times = times

    def append(self, item):
        self.times.append(time.time())
        super().append(item)


def run_phase(formation, name, uploads, fault, failures):
    """Uploads `uploads` with 4 retrying clients; calls `fault(clients)` from this thread while they run."""
    clients = TimedClients(formation, uploads, workers=WORKERS)
    probe = Probe(formation)
    started = time.time()
    clients.start()
    probe.start()
    fault(clients)
    finished = clients.join(600)
    probe.finish()
    elapsed = time.time() - started
    log(f"  {name}: {len(clients.acknowledged)} of {len(uploads)} acknowledged in {elapsed:.0f} s; upload answers {clients.statuses}; "
        f"probe answers {probe.statuses}")
    log(f"  {name}: longest without a primary {probe.longest_without_primary:.1f} s; longest between two acknowledged uploads "
        f"{ack_gaps(clients):.1f} s")
    check(finished and len(clients.acknowledged) == len(uploads), f"{name}: every upload acknowledged", failures)
    unexpected = {s: n for s, n in clients.statuses.items() if s not in (200, 201, 503)}
    check(not unexpected, f"{name}: no client saw an answer other than 200/201/503 (others: {unexpected})", failures)
    check(probe.hung == 0, f"{name}: no request hung or lost its connection ({probe.hung} probes did)", failures)
    check(probe.missing_retry_after == 0, f"{name}: every 503 carried Retry-After ({probe.unavailable} 503s to the probe)", failures)
    return {"uploads": len(uploads), "acknowledged": len(clients.acknowledged), "seconds": elapsed,
            "without_primary": probe.longest_without_primary, "ack_gap": ack_gaps(clients),
            "upload_503": clients.statuses.get(503, 0), "probe_503": probe.unavailable,
            "acked": list(clients.acknowledged)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--uploads", type=int, default=1000, help="uploads through the failover (default 1000); half as many through the switchover")
    parser.add_argument("--dir", default=os.path.join(ROOT, ".touchstone", "ha-drill"))
    parser.add_argument("--port", type=int, default=54420, help="the formation's first port (monitor; nodes on the next two)")
    args = parser.parse_args()
    began = time.time()
    failures = []
    formation = Formation(os.path.abspath(args.dir), args.port)
    try:
        log("creating the formation (deploy/ha/ha.sh start)")
        formation.create()
        formation.setup_tenant()
        formation.start_daemon()
        pid = formation.daemon.pid

        log(f"failover: {args.uploads} uploads; the primary's node SIGKILLed a third of the way in, then restarted")
        kills = []

        def failover(clients):
            while len(clients.acknowledged) < args.uploads // 3:
                time.sleep(0.05)
            victim = formation.primary()
            log(f"  SIGKILL node {victim} (postmaster and keeper) at {len(clients.acknowledged)} acknowledged")
            formation.kill_node(victim)
            kills.append(victim)
            deadline = time.time() + 180
            while time.time() < deadline:
                try:
                    primary = formation.primary()
                    if primary and primary != victim:
                        break
                except RuntimeError:
                    pass
                time.sleep(0.5)
            log(f"  {formation.primary()} promoted; {len(clients.acknowledged)} acknowledged; restarting {victim}")
            formation.ha("start")  # starts the stopped node's keeper; it rejoins as the secondary
            log(f"  {victim} rejoined as the secondary; {len(clients.acknowledged)} acknowledged")

        first = run_phase(formation, "failover", [Upload("ha-failover", i) for i in range(args.uploads)], failover, failures)
        check(len(kills) == 1, "failover: the primary's node was SIGKILLed once", failures)
        check(formation.primary() not in kills, f"failover: the primary changed ({kills[0] if kills else '?'} → {formation.primary()})", failures)

        switchover_uploads = max(1, args.uploads // 2)
        log(f"switchover: {switchover_uploads} uploads through a planned switchover")

        def switchover(clients):
            while len(clients.acknowledged) < switchover_uploads // 3:
                time.sleep(0.05)
            before = formation.primary()
            log(f"  pg_autoctl perform switchover at {len(clients.acknowledged)} acknowledged (primary {before})")
            formation.ha("switchover")
            formation.wait_states(["primary", "secondary"])
            log(f"  switchover done: primary {formation.primary()}; {len(clients.acknowledged)} acknowledged")
            kills.append(before)

        second = run_phase(formation, "switchover", [Upload("ha-switchover", i) for i in range(switchover_uploads)],
                           switchover, failures)
        check(formation.primary() != kills[-1], "switchover: the primary changed", failures)

        acknowledged = first["acked"] + second["acked"]
        verify_stored(formation, acknowledged, failures)
        total = int(formation.sql("SELECT count(*) FROM audits"))
        check(total == len(acknowledged), f"{total} audits in the database in all (no duplicates, nothing extra)", failures)
        check(formation.daemon.poll() is None and formation.daemon.pid == pid, "the same daemon process throughout (no restart)", failures)
        log(f"figures: uploads {first['uploads']} + {second['uploads']}, acknowledged {len(acknowledged)}, stored {total}; "
            f"SIGKILLs 1 node (postmaster + keeper); longest without a primary {first['without_primary']:.1f} s (failover), "
            f"{second['without_primary']:.1f} s (switchover); longest between acknowledgements {first['ack_gap']:.1f} s / "
            f"{second['ack_gap']:.1f} s; 503s to uploads {first['upload_503']} / {second['upload_503']}, "
            f"to the read probe {first['probe_503']} / {second['probe_503']}")
    finally:
        formation.close()
    log(f"ha drill {'failed' if failures else 'passed'} in {time.time() - began:.0f} s")
    if failures:
        log(f"{len(failures)} checks failed")
        sys.exit(1)


if __name__ == "__main__":
    main()
