#!/usr/bin/env bash
#! Installs everything the app and its tests need on a fresh Debian 12 machine that has only
#! the Rust toolchain. Idempotent: every step checks first and is skipped when already done.
set -euo pipefail

# Versions pinned together: wasm-bindgen-cli must equal the wasm-bindgen in Cargo.lock.
WASM_BINDGEN_VERSION=0.2.130
TRUNK_VERSION=0.21.14
TAURI_DRIVER_VERSION=2.1.0
# Tauri's bundler (`cargo tauri build`), for scripts/package.sh: the desktop app's .deb.
TAURI_CLI_VERSION=2.12.4
# Fuzzes /openapi.json against the live platform (crates/cashier/tests/platform_openapi.rs).
SCHEMATHESIS_VERSION=4.32.5
VENV="$HOME/.cache/inpatient-cashier/venv"

APT_PACKAGES=(
  build-essential pkg-config
  libwebkit2gtk-4.1-dev libssl-dev libdbus-1-dev
  xvfb xauth fonts-noto-cjk webkit2gtk-driver imagemagick
  poppler-utils dbus gnome-keyring libsecret-tools sqlite3
  postgresql
  cups-client curl python3-venv
  libsane-dev libclang-dev sane-utils
)

log() { printf '[setup] %s\n' "$*"; }

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  log "apt: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
else
  log "apt: all packages present"
fi

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  log "rustup: adding wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# Tool builds do not need fat LTO; this halves trunk's build time on 2 cores.
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16

have_version() { command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -q "$2"; }

if ! have_version trunk "$TRUNK_VERSION"; then
  log "cargo: installing trunk $TRUNK_VERSION (several minutes)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi
if ! have_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
  log "cargo: installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes)"
  # Not --locked: its lock file pins a crate version the registry lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi
if ! have_version tauri-driver "$TAURI_DRIVER_VERSION"; then
  log "cargo: installing tauri-driver $TAURI_DRIVER_VERSION"
  cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked
fi
if ! cargo tauri --version 2>/dev/null | grep -q "$TAURI_CLI_VERSION"; then
  log "cargo: installing tauri-cli $TAURI_CLI_VERSION (about 8 minutes)"
  cargo install tauri-cli --version "$TAURI_CLI_VERSION" --locked
fi
if ! [ -x "$VENV/bin/schemathesis" ] || ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  log "pip: installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION"
fi
log "done"
