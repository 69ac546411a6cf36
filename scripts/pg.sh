#!/usr/bin/env bash
#! Starts or stops a project-local PostgreSQL cluster for the platform's development and tests:
#! initdb into a data folder owned by the `postgres` system user (initdb refuses root), pg_ctl
#! on a free port, trust authentication on 127.0.0.1 only. Prints the connection URL.
#!   scripts/pg.sh start [DIR]   → prints postgres://app@127.0.0.1:PORT/postgres
#!   scripts/pg.sh stop [DIR]
set -euo pipefail
cmd=${1:-start}
dir=${2:-${CASHIER_PG_DIR:-/tmp/inpatient-cashier-pg}}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; elif [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}
case "$cmd" in
  start)
    mkdir -p "$(dirname "$dir")"
    if [ ! -f "$dir/PG_VERSION" ]; then
      mkdir -p "$dir" && chown postgres "$dir" 2>/dev/null || true
      chmod 700 "$dir"
      as_postgres "$bin/initdb" -D "$dir" -A trust -U app --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if as_postgres "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
      port=$(sed -n 4p "$dir/postmaster.pid")
    else
      port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
      as_postgres "$bin/pg_ctl" -D "$dir" -w -l "$dir/log" \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on" start >/dev/null
    fi
    echo "postgres://app@127.0.0.1:$port/postgres"
    ;;
  stop)
    if [ -f "$dir/PG_VERSION" ]; then as_postgres "$bin/pg_ctl" -D "$dir" -m fast stop >/dev/null 2>&1 || true; fi
    ;;
  *) echo "usage: scripts/pg.sh start|stop [DIR]" >&2; exit 2 ;;
esac
