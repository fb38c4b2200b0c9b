#!/usr/bin/env bash
# The pages people use most, at national scale, before and after, in one run (issue 27):
#   - one national database (SQLite): 20,000 organisations and 100,000 offers
#     (`generate-catalogue`), 20,000 planned procurements (`generate-plans`), 2,000,000 past
#     contracts (`generate` then `import decp`), made once into $PASSERELLE_BENCH_DIR and reused;
#   - the release server of BASE (default: none) and of this checkout, each on its own copy of
#     that database and index, one after the other on the same machine;
#   - for each page: the first request after the server started (cold: no answer kept yet),
#     then `wrk -t2 -c50 -d${BENCH_SECONDS:-8}s --latency` (warm) as a visitor without an
#     account, then the same with a session cookie that names no session (the page rendered at
#     each request, as for someone signed in); the load generator on the same machine;
#   - one table at the end: page, then cold ms, requests/s and p99 (and rendered each time)
#     for each build.
# Usage: .ci/bench-pages.sh [BASE_REVISION]   (make bench [BASE=…]; needs wrk: apt-get install wrk)
#   BENCH_BEFORE_BIN=path: the base revision's release binary, already built (not rebuilt);
#   BENCH_ONLY_BEFORE=1: measure that one alone (the figures of a revision before a change);
#   BENCH_AFTER_BIN=path: this checkout's release binary, already built (cargo build -p server
#   --release --features bench-tools).
# Disk: ≈ 12 GB for the data set and two copies of the database.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/passerelle-target}"
# A local measurement over plain HTTP without a mail relay: development, asked for.
export PASSERELLE_ENV=development RUST_LOG=warn
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }
base="${1:-}"
seconds="${BENCH_SECONDS:-8}"
DIR="${PASSERELLE_BENCH_DIR:-$HOME/.cache/passerelle-bench}"
mkdir -p "$DIR"
here=$(pwd)
bash .ci/tools.sh

# The binaries: one build at a time in the shared target directory, each copied before the next.
builds=()
if [ -n "${BENCH_BEFORE_BIN:-}" ]; then
  # A binary of the base revision already built (BENCH_BEFORE_BIN=path, BASE names it).
  [ "$BENCH_BEFORE_BIN" -ef "$DIR/passerelle-before" ] || cp --remove-destination "$BENCH_BEFORE_BIN" "$DIR/passerelle-before"
  builds+=("before:${base:-base}:$here")
elif [ -n "$base" ]; then
  before=$(mktemp -d)/before
  git worktree add -f --detach "$before" "$base" >/dev/null
  trap 'git -C "$here" worktree remove --force "$before" >/dev/null 2>&1 || true' EXIT
  (cd "$before" && SERVER_FEATURES=bench-tools bash .ci/build-site.sh release >/dev/null)
  cp --remove-destination "$(readlink -f "$before/target/passerelle")" "$DIR/passerelle-before"
  builds+=("before:$(git rev-parse --short "$base"):$before")
fi
if [ "${BENCH_ONLY_BEFORE:-0}" != 1 ]; then
  if [ -n "${BENCH_AFTER_BIN:-}" ]; then
    cp --remove-destination "$BENCH_AFTER_BIN" "$DIR/passerelle-after"
  else
    SERVER_FEATURES=bench-tools bash .ci/build-site.sh release >/dev/null
    cp --remove-destination "$(readlink -f target/passerelle)" "$DIR/passerelle-after"
  fi
  builds+=("after:$(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo +):$here")
fi

# The national data set, made once by the oldest binary measured (a newer one migrates it).
maker="$DIR/passerelle-${builds[0]%%:*}"
national="$DIR/national"
if [ ! -s "$national/ready" ]; then
  rm -rf "$national" && mkdir -p "$national"
  [ -s "$DIR/decp-2m.json" ] || "$maker" generate --contracts 2000000 --seed 7 --out "$DIR/decp-2m.json"
  export DATABASE_URL="sqlite://$national/db.sqlite?mode=rwc" PASSERELLE_SEARCH_DIR="$national/search"
  echo "== making the national data set in $national (once)"
  "$maker" migrate >/dev/null
  "$maker" generate-catalogue --orgs 20000 --offers 100000 --seed 42
  "$maker" generate-plans --plans 20000 --seed 42
  "$maker" reindex
  "$maker" import decp "$DIR/decp-2m.json" | grep -E "enregistrements|durée" || true
  unset DATABASE_URL PASSERELLE_SEARCH_DIR
  date > "$national/ready"
fi

port=3320
results="$DIR/pages-results.tsv"
: > "$results"
for build in "${builds[@]}"; do
  label=${build%%:*}; rest=${build#*:}; rev=${rest%%:*}
  work="$DIR/run-$label"
  rm -rf "$work" && mkdir -p "$work"
  cp -r "$national/db.sqlite" "$national/search" "$work/"
  DATABASE_URL="sqlite://$work/db.sqlite?mode=rwc" PASSERELLE_SEARCH_DIR="$work/search" \
    PASSERELLE_ADDR="127.0.0.1:$port" "$DIR/passerelle-$label" serve >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 1; done
  # Records as the lists link them.
  org=$(curl -fs "http://127.0.0.1:$port/annuaire" | grep -o 'href="/annuaire/[0-9]*"' | head -1 | cut -d'"' -f2)
  offer=$(curl -fs "http://127.0.0.1:$port/catalogue" | grep -o 'href="/catalogue/[0-9]*"' | head -1 | cut -d'"' -f2)
  plan=$(curl -fs "http://127.0.0.1:$port/programmation" | grep -o 'href="/programmation/[0-9]*"' | head -1 | cut -d'"' -f2)
  contract=$(curl -fs "http://127.0.0.1:$port/marches" | grep -o 'href="/marches/[0-9]*"' | head -1 | cut -d'"' -f2)
  # The list pages once each, cold, before any load.
  pages=(
    "/programmation" "/programmation?levier=insertion&cpv=45" "/programmation?vue=calendrier"
    "/annuaire" "/annuaire?q=menuiserie&dep=69"
    "/catalogue" "/catalogue?q=pain"
    "/marches" "/marches?q=travaux&annee=2023"
    "/sourcage" "/groupements"
    "/" "$org" "$offer" "$plan" "$contract"
  )
  for path in "${pages[@]}"; do
    cold=$(curl -fs -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port$path" | awk '{printf "%.0f", $1 * 1000}')
    echo "== $label ($rev) $path: cold $cold ms; wrk -t2 -c50 -d${seconds}s"
    out=$(wrk -t2 -c50 -d"${seconds}s" --latency "http://127.0.0.1:$port$path")
    rps=$(echo "$out" | awk '/Requests\/sec/ {printf "%.0f", $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    errors=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
    echo "   $rps req/s, p99 $p99${errors:+, $errors non-2xx}"
    # The same page rendered at every request, as for someone signed in: a session cookie
    # that names no session is never served a kept page (infra::page_cache).
    out=$(wrk -t2 -c50 -d"${seconds}s" --latency -H "Cookie: passerelle_session=none" "http://127.0.0.1:$port$path")
    rrps=$(echo "$out" | awk '/Requests\/sec/ {printf "%.0f", $2}')
    rp99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    echo "   rendered each time: $rrps req/s, p99 $rp99"
    # The record pages under a generic name: their ids differ between data sets.
    name=$path
    case "$path" in "$org") name="/annuaire/{id}";; "$offer") name="/catalogue/{id}";;
      "$plan") name="/programmation/{id}";; "$contract") name="/marches/{id}";; esac
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label ($rev)" "$name" "$cold" "$rps" "$p99" "${errors:-0}" "$rrps" "$rp99" >> "$results"
  done
  kill "$server"; wait "$server" 2>/dev/null || true
  rm -rf "$work"
done

echo
echo "== pages at national scale (20k organisations, 100k offers, 20k plans, 2M contracts), $(nproc) vCPU, wrk -t2 -c50 -d${seconds}s"
python3 - "$results" <<'EOF'
import sys, collections
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
builds = list(dict.fromkeys(r[0] for r in rows))
by = collections.OrderedDict()
for b, page, cold, rps, p99, errors, rrps, rp99 in rows:
    by.setdefault(page, {})[b] = (cold, rps, p99, errors, rrps, rp99)
print("| page | " + " | ".join(f"{b}: cold ms | req/s | p99 | rendered each time: req/s | p99" for b in builds) + " |")
print("|---" * (1 + 5 * len(builds)) + "|")
for page, m in by.items():
    cells = []
    for b in builds:
        cold, rps, p99, errors, rrps, rp99 = m.get(b, ("", "", "", "0", "", ""))
        cells += [cold, rps + ("" if errors == "0" else f" ({errors} non-2xx)"), p99, rrps, rp99]
    print(f"| `{page}` | " + " | ".join(cells) + " |")
EOF
