#!/usr/bin/env bash
#! Runs every benchmark and keeps its figures in artifacts/bench/: the fee-list PDF, capture of
#! a 300-dpi A4 scan to its stored thumbnail, patient lookup, the cashier round trip, the month's
#! kiosk invoice report, the reconciliation of 1,000,000 WeChat orders against DuckDB,
#! the offline day (10,000 operations replayed to a release-built platform on a
#! project-local PostgreSQL) and 1,000 app deposits notified at once, each twice. Benchmarks
#! print figures; they are not tests and CI does not run them (scripts/test.sh stays within its
#! time budget).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/cargo-env.sh"
out="$root/artifacts/bench"
mkdir -p "$out"
cargo bench -p reports --bench statement | tee "$out/statement.txt"
# The SANE test backend as a 300-dpi A4 colour scanner for the capture benchmark.
sane_dir="$out/sane-test"
mkdir -p "$sane_dir"
echo test > "$sane_dir/dll.conf"
printf 'number_of_devices 1\ngeometry_max 300.0\ntest-picture "Color pattern"\n' > "$sane_dir/test.conf"
SANE_CONFIG_DIR="$sane_dir" cargo bench -p capture --bench capture | tee "$out/capture.txt"
cargo bench -p app --bench lookup | tee "$out/lookup.txt"
cargo bench -p app --bench round_trip | tee "$out/round-trip.txt"
cargo bench -p app --bench kiosk_month | tee "$out/kiosk-month.txt"
cargo bench -p app --bench day_end | tee "$out/day-end.txt"
cargo bench -p app --bench code_payment | tee "$out/code-payment.txt"
python3 -c 'import duckdb' 2>/dev/null || pip install --user --break-system-packages duckdb >/dev/null
cargo bench -p reconcile --bench reconcile_day | tee "$out/reconcile-day.txt"
pg_dir="${CASHIER_PG_DIR:-${TMPDIR:-/tmp}/inpatient-cashier-bench-pg}"
trap 'scripts/pg.sh stop "$pg_dir"' EXIT
CASHIER_TEST_PG=$(scripts/pg.sh start "$pg_dir")
export CASHIER_TEST_PG
cargo build --release -p platform
CASHIER_PLATFORM_BIN="$CARGO_TARGET_DIR/release/platform" \
  cargo bench -p cashier --bench offline_day -- --operations 10000 | tee "$out/offline-day.txt"
CASHIER_PLATFORM_BIN="$CARGO_TARGET_DIR/release/platform" \
  cargo bench -p cashier --bench notifications -- --notifications 1000 | tee "$out/notifications.txt"
