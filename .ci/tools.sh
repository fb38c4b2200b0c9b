#!/usr/bin/env bash
# Installs, once per machine and outside the clone, what the build and the tests need.
# Each tool is reused when present at the right version. Run by the Makefile targets; PASSERELLE_E2E_TOOLS=1 adds what the browser tests need.
set -euo pipefail
TOOLS_DIR="${PASSERELLE_TOOLS:-$HOME/.cache/passerelle-tools}"
WASM_BINDGEN_VERSION="0.2.130"   # must equal the wasm-bindgen crate in Cargo.lock
BINARYEN_VERSION="132.0.0"       # Debian's binaryen (108) breaks wasm-bindgen's externref table
mkdir -p "$TOOLS_DIR"

# The WASM target of the pinned toolchain (rust-toolchain.toml lists it, but rustup does not add
# targets to a toolchain that is already installed).
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "== adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

need_wasm_bindgen() {
  [ -x "$TOOLS_DIR/bin/wasm-bindgen" ] || return 0
  [ "$("$TOOLS_DIR/bin/wasm-bindgen" --version)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]
}
if need_wasm_bindgen; then
  echo "== installing wasm-bindgen-cli $WASM_BINDGEN_VERSION into $TOOLS_DIR (about 4 minutes, once)"
  # No --locked: the registry mirror lacks one locked dependency version (docs/TOOLCHAIN.md).
  # Compiled by plain rustc: the installed crate is the root of its own workspace, which CI's
  # linting wrapper (.ci/run) would otherwise lint, warnings as errors.
  env -u RUSTC_WORKSPACE_WRAPPER -u CLIPPY_ARGS \
    cargo install wasm-bindgen-cli@"$WASM_BINDGEN_VERSION" --bin wasm-bindgen --root "$TOOLS_DIR"
fi

if [ ! -x "$TOOLS_DIR/binaryen-$BINARYEN_VERSION/node_modules/.bin/wasm-opt" ]; then
  echo "== installing binaryen $BINARYEN_VERSION (wasm-opt) from npm"
  mkdir -p "$TOOLS_DIR/binaryen-$BINARYEN_VERSION"
  (cd "$TOOLS_DIR/binaryen-$BINARYEN_VERSION" && npm init -y >/dev/null && npm install --no-save binaryen@"$BINARYEN_VERSION" >/dev/null)
fi

# End-to-end tests only: Debian's Chromium (Playwright's own browser download cannot work here).
if [ "${PASSERELLE_E2E_TOOLS:-0}" = 1 ] && [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "== installing Debian's chromium (about 1.5 minutes, once)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
