#!/usr/bin/env bash
# Touchstone backups (see docs/operations.md "Backup and restore").
#
#   backup.sh logical  [--out DIR] [--dbname CONNINFO]
#       pg_dump -Fc of the database, plus the cluster's roles (pg_dumpall --roles-only):
#       DIR/touchstone-<UTC time>-logical/{database.dump,roles.sql,backup.info,SHA256SUMS}
#   backup.sh physical [--out DIR] [--dbname CONNINFO]
#       pg_basebackup of the whole cluster (plain format, WAL streamed in, fast checkpoint,
#       checked with pg_verifybackup): DIR/touchstone-<UTC time>-physical/{base/,backup.info,SHA256SUMS}
#       With WAL archiving on (archive-wal.sh), it is the base for point-in-time recovery.
#
# The connection is libpq's: --dbname "conninfo or URI", else PGSERVICE / PGHOST / PGUSER / … .
# Logical backups need a login that reads every tenant's rows: a superuser, or a backup login with
# BYPASSRLS and pg_read_all_data (row-level security is forced on the schema owner too);
# the roles' passwords need a superuser (else they are left out, with a warning).
# Physical backups need a login with REPLICATION and a pg_hba.conf "replication" line.
# Prints the backup directory on stdout; anything else goes to stderr. Exit status 0 = complete.
set -euo pipefail
# Debian keeps pg_verifybackup, pg_ctl and friends in the version's bin directory, off the PATH.
PATH=$PATH:$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
umask 077

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
fail() { echo "backup.sh: $*" >&2; exit 1; }

[ $# -ge 1 ] || usage
mode=$1; shift
out=${TOUCHSTONE_BACKUP_DIR:-./backups}
conn=()
while [ $# -gt 0 ]; do
    case $1 in
        --out) out=$2; shift 2 ;;
        --dbname) conn=(--dbname "$2"); shift 2 ;;
        -h|--help) usage ;;
        *) fail "unknown argument: $1" ;;
    esac
done
case $mode in logical|physical) ;; *) usage ;; esac

stamp=$(date -u +%Y%m%dT%H%M%SZ)
target="$out/touchstone-$stamp-$mode"
[ ! -e "$target" ] || fail "$target exists"
mkdir -p "$target"
partial="$target/.partial"
: > "$partial"

sql() { psql "${conn[@]}" -X -Atq -v ON_ERROR_STOP=1 -c "$1"; }

{
    echo "kind=$mode"
    echo "started=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "server_version=$(sql 'SHOW server_version')"
    echo "client_version=$(pg_dump --version)"
} > "$target/backup.info"

if [ "$mode" = logical ]; then
    database=$(sql 'SELECT current_database()')
    owner=$(sql 'SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()')
    echo "database=$database" >> "$target/backup.info"
    echo "owner=$owner" >> "$target/backup.info"
    echo "migrations=$(sql "SELECT count(*) || ' applied, last ' || coalesce(max(version)::text, 'none') FROM schema_migrations" 2>/dev/null || echo unknown)" >> "$target/backup.info"
    # Roles are cluster-wide: pg_dump does not carry them, a restore into a fresh cluster needs them first.
    if ! pg_dumpall "${conn[@]}" --roles-only --file "$target/roles.sql" 2>"$target/roles.err"; then
        echo "backup.sh: pg_dumpall --roles-only failed ($(head -1 "$target/roles.err")); retrying without passwords" >&2
        pg_dumpall "${conn[@]}" --roles-only --no-role-passwords --file "$target/roles.sql"
        echo "role_passwords=omitted" >> "$target/backup.info"
    fi
    rm -f "$target/roles.err"
    # -Fc: compressed, and pg_restore can pick, reorder and run it in parallel.
    pg_dump "${conn[@]}" --format=custom --compress=6 --file "$target/database.dump"
    pg_restore --list "$target/database.dump" > /dev/null   # the archive's table of contents reads back
else
    # Plain format, so pg_verifybackup can check every file against the manifest.
    pg_basebackup "${conn[@]}" --pgdata "$target/base" --format=plain --wal-method=stream \
        --checkpoint=fast --label "touchstone $stamp" --manifest-checksums=SHA256 --no-password
    pg_verifybackup --quiet "$target/base"
    echo "wal_start=$(grep -m1 '^START WAL LOCATION' "$target/base/backup_label" | cut -d' ' -f4-)" >> "$target/backup.info"
fi

echo "finished=$(date -u +%Y-%m-%dT%H:%M:%SZ)" >> "$target/backup.info"
(cd "$target" && find . -type f ! -name SHA256SUMS ! -name .partial -print0 | sort -z | xargs -0 sha256sum > SHA256SUMS)
rm -f "$partial"
echo "$target"
