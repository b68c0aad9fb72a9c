#!/usr/bin/env bash
# Reproduces BENCHMARKS.md's table: builds the release binary, then runs Benchmarks/bench.py
# (its own embedded PostgreSQL under .build/bench/home). Arguments go to bench.py:
#   Benchmarks/run.sh                       # the national chain (10,000 outlets); ~15–25 min on 2 cores
#   Benchmarks/run.sh --outlets 2000        # a quick run
#   Benchmarks/run.sh --pandas-baseline /path/to/pandas_baseline.py   # with the pandas comparison
# (or TOUCHSTONE_PANDAS_BASELINE=/path/to/pandas_baseline.py); without it that comparison is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
./deploy/install-deps.sh
command -v pgbench >/dev/null || apt-get install -y postgresql-contrib
command -v wrk >/dev/null || apt-get install -y wrk
swift build -c release --product touchstone
exec python3 Benchmarks/bench.py "$@"
