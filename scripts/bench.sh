#!/usr/bin/env bash
#! Runs every benchmark, keeps each one's output in artifacts/bench/, and ends with one table of
#! the performance goals (issue 16): each figure, its goal, the peer measured in the same run
#! (DuckDB, ReportLab) and the ratio. The benchmarks: the fee-list PDF (criterion, and as whole
#! processes against ReportLab, with a receipt), capture of a 300-dpi A4 scan, patient lookup
#! over 1,000,000 cached patients, the cashier round trip, the month's kiosk report, the day's
#! close, a code payment, the reconciliation of 1,000,000 WeChat orders as the release `cashier
#! reconcile` process against DuckDB's, the desktop app's first paint and idle memory (release,
#! Xvfb), the offline day (10,000 operations replayed to a release-built platform on a
#! project-local PostgreSQL) and 1,000 app deposits notified at once. Benchmarks print figures;
#! they are not tests and CI does not run them (scripts/test.sh stays within its time budget).
#! `BENCH_ONLY="reconcile app"` runs only the named parts (pdf capture lookup app-benches
#! reconcile app platform).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/cargo-env.sh"
out="$root/artifacts/bench"
mkdir -p "$out"
touch "$out/.started"
only="${BENCH_ONLY:-pdf capture lookup app-benches reconcile app platform}"
wants() { [[ " $only " == *" $1 "* ]]; }
# The peers, where the registries reach: DuckDB and ReportLab for python3.
python3 -c 'import duckdb' 2>/dev/null || pip install --user --break-system-packages duckdb >/dev/null || true
python3 -c 'import reportlab' 2>/dev/null || pip install --user --break-system-packages reportlab >/dev/null || true
# What a user runs: release builds of the command line and the desktop app.
(cd frontend && trunk build --release >/dev/null)
cargo build --release -p cashier -p desktop --features desktop/custom-protocol
export CASHIER_BIN="$CARGO_TARGET_DIR/release/cashier"

if wants pdf; then
  cargo bench -p reports --bench statement | tee "$out/statement.txt"
  cargo bench -p reports --bench pdf_peer | tee "$out/pdf-peer.txt"
fi
if wants capture; then
  # The SANE test backend as a 300-dpi A4 colour scanner for the capture benchmark.
  sane_dir="$out/sane-test"
  mkdir -p "$sane_dir"
  echo test > "$sane_dir/dll.conf"
  printf 'number_of_devices 1\ngeometry_max 300.0\ntest-picture "Color pattern"\n' > "$sane_dir/test.conf"
  SANE_CONFIG_DIR="$sane_dir" cargo bench -p capture --bench capture | tee "$out/capture.txt"
fi
if wants lookup; then
  cargo bench -p app --bench lookup | tee "$out/lookup.txt"
fi
if wants app-benches; then
  cargo bench -p app --bench round_trip | tee "$out/round-trip.txt"
  cargo bench -p app --bench kiosk_month | tee "$out/kiosk-month.txt"
  cargo bench -p app --bench day_end | tee "$out/day-end.txt"
  cargo bench -p app --bench code_payment | tee "$out/code-payment.txt"
fi
if wants reconcile; then
  cargo bench -p reconcile --bench reconcile_day | tee "$out/reconcile-day.txt"
  # Ten times the day, to show the memory stays bounded (no DuckDB: one run, the files kept).
  ORDERS=10000000 RUNS=1 NO_DUCKDB=1 cargo bench -p reconcile --bench reconcile_day | tee "$out/reconcile-10m.txt"
fi
if wants app; then
  scripts/bench-app.sh | tee "$out/app.txt"
fi
if wants platform; then
  pg_dir="${CASHIER_PG_DIR:-${TMPDIR:-/tmp}/inpatient-cashier-bench-pg}"
  trap 'scripts/pg.sh stop "$pg_dir"' EXIT
  CASHIER_TEST_PG=$(scripts/pg.sh start "$pg_dir")
  export CASHIER_TEST_PG
  cargo build --release -p platform
  CASHIER_PLATFORM_BIN="$CARGO_TARGET_DIR/release/platform" \
    cargo bench -p cashier --bench offline_day -- --operations 10000 | tee "$out/offline-day.txt"
  CASHIER_PLATFORM_BIN="$CARGO_TARGET_DIR/release/platform" \
    cargo bench -p cashier --bench notifications -- --notifications 1000 | tee "$out/notifications.txt"
fi

# The table: every TABLE|figure|value|goal|peer|ratio line the benchmarks printed.
{
  echo
  echo "Performance goals (issue 16), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
  printf '%s\n' "figure|ours|goal|peer|ratio" "---|---|---|---|---"
  find "$out" -maxdepth 1 -name '*.txt' ! -name summary.txt -newer "$out/.started" -exec cat {} + |
    grep -h '^TABLE|' | cut -d'|' -f2-
} | column -t -s '|' | tee "$out/summary.txt"
