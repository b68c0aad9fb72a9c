#!/usr/bin/env bash
# Visit plans through the real CLI on its own embedded PostgreSQL: import visits.csv (refused by
# line and column, then accepted, then idempotent), `visits assign` with its reasons, `visits
# list` by state and auditor. Usage: Tests/visits/cli_visits.sh (needs the debug build).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TS="$ROOT/.build/debug/touchstone"
export TOUCHSTONE_HOME="$ROOT/.touchstone/visits-cli"
SAMPLES="$ROOT/Tests/Fixtures/samples"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"; "$TS" dev stop >/dev/null 2>&1 || true' EXIT
rm -rf "$TOUCHSTONE_HOME"

fail() { echo "FAIL: $*" >&2; exit 1; }
expect_eq() { [[ "$1" == "$2" ]] || fail "$3: expected [$2], got [$1]"; }

"$TS" tenant create vt --name "Visits" >/dev/null
"$TS" import outlets --tenant vt "$SAMPLES/outlets.csv" >/dev/null
"$TS" import staff --tenant vt "$SAMPLES/staff.csv" >/dev/null
"$TS" template add --tenant vt "$SAMPLES/template-demo-visit.json" >/dev/null
"$TS" user add aud-a --tenant vt --role auditor >/dev/null
"$TS" user add aud-b --tenant vt --role auditor --region 华东/浙江 >/dev/null
"$TS" user add aud-c --tenant vt --role auditor --employee E8 >/dev/null

cat > "$WORK/bad.csv" <<'CSV'
visit_id,outlet_code,template,template_version,window_from,window_to,auditor
V1,O9,demo-visit,1,2027-03-05,2027-03-20,
V2,O1,demo-visit,1,2027-03-05,2027-03-20,nobody
CSV
if "$TS" import visits --tenant vt "$WORK/bad.csv" >"$WORK/bad.out" 2>&1; then fail "a file with unknown references was accepted"; fi
grep -q "line 2, column outlet_code: unknown outlet O9" "$WORK/bad.out" || fail "no line/column error for O9: $(cat "$WORK/bad.out")"
grep -q "line 3, column auditor: unknown auditor nobody" "$WORK/bad.out" || fail "no line/column error for nobody: $(cat "$WORK/bad.out")"

cat > "$WORK/visits.csv" <<'CSV'
visit_id,outlet_code,template,template_version,window_from,window_to,auditor
V1,O1,demo-visit,1,2027-03-05,2027-03-20,
V2,O2,demo-visit,1,2027-03-01,2027-03-31,
V3,O3,demo-visit,1,2027-03-10,2027-03-12,
V4,O1,demo-visit,1,2027-03-25,2027-03-31,
CSV
expect_eq "$("$TS" import visits --tenant vt "$WORK/visits.csv")" "visits: 4 rows, 4 inserted, 0 updated, 0 unchanged, 0 rejected" "first import"
expect_eq "$("$TS" import visits --tenant vt "$WORK/visits.csv")" "visits: 4 rows, 0 inserted, 0 updated, 4 unchanged, 0 rejected" "re-import"

"$TS" visits assign --tenant vt --period 2027-03 --today 2027-02-28 >"$WORK/assign.csv" 2>"$WORK/assign.err"
expect_eq "$(cat "$WORK/assign.csv")" "visit_id,outlet_code,auditor,reason
V2,O2,aud-a,
V1,O1,aud-a,
V3,O3,aud-b,
V4,O1,,\"no auditor may go: 1 staff_of_outlet, 1 outside_regions, 1 rotation\"" "assign"
grep -q "period 2027-03: 3 assigned, 1 unassigned; 0 expired" "$WORK/assign.err" || fail "assign summary: $(cat "$WORK/assign.err")"

expect_eq "$("$TS" visits list --tenant vt --period 2027-03 --state planned)" "visit_id,outlet_code,template,template_version,window_from,window_to,auditor,state,unassigned_reason
V4,O1,demo-visit,1,2027-03-25,2027-03-31,,planned,\"no auditor may go: 1 staff_of_outlet, 1 outside_regions, 1 rotation\"" "list planned"
expect_eq "$("$TS" visits list --tenant vt --period 2027-03 --auditor aud-a | cut -d, -f1 | tr '\n' ' ')" "visit_id V2 V1 " "list by auditor"
if "$TS" visits list --tenant vt --period 2027-03 --state bogus >/dev/null 2>&1; then fail "an unknown state was accepted"; fi

# The window of V3 ended: the next run expires it.
"$TS" visits assign --tenant vt --period 2027-03 --today 2027-03-13 >/dev/null 2>"$WORK/assign2.err"
grep -q "0 assigned, 1 unassigned; 1 expired" "$WORK/assign2.err" || fail "expiry: $(cat "$WORK/assign2.err")"
expect_eq "$("$TS" visits list --tenant vt --period 2027-03 --state expired | cut -d, -f1,8 | tail -n +2)" "V3,expired" "expired"
echo "cli_visits: OK"
