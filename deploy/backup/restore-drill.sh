#!/usr/bin/env bash
# Restore drill (`make restore-drill`, run by `make test`): proves a backup restores to the
# same closed period.
#
#   restore-drill.sh           logical: a small chain with a closed period on its own embedded
#                              cluster, backup.sh logical, restore.sh into a FRESH cluster
#                              (initdb'd anew by touchstone, as an unprivileged user when root),
#                              then the results hash and the KPI and payout exports must match.
#   restore-drill.sh --pitr    and point-in-time recovery: WAL archiving on the source, a base
#                              backup before the chain is loaded, a change after the recovery
#                              target; the recovered copy must have the closed period (same hash
#                              and exports) and not the later change.
#
# Everything lives under .touchstone/restore-drill (TOUCHSTONE_DRILL_HOME); PostgreSQL listens
# only on unix sockets there (no TCP port). Exits non-zero, loudly, on any difference.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
touchstone=${TOUCHSTONE:-$root/.build/debug/touchstone}
drill=${TOUCHSTONE_DRILL_HOME:-$root/.touchstone/restore-drill}
pitr=
[ "${1:-}" = --pitr ] && pitr=1
tenant=drill period=2026-10
started=$SECONDS

# The drill chooses its own clusters: no PG* variable of the caller may redirect it.
unset DATABASE_URL PGHOST PGPORT PGUSER PGDATABASE PGSERVICE PGSERVICEFILE PGPASSWORD PGOPTIONS
[ -x "$touchstone" ] || { echo "restore-drill: build first ($touchstone missing)" >&2; exit 1; }

say() { printf '[restore-drill %3ds] %s\n' $((SECONDS - started)) "$*"; }
die() { printf '\nRESTORE DRILL FAILED: %s\n\n' "$*" >&2; exit 1; }
# touchstone with TOUCHSTONE_HOME=$1; its stderr goes to drill.log, and a failure shows its end.
ts() {
    local home=$1; shift
    TOUCHSTONE_HOME=$home "$touchstone" "$@" --log-level error 2>> "$drill/drill.log" \
        || die "touchstone $* failed: $(tail -5 "$drill/drill.log")"
}
# libpq keyword/value pairs of a cluster home's superuser (backups and checks). `touchstone dev start`
# prints the runtime login's and the owner's; the cluster's superuser is `postgres`.
conninfo() { ts "$1" dev start | sed -nE 's/^runtime: //p' | sed -E 's/user=[^ ]+/user=postgres/'; }
# The same database as the runtime login: the CLI refuses to read tenants as a superuser.
as_runtime() { sed -E 's/user=[^ ]+/user=touchstone_runtime/' <<<"$1"; }
# Runs a PostgreSQL client against the conninfo in $1 with its pairs as PG* variables.
with_pg() {
    local info=$1; shift
    local host port user
    host=$(sed -E 's/.*host=([^ ]+).*/\1/' <<<"$info")
    port=$(sed -E 's/.*port=([^ ]+).*/\1/' <<<"$info")
    user=$(sed -E 's/.*user=([^ ]+).*/\1/' <<<"$info")
    PGHOST=$host PGPORT=$port PGUSER=$user PGDATABASE=touchstone "$@"
}
# The OS account PostgreSQL runs as: the data directory's owner.
server_user() { stat -c %U "$1"; }
as_server() { local user=$1; shift; if [ "$(id -u)" = 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi; }

cleanup_cluster() {
    local home=$1
    [ -d "$home" ] || return 0
    # `dev reset`: the data goes wherever the layout kept it (the home, or /var/lib/touchstone).
    TOUCHSTONE_HOME=$home "$touchstone" dev reset > /dev/null 2>&1 || true
    rm -rf "$home"
}
# What the PostgreSQL server itself reads and writes for --pitr (the WAL archive, the script that
# fills it, the recovered cluster) must be reachable by its OS user: under $drill, unless a parent
# of it is not traversable by that user (a clone under /root, say; the embedded clusters then keep
# their data under /var/lib/touchstone too), then here:
server_side=/var/lib/touchstone/restore-drill-$(printf %s "$drill" | sha1sum | cut -c1-12)
server_dir=$drill
stop_pitr() {
    local dir
    for dir in "$drill/pitr" "$server_side/pitr"; do
        if [ -f "$dir/pgdata/postmaster.pid" ]; then
            as_server "$(server_user "$dir/pgdata")" "$pg_bin/pg_ctl" -D "$dir/pgdata" -m fast -w stop > /dev/null 2>&1 || true
        fi
    done
}
pg_bin=$(pg_config --bindir 2>/dev/null || true)
[ -x "$pg_bin/pg_ctl" ] || pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

stop_pitr
cleanup_cluster "$drill/source"
cleanup_cluster "$drill/target"
rm -rf "$drill" "$server_side"
mkdir -p "$drill"
trap 'stop_pitr; TOUCHSTONE_HOME=$drill/source "$touchstone" dev stop >/dev/null 2>&1 || true; TOUCHSTONE_HOME=$drill/target "$touchstone" dev stop >/dev/null 2>&1 || true' EXIT

# 1. The source cluster (and, for --pitr, WAL archiving and a base backup before any data).
source_info=$(conninfo "$drill/source")
say "source cluster up: $source_info"
if [ -n "$pitr" ]; then
    source_data=$(with_pg "$source_info" psql -X -Atq -c 'SHOW data_directory')
    pg_user=$(server_user "$source_data")
    if [ "$(id -u)" = 0 ] && ! runuser -u "$pg_user" -- test -x "$drill"; then
        server_dir=$server_side
        mkdir -p "$server_dir" && chmod 0755 "$server_dir"
        # Named like the embedded clusters' fallbacks, so a clone deleted with `rm -rf`
        # leaves nothing here: the next embedded start that falls back removes it.
        printf %s "$drill" > "$server_dir/home"
    fi
    mkdir -p "$server_dir/wal"
    cp "$root/deploy/backup/archive-wal.sh" "$server_dir/archive-wal.sh" && chmod 0755 "$server_dir/archive-wal.sh"
    [ "$(id -u)" != 0 ] || chown "$pg_user:" "$server_dir/wal"
    with_pg "$source_info" psql -X -q -v ON_ERROR_STOP=1 \
        -c "ALTER SYSTEM SET archive_mode = 'on'" \
        -c "ALTER SYSTEM SET archive_command = '$server_dir/archive-wal.sh %p %f $server_dir/wal'"
    ts "$drill/source" dev stop > /dev/null
    source_info=$(conninfo "$drill/source")
    [ "$(with_pg "$source_info" psql -X -Atq -c 'SHOW archive_mode')" = on ] || die "archive_mode did not turn on"
    base=$(with_pg "$source_info" "$root/deploy/backup/backup.sh" physical --out "$drill/backups")
    say "WAL archiving on; base backup $base"
fi

# 2. A small chain with a closed period, through the CLI as a head office would.
src=$drill/source
"$touchstone" generate "$drill/chain" --outlets 20 --tenant "$tenant" --period "$period" > /dev/null 2>> "$drill/drill.log" \
    || die "touchstone generate failed: $(tail -5 "$drill/drill.log")"
ts "$src" tenant create "$tenant" --name "Restore drill chain" > /dev/null
for kind in outlets staff surveys complaints; do ts "$src" import "$kind" --tenant "$tenant" "$drill/chain/$kind.csv" > /dev/null; done
ts "$src" template add --tenant "$tenant" "$drill"/chain/template-*.json > /dev/null
ts "$src" import audits --tenant "$tenant" "$drill/chain/audits.jsonl" --submitted-by drill-agency > /dev/null
ts "$src" kpi define --tenant "$tenant" "$drill/chain/kpis.json" > /dev/null
for plan in "$drill"/chain/plan*.json; do ts "$src" plan add --tenant "$tenant" "$plan" > /dev/null; done
ts "$src" batch run --tenant "$tenant" --period "$period" --as-of 2026-11-05T00:00:00+08:00 | sed 's/^/    /'
ts "$src" period approve --tenant "$tenant" --period "$period" | sed 's/^/    /'
closed=$(ts "$src" period close --tenant "$tenant" --period "$period")
hash=$(sed -nE 's/.*results hash ([0-9a-f]+).*/\1/p' <<<"$closed")
[ -n "$hash" ] || die "period close printed no results hash: $closed"
say "chain loaded, $period closed; results hash $hash"

# The verified hash and the exports of a database: snapshot OUT HOME [--database CONNINFO].
snapshot() {
    local out=$1 home=$2; shift 2
    mkdir -p "$out"
    # Exits non-zero on a hash mismatch: show what it printed.
    TOUCHSTONE_HOME=$home "$touchstone" period status --tenant "$tenant" --period "$period" "$@" --log-level error \
        > "$out/status.txt" 2>&1 || die "$out: period status failed: $(cat "$out/status.txt")"
    ts "$home" export kpis --tenant "$tenant" --period "$period" "$@" > "$out/kpis.csv"
    ts "$home" export payouts --tenant "$tenant" --period "$period" "$@" > "$out/payouts.csv"
    [ "$(wc -l < "$out/payouts.csv")" -gt 1 ] || die "no payout rows in $out/payouts.csv"
}
snapshot "$drill/compare/source" "$src"
grep -q "results hash $hash: verified" "$drill/compare/source/status.txt" || die "source hash not verified: $(cat "$drill/compare/source/status.txt")"

# Compares a restored snapshot with the source's; prints the first differences and fails.
compare() {
    local name=$1 dir=$2
    grep -q "results hash $hash: verified" "$dir/status.txt" \
        || die "$name: results hash differs from the original's $hash: $(cat "$dir/status.txt")"
    for file in kpis.csv payouts.csv; do
        if ! cmp -s "$drill/compare/source/$file" "$dir/$file"; then
            diff "$drill/compare/source/$file" "$dir/$file" | head -20 >&2 || true
            die "$name: $file differs from the original's"
        fi
    done
    say "$name: results hash $hash verified; kpis.csv ($(($(wc -l < "$dir/kpis.csv") - 1)) rows) and payouts.csv ($(($(wc -l < "$dir/payouts.csv") - 1)) rows) identical"
}

# 3. Logical: backup, then restore into a fresh cluster (roles first), then compare.
[ -z "$pitr" ] || recovery_target=$(with_pg "$source_info" psql -X -Atq -c "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'")
logical=$(with_pg "$source_info" "$root/deploy/backup/backup.sh" logical --out "$drill/backups")
say "logical backup $logical ($(du -sh "$logical" | cut -f1))"
target_info=$(conninfo "$drill/target")
say "fresh target cluster: $target_info"
with_pg "$target_info" "$root/deploy/backup/restore.sh" logical "$logical" --dbname touchstone_restored
restored="$(sed -E 's/dbname=[^ ]+/dbname=touchstone_restored/' <<<"$target_info")"
snapshot "$drill/compare/logical" "$drill/target" --database "$(as_runtime "$restored")"
compare "logical restore" "$drill/compare/logical"

# 4. Point-in-time recovery to just after the close, past a later change.
if [ -n "$pitr" ]; then
    ts "$src" tenant create later --name "Created after the recovery target" > /dev/null
    segment=$(with_pg "$source_info" psql -X -Atq -c 'SELECT pg_walfile_name(pg_switch_wal())')
    for _ in $(seq 1 100); do [ -f "$server_dir/wal/$segment" ] && break; sleep 0.1; done
    [ -f "$server_dir/wal/$segment" ] || die "WAL segment $segment was not archived"
    "$root/deploy/backup/restore.sh" physical "$base" --pgdata "$server_dir/pitr/pgdata" \
        --wal-archive "$server_dir/wal" --target-time "$recovery_target" ${pg_user:+--os-user "$pg_user"}
    mkdir -p "$server_dir/pitr/run"
    [ "$(id -u)" != 0 ] || chown "$pg_user:" "$server_dir/pitr" "$server_dir/pitr/run"
    as_server "$pg_user" "$pg_bin/pg_ctl" -D "$server_dir/pitr/pgdata" -l "$server_dir/pitr/postgres.log" -w -t 60 \
        -o "-k $server_dir/pitr/run -c listen_addresses='' -p 5432" start > /dev/null \
        || die "recovered cluster did not start: $(tail -5 "$server_dir/pitr/postgres.log")"
    pitr_info="host=$server_dir/pitr/run port=5432 user=postgres dbname=touchstone"
    for _ in $(seq 1 300); do
        [ "$(with_pg "$pitr_info" psql -X -Atq -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ] && break
        sleep 0.1
    done
    [ "$(with_pg "$pitr_info" psql -X -Atq -c 'SELECT pg_is_in_recovery()')" = f ] || die "recovered cluster did not promote"
    snapshot "$drill/compare/pitr" "$drill/target" --database "$(as_runtime "$pitr_info")"
    compare "point-in-time recovery to $recovery_target" "$drill/compare/pitr"
    later=$(with_pg "$pitr_info" psql -X -Atq -c "SELECT count(*) FROM tenants WHERE code = 'later'")
    [ "$later" = 0 ] || die "point-in-time recovery kept a change made after its target (tenant 'later')"
    say "point-in-time recovery: the change after the target is absent, as it should be"
    stop_pitr
fi

say "restore drill passed in $((SECONDS - started)) s"
