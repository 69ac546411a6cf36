#!/usr/bin/env bash
#! The desktop app's start-up and idle memory (issue 16). Starts the release build in demo mode
#! under Xvfb on a scratch data folder (the first start seeds the demo and is not counted), then
#! RUNS more times (3): the time from starting the program to its log's "window painted" (the
#! login on screen), and after IDLE seconds (5) the resident memory of the app and of every
#! process it started (WebKitWebProcess, WebKitNetworkProcess), each named, and their sum — the
#! goal's figure — with PSS beside it (shared libraries counted once between the processes).
#! Usage: scripts/bench-app.sh [APP_BINARY] (default: the release build). Prints TABLE| lines,
#! which scripts/bench.sh gathers.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/cargo-env.sh
app="${1:-$CARGO_TARGET_DIR/release/inpatient-cashier}"
runs="${RUNS:-3}"
idle="${IDLE:-5}"
[ -x "$app" ] || { echo "bench-app: $app missing (cargo build --release -p desktop --features custom-protocol)" >&2; exit 1; }
work=$(mktemp -d)
display=":$((90 + RANDOM % 9))"
Xvfb "$display" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
cleanup() { kill "$xvfb" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
export DISPLAY="$display"
sleep 0.5

# Every process the app started, and theirs.
tree() {
  local pid=$1
  echo "$pid"
  for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do tree "$child"; done
}

kb() { awk -v k="$2" '$1 == k":" { print $2 }' "$1" 2>/dev/null || echo 0; }

# One start: prints "MS RSS_KB PSS_KB" and, on stderr, each process.
start() {
  local log="$work/app.log" t0 t1 pid painted=""
  t0=$(date +%s%N)
  NO_COLOR=1 RUST_LOG=info "$app" --demo --data-dir "$work/data" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    painted=$(grep -m1 "window painted" "$log" | sed 's/\x1b\[[0-9;]*m//g' | awk '{print $1}') || true
    [ -n "$painted" ] && break
    sleep 0.05
  done
  [ -n "$painted" ] || { echo "bench-app: no \"window painted\" within 30 s" >&2; cat "$log" >&2; kill "$pid"; exit 1; }
  t1=$(date -d "$painted" +%s%N)
  sleep "$idle"
  local rss=0 pss=0
  for p in $(tree "$pid"); do
    local r s
    r=$(kb "/proc/$p/status" VmRSS); s=$(kb "/proc/$p/smaps_rollup" Pss)
    echo "    $(cat "/proc/$p/comm" 2>/dev/null) (pid $p): RSS $((r / 1024)) MB, PSS $((s / 1024)) MB" >&2
    rss=$((rss + r)); pss=$((pss + s))
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
  sleep 0.5
  echo "$(((t1 - t0) / 1000000)) $rss $pss"
}

echo "bench-app: $app, demo data in a scratch folder, Xvfb $display"
echo "  first start (seeds the demo; not counted): $(start 2>/dev/null | awk '{print $1 " ms"}')"
paints=(); rsses=(); psses=()
for run in $(seq 1 "$runs"); do
  echo "  run $run:"
  read -r ms rss pss < <(start)
  echo "    first paint ${ms} ms; idle after ${idle} s: RSS $((rss / 1024)) MB in all, PSS $((pss / 1024)) MB"
  paints+=("$ms"); rsses+=("$rss"); psses+=("$pss")
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
paint=$(median "${paints[@]}"); rss=$(median "${rsses[@]}"); pss=$(median "${psses[@]}")
echo "  median of $runs: first paint $paint ms, idle RSS $((rss / 1024)) MB (PSS $((pss / 1024)) MB)"
echo "TABLE|app: first paint after start (release, Xvfb)|$paint ms|≤ 1000 ms|—|—"
echo "TABLE|app: idle RSS, app + WebKit processes|$((rss / 1024)) MB|≤ 250 MB|PSS $((pss / 1024)) MB|—"
