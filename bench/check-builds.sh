#!/usr/bin/env bash
# The benchmark programs still build against the code as it is (the test suite's slow stage runs
# this, so a change of an API they call fails CI instead of rotting them): the router bench, the
# JSONDecoder bench and the C ceiling server. Runs none of them.
set -euo pipefail
cd "$(dirname "$0")/.."
bench/router.sh --check
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
swiftc -typecheck bench/jsondecoder.swift && echo "bench/jsondecoder.swift: builds"
cc -O2 -Wall -Werror -o "$out/ceiling" bench/ceiling.c $(pkg-config --cflags --libs libmicrohttpd) && echo "bench/ceiling.c: builds"
