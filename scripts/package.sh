#!/usr/bin/env bash
# Builds the two Debian packages a hospital installs:
#   inpatient-cashier_<version>_amd64.deb  — the desktop app, by Tauri's own bundler
#       (`cargo tauri build --bundles deb`): the binary, the desktop entry 住院收费, the icon, and
#       the command line as /usr/bin/inpatient-cashier-cli (registering the counter, backups);
#   inpatient-platform_<version>_amd64.deb — the platform server, by dpkg-deb: the binary as
#       /usr/bin/inpatient-platform, a systemd unit, /etc/inpatient-platform/platform.env (a
#       conffile), a system user made at install, `migrate` on upgrade and at every start.
# Both end up in $PACKAGE_OUT (default: $CARGO_TARGET_DIR/packages). PACKAGE_PROFILE=debug builds
# unoptimised packages (the tests' choice: they check what is installed and that it starts).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/cargo-env.sh
PROFILE="${PACKAGE_PROFILE:-release}"
OUT="${PACKAGE_OUT:-$CARGO_TARGET_DIR/packages}"
VERSION="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)"
ARCH="$(dpkg --print-architecture)"
log() { printf '[package] %s\n' "$*"; }
mkdir -p "$OUT"

if ! cargo tauri --version >/dev/null 2>&1; then
  echo "cargo tauri (tauri-cli) is missing: run scripts/setup.sh" >&2
  exit 1
fi

log "frontend (trunk, release)"
(cd frontend && trunk build --release >/dev/null)

release_flag=()
[ "$PROFILE" = release ] && release_flag=(--release)
log "command line and platform ($PROFILE)"
cargo build -q -p cashier -p platform "${release_flag[@]}"

log "desktop package (Tauri's bundler, $PROFILE)"
cargo_profile=()
[ "$PROFILE" = debug ] && cargo_profile=(--debug)
# The command line goes in beside the app; its path is the build cache's, known only here.
cli_file="{\"bundle\":{\"linux\":{\"deb\":{\"files\":{\"/usr/bin/inpatient-cashier-cli\":\"$CARGO_TARGET_DIR/$PROFILE/cashier\"}}}}}"
(cd src-tauri && cargo tauri build "${cargo_profile[@]}" --bundles deb --features custom-protocol --ci --config "$cli_file")
desktop_deb="$CARGO_TARGET_DIR/$PROFILE/bundle/deb/inpatient-cashier_${VERSION}_${ARCH}.deb"
cp "$desktop_deb" "$OUT/"

log "platform package (dpkg-deb, $PROFILE)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
install -D -m 0755 "$CARGO_TARGET_DIR/$PROFILE/platform" "$stage/usr/bin/inpatient-platform"
install -D -m 0644 platform/packaging/inpatient-platform.service "$stage/lib/systemd/system/inpatient-platform.service"
install -D -m 0640 platform/packaging/platform.env "$stage/etc/inpatient-platform/platform.env"
install -d -m 0750 "$stage/etc/inpatient-platform/tls"
install -D -m 0755 scripts/platform-backup.sh "$stage/usr/share/inpatient-platform/platform-backup.sh"
install -D -m 0644 platform/packaging/README "$stage/usr/share/doc/inpatient-platform/README"
install -D -m 0755 platform/packaging/postinst "$stage/DEBIAN/postinst"
install -D -m 0755 platform/packaging/prerm "$stage/DEBIAN/prerm"
echo /etc/inpatient-platform/platform.env > "$stage/DEBIAN/conffiles"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: inpatient-platform
Version: $VERSION
Architecture: $ARCH
Maintainer: 信息科 <it@hospital.local>
Depends: libc6, adduser, postgresql-client
Recommends: postgresql
Section: misc
Priority: optional
Description: 住院统一支付结算平台 (inpatient cashier platform server)
 The hospital's platform for the inpatient cashier desktops: the system of record of deposits,
 settlements, invoices and closes, the channels' connections and the daily reconciliation.
CONTROL
platform_deb="$OUT/inpatient-platform_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$platform_deb" >/dev/null
log "built: $OUT/$(basename "$desktop_deb") and $platform_deb"
