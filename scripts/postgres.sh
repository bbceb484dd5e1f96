#!/usr/bin/env bash
# A throwaway PostgreSQL + PostGIS server for the tests and the benchmark.
#
#   bash scripts/postgres.sh start   # install if missing (root), create, start; prints
#                                    # export CLUSTER_PLANNER_TEST_DB=postgresql://...
#   bash scripts/postgres.sh url     # the URL of the running server
#   bash scripts/postgres.sh stop    # stop it (the data folder is kept for the next start)
#   bash scripts/postgres.sh destroy # stop it and delete its data folder
#
# Debian's `postgresql` and `postgis` packages are installed with apt-get when missing
# (only as root; a developer without root installs them once by hand). The cluster lives
# in $CLUSTER_PLANNER_PG_DIR (default: a folder in /tmp named after this checkout), owned
# by the `postgres` user when run as root, listens on 127.0.0.1 and a unix socket in
# that folder, on a port derived from the checkout's path, with `trust` authentication
# (except the role cp_pw_alice, which gives a password): it is for tests on this machine
# only. Idempotent: `start` on a running server only prints its URL. Messages go to
# stderr; stdout holds only the export line.
set -euo pipefail

say() { echo "postgres.sh: $*" >&2; }

repo="$(cd "$(dirname "$0")/.." && pwd)"
tag="$(printf '%s' "$repo" | cksum | cut -d' ' -f1)"
data_dir="${CLUSTER_PLANNER_PG_DIR:-/tmp/cluster-planner-pg-$(id -u)-$tag}"
port_default=$((20000 + tag % 10000))

pg_bin() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

has_postgis() {
    local bin="$1" share
    share="$("$bin/pg_config" --sharedir 2>/dev/null || true)"
    [ -n "$share" ] && ls "$share"/extension/postgis.control >/dev/null 2>&1
}

install_packages() {
    local bin
    bin="$(pg_bin || true)"
    if [ -n "$bin" ] && has_postgis "$bin"; then
        return 0
    fi
    if [ "$(id -u)" != 0 ]; then
        say "PostgreSQL with PostGIS is not installed and installing needs root (apt-get install postgresql postgis)"
        return 3
    fi
    say "installing postgresql and postgis with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql postgis >&2
    bin="$(pg_bin)"
    if ! has_postgis "$bin"; then
        # `postgis` only recommends the extension; images often skip recommendations.
        local major
        major="$("$bin/pg_config" --version | awk '{print $2}' | cut -d. -f1)"
        apt-get install -y -qq "postgresql-$major-postgis-3" >&2
    fi
    has_postgis "$bin" || { say "PostGIS is still missing after apt-get"; return 3; }
}

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

url() {
    local port
    port="$(cat "$data_dir/cluster-planner.port")"
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
}

is_running() {
    local bin="$1"
    [ -f "$data_dir/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$data_dir" status >/dev/null 2>&1
}

free_port() {
    local port="$port_default"
    while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        port=$((port + 1))
    done
    echo "$port"
}

# The role cp_pw_alice must give a password over TCP (the test of ~/.pgpass); everyone
# else is trusted.
ensure_password_rule() {
    local hba="$data_dir/pg_hba.conf" rule="host all cp_pw_alice 127.0.0.1/32 scram-sha-256"
    if ! grep -qF "$rule" "$hba"; then
        as_owner sh -c "{ echo '$rule'; cat '$hba'; } > '$hba.new' && mv '$hba.new' '$hba'"
        return 1
    fi
}

start() {
    install_packages
    local bin
    bin="$(pg_bin)"
    if is_running "$bin"; then
        ensure_password_rule || as_owner "$bin/pg_ctl" -D "$data_dir" reload >/dev/null
        echo "export CLUSTER_PLANNER_TEST_DB=$(url)"
        return 0
    fi
    if [ ! -f "$data_dir/PG_VERSION" ]; then
        rm -rf "$data_dir"
        mkdir -p "$data_dir"
        chmod 700 "$data_dir"
        [ "$(id -u)" = 0 ] && chown postgres:postgres "$data_dir"
        as_owner "$bin/initdb" -D "$data_dir" -U postgres --auth=trust --encoding=UTF8 \
            --locale=C.UTF-8 >/dev/null
    fi
    ensure_password_rule || true
    local port
    port="$(free_port)"
    as_owner sh -c "echo $port > '$data_dir/cluster-planner.port'"
    as_owner "$bin/pg_ctl" -D "$data_dir" -l "$data_dir/server.log" -w -t 60 \
        -o "-p $port -k $data_dir -c listen_addresses=127.0.0.1 -c max_connections=200" \
        start >/dev/null
    local check
    check="$(as_owner "$bin/psql" -X -q -At -h "$data_dir" -p "$port" -U postgres -d postgres \
        -c "CREATE EXTENSION IF NOT EXISTS postgis; SELECT postgis_lib_version()" 2>&1 | tail -n 1)"
    say "PostgreSQL $("$bin/pg_config" --version | awk '{print $2}') with PostGIS $check on port $port ($data_dir)"
    echo "export CLUSTER_PLANNER_TEST_DB=$(url)"
}

stop() {
    local bin
    bin="$(pg_bin || true)"
    if [ -n "$bin" ] && is_running "$bin"; then
        as_owner "$bin/pg_ctl" -D "$data_dir" -m fast -w stop >/dev/null
        say "stopped ($data_dir)"
    fi
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    url) bin="$(pg_bin)"; is_running "$bin" && url ;;
    destroy) stop; rm -rf "$data_dir" ;;
    *) say "usage: postgres.sh start|url|stop|destroy"; exit 2 ;;
esac
