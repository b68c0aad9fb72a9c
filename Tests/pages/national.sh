#!/usr/bin/env bash
# Measures the server time of every page on the national chain of targets.md (10,000
# outlets, 100,000 staff, one month): loads it once into its own embedded PostgreSQL
# under .touchstone/national (kept between runs), serves it, and times each page.
#
#   Tests/pages/national.sh                                               # the debug binary
#   TOUCHSTONE=.build-release/release/touchstone Tests/pages/national.sh  # another binary
set -euo pipefail
cd "$(dirname "$0")/../.."

ROOT=$PWD
WORK=$ROOT/.touchstone/national
PORT=${PORT:-18091}
TOUCHSTONE=$(realpath "${TOUCHSTONE:-$ROOT/.build/debug/touchstone}")
export TOUCHSTONE_HOME=$WORK/home
unset DATABASE_URL PGHOST PGPORT PGDATABASE PGUSER PGSERVICE
ts() { "$TOUCHSTONE" "$@" --log-level error; }

cleanup() {
    [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    "$TOUCHSTONE" dev stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

if [ ! -f "$WORK/loaded" ]; then
    rm -rf "$WORK" && mkdir -p "$WORK"
    "$TOUCHSTONE" generate "$WORK/chain" --outlets 10000 >/dev/null
    ts tenant create nat --name "National chain" >/dev/null
    for kind in outlets staff surveys complaints; do ts import "$kind" --tenant nat "$WORK/chain/$kind.csv" >/dev/null; done
    ts template add --tenant nat "$WORK/chain/template-nat.json" >/dev/null
    ts import audits --tenant nat "$WORK/chain/audits.jsonl" >/dev/null
    ts kpi define --tenant nat "$WORK/chain/kpis.json" >/dev/null
    for plan in "$WORK"/chain/plan*.json; do ts plan add --tenant nat "$plan" >/dev/null; done
    ts batch run --tenant nat --period 2026-10 >/dev/null
    region=$(head -2 "$WORK/chain/outlets.csv" | tail -1 | cut -d, -f4 | cut -d/ -f1)
    echo "admin-national-1" | ts user add admin --tenant nat --role admin --password-stdin >/dev/null
    echo "rm-national-1" | ts user add rm --tenant nat --role region_manager --region "$region" --password-stdin >/dev/null
    touch "$WORK/loaded"
fi

"$TOUCHSTONE" serve --port "$PORT" --log-level warning >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 200); do
    curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break
    sleep 0.1
done
python3 "$ROOT/Tests/pages/measure.py" --base "http://127.0.0.1:$PORT" --tenant nat \
    --login admin --password admin-national-1 --login rm --password rm-national-1
