#!/usr/bin/env bash
# Builds the web app into www/dist (served by upload-server): the rowpress
# npm package first (scripts/build-npm.sh, skipped when it is newer than
# its sources), then `npm ci` and `vite build` in www/.
set -euo pipefail
cd "$(dirname "$0")/.."

pkg=target/npm/rowpress/web/rowpress_bg.wasm
if [ ! -f "$pkg" ] || [ -n "$(find exporter-core/src exporter-wasm/src exporter-wasm/npm Cargo.lock -newer "$pkg" -print -quit)" ]; then
  bash scripts/build-npm.sh
fi
cd www
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --silent
fi
# The package is linked from target/npm: refresh the link after a rebuild.
npm install --no-save --no-audit --no-fund --silent ../target/npm/rowpress >/dev/null
npx tsc --noEmit
npx vite build --logLevel warn
echo "www: built into www/dist"
