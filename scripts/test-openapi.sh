#!/usr/bin/env bash
# schemathesis against the real server's OpenAPI document, with a valid
# token: generated requests for every operation (examples, coverage,
# fuzzing, stateful links); fails on any 5xx, any status the document does
# not list, any response outside its schema or content type. Bounded: 25
# examples an operation, 5 minutes at most. Needs what scripts/setup.sh
# installs (schemathesis from PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."
# Built as `cargo test --workspace` builds it (no second build).
cargo test --locked --workspace --no-run --quiet
server=target/debug/upload-server
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
secret=schemathesis-secret-value
BIND=127.0.0.1:$port DATA_DIR=$dir AUTH_SECRET=$secret EXPORT_BASE_URL=http://127.0.0.1:$port \
  STATIC_DIR=/nonexistent RATE_LIMIT_PER_MINUTE=0 EVENTS_RATE_LIMIT_PER_MINUTE=0 \
  "$server" > "$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.1
done
token=$(AUTH_SECRET=$secret DATA_DIR=$dir "$server" token --user alice --ttl 2h)
timeout 300 python3 -m schemathesis.cli run "http://127.0.0.1:$port/api/openapi.json" \
  -H "Authorization: Bearer $token" \
  --max-examples 25 --seed 20261127 --generation-database none \
  -c not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance
