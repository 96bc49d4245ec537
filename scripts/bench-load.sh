#!/usr/bin/env bash
# Load benchmark of upload-server, loopback only and bounded in time:
# 32 clients upload ~200 KB PDFs for 30 s (override: CLIENTS, SECONDS), then
# every acknowledged upload is verified. Runs SQLite + local disk, then
# PostgreSQL + S3 (s3s-fs). RATE_LIMIT sets the servers'
# RATE_LIMIT_PER_MINUTE (default 0, off; a huge value measures what the
# shared limiter costs without refusing anything). Figures go in
# docs/benchmarks.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
clients=${CLIENTS:-32}
seconds=${SECONDS_TO_RUN:-30}
cargo build --release --locked -p upload-server --bin upload-server --example load
bin=target/release/upload-server
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

run() { # name, number of instances, then environment for the servers
  local name=$1 instances=$2; shift 2
  local port ports=() started=()
  for _ in $(seq "$instances"); do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    env "$@" BIND=127.0.0.1:$port AUTH_SECRET=load-bench-secret-value STATIC_DIR=/nonexistent RUST_LOG=warn \
      RATE_LIMIT_PER_MINUTE="${RATE_LIMIT:-0}" EXPORT_BASE_URL=http://127.0.0.1:$port "$bin" &
    pids+=($!); started+=($!); ports+=("$port")
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
  done
  port=${ports[0]}
  local token artifact
  token=$(env "$@" AUTH_SECRET=load-bench-secret-value "$bin" token --user bench)
  artifact=$(curl -sf -X POST "http://127.0.0.1:$port/api/artifacts" -H "authorization: Bearer $token" \
    -H 'content-type: application/json' -d '{"type":"table","data":{"headers":["a"],"rows":[["x"]]}}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  echo "== $name"
  target/release/examples/load "$(IFS=,; echo "${ports[*]}")" "$token" "$artifact" "$clients" "$seconds"
  for p in "${started[@]}"; do kill "$p"; wait "$p" 2>/dev/null || true; done
}

run "SQLite + local disk" 1 DATABASE_URL="sqlite://$work/a/db.sqlite" EXPORT_STORAGE_PATH="$work/a/files" DATA_DIR="$work/a"

s3port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/s3/bench"
s3s-fs --host 127.0.0.1 --port "$s3port" --access-key bench --secret-key bench-secret-key "$work/s3" >/dev/null 2>&1 &
pids+=($!)
db="rowpress_load_$$"
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db"
s3env=(DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" STORAGE_BACKEND=s3
  AWS_S3_BUCKET=bench AWS_REGION=us-east-1 S3_ENDPOINT="http://127.0.0.1:$s3port" S3_FORCE_PATH_STYLE=true
  AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret-key DATA_DIR="$work/b")
run "PostgreSQL + S3 (s3s-fs), one instance" 1 "${s3env[@]}"
run "PostgreSQL + S3 (s3s-fs), two instances" 2 "${s3env[@]}"
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE $db WITH (FORCE)"
