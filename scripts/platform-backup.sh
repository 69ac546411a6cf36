#!/usr/bin/env bash
#! Backs up and restores the platform's PostgreSQL database (the journal, the ledgers' inputs,
#! the audit chain, reconciliation — everything the platform holds).
#!   scripts/platform-backup.sh dump DATABASE_URL FILE
#!       pg_dump in the custom format (compressed, restorable table by table), then read back
#!       with pg_restore --list so a dump that cannot be restored is known at once.
#!   scripts/platform-backup.sh restore FILE DATABASE_URL
#!       into an existing, empty database (createdb it first), owner-less, in one transaction.
#! A nightly dump covers a lost disk up to that night; for the minutes since, run PostgreSQL with
#! WAL archiving and restore to a point in time (see README, "Backing up the platform").
set -euo pipefail
cmd=${1:-}
case "$cmd" in
  dump)
    url=${2:?DATABASE_URL}; file=${3:?FILE}
    pg_dump --format=custom --compress=6 --no-owner --file="$file.partial" "$url"
    pg_restore --list "$file.partial" >/dev/null
    mv "$file.partial" "$file"
    echo "$file"
    ;;
  restore)
    file=${2:?FILE}; url=${3:?DATABASE_URL}
    pg_restore --list "$file" >/dev/null
    pg_restore --no-owner --exit-on-error --single-transaction --dbname="$url" "$file"
    echo "restored $file"
    ;;
  *) echo "usage: scripts/platform-backup.sh dump DATABASE_URL FILE | restore FILE DATABASE_URL" >&2; exit 2 ;;
esac
