#!/usr/bin/env bash
# Benchmarks of past contracts at national scale (figures recorded in docs/benchmarks.md):
#   1. the data sets: 1M and 2M generated contracts (deterministic by seed);
#   2. import of 1M generated records into a fresh SQLite database, search index included,
#      wall time and peak memory; the same on PostgreSQL;
#   3. import of every real DECP file of the test fixtures;
#   4. search latencies over 2M contracts (`passerelle bench-search`);
#   5. explorer page SSR under 50 concurrent connections over the 2M database (wrk).
# Usage: .ci/bench-data.sh   (needs wrk: apt-get install wrk; PostgreSQL on 127.0.0.1:5432 for 2b)
# Data and databases go to $PASSERELLE_BENCH_DIR (default ~/.cache/passerelle-bench, ≈ 15 GB).
set -euo pipefail
# A local measurement over plain HTTP without a mail relay: development, asked for.
export PASSERELLE_ENV=development
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }
DIR="${PASSERELLE_BENCH_DIR:-$HOME/.cache/passerelle-bench}"
PG="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}"
mkdir -p "$DIR"
bash .ci/tools.sh
SERVER_FEATURES=bench-tools bash .ci/build-site.sh release
bin="$PWD/target/passerelle"
export RUST_LOG=warn

timed() { /usr/bin/time -f "   wall %e s, peak memory %M KB" "$@"; }

echo "== 1. data sets"
[ -s "$DIR/decp-1m.json" ] || timed "$bin" generate --contracts 1000000 --seed 42 --out "$DIR/decp-1m.json"
[ -s "$DIR/decp-2m.json" ] || timed "$bin" generate --contracts 2000000 --seed 7 --out "$DIR/decp-2m.json"
ls -l "$DIR"/decp-*.json

echo "== 2a. import 1M generated records, SQLite, index included"
rm -rf "$DIR/s1m" && mkdir -p "$DIR/s1m"
DATABASE_URL="sqlite://$DIR/s1m/db.sqlite?mode=rwc" PASSERELLE_SEARCH_DIR="$DIR/s1m/search" \
  timed "$bin" import decp "$DIR/decp-1m.json" | grep -E "enregistrements|index|durée|accept" || true

echo "== 2b. import 1M generated records, PostgreSQL, index included"
if psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS passerelle_bench" -c "CREATE DATABASE passerelle_bench" 2>/dev/null; then
  rm -rf "$DIR/p1m" && mkdir -p "$DIR/p1m"
  DATABASE_URL="$PG/passerelle_bench" PASSERELLE_SEARCH_DIR="$DIR/p1m/search" \
    timed "$bin" import decp "$DIR/decp-1m.json" | grep -E "enregistrements|index|durée|accept" || true
  # Gigabytes nothing else reads: the disk is shared with the build cache (.ci/disk.sh).
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS passerelle_bench" || true
  rm -rf "$DIR/p1m"
else
  echo "   (no PostgreSQL: skipped)"
fi

echo "== 3. import the real DECP fixtures, SQLite"
rm -rf "$DIR/real" && mkdir -p "$DIR/real"
DATABASE_URL="sqlite://$DIR/real/db.sqlite?mode=rwc" PASSERELLE_SEARCH_DIR="$DIR/real/search" \
  timed "$bin" import decp server/tests/fixtures/decp/*.{json,csv,xml} \
  | grep -E "enregistrements|index|durée|rejet" || true

echo "== 4. search over 2M contracts"
if [ ! -s "$DIR/s2m/db.sqlite" ]; then
  rm -rf "$DIR/s2m" && mkdir -p "$DIR/s2m"
  DATABASE_URL="sqlite://$DIR/s2m/db.sqlite?mode=rwc" PASSERELLE_SEARCH_DIR="$DIR/s2m/search" \
    timed "$bin" import decp "$DIR/decp-2m.json" | grep -E "enregistrements|index|durée" || true
fi
DATABASE_URL="sqlite://$DIR/s2m/db.sqlite?mode=rwc" PASSERELLE_SEARCH_DIR="$DIR/s2m/search" \
  "$bin" bench-search --rounds 20

echo "== 5. explorer SSR over 2M contracts, 50 connections"
port=3301
DATABASE_URL="sqlite://$DIR/s2m/db.sqlite?mode=rwc" PASSERELLE_SEARCH_DIR="$DIR/s2m/search" \
  PASSERELLE_ADDR="127.0.0.1:$port" "$bin" serve >"$DIR/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/" >/dev/null && break; sleep 1; done
for path in "/marches" "/marches?q=travaux" "/marches?q=nettoyage+locaux&annee=2023" "/marches?q=menuiserie&tri=montant-desc&dep=69"; do
  echo "-- wrk -t2 -c50 -d20s $path"
  wrk -t2 -c50 -d20s --latency "http://127.0.0.1:$port$path" | grep -E "Requests/sec|Latency  |50%|99%|Non-2xx"
done
