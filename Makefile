# The two commands of the README:
#   make run   — installs what the build needs, builds, and serves the demo on http://127.0.0.1:3000
#   make test  — installs what the tests need and runs every test (unit, database, end-to-end)
# Tools go to $(HOME)/.cache/passerelle-tools, once per machine (.ci/tools.sh).

SHELL := bash
PROFILE ?= debug

.PHONY: run test tools e2e-tools site test-site unit e2e api-check fmt lint bench bench-demo bench-compare bench-data bench-import lighthouse fuzz load

run: tools site
	mkdir -p data
	PASSERELLE_ENV=development ./target/passerelle serve --demo

test: e2e-tools unit test-site e2e api-check

# The tests build the benchmark tools too: compiled (and, in CI, linted) with every test run.
TEST_FEATURES := --features server/bench-tools

tools:
	bash .ci/tools.sh

e2e-tools:
	PASSERELLE_E2E_TOOLS=1 bash .ci/tools.sh
	cd end2end && npm ci --no-audit --no-fund

site:
	bash .ci/build-site.sh $(PROFILE)

# The site the end-to-end tests run: its server binary is the one the test build made (the
# same command's feature resolution, dev-dependencies included), so nothing is compiled twice;
# `cargo build -p server` alone would resolve features without them and rebuild half the
# dependencies (serde_json's features differ, and everything above it).
test-site:
	SERVER_BUILD="--workspace --all-targets $(TEST_FEATURES)" bash .ci/build-site.sh debug

# Unit tests and database tests: SQLite always, PostgreSQL too when TEST_DATABASE_URL is set.
# With cargo-nextest (on this machine kind): one process a test, a hung test stopped (.config/nextest.toml).
# A test that passes only when tried again (nextest says FLAKY) fails the run: a race or a hang
# must be found, never land green. A failed test fails it too: its status is kept across the
# FLAKY check (without that, a red test run went on to a green CI).
unit:
	set -o pipefail; \
	if cargo nextest --version >/dev/null 2>&1; then \
	  mkdir -p target; \
	  cargo nextest run --workspace $(TEST_FEATURES) --no-fail-fast 2>&1 | tee target/nextest.log; \
	  status=$$?; \
	  if grep -E '^ +FLAKY ' target/nextest.log; then \
	    echo "== a test passed only on retry (FLAKY above): failing the run"; exit 1; fi; \
	  exit $$status; \
	else cargo test --workspace $(TEST_FEATURES); fi

# Two parts side by side, desktop and phone (.ci/e2e.sh); `cd end2end && npx playwright test`
# runs all of it in one.
e2e:
	bash .ci/e2e.sh

# The open data API tried by openapi-spec-validator and schemathesis (PyPI, pinned), against
# the built server with the demo data (docs/opendata.md).
api-check:
	bash .ci/api-check.sh

fmt:
	cargo fmt --all

lint:
	python3 .ci/layout.py
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p server --all-targets --features bench-tools -- -D warnings
	cargo clippy -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate -- -D warnings

# The list and record pages at national scale (20k organisations, 100k offers, 20k plans, 2M
# contracts), before (BASE=<revision>, optional) and after, in one table (docs/benchmarks.md;
# release builds, wrk; ≈ 12 GB in ~/.cache/passerelle-bench).
bench:
	bash .ci/bench-pages.sh $(BASE)

# The demo's figures: release WASM size, seeding time, SSR of the demo's pages.
bench-demo:
	bash .ci/bench.sh

# Lighthouse 12 (mobile) on the release site with the demo: home, /marches, /catalogue.
lighthouse:
	bash .ci/lighthouse.sh

# Before and after in one run: WASM sizes and SSR throughput of a base revision and this checkout.
bench-compare:
	bash .ci/bench-compare.sh $(BASE)

# National-scale data: 1M/2M generated contracts, import, search and explorer figures (≈ 15 GB).
bench-data:
	bash .ci/bench-data.sh

# 1M generated contracts imported into SQLite and PostgreSQL in one run, one table (≈ 6 GB in
# ~/.cache/passerelle-bench; PostgreSQL on 127.0.0.1:5432).
bench-import:
	bash .ci/bench-import.sh

# Every parser of uploaded or imported files over 10^6 generated inputs each (docs/fuzzing.md).
fuzz:
	cargo build --release -p server --features bench-tools
	$${CARGO_TARGET_DIR:-target}/release/passerelle fuzz --inputs $${FUZZ_INPUTS:-1000000}

# 200 clients for 60 s: pages, searches, wrong passwords (docs/benchmarks.md; needs wrk).
load:
	bash .ci/load.sh
