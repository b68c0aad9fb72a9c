#!/usr/bin/env python3
"""The change-log trigger on audits, before and after 0250, under bench.py's upload transaction.

pgbench runs bench.py's "same transaction" as an upload (one audit row + its 60 answer rows) with
1, 4 and 8 clients, alternately with the audits INSERT trigger on the generic dynamic-SQL function
of 0040/0072 (app_log_changes, "dynamic") and on its static function of 0250 ("static"), back to
back in rounds so both see the same machine load. Prints tps per round and the median ratio.

Usage: change_log_triggers.py [--outlets N] [--duration S] [--rounds R] [--explain N]
(--rounds 0: the EXPLAIN ANALYZE medians only, N runs per function.)
Uses the binary at $TOUCHSTONE_BIN (default .build/release/touchstone) for the chain and its
cluster (its own, under .build/bench/home-triggers); the figures are PostgreSQL's alone.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

TRIGGERS = {
    "dynamic": "app_log_changes('audit', 'r.id::text', 'r.tenant_id', 'document,tenant_id')",
    "static": "app_log_audits_insert()",
}


def use(kind):
    bench.psql("-c", "BEGIN; DROP TRIGGER change_log_insert ON audits; "
               "CREATE TRIGGER change_log_insert AFTER INSERT ON audits REFERENCING NEW TABLE AS new_rows "
               f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGERS[kind]}; COMMIT;")


def trigger_times(kind, iterations):
    """Median (change-log trigger ms, whole statement ms) of bench.py's upload statement under
    EXPLAIN ANALYZE, `iterations` times in one session (as the daemon's pooled connections do),
    each rolled back; the first few are left out (the session's first plans)."""
    use(kind)
    tenant_id = bench.psql("-c", "SELECT id FROM tenants WHERE code = 'main'")
    sample = bench.psql("-c", f"SELECT id FROM audits WHERE tenant_id = {tenant_id} ORDER BY id LIMIT 1")
    statement = open(os.path.join(bench.WORK, "upload.sql")).read().replace("BEGIN;", "").replace("END;", "").strip()
    if not statement.startswith("WITH") or sample not in statement:
        raise RuntimeError("upload.sql is not bench.py's upload statement")
    script = "".join(f"BEGIN;\nEXPLAIN (ANALYZE, FORMAT JSON) {statement}\nROLLBACK;\n\\echo @@\n" for _ in range(iterations))
    out = bench.psql(input=script.encode())
    triggers, totals = [], []
    plans = [json.loads(chunk[chunk.index("["):chunk.rindex("]") + 1]) for chunk in out.split("@@") if "[" in chunk]
    for plan in plans[5:]:
        triggers.append(sum(t["Time"] for t in plan[0]["Triggers"] if t["Trigger Name"] == "change_log_insert"))
        totals.append(plan[0]["Execution Time"])
    return statistics.median(triggers), statistics.median(totals)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--outlets", type=int, default=200)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--explain", type=int, default=200, help="EXPLAIN ANALYZE runs per trigger kind")
    args = parser.parse_args()
    os.makedirs(bench.WORK, exist_ok=True)
    clients_list = [1, 4, 8]
    results = {kind: {c: [] for c in clients_list} for kind in TRIGGERS}
    try:
        bench.use_cluster(os.path.join(bench.WORK, "home-triggers"))
        directory = bench.chain(args.outlets)
        bench.ts("tenant", "create", "main", "--name", "main", "--timezone", bench.TZ)
        bench.ts("import", "outlets", "--tenant", "main", f"{directory}/outlets.csv")
        bench.ts("import", "staff", "--tenant", "main", f"{directory}/staff.csv")
        for name in sorted(os.listdir(directory)):
            if name.startswith("template"):
                bench.ts("template", "add", "--tenant", "main", f"{directory}/{name}")
        bench.ts("import", "audits", "--tenant", "main", f"{directory}/audits.jsonl")
        bench.settle()
        for round_ in range(args.rounds):
            for kind in (("dynamic", "static") if round_ % 2 == 0 else ("static", "dynamic")):
                use(kind)
                tps = bench.pgbench("main", args.duration, clients_list)
                for clients in clients_list:
                    results[kind][clients].append(tps[clients])
                bench.log(f"round {round_ + 1} {kind}: " + ", ".join(f"{c} clients {tps[c]:.0f} tps" for c in clients_list))
        if not args.rounds:
            bench.pgbench("main", 1, [1])  # writes the upload statement for the EXPLAIN runs
        times = {kind: trigger_times(kind, args.explain) for kind in ("dynamic", "static")}
        use("static")
    finally:
        subprocess.run([bench.TOUCHSTONE, "dev", "stop"], env=bench.ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not args.rounds:
        clients_list = []
    print("| clients | dynamic (0072) tps, each round | static (0250) tps, each round | median static / dynamic |")
    print("|---|---|---|---|")
    for clients in clients_list:
        d, s = results["dynamic"][clients], results["static"][clients]
        ratios = [b / a for a, b in zip(d, s)]
        print(f"| {clients} | {', '.join(f'{x:.0f}' for x in d)} | {', '.join(f'{x:.0f}' for x in s)} | "
              f"{statistics.median(ratios):.2f}× (rounds {', '.join(f'{r:.2f}' for r in ratios)}) |")

    print()
    print("| EXPLAIN ANALYZE of the upload statement (median) | dynamic (0072) | static (0250) | static / dynamic |")
    print("|---|---|---|---|")
    (dt, de), (st, se) = times["dynamic"], times["static"]
    print(f"| change-log trigger on audits | {dt:.3f} ms | {st:.3f} ms | {st / dt:.2f} |")
    print(f"| whole statement (audit + 60 answers + triggers) | {de:.3f} ms | {se:.3f} ms | {se / de:.2f} |")


if __name__ == "__main__":
    main()

