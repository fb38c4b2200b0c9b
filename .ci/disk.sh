#!/usr/bin/env bash
# Makes room for a CI build before it starts. The build cache and the benchmark data live outside
# the clone and only grow (one set of workspace artifacts per clone path, release builds,
# benchmark databases): on a machine whose disk they filled, a CI run died with "No space left on
# device" half way through. Everything removed here is rebuilt or regenerated on demand, from
# the cheapest to lose to the dearest, until NEED_GB are free.
set -euo pipefail
TARGET="${CARGO_TARGET_DIR:?}"
NEED_GB="${PASSERELLE_CI_FREE_GB:-25}"
BENCH="${PASSERELLE_BENCH_DIR:-$HOME/.cache/passerelle-bench}"
mkdir -p "$TARGET"

free_gb() { df -Pk "$TARGET" | awk 'NR == 2 { print int($4 / 1048576) }'; }
enough() { [ "$(free_gb)" -ge "$NEED_GB" ]; }
report() { echo "== disk: $(free_gb) GB free (want $NEED_GB) after $1"; }

report "nothing removed"
enough && exit 0

# Incremental caches: per clone path, useless to a new clone.
find "$TARGET" -maxdepth 3 -type d -name incremental -prune -exec rm -rf {} +
report "removing the incremental caches"
enough && exit 0

# Release and benchmark builds: the CI builds neither.
rm -rf "$TARGET/release" "$TARGET/wasm32-unknown-unknown/wasm-release"
report "removing the release builds"
enough && exit 0

# Benchmark data sets and databases: regenerated, seeded, by their make targets.
rm -rf "$BENCH"
for db in $(psql "${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}" -Atqc \
    "SELECT datname FROM pg_database WHERE datname LIKE 'passerelle\_bench%'" 2>/dev/null); do
  psql "${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}" -qc "DROP DATABASE IF EXISTS $db" || true
done
report "removing the benchmark data"
enough && exit 0

# Last: the whole build cache (a cold build, slower, but a build).
rm -rf "$TARGET"
mkdir -p "$TARGET"
report "removing the whole build cache"
