#!/usr/bin/env bash
# The benchmark programs still build against the code as it is (the test suite's slow stage runs
# this, so a change of an API they call fails CI instead of rotting them): the router bench, the
# decoder floor, the JSONDecoder bench, the C ceiling server and (where Go is installed: bench/run.sh installs it)
# the Go peer. Runs none of them.
set -euo pipefail
cd "$(dirname "$0")/.."
bench/router.sh --check
bench/floor.sh . debug >/dev/null && echo "bench/floor: builds"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
bench/jsondecoder.sh --check
cc -O2 -Wall -Werror -o "$out/ceiling" bench/ceiling.c $(pkg-config --cflags --libs libmicrohttpd) && echo "bench/ceiling.c: builds"
if command -v go >/dev/null; then
    (cd bench/peer_go && go vet main.go && go build -o "$out/peer_go" main.go) && echo "bench/peer_go: builds"
fi
