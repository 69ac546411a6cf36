#!/usr/bin/env bash
#! Sets up a fresh Debian 12 machine (scripts/setup.sh) and runs every check and test: format,
#! clippy (native and wasm), unit, property and store tests — among them the architecture
#! rules of ARCHITECTURE.md, which run as `cargo test -p tidy` inside the workspace tests —
#! then runs the platform server on a project-local PostgreSQL with counters syncing to it
#! under faults, builds both Debian packages and starts what they install, builds the real
#! desktop app and drives it through WebDriver under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/cargo-env.sh"
export CASHIER_ARTIFACTS="${CASHIER_ARTIFACTS:-$root/artifacts/e2e}"
step() { printf '\n==> %s\n' "$*"; }

# Test builds carry the fault-injection switches (CASHIER_PAUSE_BEFORE_COMMIT_MS) the crash
# tests use; a shipped binary does not.
faults=(--features cashier/fault-injection,desktop/fault-injection)

step "format"
cargo fmt --all -- --check

step "clippy (native, warnings are errors)"
cargo clippy --workspace --exclude frontend --all-targets "${faults[@]}" -- -D warnings
step "clippy (frontend, wasm32)"
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

step "unit, property, store and CLI tests, and the architecture rules (crates/tidy)"
cargo test --workspace --exclude frontend "${faults[@]}"

step "packages: the desktop's .deb (Tauri's bundler) and the platform's"
# First: the packages' builds (no fault injection) write the same target/debug binaries
# (cashier, platform, inpatient-cashier) that the test builds below write again with it. The
# tests install each into a scratch root and start it (package_platform below, e2e
# package_desktop).
PACKAGE_PROFILE=debug scripts/package.sh

step "sync: a real PostgreSQL, the platform server over TLS, counters under faults"
export CASHIER_PG_DIR="${CASHIER_PG_DIR:-${TMPDIR:-/tmp}/inpatient-cashier-test-pg}"
trap 'scripts/pg.sh stop "$CASHIER_PG_DIR"' EXIT
CASHIER_TEST_PG=$(scripts/pg.sh start "$CASHIER_PG_DIR")
export CASHIER_TEST_PG
cargo build -p platform -p cashier --features cashier/fault-injection
cargo test -p cashier --features fault-injection --test sync_converge --test sync_faults --test sync_feed --test sync_security --test sync_attacks --test approvals --test settlement_attacks --test platform_attacks --test platform_users --test platform_openapi --test recon_platform --test recon_cross_day --test platform_limits --test blood_platform --test blood_materials --test invoice_platform --test invoice_paper --test close_platform --test hand_in_platform --test pay_platform --test refund_platform --test mobile_platform --test recon_channels --test platform_backup --test package_platform \
  -- --ignored --test-threads=2

step "build the frontend and the desktop app"
(cd frontend && trunk build --release)
cargo build -p desktop --features custom-protocol,fault-injection

step "end-to-end: the desktop app under Xvfb through tauri-driver"
CASHIER_APP_BIN="$CARGO_TARGET_DIR/debug/inpatient-cashier" \
  xvfb-run -a -s "-screen 0 1366x768x24" \
  cargo test -p e2e -- --ignored --test-threads=1
echo
echo "All checks passed. Screenshots: $CASHIER_ARTIFACTS"
