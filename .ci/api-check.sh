#!/usr/bin/env bash
# The open data API tried with two standard clients, as its users would (issue 26):
#   - openapi-spec-validator: the document `/api/v1/openapi.json` is valid OpenAPI;
#   - schemathesis: every operation called with what the document says is valid (and with what
#     it says is not): no 5xx, answers that match their schemas, invalid input refused.
# Against the built `passerelle serve --demo` on a fresh SQLite database of its own.
# The Python tools are pinned and installed once per machine in a virtualenv beside the others.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS_DIR="${PASSERELLE_TOOLS:-$HOME/.cache/passerelle-tools}"
SPEC_VALIDATOR_VERSION="0.9.0"
SCHEMATHESIS_VERSION="4.32.5"
VENV="$TOOLS_DIR/api-check-$SPEC_VALIDATOR_VERSION-$SCHEMATHESIS_VERSION"
PORT="${API_CHECK_PORT:-3300}"
BASE="http://127.0.0.1:$PORT"

if [ ! -x "$VENV/bin/schemathesis" ] || [ ! -x "$VENV/bin/openapi-spec-validator" ]; then
  echo "== installing openapi-spec-validator $SPEC_VALIDATOR_VERSION and schemathesis $SCHEMATHESIS_VERSION (PyPI, once)"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check \
    "openapi-spec-validator==$SPEC_VALIDATOR_VERSION" "schemathesis==$SCHEMATHESIS_VERSION"
fi

DIR=target/api-check
rm -rf "$DIR" && mkdir -p "$DIR"
# The API's per-address budget (120 a minute) would turn most of the run into 429s: the check
# raises it for its own server only.
DATABASE_URL="sqlite://$DIR/api.db?mode=rwc" \
PASSERELLE_ENV=development \
PASSERELLE_ADDR="127.0.0.1:$PORT" \
PASSERELLE_PUBLIC_URL="$BASE" \
PASSERELLE_API_PER_MINUTE=1000000 \
RUST_LOG=warn \
  ./target/passerelle serve --demo >"$DIR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 180); do
  curl -fsS "$BASE/api/v1/openapi.json" -o "$DIR/openapi.json" 2>/dev/null && break
  kill -0 $SERVER 2>/dev/null || { cat "$DIR/server.log"; echo "== the server did not start"; exit 1; }
  sleep 1
done
[ -s "$DIR/openapi.json" ] || { cat "$DIR/server.log"; echo "== the server did not answer"; exit 1; }

echo "== openapi-spec-validator"
"$VENV/bin/openapi-spec-validator" "$DIR/openapi.json"

echo "== schemathesis"
# Positive and negative examples, every check, a fixed seed: the same run on every machine.
# From its own folder: schemathesis keeps a cache where it runs.
(cd "$DIR" && "$VENV/bin/schemathesis" run "$BASE/api/v1/openapi.json" \
  --url "$BASE" \
  --checks all \
  --max-examples "${API_CHECK_EXAMPLES:-60}" \
  --seed 26 \
  --generation-database none \
  --no-color \
  --report junit --report-dir report)
# schemathesis fails on any 5xx (not_a_server_error); a panic or an error the server logged
# without answering one would still be a defect.
if grep -E 'panicked|ERROR' "$DIR/server.log"; then
  echo "== the server logged an error during the run"; exit 1
fi
echo "== API check green"
