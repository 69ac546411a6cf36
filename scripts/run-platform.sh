#!/usr/bin/env bash
#! Starts the platform server (统一支付结算平台) locally with the demo hospital: sets up the
#! machine, starts a project-local PostgreSQL cluster, makes a development certificate, seeds
#! the demo data on first start (with the sandbox channels' statements of the last seven days,
#! so finance has reconciliations to review), and serves https://127.0.0.1:8443 until Ctrl+C.
#!   PLATFORM_DATA   certificates and sandbox statements (default ~/.local/share/inpatient-cashier/platform)
#!   PLATFORM_PG_DIR the PostgreSQL cluster (default /var/tmp/inpatient-cashier-platform-pg)
#!   PLATFORM_LISTEN address to serve (default 127.0.0.1:8443)
#!   DATABASE_URL    use this PostgreSQL instead of the local cluster
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/cargo-env.sh"
data="${PLATFORM_DATA:-${XDG_DATA_HOME:-$HOME/.local/share}/inpatient-cashier/platform}"
mkdir -p "$data"
if [ -z "${DATABASE_URL:-}" ]; then
  admin_url=$(scripts/pg.sh start "${PLATFORM_PG_DIR:-/var/tmp/inpatient-cashier-platform-pg}")
  if ! psql "$admin_url" -Atc "SELECT 1 FROM pg_database WHERE datname = 'platform'" | grep -q 1; then
    psql "$admin_url" -qc "CREATE DATABASE platform"
  fi
  export DATABASE_URL="${admin_url%/*}/platform"
fi
cargo build -p platform -p cashier
bin="$CARGO_TARGET_DIR/debug/platform"
[ -f "$data/ca.pem" ] || "$bin" dev-cert "$data"
"$bin" migrate
if [ "$(psql "$DATABASE_URL" -Atc 'SELECT count(*) FROM admissions')" = 0 ]; then
  "$bin" demo-seed
  for days_ago in 1 2 3 4 5 6 7; do
    "$bin" sandbox-bills --day "$(date -d "-$days_ago day" +%F)" --dir "$data/statements"
  done
fi
listen="${PLATFORM_LISTEN:-127.0.0.1:8443}"
cat <<INFO
[platform] PostgreSQL: $DATABASE_URL
[platform] https://$listen  (CA certificate: $data/ca.pem; users as in the demo, password demo1234, admin: admin)
[platform] Point a counter at it: ./scripts/run-counter.sh
INFO
exec "$bin" serve --listen "$listen" --cert "$data/server.pem" --key "$data/server.key" \
  --statements-dir "$data/statements"
