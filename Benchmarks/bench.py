#!/usr/bin/env python3
"""Touchstone's benchmarks (targets.md), each beside its ceiling measured in the same run on
the same machine and database, printed as one markdown table.

  uploads   POST /api/v1/audits (60 answers) from wrk with 1, 4, 8 connections vs pgbench running the same
            SQL transaction (one audit row + its 60 answer rows) with as many clients
  import    `touchstone import surveys` rows/s vs raw COPY of the same file into a table of its shape;
            `touchstone import audits` audits/s, first and again (every line unchanged)
  batch     `touchstone batch run` (all KPIs at all levels, all payouts): time and peak RSS vs one
            hand-written SQL query computing the same KPI values (Benchmarks/lower_bound.sql) and,
            when one is given, vs the incumbent pandas implementation (what head offices do today)
  growth    the batch at 1x, 2x and 4x a base chain
  daemon    serve-to-ready, RSS idle and under the upload load

Usage: bench.py [--outlets N] [--growth-base B] [--duration S] [--pandas-baseline PATH] [--skip-pandas]
                [--skip-growth] [--dry-run]
Run through Benchmarks/run.sh, which builds the release binary first.

The pandas comparison is optional: the incumbent pandas implementation is not part of this
repository. Give it with `--pandas-baseline PATH` or `TOUCHSTONE_PANDAS_BASELINE=PATH`, PATH being
the script (pandas_baseline.py, called as `pandas_baseline.py DIR PERIOD AS_OF TZ`) or the folder
holding it. pandas (pinned below) is installed from PyPI into .build/bench/venv for it. Without a
baseline the run says that the comparison was skipped and how to enable it.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
TOUCHSTONE = os.environ.get("TOUCHSTONE_BIN", os.path.join(ROOT, ".build", "release", "touchstone"))
PANDAS_VERSION = "3.1.1"  # pinned; installed only when a pandas baseline is given
PANDAS_HOW = ("give the incumbent pandas implementation with --pandas-baseline /path/to/pandas_baseline.py "
              "(or a folder holding it), or set TOUCHSTONE_PANDAS_BASELINE to that path")
WORK = os.path.join(ROOT, ".build", "bench")
HOME = os.path.join(WORK, "home")  # the cluster in use (use_cluster)
PORT = int(os.environ.get("BENCH_PORT", "18096"))
PERIOD, AS_OF, TZ = "2026-10", "2026-11-05T00:00:00+08:00", "Asia/Shanghai"
ENV = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE")}


def use_cluster(home):
    """Points every command at the embedded cluster under `home` (a fresh one, started)."""
    global HOME
    if ENV.get("TOUCHSTONE_HOME"):
        subprocess.run([TOUCHSTONE, "dev", "stop"], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    HOME = home
    ENV["TOUCHSTONE_HOME"] = home
    subprocess.run([TOUCHSTONE, "dev", "stop"], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.rmtree(home, ignore_errors=True)
    subprocess.run([TOUCHSTONE, "dev", "start"], env=ENV, check=True, stdout=subprocess.DEVNULL)


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def ts(*args, capture=False):
    result = subprocess.run([TOUCHSTONE, *args, "--log-level", "error"], env=ENV, check=True,
                            stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL if capture else None)
    return result.stdout.decode().strip() if capture else None


def postgres_socket():
    """The embedded cluster's socket directory, as `touchstone dev start` reports it (the home's
    run/ unless the layout falls back to /tmp)."""
    out = subprocess.run([TOUCHSTONE, "dev", "start"], env=ENV, check=True, stdout=subprocess.PIPE).stdout.decode()
    return next(field[len("host="):] for field in out.split() if field.startswith("host="))


def psql(*args, input=None):
    result = subprocess.run(["psql", "-h", postgres_socket(), "-U", "postgres", "-d", "touchstone", "-At", *args],
                            env=ENV, check=True, stdout=subprocess.PIPE, input=input)
    return result.stdout.decode().strip()


def timed(command, env=ENV):
    """(wall seconds, peak RSS MB) of a command, by /usr/bin/time."""
    result = subprocess.run(["/usr/bin/time", "-f", "%e %M", *command], env=env, check=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall, rss = result.stderr.decode().strip().splitlines()[-1].split()
    return float(wall), int(rss) / 1024


def chain(outlets):
    directory = os.path.join(WORK, f"chain-{outlets}")
    if not os.path.exists(os.path.join(directory, "TENANT")):
        log(f"generating a {outlets}-outlet chain")
        subprocess.run([TOUCHSTONE, "generate", directory, "--outlets", str(outlets)], check=True, stdout=subprocess.DEVNULL)
    return directory


def load(tenant, directory, measure_import=False):
    """Loads a generated chain into `tenant`; returns the import measurements when asked: survey
    rows, their import and raw COPY seconds, audits and their import and re-import seconds."""
    log(f"loading {directory} into tenant {tenant}")
    ts("tenant", "create", tenant, "--name", tenant, "--timezone", TZ)
    ts("import", "outlets", "--tenant", tenant, f"{directory}/outlets.csv")
    ts("import", "staff", "--tenant", tenant, f"{directory}/staff.csv")
    surveys = f"{directory}/surveys.csv"
    rows = sum(1 for _ in open(surveys, encoding="utf-8")) - 1
    measured = None
    if measure_import:
        import_wall, _ = timed([TOUCHSTONE, "import", "surveys", "--tenant", tenant, surveys, "--log-level", "error"])
        psql("-c", "DROP TABLE IF EXISTS bench_copy; CREATE TABLE bench_copy (response_id text, outlet_code text, employee_no text, "
                   "responded_at timestamptz, channel text, sat smallint, nps smallint)")
        started = time.time()
        psql("-c", f"\\copy bench_copy FROM '{surveys}' WITH (FORMAT csv, HEADER true)")
        copy_wall = time.time() - started
        psql("-c", "DROP TABLE bench_copy")
        measured = (rows, import_wall, copy_wall)
    else:
        ts("import", "surveys", "--tenant", tenant, surveys)
    ts("import", "complaints", "--tenant", tenant, f"{directory}/complaints.csv")
    for name in sorted(os.listdir(directory)):
        if name.startswith("template"):
            ts("template", "add", "--tenant", tenant, f"{directory}/{name}")
    audits_file = f"{directory}/audits.jsonl"
    if measure_import:
        audits = sum(1 for line in open(audits_file, encoding="utf-8") if line.strip())
        audits_wall, _ = timed([TOUCHSTONE, "import", "audits", "--tenant", tenant, audits_file, "--log-level", "error"])
        reimport_wall, _ = timed([TOUCHSTONE, "import", "audits", "--tenant", tenant, audits_file, "--log-level", "error"])
        measured += (audits, audits_wall, reimport_wall)
    else:
        ts("import", "audits", "--tenant", tenant, audits_file)
    ts("kpi", "define", "--tenant", tenant, f"{directory}/kpis.json")
    for name in sorted(os.listdir(directory)):
        if name.startswith("plan"):
            ts("plan", "add", "--tenant", tenant, f"{directory}/{name}")
    return measured


def settle():
    """What a database looks like some minutes after a bulk load: vacuumed, analysed, checkpointed,
    so the batch is timed alone rather than against the load's background work."""
    psql("-c", "VACUUM ANALYZE")
    psql("-c", "CHECKPOINT")


def batch(tenant, full=False):
    """The period's batch; `full` recomputes everything even when an incremental rerun is possible
    (the rerun of the table replaces the period's results, as before incremental reruns existed;
    Benchmarks/rerun.py measures the incremental one)."""
    return timed([TOUCHSTONE, "batch", "run", "--tenant", tenant, "--period", PERIOD, "--as-of", AS_OF, "--log-level", "error"]
                 + (["--full"] if full else []))


def lower_bound(tenant):
    tenant_id = psql("-c", f"SELECT id FROM tenants WHERE code = '{tenant}'")
    query = "SET jit = off;\n" + open(os.path.join(ROOT, "Benchmarks", "lower_bound.sql"), encoding="utf-8").read()
    started = time.time()
    out = psql("-v", f"tenant={tenant_id}", "-v", "period_start=2026-10-01T00:00:00+08:00",
               "-v", "period_end=2026-11-01T00:00:00+08:00", "-v", f"as_of={AS_OF}", input=query.encode())
    wall = time.time() - started
    values = int(out.splitlines()[-1].split("|")[0])
    stored = int(psql("-c", f"SELECT count(*) FROM kpi_results WHERE tenant_id = {tenant_id} AND period = '{PERIOD}'"))
    return wall, values, stored


def pandas_baseline(args):
    """The pandas baseline script to compare with, or None (with the reason) when there is none."""
    if args.skip_pandas:
        return None, "--skip-pandas was given"
    given = args.pandas_baseline or os.environ.get("TOUCHSTONE_PANDAS_BASELINE")
    if not given:
        return None, "no pandas baseline was given"
    script = os.path.join(given, "pandas_baseline.py") if os.path.isdir(given) else given
    if not os.path.isfile(script):
        sys.exit(f"bench.py: pandas baseline {script!r} is not a file; {PANDAS_HOW}, or run with --skip-pandas")
    return os.path.abspath(script), None


def pandas(script, directory):
    venv = os.path.join(WORK, "venv")
    python = os.path.join(venv, "bin", "python")
    installed = subprocess.run([python, "-c", "import pandas; print(pandas.__version__)"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL) if os.path.exists(python) else None
    if not (installed and installed.returncode == 0 and installed.stdout.decode().strip() == PANDAS_VERSION):
        log(f"installing pandas=={PANDAS_VERSION} into {venv}")
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        f"pandas=={PANDAS_VERSION}"], check=True)
    return timed([python, script, directory, PERIOD, AS_OF, TZ])


# ---- uploads

def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def wrk_script(token, directory, count=200):
    """A wrk Lua script that POSTs the first `count` audits of the chain in turn, each with a
    fresh audit id (the run's nonce, given as the script's argument, the thread and a counter,
    as a UUID), and prints requests, seconds, p50 and p99 in ms and the answers other than 201."""
    with open(f"{directory}/audits.jsonl", encoding="utf-8") as f:
        documents = [json.loads(line) for _, line in zip(range(count), f)]
    bodies = []
    for doc in documents:
        prefix, suffix = json.dumps(dict(doc, id="@ID@"), ensure_ascii=False).split("@ID@")
        bodies.append(f"{{[==[{prefix}]==], [==[{suffix}]==]}}")
    script = os.path.join(WORK, "upload.lua")
    with open(script, "w", encoding="utf-8") as f:
        f.write(f"""local bodies = {{{",".join(bodies)}}}
-- Globals, not locals: thread:set and thread:get reach a thread's globals only.
threads, next_thread = {{}}, 0
function setup(thread) next_thread = next_thread + 1; thread:set("thread_id", next_thread); table.insert(threads, thread) end
function init(args) nonce, counter, not_created = args[1], 0, 0 end
function request()
    counter = counter + 1
    local body = bodies[counter % #bodies + 1]
    local id = string.format("%s-%04x-4000-8000-%012x", nonce, thread_id, counter)
    return wrk.format("POST", "/api/v1/audits",
        {{["Authorization"] = "Bearer {token}", ["Content-Type"] = "application/json"}}, body[1] .. id .. body[2])
end
function response(status, headers, body) if status ~= 201 then not_created = not_created + 1 end end
function done(summary, latency, requests)
    local bad = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
    for _, thread in ipairs(threads) do bad = bad + thread:get("not_created") end
    io.write(string.format("RESULT %d %f %f %f %d\\n", summary.requests, summary.duration / 1e6,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, bad))
end
""")
    return script, len(json.dumps(documents[0], ensure_ascii=False).encode())


def uploads(tenant, directory, duration, clients_list):
    """Audit uploads from wrk (C, one event loop per thread: the load generator takes little of
    the 2 cores the daemon and PostgreSQL share) with 1, 4 and 8 connections."""
    ts("user", "add", "bench-admin", "--tenant", tenant, "--role", "admin")
    token = ts("token", "create", "--tenant", tenant, "--user", "bench-admin", "--days", "1", capture=True)
    script, size = wrk_script(token, directory)

    log("starting the daemon")
    started = time.time()
    log_file = open(os.path.join(WORK, "serve.log"), "ab")
    daemon = subprocess.Popen([TOUCHSTONE, "serve", "--port", str(PORT), "--upload-rate", "0", "--log-level", "warning"],
                              env=ENV, stdout=log_file, stderr=log_file)
    try:
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
                connection.request("GET", "/health/ready")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            if daemon.poll() is not None:
                raise RuntimeError(f"the daemon exited with status {daemon.returncode}; see {log_file.name}")
            if time.time() - started > 60:
                raise RuntimeError("daemon not ready in 60 s")
            time.sleep(0.01)
        ready = time.time() - started
        time.sleep(2)
        idle = rss_mb(daemon.pid)

        results = {}
        peak = idle
        for clients in clients_list:
            load = subprocess.Popen(["wrk", "-t", str(min(clients, 2)), "-c", str(clients), "-d", f"{duration}s", "-s", script,
                                     f"http://127.0.0.1:{PORT}", "--", uuid.uuid4().hex[:8]], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            while load.poll() is None:
                peak = max(peak, rss_mb(daemon.pid))
                time.sleep(0.2)
            out = load.stdout.read().decode()
            match = re.search(r"RESULT (\d+) ([0-9.]+) ([0-9.]+) ([0-9.]+) (\d+)", out)
            if not match:
                raise RuntimeError("wrk printed no result:\n" + out)
            requests, seconds, p50, p99, failures = match.groups()
            results[clients] = (int(requests) / float(seconds), float(p50), float(p99), int(failures))
            log(f"  {clients} clients: {results[clients][0]:.0f} uploads/s, p50 {results[clients][1]:.1f} ms, "
                f"p99 {results[clients][2]:.1f} ms, {failures} not 201")
    finally:
        daemon.terminate()
        daemon.wait()
    return ready, idle, peak, results, size


def pgbench(tenant, duration, clients_list):
    tenant_id = psql("-c", f"SELECT id FROM tenants WHERE code = '{tenant}'")
    sample = psql("-c", f"SELECT id FROM audits WHERE tenant_id = {tenant_id} ORDER BY id LIMIT 1")
    script = os.path.join(WORK, "upload.sql")
    with open(script, "w") as f:
        f.write(f"""BEGIN;
WITH a AS (
    INSERT INTO audits (tenant_id, id, template_code, template_version, outlet_id, visited_at, auditor, served_by, state,
                        score, critical_failure, content_hash, document, submitted_by)
    SELECT tenant_id, gen_random_uuid(), template_code, template_version, outlet_id, visited_at, auditor, served_by, state,
           score, critical_failure, content_hash, document, 'pgbench'
    FROM audits WHERE tenant_id = {tenant_id} AND id = '{sample}'
    RETURNING tenant_id, id, document)
INSERT INTO audit_answers (tenant_id, audit_id, item_code, answer, earned, possible, failed)
SELECT a.tenant_id, a.id, e.key, e.value, 1, 1, false FROM a, jsonb_each(a.document->'answers') AS e;
END;
""")
    results = {}
    for clients in clients_list:
        out = subprocess.run(["pgbench", "-n", "-f", script, "-c", str(clients), "-j", str(clients), "-T", str(duration),
                              "-h", postgres_socket(), "-U", "postgres", "touchstone"],
                             env=ENV, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE).stdout.decode()
        results[clients] = float(re.search(r"tps = ([0-9.]+)", out).group(1))
        log(f"  pgbench {clients} clients: {results[clients]:.0f} tps")
    # Only answers hang off pgbench's audits. Without the foreign keys' row triggers (replica role):
    # each deleted audit's check of actions.audit_id would scan the actions table (no index on it).
    psql("-c", "SET session_replication_role = replica", "-c",
         f"DELETE FROM audit_answers WHERE tenant_id = {tenant_id} AND audit_id IN "
         f"(SELECT id FROM audits WHERE tenant_id = {tenant_id} AND submitted_by = 'pgbench')", "-c",
         f"DELETE FROM audits WHERE tenant_id = {tenant_id} AND submitted_by = 'pgbench'")
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--outlets", type=int, default=10000, help="the chain (default 10000: the national chain)")
    parser.add_argument("--growth-base", type=int, default=None, help="base of the 1x/2x/4x growth runs (default outlets/4)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per upload measurement")
    parser.add_argument("--pandas-baseline", metavar="PATH", default=None,
                        help="the incumbent pandas implementation to compare the batch with: pandas_baseline.py or "
                             "the folder holding it (default: $TOUCHSTONE_PANDAS_BASELINE; none: the comparison is skipped)")
    parser.add_argument("--skip-pandas", action="store_true", help="skip the pandas comparison even when a baseline is given")
    parser.add_argument("--skip-growth", action="store_true")
    parser.add_argument("--dry-run", action="store_true", help="print what would be measured, then stop")
    args = parser.parse_args()
    base = args.growth_base or max(1, args.outlets // 4)
    pandas_script, pandas_skipped = pandas_baseline(args)
    if pandas_script:
        log(f"pandas comparison: {pandas_script} (pandas=={PANDAS_VERSION})")
    else:
        log(f"pandas comparison skipped: {pandas_skipped}; to enable it, {PANDAS_HOW}")
    if args.dry_run:
        print(f"chain {args.outlets} outlets; growth {'skipped' if args.skip_growth else f'{base}/{2 * base}/{4 * base} outlets'}; "
              f"uploads {args.duration} s per measurement; pandas comparison: "
              f"{pandas_script or 'skipped (' + pandas_skipped + ')'}")
        return

    os.makedirs(WORK, exist_ok=True)
    try:
        use_cluster(os.path.join(WORK, "home"))
        directory = chain(args.outlets)
        rows, import_wall, copy_wall, audits, audits_wall, reimport_wall = load("main", directory, measure_import=True)
        log(f"  import {rows} rows in {import_wall:.2f} s, raw COPY {copy_wall:.2f} s")
        log(f"  import {audits} audits in {audits_wall:.2f} s, again (all unchanged) {reimport_wall:.2f} s")
        settle()
        batch_wall, batch_rss = batch("main")
        rerun_wall, rerun_rss = batch("main", full=True)
        log(f"  batch {batch_wall:.2f} s / {batch_rss:.0f} MB, rerun {rerun_wall:.2f} s / {rerun_rss:.0f} MB")
        bound_wall, bound_values, stored_values = lower_bound("main")
        log(f"  lower bound {bound_wall:.2f} s ({bound_values} values, {stored_values} stored)")
        pandas_result = pandas(pandas_script, directory) if pandas_script else None
        if pandas_result:
            log(f"  pandas {pandas_result[0]:.2f} s / {pandas_result[1]:.0f} MB")
        log("uploads over HTTP and pgbench")
        clients_list = [1, 4, 8]
        ready, idle, peak, http_results, size = uploads("main", directory, args.duration, clients_list)
        log(f"  serve to ready {ready:.2f} s, RSS idle {idle:.0f} MB, under load {peak:.0f} MB")
        pg_results = pgbench("main", args.duration, clients_list)
        growth = {}
        if not args.skip_growth:
            # Each size in a cluster of its own, as a head office would run it.
            for factor in (1, 2, 4):
                outlets = base * factor
                if outlets == args.outlets:
                    growth[factor] = (outlets, rerun_wall, rerun_rss)
                    continue
                use_cluster(os.path.join(WORK, f"home-{outlets}"))
                load(f"g{factor}", chain(outlets))
                settle()
                batch(f"g{factor}")
                growth[factor] = (outlets, *batch(f"g{factor}", full=True))
                log(f"  growth {factor}x ({outlets} outlets): {growth[factor][1]:.2f} s / {growth[factor][2]:.0f} MB")
    finally:
        subprocess.run([TOUCHSTONE, "dev", "stop"], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def verdict(ok):
        return "met" if ok else "**missed**"

    lines = [
        f"Chain: {args.outlets} outlets (`touchstone generate --outlets {args.outlets}`), period {PERIOD}; "
        f"{os.cpu_count()} cores; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
        "| what | figure | ceiling (same run) | ratio | target | |",
        "|---|---|---|---|---|---|",
    ]
    for clients in clients_list:
        rate, p50, p99, failures = http_results[clients]
        ratio = rate / pg_results[clients]
        target = "≥ 50 %, p99 ≤ 25 ms" if clients == 8 else "—"
        ok = ratio >= 0.5 and p99 <= 25 if clients == 8 else True
        lines.append(f"| audit uploads over HTTP, {clients} client{'s' if clients > 1 else ''} ({size} B, 60 answers) | "
                     f"{rate:.0f}/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms{f', {failures} not 201' if failures else ''} | "
                     f"pgbench same transaction {pg_results[clients]:.0f}/s | {ratio:.0%} | {target} | {verdict(ok) if clients == 8 else ''} |")
    import_rate, copy_rate = rows / import_wall, rows / copy_wall
    lines.append(f"| CSV survey import ({rows:,} rows) | {import_rate:,.0f} rows/s ({import_wall:.1f} s) | raw COPY {copy_rate:,.0f} rows/s "
                 f"({copy_wall:.1f} s) | {import_rate / copy_rate:.0%} | ≥ 50 % | {verdict(import_rate / copy_rate >= 0.5)} |")
    upload_rate = http_results[1][0]
    lines.append(f"| `import audits` ({audits:,} audits, 60 answers each) | {audits / audits_wall:,.0f} audits/s ({audits_wall:.1f} s); "
                 f"the same file again (all unchanged) {audits / reimport_wall:,.0f}/s ({reimport_wall:.1f} s) | "
                 f"HTTP uploads, 1 client {upload_rate:.0f}/s | {audits / audits_wall / upload_rate:.1f}× | ≥ 2,000/s | "
                 f"{verdict(audits / audits_wall >= 2000)} |")
    lines.append(f"| monthly batch, KPIs + payouts | {batch_wall:.2f} s first, {rerun_wall:.2f} s rerun | one SQL query for the KPI values "
                 f"{bound_wall:.2f} s ({bound_values:,} values = {stored_values:,} stored) | {rerun_wall / bound_wall:.1f}× | ≤ 2× | "
                 f"{verdict(rerun_wall <= 2 * bound_wall)} |")
    if pandas_result:
        lines.append(f"| the same batch vs pandas | {rerun_wall:.2f} s, {rerun_rss:.0f} MB | pandas_baseline.py {pandas_result[0]:.2f} s, "
                     f"{pandas_result[1]:.0f} MB | {pandas_result[0] / rerun_wall:.1f}× faster | ≥ 20× | "
                     f"{verdict(pandas_result[0] / rerun_wall >= 20)} |")
    else:
        lines.append(f"| the same batch vs pandas | skipped: {pandas_skipped} | — | — | ≥ 20× | not measured |")
    lines.append(f"| batch peak RSS | {max(batch_rss, rerun_rss):.0f} MB | — | — | ≤ 200 MB | {verdict(max(batch_rss, rerun_rss) <= 200)} |")
    if growth:
        times = ", ".join(f"{f}× ({o:,} outlets) {w:.2f} s / {r:.0f} MB" for f, (o, w, r) in sorted(growth.items()))
        ratio = growth[4][1] / growth[1][1]
        lines.append(f"| growth | {times} | — | 4×/1× = {ratio:.2f} | ≤ 4.5 | {verdict(ratio <= 4.5)} |")
    lines.append(f"| daemon RSS | idle {idle:.0f} MB, under upload load {peak:.0f} MB | — | — | ≤ 60 / ≤ 150 MB | "
                 f"{verdict(idle <= 60 and peak <= 150)} |")
    lines.append(f"| `touchstone serve` to ready (cluster running) | {ready:.2f} s | — | — | ≤ 2 s | {verdict(ready <= 2)} |")
    if not pandas_result:
        lines += ["", f"The pandas comparison was skipped ({pandas_skipped}); to enable it, {PANDAS_HOW}."]
    table = "\n".join(lines)
    with open(os.path.join(WORK, "results.md"), "w") as f:
        f.write(table + "\n")
    print(table)


if __name__ == "__main__":
    main()
