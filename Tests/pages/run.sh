#!/usr/bin/env bash
# The page tests in a real browser: starts `touchstone demo` (debug build) on its own embedded
# PostgreSQL, then drives headless Chromium through every page as each demo role, checking the
# numbers on the pages against the API and saving screenshots under .touchstone/screenshots/.
#
#   Tests/pages/run.sh          # PORT=18090 by default
set -euo pipefail
cd "$(dirname "$0")/../.."

ROOT=$PWD
WORK=$ROOT/.touchstone/pages-test
PORT=${PORT:-18090}
TOUCHSTONE=$ROOT/.build/debug/touchstone
SCREENSHOTS=${SCREENSHOTS:-$ROOT/.touchstone/screenshots}

./deploy/pages/install-chromium.sh
[ -x "$TOUCHSTONE" ] || swift build --product touchstone

# A cluster of its own, fresh every run (`dev reset`: wherever the layout keeps its data).
export TOUCHSTONE_HOME=$WORK/home
unset DATABASE_URL PGHOST PGPORT PGDATABASE PGUSER PGSERVICE
"$TOUCHSTONE" dev reset >/dev/null 2>&1 || true
rm -rf "$WORK"
mkdir -p "$WORK" "$SCREENSHOTS"

cleanup() {
    [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    "$TOUCHSTONE" dev stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

"$TOUCHSTONE" demo --port "$PORT" --log-level warning >"$WORK/demo.out" 2>"$WORK/demo.log" &
SERVER=$!
for _ in $(seq 1 600); do
    curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break
    kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/demo.log" >&2; exit 1; }
    sleep 0.5
done
curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null

python3 "$ROOT/Tests/pages/pages_test.py" --base "http://127.0.0.1:$PORT" --demo-output "$WORK/demo.out" \
    --screenshots "$SCREENSHOTS" --profile "$WORK/chromium-profile"
"$("$ROOT/Tests/xlsx/venv.sh")" "$ROOT/Tests/pages/workbooks_test.py" --base "http://127.0.0.1:$PORT" --demo-output "$WORK/demo.out" --screenshots "$SCREENSHOTS" --profile "$WORK/chromium-profile-workbooks"
"$("$ROOT/Tests/xlsx/venv.sh")" "$ROOT/Tests/pages/payroll_test.py" --base "http://127.0.0.1:$PORT" --demo-output "$WORK/demo.out" --screenshots "$SCREENSHOTS" --profile "$WORK/chromium-profile-payroll"
python3 "$ROOT/Tests/pages/imports_test.py" --base "http://127.0.0.1:$PORT" --demo-output "$WORK/demo.out" \
    --screenshots "$SCREENSHOTS" --profile "$WORK/chromium-profile-imports"
python3 "$ROOT/Tests/pages/people_test.py" --base "http://127.0.0.1:$PORT" --demo-output "$WORK/demo.out" \
    --screenshots "$SCREENSHOTS" --profile "$WORK/chromium-profile-people"
python3 "$ROOT/Tests/pages/field_test.py" --base "http://127.0.0.1:$PORT" --demo-output "$WORK/demo.out" \
    --screenshots "$SCREENSHOTS" --profile "$WORK/chromium-profile-field"
python3 "$ROOT/Tests/pages/visits_test.py" --base "http://127.0.0.1:$PORT" --demo-output "$WORK/demo.out" \
    --screenshots "$SCREENSHOTS" --profile "$WORK/chromium-profile-visits"
python3 "$ROOT/Tests/pages/webhooks_test.py" --base "http://127.0.0.1:$PORT" --demo-output "$WORK/demo.out" \
    --screenshots "$SCREENSHOTS" --profile "$WORK/chromium-profile-webhooks"
python3 "$ROOT/Tests/pages/actions_test.py" --base "http://127.0.0.1:$PORT" --demo-output "$WORK/demo.out" \
    --screenshots "$SCREENSHOTS" --profile "$WORK/chromium-profile-actions"
python3 "$ROOT/Tests/pages/complaints_test.py" --base "http://127.0.0.1:$PORT" --demo-output "$WORK/demo.out" \
    --screenshots "$SCREENSHOTS" --profile "$WORK/chromium-profile-complaints"
