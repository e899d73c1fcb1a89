#!/usr/bin/env bash
# The end-to-end tests (tests/e2e/) drive the system Chromium at /usr/bin/chromium through
# Playwright for Python (a dev dependency; its wheel carries its own driver). Install Debian's
# chromium when it is missing; never `playwright install`, which downloads a browser build of
# its own and fails on machines without internet.
set -euo pipefail

if [ ! -x /usr/bin/chromium ]; then
    echo "Chromium is missing; installing Debian's chromium" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q chromium chromium-driver
fi
/usr/bin/chromium --version >/dev/null || { echo "Chromium at /usr/bin/chromium does not run" >&2; exit 1; }
