#!/usr/bin/env bash
# Before and after, in one run on one machine: the release WASM (raw, gzip, brotli), the
# stylesheet, and the SSR throughput of / and /catalogue (wrk -t2 -c50 -d8s) of a base revision
# and of this checkout, each on a fresh SQLite database seeded with the demo.
# Usage: .ci/bench-compare.sh BASE_REVISION   (make bench-compare BASE=…; needs wrk and brotli)
set -euo pipefail
cd "$(dirname "$0")/.."
base="${1:?usage: .ci/bench-compare.sh BASE_REVISION}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/passerelle-target}" PASSERELLE_ENV=development
for tool in wrk brotli; do
  command -v "$tool" >/dev/null || { echo "$tool missing: apt-get install -y $tool" >&2; exit 1; }
done
here=$(pwd)
before=$(mktemp -d)/before
git worktree add -f --detach "$before" "$base" >/dev/null
trap 'git -C "$here" worktree remove --force "$before" >/dev/null 2>&1 || true' EXIT

measure() { # directory label
  local dir=$1 label=$2 pkg=$1/target/site/pkg tmp
  echo "== $label: WASM $(stat -c %s "$pkg/passerelle.wasm") B raw, $(stat -c %s "$pkg/passerelle.wasm.gz") B gzip, $(stat -c %s "$pkg/passerelle.wasm.br") B brotli; CSS $(stat -c %s "$pkg/passerelle.css") B raw, $(stat -c %s "$pkg/passerelle.css.gz") B gzip"
  tmp=$(mktemp -d)
  (cd "$dir" && DATABASE_URL="sqlite://$tmp/b.db?mode=rwc" PASSERELLE_ADDR=127.0.0.1:3400 RUST_LOG=warn \
    exec ./target/passerelle-measured serve --demo >"$tmp/log" 2>&1) &
  local pid=$!
  for _ in $(seq 1 120); do curl -fs http://127.0.0.1:3400/ >/dev/null && break; sleep 1; done
  for path in / /catalogue; do
    curl -fs "http://127.0.0.1:3400$path" >/dev/null
    echo "== $label: wrk -t2 -c50 -d8s $path"
    wrk -t2 -c50 -d8s --latency "http://127.0.0.1:3400$path" | grep -E "Requests/sec|99%|Non-2xx"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true; rm -rf "$tmp"
}

# One build at a time in the shared target directory; each binary copied before the next build
# (older revisions link target/passerelle into it).
(cd "$before" && bash .ci/build-site.sh release >/dev/null && cp --remove-destination "$(readlink -f target/passerelle)" target/passerelle-measured)
bash .ci/build-site.sh release >/dev/null
cp --remove-destination target/passerelle target/passerelle-measured
measure "$before" "before ($base)"
measure "$here" "after ($(git rev-parse --short HEAD))"
