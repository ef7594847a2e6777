#!/usr/bin/env bash
# Property-based HTTP testing of the live service against openapi.yaml with schemathesis:
# every operation gets EXAMPLES generated requests (default 300), valid and invalid. Checks:
# no 5xx, every status and content type documented, every response matching its schema, and
# schema-violating requests rejected. (Schema-valid requests may still get 422: the rules a
# schema cannot say, such as rows summing to 1, are checked by the service.) The checks and the
# one per-operation exception (/batch answers a broken job in its own entry) are in
# scripts/schemathesis.toml. The JSON Lines routes' bodies are generated from their contentSchema
# (the array of lines) and sent through the NDJSON
# serializer of scripts/schemathesis_hooks.py.
# Usage: scripts/schemathesis.sh PATH_TO_BINARY
set -euo pipefail
cd "$(dirname "$0")/.."
binary=$1
output=$(mktemp)
"$binary" --host 127.0.0.1 --port 0 --log-level warning >"$output" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$output"' EXIT
for _ in $(seq 1 100); do grep -q '^listening on' "$output" && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$output")
PYTHONPATH="scripts${PYTHONPATH:+:$PYTHONPATH}" SCHEMATHESIS_HOOKS=schemathesis_hooks \
    schemathesis --config-file scripts/schemathesis.toml run openapi.yaml --url "$url" --max-examples "${EXAMPLES:-300}" --seed "${SEED:-20261129}" \
    --no-color
kill -0 $pid  # still serving after all of it
echo "schemathesis: ok"
