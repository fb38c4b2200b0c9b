#!/usr/bin/env bash
# Benchmarks of the foundation (figures recorded in docs/benchmarks.md):
#   - release WASM size, raw, gzip and brotli;
#   - the demo territory's seeding time (seed-demo on a fresh SQLite database, and on PostgreSQL
#     when TEST_DATABASE_URL is set), reference data loaded beforehand by `migrate`;
#   - SSR requests/s of the home page, the login page, a public profile and the list pages
#     (directory, catalogue, past contracts, programming), with wrk (Debian's package),
#     against the release binary on a fresh SQLite database seeded with the demo.
# Usage: .ci/bench.sh   (needs wrk and brotli: apt-get install wrk brotli)
set -euo pipefail
cd "$(dirname "$0")/.."
# A local measurement over plain HTTP with the demo's accounts: development, asked for.
export PASSERELLE_ENV=development
for tool in wrk brotli; do
  command -v "$tool" >/dev/null || { echo "$tool missing: apt-get install -y $tool" >&2; exit 1; }
done
bash .ci/tools.sh
SERVER_FEATURES=bench-tools bash .ci/build-site.sh release

pkg=target/site/pkg
echo "== release WASM: $(stat -c %s $pkg/passerelle.wasm) bytes raw, $(stat -c %s $pkg/passerelle.wasm.gz) gzip -9, $(stat -c %s $pkg/passerelle.wasm.br) brotli -q 11"
echo "== JS glue: $(stat -c %s $pkg/passerelle.js) bytes raw; CSS: $(stat -c %s $pkg/passerelle.css) bytes raw"

dir=$(mktemp -d)
port=3300
# Seeding, timed apart from migrating and loading the reference data.
DATABASE_URL="sqlite://$dir/seed.db?mode=rwc" RUST_LOG=warn ./target/passerelle migrate >/dev/null
echo "== seed-demo, SQLite:"
( time DATABASE_URL="sqlite://$dir/seed.db?mode=rwc" RUST_LOG=warn ./target/passerelle seed-demo ) 2>&1 | grep -E "seeded|real"
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  psql "$TEST_DATABASE_URL" -qc "DROP DATABASE IF EXISTS passerelle_bench_seed" -c "CREATE DATABASE passerelle_bench_seed" >/dev/null
  pg="${TEST_DATABASE_URL%/*}/passerelle_bench_seed"
  DATABASE_URL="$pg" RUST_LOG=warn ./target/passerelle migrate >/dev/null
  echo "== seed-demo, PostgreSQL:"
  ( time DATABASE_URL="$pg" RUST_LOG=warn ./target/passerelle seed-demo ) 2>&1 | grep -E "seeded|real"
fi
DATABASE_URL="sqlite://$dir/bench.db?mode=rwc" PASSERELLE_ADDR="127.0.0.1:$port" RUST_LOG=warn \
  ./target/passerelle serve --demo >"$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$port/" >/dev/null && break; sleep 1; done
# A public profile of the demo directory, as the directory links it.
profile=$(curl -fs "http://127.0.0.1:$port/annuaire" | grep -o 'href="/annuaire/[0-9]*"' | head -1 | grep -o '/annuaire/[0-9]*')
for path in / /connexion "$profile" /annuaire /catalogue /marches /programmation; do
  echo "== wrk -t2 -c32 -d20s http://127.0.0.1:$port$path"
  wrk -t2 -c32 -d20s --latency "http://127.0.0.1:$port$path" | grep -E "Requests/sec|Latency|99%|Non-2xx"
done
