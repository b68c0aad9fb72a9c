"""Incremental reruns (issue #16): the full batch against a rerun after N changed audits, on a
generated chain loaded the way bench.py loads it, in a fresh embedded cluster of its own.

Each round rescores N released audits of the period (score + 0.5, in SQL, as a correction would),
runs the batch (incremental), fingerprints the period's results and payouts (every column but the
job and the approval), runs it again with --full and fingerprints again: both must be equal.
Then the survey import with and without the batch_dirty triggers (sql/0320), alternated.

Usage: TOUCHSTONE_BIN=.build/release/touchstone python3 Benchmarks/rerun.py [--outlets 10000] [--audits 10] [--rounds 3] [--reuse]
"""
import argparse
import os
import subprocess
import time

import bench


def run(*extra):
    started = time.time()
    out = subprocess.run([bench.TOUCHSTONE, "batch", "run", "--tenant", "bench", "--period", bench.PERIOD, "--as-of", bench.AS_OF,
                          "--log-level", "error", *extra], env=bench.ENV, check=True, stdout=subprocess.PIPE).stdout.decode().strip()
    wall = time.time() - started
    bench.log(f"{wall:.2f} s: {out}")
    return wall


def rescore(audits, salt):
    bench.psql("-c", f"""
        UPDATE audits SET score = score + 0.5
        WHERE id IN (SELECT id FROM audits WHERE state IN ('released', 'final') AND score < 99
                       AND visited_at >= '2026-10-01T00:00:00+08:00' AND visited_at < '2026-11-01T00:00:00+08:00'
                     ORDER BY md5(id::text || '{salt}') LIMIT {audits})""")


def fingerprint():
    return bench.psql("-c", f"""
        SELECT (SELECT md5(string_agg((to_jsonb(r) - 'job_id')::text, ',' ORDER BY level, subject, kpi_code))
                FROM kpi_results r WHERE period = '{bench.PERIOD}'),
               (SELECT md5(string_agg((to_jsonb(p) - 'job_id' - 'approved_by' - 'approved_at')::text, ','
                                      ORDER BY employee_no, plan_code, adjusts_period))
                FROM payouts p WHERE period = '{bench.PERIOD}')""")


def trigger_cost(directory):
    triggers = [f"survey_responses_batch_dirty_{event}" for event in ("insert", "update", "delete")]
    for i, on in enumerate([False, True, False, True]):
        tenant = f"ab{i}"
        bench.ts("tenant", "create", tenant, "--name", tenant, "--timezone", bench.TZ)
        bench.ts("import", "outlets", "--tenant", tenant, f"{directory}/outlets.csv")
        bench.ts("import", "staff", "--tenant", tenant, f"{directory}/staff.csv")
        bench.psql("-c", "CHECKPOINT")
        for trigger in triggers:
            bench.psql("-c", f"ALTER TABLE survey_responses {'ENABLE' if on else 'DISABLE'} TRIGGER {trigger}")
        first, _ = bench.timed([bench.TOUCHSTONE, "import", "surveys", "--tenant", tenant, f"{directory}/surveys.csv", "--log-level", "error"])
        again, _ = bench.timed([bench.TOUCHSTONE, "import", "surveys", "--tenant", tenant, f"{directory}/surveys.csv", "--log-level", "error"])
        bench.log(f"survey import, dirty triggers {'on' if on else 'off'}: {first:.2f} s, the same file again {again:.2f} s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--outlets", type=int, default=10000)
    parser.add_argument("--audits", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="the cluster of an earlier run, loaded and run once")
    args = parser.parse_args()
    home = os.path.join(bench.WORK, f"rerun-{args.outlets}")
    directory = bench.chain(args.outlets)
    if args.reuse:
        bench.ENV["TOUCHSTONE_HOME"] = home
    else:
        bench.use_cluster(home)
        bench.load("bench", directory)
        bench.settle()
        run()
    fulls, reruns = [], []
    for round_number in range(args.rounds):
        rescore(args.audits, round_number)
        reruns.append(run())
        rerun_state = fingerprint()
        fulls.append(run("--full"))
        same = fingerprint() == rerun_state
        bench.log(f"round {round_number}: rerun {reruns[-1]:.2f} s, full {fulls[-1]:.2f} s, same results: {same}")
        if not same:
            raise SystemExit("the rerun's results differ from the full run's")
    bench.log(f"full {sorted(fulls)}, rerun after {args.audits} changed audits {sorted(reruns)}")
    bench.log(f"a rerun with nothing changed: {run():.2f} s")
    if args.reuse:
        bench.log("survey import with and without the dirty-row triggers: skipped (its tenants exist in a reused cluster)")
    else:
        trigger_cost(directory)


if __name__ == "__main__":
    main()
