#!/usr/bin/env bash
# The load run (issue 21; figures in docs/benchmarks.md): 200 concurrent clients for 60 s mixing
# page views, searches and logins with wrong passwords (.ci/load.lua), against the release
# binary serving the demo on a fresh SQLite database. It passes when:
#   - no answer is an error other than the throttle's 429 (a wrong password's 422 is the answer
#     it should get), and no socket error;
#   - the server's memory is flat (resident size sampled every second: the last 10 s within
#     25 % of the 10 s after warm-up);
#   - the right password of the account under attack is still accepted during the run, from
#     the browser (device cookie) that signed in before.
# Usage: .ci/load.sh   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
export PASSERELLE_ENV=development
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/passerelle-target}"
cargo build --release -p server --quiet
bin="$CARGO_TARGET_DIR/release/passerelle"
dir=$(mktemp -d)
port=3400
base="http://127.0.0.1:$port"
DATABASE_URL="sqlite://$dir/load.db?mode=rwc" PASSERELLE_ADDR="127.0.0.1:$port" \
  PASSERELLE_SEARCH_DIR="$dir/index" PASSERELLE_MEDIA_DIR="$dir/media" RUST_LOG=error \
  "$bin" serve --demo >"$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 120); do curl -fs "$base/" >/dev/null && break; sleep 1; done

# The owner signs in once from their browser: it keeps its device cookie.
jar="$dir/owner.jar"
login_owner() {
  curl -s -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" -H 'Accept: application/json' \
    --data-urlencode 'email=menuisier@demo.passerelle.example' --data-urlencode 'password=passerelle-demo' \
    "$base/api/auth/login"
}
echo "== the owner signs in before the run: $(login_owner)"

# Resident memory, every second.
( while kill -0 $server 2>/dev/null; do ps -o rss= -p $server; sleep 1; done ) >"$dir/rss" &
sampler=$!
wrk -t2 -c200 -d60s --timeout 10s -s .ci/load.lua "$base" >"$dir/wrk.out" &
load=$!
sleep 30
during=$(login_owner)
echo "== the owner signs in again, 30 s into the run, from the same address as the attack: $during"
wait $load
kill $sampler 2>/dev/null || true
cat "$dir/wrk.out"

rss=$(cat "$dir/rss")
early=$(echo "$rss" | sed -n '11,20p' | sort -n | tail -1)
late=$(echo "$rss" | tail -n 10 | sort -n | tail -1)
peak=$(echo "$rss" | sort -n | tail -1)
echo "== resident memory: ${early} KiB at 10–20 s, ${late} KiB in the last 10 s, peak ${peak} KiB"

fail=0
errors=$(grep -E '^status [0-9]+:' "$dir/wrk.out" | grep -vE '^status (200|422|429):' || true)
[ -z "$errors" ] || { echo "FAIL: unexpected statuses: $errors"; fail=1; }
grep -q 'socket errors: connect 0, read 0, write 0, timeout 0' "$dir/wrk.out" || { echo "FAIL: socket errors"; fail=1; }
[ "$during" = 200 ] || { echo "FAIL: the right password was refused ($during)"; fail=1; }
[ $(( late * 100 )) -le $(( early * 125 )) ] || { echo "FAIL: memory grew from $early to $late KiB"; fail=1; }
[ $fail = 0 ] && echo "== load run passed"
exit $fail
