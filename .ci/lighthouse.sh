#!/usr/bin/env bash
# Lighthouse (pinned, mobile: its default Moto G Power emulation with simulated slow 4G) on the
# project's Chromium, against the release site seeded with the demo: performance and
# accessibility scores, with the metrics behind the performance score, for the home page,
# /marches and /catalogue (docs/benchmarks.md).
# Usage: .ci/lighthouse.sh   (make lighthouse; after a release build: make site PROFILE=release)
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS_DIR="${PASSERELLE_TOOLS:-$HOME/.cache/passerelle-tools}"
LIGHTHOUSE_VERSION="12.8.2"
lh="$TOOLS_DIR/lighthouse-$LIGHTHOUSE_VERSION/node_modules/.bin/lighthouse"
if [ ! -x "$lh" ]; then
  echo "== installing lighthouse $LIGHTHOUSE_VERSION from npm"
  mkdir -p "$TOOLS_DIR/lighthouse-$LIGHTHOUSE_VERSION"
  (cd "$TOOLS_DIR/lighthouse-$LIGHTHOUSE_VERSION" && npm init -y >/dev/null \
    && npm install --no-save --no-audit --no-fund lighthouse@"$LIGHTHOUSE_VERSION" >/dev/null)
fi
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x target/passerelle ] || { echo "build the site first: make site PROFILE=release" >&2; exit 1; }

dir=$(mktemp -d)
port=3330
DATABASE_URL="sqlite://$dir/db.sqlite?mode=rwc" PASSERELLE_SEARCH_DIR="$dir/search" \
  PASSERELLE_ENV=development PASSERELLE_ADDR="127.0.0.1:$port" RUST_LOG=warn \
  ./target/passerelle serve --demo >"$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 1; done

echo "| page | performance | accessibility | FCP | LCP | TBT | CLS | speed index |"
echo "|---|---|---|---|---|---|---|---|"
for path in / /marches /catalogue; do
  out="$dir/lh.json"
  "$lh" "http://127.0.0.1:$port$path" --quiet --output=json --output-path="$out" \
    --only-categories=performance,accessibility --chrome-path="$chromium" \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu" >/dev/null 2>"$dir/lh.err" \
    || { echo "| \`$path\` | lighthouse failed: $(tail -n1 "$dir/lh.err") |"; continue; }
  python3 - "$out" "$path" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
c, a = r["categories"], r["audits"]
def v(k):
    return a[k]["displayValue"].replace("\u00a0", " ") if k in a else "?"
print(f"| `{sys.argv[2]}` | {round(c['performance']['score'] * 100)} | {round(c['accessibility']['score'] * 100)} | "
      f"{v('first-contentful-paint')} | {v('largest-contentful-paint')} | {v('total-blocking-time')} | "
      f"{v('cumulative-layout-shift')} | {v('speed-index')} |")
for k, audit in a.items():
    if audit.get("score") == 0 and r["categories"]["accessibility"]["score"] < 1 and \
       any(ref["id"] == k for ref in c["accessibility"]["auditRefs"]):
        print(f"|   accessibility: {k} | {audit['title']} |", file=sys.stderr)
EOF
done
