#!/usr/bin/env bash
# Touchstone restores (see docs/operations.md "Backup and restore").
#
#   restore.sh logical BACKUP_DIR --dbname NAME [--roles FILE | --no-roles] [--jobs N]
#       Into a fresh database NAME of the cluster that the libpq environment points at
#       (PGHOST, PGPORT, PGUSER, PGSERVICE…; a superuser, or a CREATEROLE CREATEDB login):
#       checks SHA256SUMS, creates the roles first (BACKUP_DIR/roles.sql, or FILE such as
#       sql/cluster/roles.sql; roles that exist are kept), creates NAME owned by the backup's
#       database owner (or uses it when it exists and is empty; anything in it is refused),
#       pg_restore --exit-on-error, then ANALYZE.
#   restore.sh physical BACKUP_DIR --pgdata NEWDIR [--os-user USER]
#              [--wal-archive DIR --target-time 'YYYY-MM-DD HH:MM:SS+00']
#       Copies a pg_basebackup into NEWDIR (missing or empty) for a server of the same major
#       version. With --wal-archive and --target-time: point-in-time recovery, i.e.
#       recovery.signal, restore_command from the archive, recovery_target_time, promote at
#       the target, archive_mode off (the copy must not write into the original's archive).
#       --os-user: the account the server runs as (as root: postgres). Prints how to start it.
set -euo pipefail
# Debian keeps pg_verifybackup, pg_ctl and friends in the version's bin directory, off the PATH.
PATH=$PATH:$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
fail() { echo "restore.sh: $*" >&2; exit 1; }

[ $# -ge 2 ] || usage
mode=$1 backup=$2; shift 2
dbname= roles= no_roles= jobs=2 pgdata= os_user= archive= target_time=
while [ $# -gt 0 ]; do
    case $1 in
        --dbname) dbname=$2; shift 2 ;;
        --roles) roles=$2; shift 2 ;;
        --no-roles) no_roles=1; shift ;;
        --jobs) jobs=$2; shift 2 ;;
        --pgdata) pgdata=$2; shift 2 ;;
        --os-user) os_user=$2; shift 2 ;;
        --wal-archive) archive=$2; shift 2 ;;
        --target-time) target_time=$2; shift 2 ;;
        -h|--help) usage ;;
        *) fail "unknown argument: $1" ;;
    esac
done
[ -d "$backup" ] || fail "no backup directory $backup"
[ ! -e "$backup/.partial" ] || fail "$backup is incomplete (the backup did not finish)"
(cd "$backup" && sha256sum --quiet --strict -c SHA256SUMS) || fail "$backup does not match its SHA256SUMS"
info() { sed -n "s/^$1=//p" "$backup/backup.info" | head -1; }

restore_logical() {
    [ -n "$dbname" ] || fail "--dbname is required"
    [ -f "$backup/database.dump" ] || fail "$backup is not a logical backup"
    psql_to() { local db=$1; shift; psql -X -q -v ON_ERROR_STOP=1 --dbname "$db" "$@"; }

    if [ -z "$no_roles" ]; then
        roles=${roles:-$backup/roles.sql}
        [ -f "$roles" ] || fail "no roles file $roles (use --roles FILE or --no-roles)"
        # pg_dumpall writes `CREATE ROLE name;` then `ALTER ROLE name WITH …`: keep roles that
        # exist (the target's own superuser, or roles made by sql/cluster/roles.sql), set the rest.
        sed -E 's/^CREATE ROLE (.+);$/DO $restore$ BEGIN CREATE ROLE \1; EXCEPTION WHEN duplicate_object THEN NULL; END $restore$;/' "$roles" \
            | psql_to postgres -c 'SET client_min_messages = warning' -f - > /dev/null
        echo "restore.sh: roles from $roles applied" >&2
    fi

    exists=$(psql_to postgres -At -c "SELECT 1 FROM pg_database WHERE datname = '${dbname//\'/\'\'}'")
    if [ "$exists" = 1 ]; then
        used=$(psql_to "$dbname" -At -c "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'")
        [ "$used" = 0 ] || fail "database $dbname exists and is not empty ($used relations): restore into a new name, or drop it first"
    else
        owner=$(info owner)
        createdb ${owner:+--owner "$owner"} --template template0 --encoding UTF8 "$dbname"
    fi
    pg_restore --exit-on-error --jobs "$jobs" --dbname "$dbname" "$backup/database.dump"
    psql_to "$dbname" -c ANALYZE
    echo "restore.sh: $(info database) restored into $dbname" >&2
}

restore_physical() {
    [ -n "$pgdata" ] || fail "--pgdata is required"
    [ -d "$backup/base" ] || fail "$backup is not a physical backup"
    if [ -n "$archive$target_time" ] && { [ -z "$archive" ] || [ -z "$target_time" ]; }; then
        fail "point-in-time recovery needs both --wal-archive and --target-time"
    fi
    if [ -e "$pgdata" ] && [ -n "$(ls -A "$pgdata")" ]; then fail "$pgdata is not empty"; fi
    mkdir -p "$pgdata"
    chmod 700 "$pgdata"
    cp -a "$backup/base/." "$pgdata/"
    rm -f "$pgdata/postmaster.pid" "$pgdata/postmaster.opts"
    if [ -n "$archive" ]; then
        archive=$(cd "$archive" && pwd)
        touch "$pgdata/recovery.signal"
        # Later lines of postgresql.auto.conf win over the original's settings copied with it.
        cat >> "$pgdata/postgresql.auto.conf" <<CONF
# point-in-time recovery by restore.sh, $(date -u +%Y-%m-%dT%H:%M:%SZ)
restore_command = 'cp "$archive/%f" "%p"'
recovery_target_time = '$target_time'
recovery_target_action = 'promote'
archive_mode = 'off'
CONF
    fi
    if [ -n "$os_user" ]; then chown -R "$os_user:" "$pgdata"; fi
    echo "restore.sh: base backup copied into $pgdata${archive:+ (recovers to $target_time from $archive)}" >&2
    echo "restore.sh: start it with: pg_ctl -D $pgdata start${os_user:+ (as $os_user)}" >&2
}

case $mode in
    logical) restore_logical ;;
    physical) restore_physical ;;
    *) usage ;;
esac
