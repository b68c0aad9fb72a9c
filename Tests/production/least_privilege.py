#!/usr/bin/env python3
"""The production shape, end to end: the whole chain on a PostgreSQL server set up as an
operator would set it up, where no role Touchstone uses is a superuser, compared with the same
chain on the embedded default.

The server: a fresh cluster of its own (initdb as an unprivileged user), listening on loopback
with password (SCRAM) logins. Its administrator runs sql/cluster/roles.sql, sets two passwords and
creates the database owned by the schema owner — the only superuser work, done with psql as
deploy/README.md says. Then, through the real CLI and daemon:

  schema owner    touchstone migrate; touchstone tenant create
  runtime login   imports (outlets, staff, surveys, complaints, audits), template add, kpi define,
                  plan add, batch run, export audits|kpis|payouts, period approve|close|status,
                  user add and token create for every role, and the daemon (serve --no-migrate)
                  answering each role's token

The same steps run on the embedded default (its own TOUCHSTONE_HOME). Every export, the
period's results hash and every API answer (less request ids and clock times) must be equal.
It also checks what the runtime login must not be able to do, and that the daemon refuses to
run as the schema owner or as a superuser.

Usage: least_privilege.py [--outlets N]   (needs the debug build and psql; exits non-zero on any difference)
"""
import argparse
import http.client
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOUCHSTONE = os.path.join(ROOT, ".build", "debug", "touchstone")
WORK = os.path.join(ROOT, ".touchstone", "least-privilege")
TENANT = "lp"
PERIOD = "2026-10"
AS_OF = "2026-11-05T00:00:00+08:00"
PASSWORDS = {"touchstone_owner": "owner-Secret-1", "touchstone_runtime": "runtime-Secret-1"}
ROLES = ["admin", "analyst", "region_manager", "outlet_manager", "auditor", "staff"]
failures = []


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def check(condition, message):
    if not condition:
        failures.append(message)
        log("FAIL " + message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bin(tool):
    bindir = subprocess.run(["pg_config", "--bindir"], stdout=subprocess.PIPE, text=True).stdout.strip()
    for candidate in [os.path.join(bindir, tool)] + sorted(
            (os.path.join("/usr/lib/postgresql", v, "bin", tool) for v in os.listdir("/usr/lib/postgresql")), reverse=True):
        if os.path.exists(candidate):
            return candidate
    raise SystemExit(f"cannot find {tool}")


class Server:
    """A PostgreSQL cluster of its own on loopback, run by an unprivileged user."""

    def __init__(self, directory):
        self.directory = directory
        self.data = os.path.join(directory, "data")
        self.socket_dir = os.path.join(directory, "run")
        self.port = free_port()
        self.user = None
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root: Debian's postgres account runs it.
            self.user = pwd.getpwnam("postgres")

    def run_as_server_user(self, args, **kwargs):
        command = ["runuser", "-u", self.user.pw_name, "--"] + args if self.user else args
        return subprocess.run(command, check=True, **kwargs)

    def start(self):
        os.makedirs(self.socket_dir, exist_ok=True)
        if self.user:
            for path in (self.directory, self.socket_dir):
                os.chown(path, self.user.pw_uid, self.user.pw_gid)
        self.run_as_server_user([pg_bin("initdb"), "-D", self.data, "-U", "postgres", "--auth-local=trust",
                                 "--auth-host=scram-sha-256", "--no-instructions"], stdout=subprocess.DEVNULL)
        # Loopback logins need a password; only the administrator's local socket is trusted.
        with open(os.path.join(self.data, "pg_hba.conf"), "w") as hba:
            hba.write("local all postgres trust\nhost all all 127.0.0.1/32 scram-sha-256\n")
        self.run_as_server_user([pg_bin("pg_ctl"), "-D", self.data, "-l", os.path.join(self.directory, "server.log"), "-w",
                                 "-o", f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1", "start"],
                                stdout=subprocess.DEVNULL)

    def stop(self):
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            self.run_as_server_user([pg_bin("pg_ctl"), "-D", self.data, "-m", "fast", "-w", "stop"], stdout=subprocess.DEVNULL)

    def admin_sql(self, sql=None, file=None, database="postgres"):
        """As the cluster's administrator (the superuser, on the local socket): set-up only."""
        args = ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", self.socket_dir, "-p", str(self.port),
                "-U", "postgres", "-d", database]
        args += ["-f", file] if file else ["-c", sql]
        return subprocess.run(args, check=True, stdout=subprocess.PIPE, text=True).stdout.strip()

    def conninfo(self, login):
        return f"host=127.0.0.1 port={self.port} dbname=touchstone user={login}"


class Chain:
    """One run of the whole chain through the CLI and the daemon, on one database."""

    def __init__(self, name, env, owner_args, runtime_args):
        self.name = name
        self.env = env
        self.owner_args = owner_args
        self.runtime_args = runtime_args
        self.out = os.path.join(WORK, name)
        os.makedirs(self.out, exist_ok=True)

    def ts(self, *args, owner=False, stdin=None, expect_ok=True):
        command = [TOUCHSTONE, *args, *(self.owner_args if owner else self.runtime_args), "--log-level", "error"]
        result = subprocess.run(command, env=self.env, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if expect_ok and result.returncode != 0:
            raise SystemExit(f"[{self.name}] {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
        return result

    def run(self, files, region, outlet, employee):
        log(f"[{self.name}] schema owner: migrate, tenant create")
        self.ts("migrate", owner=True)
        self.ts("tenant", "create", TENANT, "--name", "最小权限 Least Privilege", owner=True)
        log(f"[{self.name}] runtime login: imports, definitions, batch, exports, period")
        for kind in ("outlets", "staff", "surveys", "complaints"):
            self.ts("import", kind, "--tenant", TENANT, os.path.join(files, f"{kind}.csv"))
        self.ts("template", "add", "--tenant", TENANT, os.path.join(files, "template-nat.json"))
        self.ts("import", "audits", "--tenant", TENANT, os.path.join(files, "audits.jsonl"), "--submitted-by", "agency")
        self.ts("kpi", "define", "--tenant", TENANT, os.path.join(files, "kpis.json"))
        for plan in sorted(f for f in os.listdir(files) if f.startswith("plan")):
            self.ts("plan", "add", "--tenant", TENANT, os.path.join(files, plan))
        self.ts("batch", "run", "--tenant", TENANT, "--period", PERIOD, "--as-of", AS_OF)
        results = {}
        for kind in ("audits", "kpis", "payouts"):
            results[f"export {kind}"] = self.ts("export", kind, "--tenant", TENANT, "--period", PERIOD).stdout
        self.ts("period", "approve", "--tenant", TENANT, "--period", PERIOD)
        results["period close"] = self.ts("period", "close", "--tenant", TENANT, "--period", PERIOD).stdout
        results["period status"] = self.ts("period", "status", "--tenant", TENANT, "--period", PERIOD).stdout
        results["changes"] = len(self.ts("changes", "--tenant", TENANT).stdout.splitlines())

        log(f"[{self.name}] users and tokens for every role, then the daemon")
        scopes = {"region_manager": ["--region", region], "outlet_manager": ["--outlet", outlet], "staff": ["--employee", employee]}
        tokens = {}
        for role in ROLES:
            self.ts("user", "add", f"lp-{role}", "--tenant", TENANT, "--role", role, *scopes.get(role, []))
            tokens[role] = self.ts("token", "create", "--tenant", TENANT, "--user", f"lp-{role}", "--days", "1").stdout.strip()
        port = free_port()
        log_file = open(os.path.join(self.out, "serve.log"), "wb")
        daemon = subprocess.Popen([TOUCHSTONE, "serve", "--no-migrate", "--port", str(port), *self.runtime_args],
                                  env=self.env, stdout=log_file, stderr=log_file)
        try:
            wait_ready(port, daemon)
            for role in ROLES:
                for path in api_paths(outlet, employee):
                    status, body = get(port, path, tokens[role])
                    results[f"{role} GET {path}"] = (status, normalise(body))
        finally:
            daemon.terminate()
            daemon.wait(timeout=30)
        with open(os.path.join(self.out, "results.json"), "w") as f:
            json.dump(results, f, ensure_ascii=False, indent=1, sort_keys=True)
        return results


def api_paths(outlet, employee):
    return [
        "/api/v1/outlets?limit=1000", f"/api/v1/outlets/{outlet}", "/api/v1/staff?limit=1000", f"/api/v1/staff/{employee}",
        f"/api/v1/audits?period={PERIOD}&limit=1000", "/api/v1/templates", "/api/v1/kpis", "/api/v1/plans",
        f"/api/v1/league?period={PERIOD}&kpi=MS&level=outlet", f"/api/v1/league?period={PERIOD}&kpi=S1&level=staff",
        f"/api/v1/outlets/{outlet}/profile?period={PERIOD}", f"/api/v1/warnings?period={PERIOD}",
        f"/api/v1/payouts?period={PERIOD}", f"/api/v1/payouts/{employee}/explanation?period={PERIOD}",
        f"/api/v1/exports/kpis.csv?period={PERIOD}", f"/api/v1/exports/payouts.csv?period={PERIOD}",
    ]


def wait_ready(port, daemon):
    deadline = time.time() + 60
    while time.time() < deadline:
        if daemon.poll() is not None:
            raise SystemExit(f"daemon exited with {daemon.returncode}")
        try:
            if get(port, "/health/ready", None)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("daemon not ready within 60 s")


def get(port, path, token):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Authorization": f"Bearer {token}"} if token else {})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


# Clock times and request ids differ between two runs; everything else must not.
VOLATILE = {"requestId", "createdAt", "receivedAt", "updatedAt", "startedAt", "finishedAt", "closedAt", "approvedAt",
            "at", "duration", "generatedAt"}


def normalise(body):
    try:
        value = json.loads(body)
    except ValueError:
        return body

    def strip(v):
        if isinstance(v, dict):
            return {k: strip(x) for k, x in v.items() if k not in VOLATILE}
        if isinstance(v, list):
            return [strip(x) for x in v]
        return v
    return strip(value)


def forbidden_to_runtime(server):
    """What the runtime login must not be able to do, tried with psql as that login."""
    env = dict(os.environ, PGPASSWORD=PASSWORDS["touchstone_runtime"])
    base = ["psql", "-X", "-At", "-h", "127.0.0.1", "-p", str(server.port), "-U", "touchstone_runtime", "-d", "touchstone"]
    tenant = "BEGIN; SELECT set_config('app.tenant_id', (SELECT id::text FROM app_tenant_by_code('lp')), true); "
    refused = {
        "SET ROLE touchstone_owner": "permission denied to set role",
        "SET ROLE touchstone_lookup": "permission denied to set role",
        "SET ROLE postgres": "permission denied to set role",
        "INSERT INTO tenants (code, name) VALUES ('x', 'x')": "permission denied",
        tenant + "UPDATE tenants SET name = 'x'": "permission denied",
        tenant + "UPDATE users SET login = 'x'": "permission denied",
        tenant + "UPDATE users SET tenant_id = 1": "permission denied",
        tenant + "DELETE FROM users": "permission denied",
        tenant + "UPDATE api_tokens SET token_hash = repeat('0', 64)": "permission denied",
        tenant + "UPDATE change_log SET actor = 'x'": "permission denied",
        tenant + "DELETE FROM change_log": "permission denied",
        "TRUNCATE change_log": "permission denied",
        "UPDATE schema_migrations SET checksum = 'x'": "permission denied",
        "CREATE TABLE public.x (a int)": "permission denied",
    }
    for sql, expected in refused.items():
        result = subprocess.run(base + ["-v", "ON_ERROR_STOP=1", "-c", sql], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        check(result.returncode != 0 and expected in result.stderr, f"runtime login was not refused: {sql!r} → {result.stderr.strip()!r}")
    tables = subprocess.run(base + ["-c", "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"], env=env,
                            stdout=subprocess.PIPE, text=True, check=True).stdout.split()
    counts = " + ".join(f"(SELECT count(*) FROM {t})" for t in tables if t != "schema_migrations")
    seen = subprocess.run(base + ["-c", f"SELECT {counts}"], env=env, stdout=subprocess.PIPE, text=True, check=True).stdout.strip()
    check(seen == "0", f"runtime login with no tenant set read {seen} rows of {len(tables) - 1} tenant tables")
    log(f"runtime login: {len(refused)} forbidden statements refused, 0 rows of {len(tables) - 1} tables without a tenant")


def refuses_privileged_logins(server, env):
    """The daemon and the data commands refuse the schema owner and a superuser."""
    for name, conninfo in (("schema owner", server.conninfo("touchstone_owner")),
                           ("superuser", f"host={server.socket_dir} port={server.port} dbname=touchstone user=postgres")):
        result = subprocess.run([TOUCHSTONE, "export", "kpis", "--tenant", TENANT, "--period", PERIOD, "--database", conninfo],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        check(result.returncode != 0 and "runtime login" in result.stderr and result.stdout == "",
              f"a data command ran as the {name}: {result.returncode} {result.stderr.strip()!r}")
    result = subprocess.run([TOUCHSTONE, "tenant", "create", "nope", "--name", "x", "--database", server.conninfo("touchstone_runtime")],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    check(result.returncode != 0 and "permission denied" in result.stderr, f"the runtime login created a tenant: {result.stderr.strip()!r}")
    log("the schema owner and the superuser are refused as runtime logins; the runtime login cannot create tenants")


def migrate_without_migrations_starts_nothing(env):
    """A binary that cannot find sql/ says where it looked and starts no embedded server."""
    directory = tempfile.mkdtemp(prefix="touchstone-nosql-")
    try:
        binary = os.path.join(directory, "touchstone")
        shutil.copy(TOUCHSTONE, binary)
        home = os.path.join(directory, "home")
        result = subprocess.run([binary, "migrate"], cwd=directory, env=dict(env, TOUCHSTONE_HOME=home),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        check(result.returncode != 0 and "cannot find the sql/ migrations directory" in result.stderr
              and os.path.join(directory, "sql") in result.stderr,
              f"migrate without sql/: {result.returncode} {result.stderr.strip()!r}")
        check(not os.path.exists(home), f"migrate without sql/ created {home}")
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    log("migrate without sql/ names the directories it tried and starts no cluster")


def first_scopes(files):
    """A region, an outlet in it and a person working there, from the generated files."""
    import csv
    with open(os.path.join(files, "outlets.csv"), encoding="utf-8") as f:
        outlet = next(csv.DictReader(f))
    with open(os.path.join(files, "staff.csv"), encoding="utf-8") as f:
        person = next(r for r in csv.DictReader(f) if r["outlet_code"] == outlet["code"])
    return outlet["region_path"].split("/")[0], outlet["code"], person["employee_no"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outlets", type=int, default=12)
    args = parser.parse_args()
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PG") and k not in ("DATABASE_URL", "TOUCHSTONE_OWNER_DATABASE", "TOUCHSTONE_SQL_DIR")}
    migrate_without_migrations_starts_nothing(env)

    files = os.path.join(WORK, "chain")
    subprocess.run([TOUCHSTONE, "generate", files, "--outlets", str(args.outlets), "--tenant", TENANT, "--period", PERIOD],
                   check=True, stdout=subprocess.DEVNULL)
    region, outlet, employee = first_scopes(files)

    # Under the system's temporary folder: the server's unprivileged user must reach it, and a unix
    # socket path must stay short.
    server = Server(tempfile.mkdtemp(prefix="touchstone-lp-"))
    embedded_env = dict(env, TOUCHSTONE_HOME=os.path.join(WORK, "embedded"))
    try:
        log(f"server: a fresh cluster on 127.0.0.1:{server.port}, SCRAM logins; the administrator runs sql/cluster/roles.sql")
        server.start()
        server.admin_sql(file=os.path.join(ROOT, "sql", "cluster", "roles.sql"))
        for login, password in PASSWORDS.items():
            server.admin_sql(f"ALTER ROLE {login} PASSWORD '{password}'")
        server.admin_sql("CREATE DATABASE touchstone OWNER touchstone_owner")
        privileged = server.admin_sql(
            "SELECT string_agg(rolname, ',') FROM pg_roles WHERE rolname LIKE 'touchstone%' AND (rolsuper OR rolbypassrls)")
        check(privileged == "", f"roles with SUPERUSER or BYPASSRLS: {privileged}")

        passfile = os.path.join(WORK, "pgpass")
        with open(passfile, "w") as f:
            f.writelines(f"127.0.0.1:{server.port}:touchstone:{login}:{password}\n" for login, password in PASSWORDS.items())
        os.chmod(passfile, 0o600)
        server_env = dict(env, PGPASSFILE=passfile, TOUCHSTONE_HOME=os.path.join(WORK, "unused-home"))

        production = Chain("server", server_env, ["--database", server.conninfo("touchstone_owner")],
                           ["--database", server.conninfo("touchstone_runtime")]).run(files, region, outlet, employee)
        embedded = Chain("embedded", embedded_env, [], []).run(files, region, outlet, employee)

        for key in sorted(set(production) | set(embedded)):
            check(production.get(key) == embedded.get(key),
                  f"{key} differs: server {str(production.get(key))[:300]!r} vs embedded {str(embedded.get(key))[:300]!r}")
        statuses = {k: v[0] for k, v in production.items() if isinstance(v, tuple)}
        check(sum(1 for s in statuses.values() if s == 200) >= len(ROLES) * 4,
              f"too few 200 answers to compare: {sorted(statuses.items())}")
        check(production["export payouts"].count("\n") > 1 and production["export kpis"].count("\n") > 1,
              "the exports are empty")
        log(f"compared {len(production)} results (exports, results hash, {len(statuses)} API answers over {len(ROLES)} roles): "
            + ("equal" if not failures else f"{len(failures)} differences"))

        forbidden_to_runtime(server)
        refuses_privileged_logins(server, server_env)
    finally:
        server.stop()
        shutil.rmtree(server.directory, ignore_errors=True)
        subprocess.run([TOUCHSTONE, "dev", "stop"], env=embedded_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    if failures:
        print(f"least privilege: {len(failures)} failed", flush=True)
        sys.exit(1)
    print("least privilege: the production shape gives the embedded default's results; no superuser in play", flush=True)


if __name__ == "__main__":
    main()
