#!/usr/bin/env bash
# Builds the site: the `passerelle` server binary and the hydrated WASM client, then lays out
# target/site (pkg/passerelle.{js,wasm,css} and public/). Plain cargo + wasm-bindgen instead of
# cargo-leptos: see README ("Why no cargo-leptos").
# Usage: .ci/build-site.sh [debug|release]
set -euo pipefail
cd "$(dirname "$0")/.."
PROFILE="${1:-debug}"
TOOLS_DIR="${PASSERELLE_TOOLS:-$HOME/.cache/passerelle-tools}"
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
SITE="target/site"
NAME="passerelle"

if [ "$PROFILE" = release ]; then
  cargo build -p server --release ${SERVER_FEATURES:+--features "$SERVER_FEATURES"}
  cargo build -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate --profile wasm-release
  WASM="$TARGET_DIR/wasm32-unknown-unknown/wasm-release/app.wasm"
  BIN="$TARGET_DIR/release/passerelle"
else
  # SERVER_BUILD: what else to build with it, so that it is resolved as another build was (the
  # Makefile's test-site: as the tests were).
  cargo build ${SERVER_BUILD:--p server} ${SERVER_FEATURES:+--features "$SERVER_FEATURES"}
  cargo build -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate --profile wasm-dev
  WASM="$TARGET_DIR/wasm32-unknown-unknown/wasm-dev/app.wasm"
  BIN="$TARGET_DIR/debug/passerelle"
fi

rm -rf "$SITE/pkg"
mkdir -p "$SITE/pkg"
"$TOOLS_DIR/bin/wasm-bindgen" --target web --no-typescript --out-dir "$SITE/pkg" --out-name "$NAME" "$WASM"
# leptos' <HydrationScripts> loads /pkg/<name>.wasm
mv "$SITE/pkg/${NAME}_bg.wasm" "$SITE/pkg/$NAME.wasm"
if [ "$PROFILE" = release ]; then
  "$TOOLS_DIR/binaryen-132.0.0/node_modules/.bin/wasm-opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-reference-types -o "$SITE/pkg/$NAME.opt.wasm" "$SITE/pkg/$NAME.wasm"
  mv "$SITE/pkg/$NAME.opt.wasm" "$SITE/pkg/$NAME.wasm"
fi
# The stylesheet: thaw's component CSS (from the thaw crate in use), thaw's theme on the site's
# tokens, then the site's own CSS (docs/decisions.md, "thaw's styles").
{ python3 .ci/thaw-css.py; "$BIN" theme-css; cat style/*.css; } > "$SITE/pkg/$NAME.css"
cp -r public/. "$SITE/"
# Pre-compressed copies, served by ServeDir when the browser accepts them.
for f in "$SITE/pkg/$NAME.wasm" "$SITE/pkg/$NAME.js" "$SITE/pkg/$NAME.css"; do
  gzip -9 -k -f "$f"
  if command -v brotli >/dev/null; then brotli -f -q 11 "$f"; fi
done
mkdir -p target
# A copy, not a link into the shared cargo target directory: another checkout's build must not
# swap the binary under this one's tests.
rm -f target/passerelle
cp "$BIN" target/passerelle
echo "site built in $SITE ($PROFILE); server binary: target/passerelle"
