#!/usr/bin/env bash
# Tests the web app: its unit tests (vitest), its build, then the
# end-to-end suite in tests/e2e (Debian's Chromium via playwright-core
# against the real upload-server serving the build).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build-www.sh
echo "== www: vitest"
(cd www && npx vitest run)
echo "== end to end in Chromium"
# Built as `cargo test --workspace` builds it (same features: no rebuild after it).
cargo test --locked --workspace --no-run --quiet
(cd tests/e2e && npm ci --no-audit --no-fund --silent && npm test)
echo "e2e: screenshot and downloads in target/e2e/"
