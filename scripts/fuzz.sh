#!/usr/bin/env bash
# Runs each fuzz target for a bounded time (default 60 s each) with cargo fuzz
# on the nightly toolchain. Usage: scripts/fuzz.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
corpus="$(mktemp -d)"
echo '{"title":"t","headers":["a","b"],"rows":[["x",1],[true,null]]}' > "$corpus/seed.json"
cd exporter-core/fuzz
for target in $(cargo +nightly fuzz list); do
  echo "== $target for ${secs}s"
  cargo +nightly fuzz run "$target" "$corpus" -- -max_total_time="$secs" -rss_limit_mb=4096 2>&1 | grep -E "^(Done|==|SUMMARY)|panicked" || true
done
