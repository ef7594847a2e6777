#!/usr/bin/env bash
# Benchmarks the service side by side with the bare libmicrohttpd ceiling (bench/ceiling.c)
# a Go standard-library peer (bench/peer_go) and a FastAPI + orjson + numpy peer
# (bench/peer_fastapi.py), on loopback, and prints one
# table of ratios from the same run. Installs what it needs (wrk, golang-go, Python packages).
# Bounded: about DURATION seconds per wrk run (default 8), a few minutes in all.
#   bench/run.sh            # full run
#   DURATION=3 bench/run.sh # quicker
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/ensure-dependencies.sh wrk golang-go
python3 -c 'import fastapi, uvicorn, orjson, numpy, scipy' 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt

mkdir -p bench/out
swift build -c release --product cross-entropy-service >/dev/null
(cd bench/peer_go && go build -o ../out/peer_go main.go)
cc -O2 -o bench/out/ceiling bench/ceiling.c $(pkg-config --cflags --libs libmicrohttpd)
python3 bench/payloads.py bench/out >/dev/null
floor=$(bench/floor.sh)
exec python3 bench/run.py "$(swift build -c release --show-bin-path)/cross-entropy-service" "$floor"
