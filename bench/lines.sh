#!/usr/bin/env bash
# JSON Lines throughput (the issue's ratios from one run): builds the service and the JSON Lines
# decode floor (bench/jsondecoder.sh) in release mode, writes the payloads, and runs bench/lines.py.
# Bounded: ROUNDS (default 5) alternating rounds of seven uploads of about 22 MB, a few minutes.
#   bench/lines.sh            # full run
#   ROUNDS=7 bench/lines.sh   # more rounds
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import fastapi, uvicorn, orjson, numpy, scipy' 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
command -v taskset >/dev/null || scripts/ensure-dependencies.sh util-linux
mkdir -p bench/out
swift build -c release --product cross-entropy-service >/dev/null
python3 bench/payloads.py bench/out >/dev/null
bench/jsondecoder.sh --build-only
exec python3 bench/lines.py "$(swift build -c release --show-bin-path)/cross-entropy-service" \
    bench/out/jsondecoder-package/.build/release/JSONDecoderBench
