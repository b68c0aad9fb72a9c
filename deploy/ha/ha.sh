#!/usr/bin/env bash
# A pg_auto_failover formation on one machine: a monitor, a primary and a synchronous secondary,
# each with its own port and data directory, run by an unprivileged user; set up for Touchstone
# the way an operator sets up a server (sql/cluster/roles.sql, a database owned by
# touchstone_owner, password logins for touchstone_owner and touchstone_runtime on loopback).
#
#   deploy/ha/ha.sh start  [--dir DIR] [--port P]   create the formation (first time) or start its
#                                                    stopped services; prints the connection strings last
#   deploy/ha/ha.sh stop   [--dir DIR]               stop the three services (data kept)
#   deploy/ha/ha.sh status [--dir DIR]               pg_autoctl show state
#   deploy/ha/ha.sh switchover [--dir DIR]           planned switchover (pg_autoctl perform switchover)
#   deploy/ha/ha.sh destroy [--dir DIR]              stop, then remove DIR
#
# DIR defaults to ./.touchstone/ha; ports are P (monitor), P+1 (node1), P+2 (node2), default 54410.
# Installs pg-auto-failover-cli and postgresql-15-auto-failover from Debian when missing.
# As root, the services run as Debian's `postgres` account (else a `touchstone` system user is
# created), as PostgreSQL refuses to run as root. Passwords are generated once and kept in
# DIR/pgpass (mode 0600, owned by the caller); the connection strings name that file (`passfile`),
# never a password. The last two lines printed by `start` are:
#   runtime: host=127.0.0.1,127.0.0.1 port=P+1,P+2 dbname=touchstone user=touchstone_runtime … target_session_attrs=read-write
#   owner:   the same for touchstone_owner
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
    start | stop | status | switchover | destroy) ;;
    *) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
DIR="$PWD/.touchstone/ha"
PORT=54410
while [ $# -gt 0 ]; do
    case "$1" in
        --dir) DIR="$2"; shift 2 ;;
        --port) PORT="$2"; shift 2 ;;
        *) echo "ha.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ "$command" = start ] && mkdir -p "$DIR"
[ -d "$DIR" ] || { [ "$command" = destroy ] && exit 0; echo "ha.sh: no formation in $DIR" >&2; exit 1; }
DIR="$(cd "$DIR" && pwd)"
NODES=(node1 node2)

say() { echo "ha: $*" >&2; }
die() { echo "ha: $*" >&2; exit 1; }

install_packages() {
    local missing=()
    command -v pg_autoctl >/dev/null 2>&1 || missing+=(pg-auto-failover-cli)
    ls /usr/lib/postgresql/15/lib/pgautofailover.so >/dev/null 2>&1 || missing+=(postgresql-15-auto-failover)
    [ -x /usr/lib/postgresql/15/bin/pg_ctl ] || missing+=(postgresql-15)
    [ ${#missing[@]} -eq 0 ] && return
    say "installing ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    DEBIAN_FRONTEND=noninteractive $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# The account that runs the services: the caller, or when root Debian's postgres (else touchstone).
if [ "$(id -u)" -eq 0 ]; then
    if id postgres >/dev/null 2>&1; then
        RUN_AS=postgres
    else
        id touchstone >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin touchstone
        RUN_AS=touchstone
    fi
else
    RUN_AS=""
fi
PGBIN=/usr/lib/postgresql/15/bin
# pg_autoctl keeps its configuration, state and pid files under the XDG directories: all inside DIR.
AUTOCTL_ENV=(env "XDG_CONFIG_HOME=$DIR/config" "XDG_DATA_HOME=$DIR/share" "XDG_RUNTIME_DIR=$DIR/run"
             "PATH=$PGBIN:/usr/bin:/bin" "PGHOST=$DIR/run")

as_server() {
    if [ -n "$RUN_AS" ]; then
        runuser -u "$RUN_AS" -- "${AUTOCTL_ENV[@]}" "$@"
    else
        "${AUTOCTL_ENV[@]}" "$@"
    fi
}

# psql as the cluster's superuser on a node's unix socket (administration only).
admin_psql() {
    local port="$1"; shift
    as_server psql -X -q -At -v ON_ERROR_STOP=1 -h "$DIR/run" -p "$port" -U "$RUN_AS_NAME" "$@"
}
RUN_AS_NAME="${RUN_AS:-$(id -un)}"

node_port() { case "$1" in monitor) echo "$PORT" ;; node1) echo $((PORT + 1)) ;; node2) echo $((PORT + 2)) ;; esac; }

# Whether the pg_autoctl service of a node runs (its pid file names a live process).
service_running() {
    local pidfile
    pidfile="$(find "$DIR/run" -path "*$1*" -name pg_autoctl.pid 2>/dev/null | head -1)"
    [ -n "$pidfile" ] && kill -0 "$(head -1 "$pidfile")" 2>/dev/null
}

run_service() {
    local name="$1"
    service_running "$name" && return
    say "starting the $name service (log: $DIR/$name.log)"
    as_server bash -c "nohup pg_autoctl run --pgdata '$DIR/$name' >>'$DIR/$name.log' 2>&1 &"
}

monitor_sql() { admin_psql "$PORT" -d pg_auto_failover -c "$1"; }

# Waits until the formation's settled node states, sorted, are exactly "$1" (e.g. "primary secondary").
wait_states() {
    local want="$1" deadline=$((SECONDS + ${2:-180})) got=""
    while [ $SECONDS -lt $deadline ]; do
        got="$(monitor_sql "SELECT string_agg(reportedstate::text, ' ' ORDER BY reportedstate::text) FROM pgautofailover.node WHERE reportedstate = goalstate" 2>/dev/null || true)"
        [ "$got" = "$want" ] && return 0
        sleep 1
    done
    die "the formation did not reach '$want' (it is '$got'); see $DIR/*.log"
}

# Waits until a node's server answers on its socket (pg_autoctl may restart it after a state change).
wait_ready() {
    local deadline=$((SECONDS + 60))
    until admin_psql "$1" -d postgres -c "SELECT 1" >/dev/null 2>&1; do
        [ $SECONDS -lt $deadline ] || die "the server on port $1 did not answer within 60 s"
        sleep 0.5
    done
    sleep 2
    until admin_psql "$1" -d postgres -c "SELECT 1" >/dev/null 2>&1; do
        [ $SECONDS -lt $deadline ] || die "the server on port $1 did not answer within 60 s"
        sleep 0.5
    done
}

# Lines that let the two Touchstone logins in over loopback with a password; first in pg_hba.conf.
HBA_MARK="# touchstone (deploy/ha/ha.sh)"
touchstone_hba() {
    local hba="$DIR/$1/pg_hba.conf"
    grep -qF "$HBA_MARK" "$hba" && return
    local lines
    lines="$HBA_MARK
host touchstone touchstone_owner,touchstone_runtime 127.0.0.1/32 scram-sha-256
host touchstone touchstone_owner,touchstone_runtime ::1/128 scram-sha-256"
    printf '%s\n%s\n' "$lines" "$(cat "$hba")" >"$hba.new"
    chown --reference="$hba" "$hba.new" 2>/dev/null || true
    chmod 0600 "$hba.new"
    mv "$hba.new" "$hba"
}

password() { head -c 18 /dev/urandom | base64 | tr -d '/+=' ; }

create() {
    local monitor_port node_port_ uri
    install -d -m 0700 "$DIR/config" "$DIR/share"
    install -d -m 0755 "$DIR/run"
    if [ -n "$RUN_AS" ]; then
        chown "$RUN_AS:" "$DIR" "$DIR/config" "$DIR/share" "$DIR/run"
        runuser -u "$RUN_AS" -- test -w "$DIR" ||
            die "$DIR is not writable by $RUN_AS (a parent directory is closed to it): pass --dir under a directory it can reach"
    fi
    say "creating the monitor on port $PORT"
    initdb_with_settings monitor
    as_server pg_autoctl create monitor --pgdata "$DIR/monitor" --pgport "$PORT" --hostname 127.0.0.1 \
        --auth trust --no-ssl --pgctl "$PGBIN/pg_ctl" >>"$DIR/create.log" 2>&1 || die "pg_autoctl create monitor failed; see $DIR/create.log"
    run_service monitor
    uri="postgres://autoctl_node@127.0.0.1:$PORT/pg_auto_failover?sslmode=disable"
    for name in "${NODES[@]}"; do
        node_port_="$(node_port "$name")"
        say "creating $name on port $node_port_"
        [ "$name" = node1 ] && initdb_with_settings node1
        as_server pg_autoctl create postgres --pgdata "$DIR/$name" --pgport "$node_port_" --pghost "$DIR/run" \
            --hostname 127.0.0.1 --name "$name" --monitor "$uri" --auth trust --no-ssl \
            --pgctl "$PGBIN/pg_ctl" >>"$DIR/create.log" 2>&1 &
        local creating=$!
        if [ "$name" != node1 ]; then
            # The secondary's pg_basebackup waits for a checkpoint, spread over minutes by default: ask for one.
            while kill -0 "$creating" 2>/dev/null; do
                admin_psql "$(node_port node1)" -d postgres -c CHECKPOINT >/dev/null 2>&1 || true
                sleep 2
            done
        fi
        wait "$creating" || die "pg_autoctl create postgres ($name) failed; see $DIR/create.log"
        run_service "$name"
        if [ "$name" = node1 ]; then
            wait_states "single"
            wait_ready "$node_port_"
            setup_touchstone
        else
            touchstone_hba "$name"
        fi
    done
    wait_states "primary secondary"
}

# pg_autoctl sizes shared_buffers and the like from the machine's memory (gigabytes each), and
# puts the unix socket in the system's directory: a data directory made beforehand, whose
# postgresql.auto.conf (read last, and copied to the secondary by pg_basebackup) sets modest
# sizes and a socket in DIR/run, keeps three servers on one machine small and self-contained.
initdb_with_settings() {
    as_server "$PGBIN/initdb" -D "$DIR/$1" --auth-local=trust --auth-host=reject -E UTF8 --no-instructions >>"$DIR/create.log" 2>&1 ||
        die "initdb of $1 failed; see $DIR/create.log"
    cat >>"$DIR/$1/postgresql.auto.conf" <<CONF
shared_buffers = '128MB'
effective_cache_size = '512MB'
work_mem = '8MB'
maintenance_work_mem = '64MB'
max_connections = 100
unix_socket_directories = '$DIR/run'
listen_addresses = '127.0.0.1'
unix_socket_permissions = 0700
CONF
    # No blanket trust: the superuser only on the unix socket (which only the server's account may
    # open); pg_autoctl appends the lines its own accounts need (monitor, replication, pg_rewind).
    cat >"$DIR/$1/pg_hba.conf" <<HBA
local all all trust
local replication all trust
HBA
}

# On the primary, once: the roles, their passwords, the database owned by the schema owner.
setup_touchstone() {
    local port owner runtime
    port="$(node_port node1)"
    say "setting up Touchstone's roles and database on node1"
    admin_psql "$port" -d postgres -f - <"$ROOT/sql/cluster/roles.sql"
    owner="$(password)"
    runtime="$(password)"
    admin_psql "$port" -d postgres -c "ALTER ROLE touchstone_owner PASSWORD '$owner'" \
        -c "ALTER ROLE touchstone_runtime PASSWORD '$runtime'"
    admin_psql "$port" -d postgres -c "CREATE DATABASE touchstone OWNER touchstone_owner"
    (umask 077 && printf '*:*:touchstone:touchstone_owner:%s\n*:*:touchstone:touchstone_runtime:%s\n' "$owner" "$runtime" >"$DIR/pgpass")
    touchstone_hba node1
    admin_psql "$port" -d postgres -c "SELECT pg_reload_conf()" >/dev/null
}

conninfo() {
    echo "host=127.0.0.1,127.0.0.1 port=$((PORT + 1)),$((PORT + 2)) dbname=touchstone user=$1 passfile=$DIR/pgpass target_session_attrs=read-write connect_timeout=5"
}

stop_service() {
    local name="$1"
    service_running "$name" || return 0
    say "stopping the $name service"
    as_server pg_autoctl stop --pgdata "$DIR/$name" >/dev/null 2>&1 || true
    for _ in $(seq 1 60); do
        service_running "$name" || return 0
        sleep 0.5
    done
    say "$name did not stop within 30 s"
}

case "$command" in
    start)
        install_packages
        if [ ! -d "$DIR/monitor" ]; then
            create
        else
            run_service monitor
            for name in "${NODES[@]}"; do run_service "$name"; done
            wait_states "primary secondary"
        fi
        say "formation ready: $(monitor_sql "SELECT string_agg(nodename || ' ' || reportedstate, ', ' ORDER BY nodeid) FROM pgautofailover.node")"
        echo "runtime: $(conninfo touchstone_runtime)"
        echo "owner:   $(conninfo touchstone_owner)"
        ;;
    stop)
        for name in node2 node1 monitor; do stop_service "$name"; done
        ;;
    status)
        as_server pg_autoctl show state --pgdata "$DIR/monitor"
        ;;
    switchover)
        # pg_autoctl's progress table (and a harmless get_nodes error of 2.0 when run against the monitor) go to the log.
        as_server pg_autoctl perform switchover --pgdata "$DIR/monitor" --formation default --group 0 >>"$DIR/switchover.log" 2>&1 ||
            die "pg_autoctl perform switchover failed; see $DIR/switchover.log"
        wait_states "primary secondary"
        say "switchover done: $(monitor_sql "SELECT string_agg(nodename || ' ' || reportedstate, ', ' ORDER BY nodeid) FROM pgautofailover.node")"
        ;;
    destroy)
        for name in node2 node1 monitor; do stop_service "$name"; done
        rm -rf "$DIR"
        ;;
    *)
        sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'
        exit 2
        ;;
esac
