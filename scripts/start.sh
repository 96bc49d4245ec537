#!/usr/bin/env bash
# Starts Rowpress on its embedded defaults: SQLite and files under ./data,
# http://localhost:3000, development login on. The first run builds the
# WebAssembly package and the web app (installing the wasm toolchain if it
# is missing); later runs only rebuild what changed. Extra arguments go to
# upload-server (`bash scripts/start.sh --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-www.sh
exec cargo run --release --locked -p upload-server -- --dev-login "$@"
