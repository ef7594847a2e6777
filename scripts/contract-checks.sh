#!/usr/bin/env bash
# The contract as real callers' tools see it, each run with the real tool:
#   1. PyYAML safe_load of openapi.yaml (YAML 1.1), block style, no description cut short;
#   2. openapi-python-client generates a client with --fail-on-warning (its config maps the
#      media types it cannot type: the YAML body of GET /openapi.yaml to text, the JSON Lines
#      bodies to bytes), and a program drives the live binary through it: /cce, /bce, /batch (a
#      CCE and a BCE job, each parsed as its own result type), /compare (the README's
#      comparison), /cce/lines (a generator, equal to /cce; a bad line's pointer), /bce/lines and
#      /bands;
#   3. openapi-generator's python generator (spec validation on) and its client scoring the
#      README's PyTorch example and a `convention: sklearn` request (nats), and comparing two
#      identical models (/compare, p-value 1);
#   4. promtool check metrics on a /metrics scrape taken after traffic.
# Usage: scripts/contract-checks.sh PATH_TO_BINARY
set -euo pipefail
cd "$(dirname "$0")/.."
binary=$1
work=$(mktemp -d)
output="$work/service.log"
"$binary" --host 127.0.0.1 --port 0 --log-level warning >"$output" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do grep -q '^listening on' "$output" && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$output")

python3 scripts/contract/check_yaml.py openapi.yaml

# --meta none writes the bare package (and skips the formatter, so ruff is not needed).
openapi-python-client generate --path openapi.yaml --meta none --fail-on-warning \
    --config scripts/contract/openapi-python-client.yaml --output-path "$work/python/ce_client" >/dev/null
PYTHONPATH="$work/python" python3 scripts/contract/python_client.py "$url"

# Spec validation is on unless --skip-validate-spec; its INFO lines are noise.
openapi-generator-cli generate -g python -i openapi.yaml -o "$work/generator" \
    --package-name ce_og_client >"$work/generator.log" 2>&1 || { cat "$work/generator.log"; exit 1; }
PYTHONPATH="$work/generator" python3 scripts/contract/openapi_generator_client.py "$url"

# The python clients above were the traffic (both losses, a batch, a 422); the scrape must
# pass the Prometheus linter.
curl -sf "$url/metrics" >"$work/metrics.txt"
promtool check metrics <"$work/metrics.txt"
echo "promtool check metrics: ok"

kill -0 $pid  # still serving
echo "contract checks: ok"
