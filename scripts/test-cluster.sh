#!/usr/bin/env bash
# The cluster test: two upload-server processes on one PostgreSQL database
# and one s3s-fs bucket (tests/cluster). Needs what scripts/setup.sh
# installs (PostgreSQL, s3s-fs).
set -euo pipefail
cd "$(dirname "$0")/.."
# Built as `cargo test --workspace` builds it (same features: no rebuild after it).
cargo test --locked --workspace --no-run --quiet
node --test tests/cluster/cluster.test.mjs
