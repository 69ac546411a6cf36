#!/usr/bin/env bash
#! Sets up a fresh Debian 12 machine (scripts/setup.sh), builds the frontend and the desktop
#! app (release, as the package is: it starts faster and holds less than a debug build), and
#! starts it in demo mode: the first start creates and seeds its own data folder
#! (~/.local/share/inpatient-cashier/demo). Extra arguments go to the app (e.g. --data-dir).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/cargo-env.sh"
echo "[run-demo] building the frontend (trunk) and the desktop app (release); the first build takes 20–30 minutes on 2 cores"
(cd frontend && trunk build --release)
cargo build --release -p desktop --features custom-protocol
app="$CARGO_TARGET_DIR/release/inpatient-cashier"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "[run-demo] 未检测到图形桌面（DISPLAY 未设置）：在虚拟显示 Xvfb 中运行。在桌面终端中运行即可看到窗口。"
  exec xvfb-run -a -s "-screen 0 1366x768x24" "$app" --demo "$@"
fi
exec "$app" --demo "$@"
