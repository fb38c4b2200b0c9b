#!/usr/bin/env bash
# The end-to-end suite in two parts side by side (playwright.config.ts, E2E_PART): the desktop
# projects (js, nojs) against one server, the phone project against another. Each part runs its
# tests one at a time, as the suite's shared demo data needs; two parts keep both cores busy
# (one part alone left one idle while Chromium, the server and Node took turns).
# The phone part's report is printed when both are done; the run fails if either failed.
set -uo pipefail
cd "$(dirname "$0")/../end2end"
mkdir -p ../target
E2E_PART=phone npx playwright test "$@" >../target/e2e-phone.log 2>&1 &
phone=$!
E2E_PART=desktop npx playwright test "$@"
desktop=$?
wait $phone
phone_status=$?
echo "== the phone part (target/e2e-phone.log):"
cat ../target/e2e-phone.log
echo "== end-to-end: desktop exit $desktop, phone exit $phone_status"
[ $desktop = 0 ] && [ $phone_status = 0 ]
