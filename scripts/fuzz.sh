#!/usr/bin/env bash
# Runs each fuzz target for a bounded time (default 60 s each) with cargo fuzz
# on the nightly toolchain, and prints executions and findings.
# Targets: export_any (exporter-core: table JSON into every format) and
# validate_upload (upload-server's validator: any bytes as any format).
# Usage: scripts/fuzz.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
secs="${1:-60}"
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz

# Seeds: a table, and real files of each format prefixed by their format byte.
seeds="$(mktemp -d)"
trap 'rm -rf "$seeds"' EXIT
mkdir -p "$seeds/export_any" "$seeds/validate_upload"
table='{"title":"t","headers":["a","b"],"rows":[["x",1],[true,null]]}'
echo "$table" > "$seeds/export_any/seed.json"
cargo build --quiet --release --features cli --bin table-export
i=0
for f in pdf docx xlsx; do
  out="$seeds/file.$f"
  echo "$table" | target/release/table-export - --format "$f" --output "$out" --created-at 1700000000
  { printf "\\x$(printf %02x $i)"; cat "$out"; } > "$seeds/validate_upload/$f"
  i=$((i + 1))
done

run() { # dir target
  (cd "$1" && cargo +nightly fuzz run "$2" "$seeds/$2" -- -max_total_time="$secs" -rss_limit_mb=4096 2>&1 |
    grep -E "^(Done|==[0-9]+== ERROR|SUMMARY)|panicked|deadly signal" || true)
}
for target in export_any; do echo "== $target for ${secs}s"; run "$root/exporter-core/fuzz" "$target"; done
for target in validate_upload; do echo "== $target for ${secs}s"; run "$root/upload-server/fuzz" "$target"; done
