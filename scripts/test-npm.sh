#!/usr/bin/env bash
# Tests the npm package `rowpress` as users get it: builds and packs it,
# checks `npm publish --dry-run`, runs wasm-bindgen-test in headless
# Chromium, then installs the tarball into a scratch project and runs the
# Node suite, the TypeScript check and a Vite build in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash scripts/build-npm.sh
tarball=$(ls "$root"/target/npm/rowpress-*.tgz)
(cd target/npm/rowpress && npm publish --dry-run --silent 2>&1 | tail -n 3)

echo "== wasm-bindgen-test in headless Chromium"
(cd exporter-wasm &&
  CHROMEDRIVER=$(command -v chromedriver) \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --locked --target wasm32-unknown-unknown --test web)

echo "== the tarball in a scratch project"
scratch="$root/target/npm-test"
rm -rf "$scratch"
mkdir -p "$scratch"
cp -r exporter-wasm/tests/npm/. "$scratch/"
rm -rf "$scratch/node_modules" "$scratch/vite-app/dist"
cd "$scratch"
npm ci --no-audit --no-fund --silent
npm install --no-save --no-audit --no-fund --silent "$tarball"
node --test node.test.mjs
npx tsc -p .
echo "tsc: the published types compile, and reject what they should"
npx vite build --config vite-app/vite.config.js
node --test browser.mjs
