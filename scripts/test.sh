#!/usr/bin/env bash
# Runs every test of Rowpress on a fresh machine: installs what is missing,
# then checks formatting and lints, then runs the test suites.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked
echo "== npm package"
bash scripts/test-npm.sh
echo "== OpenAPI: schemathesis against the real server"
bash scripts/test-openapi.sh
echo "== cluster: two instances, PostgreSQL + S3"
bash scripts/test-cluster.sh
echo "== web app"
bash scripts/test-www.sh
