#!/usr/bin/env bash
#! Starts the desktop app as a counter linked to a platform (see scripts/run-platform.sh): on
#! first start it registers the counter's data folder with the platform as a device, then opens
#! the window. Log in online once; the counter bootstraps its wards and keeps working offline.
#!   CASHIER_DATA_DIR  the counter's data folder (default ~/.local/share/inpatient-cashier/counter)
#!   PLATFORM_URL      default https://127.0.0.1:8443
#!   PLATFORM_CA       the CA certificate to pin (default: the one run-platform.sh made)
#!   CASHIER_COUNTER_NAME, PLATFORM_ADMIN, PLATFORM_ADMIN_PASSWORD  for the registration
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/cargo-env.sh"
share="${XDG_DATA_HOME:-$HOME/.local/share}/inpatient-cashier"
data="${CASHIER_DATA_DIR:-$share/counter}"
(cd frontend && trunk build --release)
cargo build -p desktop --features custom-protocol
cargo build -p cashier
mkdir -p "$data"
registered=$(sqlite3 "$data/cashier.db" "SELECT value FROM settings WHERE key = 'platform.device_id'" 2>/dev/null || true)
if [ -z "$registered" ]; then
  CASHIER_ADMIN_PASSWORD="${PLATFORM_ADMIN_PASSWORD:-demo1234}" "$CARGO_TARGET_DIR/debug/cashier" device register \
    --db "$data/cashier.db" --platform "${PLATFORM_URL:-https://127.0.0.1:8443}" \
    --ca "${PLATFORM_CA:-$share/platform/ca.pem}" --name "${CASHIER_COUNTER_NAME:-收费窗口1}" \
    --admin "${PLATFORM_ADMIN:-admin}"
fi
app="$CARGO_TARGET_DIR/debug/inpatient-cashier"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1366x768x24" "$app" --data-dir "$data" "$@"
fi
exec "$app" --data-dir "$data" "$@"
