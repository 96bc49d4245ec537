#!/usr/bin/env bash
# Native benchmark of exporter-core: 100,000 rows x 10 columns per format,
# each in a fresh process so peak memory is that format's alone.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --example bench -p exporter-core
for format in xlsx docx pdf; do
  ./target/release/examples/bench "$format" "${1:-100000}"
done
