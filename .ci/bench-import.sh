#!/usr/bin/env bash
# The DECP import at national scale, SQLite and PostgreSQL in one run (docs/benchmarks.md,
# "Import"): 1M generated contracts (seed 42) into a fresh database of each engine, search index
# included, then the same file again over the PostgreSQL database (every record meets a stored
# contract: the merge path). Prints one table: wall time, records per second, peak memory.
# Usage: .ci/bench-import.sh   (PostgreSQL on 127.0.0.1:5432 or BENCH_PG_URL; ≈ 6 GB in
# $PASSERELLE_BENCH_DIR, default ~/.cache/passerelle-bench)
set -euo pipefail
export PASSERELLE_ENV=development
cd "$(dirname "$0")/.."
DIR="${PASSERELLE_BENCH_DIR:-$HOME/.cache/passerelle-bench}"
PG="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}"
mkdir -p "$DIR"
if [ -z "${BENCH_BIN:-}" ]; then
  bash .ci/tools.sh
  SERVER_FEATURES=bench-tools bash .ci/build-site.sh release
  BENCH_BIN="$PWD/target/passerelle"
fi
export RUST_LOG=warn
[ -s "$DIR/decp-1m.json" ] || "$BENCH_BIN" generate --contracts 1000000 --seed 42 --out "$DIR/decp-1m.json"

rows=()
# run <label> <database url> <search dir>: imports the 1M file, records wall time and peak RSS.
run() {
  local label="$1" url="$2" search="$3" log="$DIR/import-$$.log"
  DATABASE_URL="$url" PASSERELLE_SEARCH_DIR="$search" \
    /usr/bin/time -f "%e %M" -o "$log.time" "$BENCH_BIN" import decp "$DIR/decp-1m.json" >"$log" 2>&1
  read -r wall rss <"$log.time"
  local accepted
  accepted=$(grep -oE "[0-9 ]+ accept" "$log" | head -1 | tr -dc '0-9' || true)
  rows+=("| $label | ${accepted:-?} | $wall s | $(awk -v w="$wall" 'BEGIN { printf "%d", 1000000 / w }') | $((rss / 1024)) MB |")
  echo "   $label: $wall s"
}

echo "== SQLite, fresh file"
rm -rf "$DIR/i-sqlite" && mkdir -p "$DIR/i-sqlite"
run "SQLite, fresh file" "sqlite://$DIR/i-sqlite/db.sqlite?mode=rwc" "$DIR/i-sqlite/search"

if psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS passerelle_bench_import" \
  -c "CREATE DATABASE passerelle_bench_import" >/dev/null 2>&1; then
  echo "== PostgreSQL, fresh database"
  rm -rf "$DIR/i-pg" && mkdir -p "$DIR/i-pg"
  run "PostgreSQL, fresh database" "$PG/passerelle_bench_import" "$DIR/i-pg/search"
  echo "== PostgreSQL, the same file again (every record merged with a stored one)"
  run "PostgreSQL, imported again over itself" "$PG/passerelle_bench_import" "$DIR/i-pg/search"
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS passerelle_bench_import" >/dev/null 2>&1 || true
else
  echo "   (no PostgreSQL at $PG: skipped)"
fi

echo
echo "1M generated contracts (seed 42), index included, $(nproc) vCPU, $(date -u +%F)"
echo "| import | accepted | wall | records/s | peak RSS |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
