#!/usr/bin/env bash
# Builds the service in release mode and runs it on port 8080 (or $PORT).
# Extra arguments go to the service, e.g. scripts/run.sh --threads 4
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/ensure-dependencies.sh
swift build -c release --product cross-entropy-service
exec "$(swift build -c release --show-bin-path)/cross-entropy-service" --port "${PORT:-8080}" "$@"
