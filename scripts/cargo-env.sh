#!/usr/bin/env bash
#! Sourced by the other scripts: one build cache per user, outside the checkout, so a fresh
#! clone (CI's) reuses what an earlier run on this machine built. Set CARGO_TARGET_DIR to
#! override.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/inpatient-cashier/target}"
mkdir -p "$CARGO_TARGET_DIR"
# No incremental caches: every checkout at another path (CI's fresh clones) kept its own
# incremental directories in the shared cache, and they piled up to 47 GB and filled this
# machine's disk; the dependencies, the bulk of a build, are reused either way.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
