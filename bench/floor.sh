#!/usr/bin/env bash
# Builds the decoder floor (bench/floor/main.swift: the service's transport and its own decode
# entry, DecodeFloor, answering a fixed body) against the package at DIR (default: this
# checkout) and prints its binary. bench/run.sh runs it beside the service.
# Usage: bench/floor.sh [DIR] [CONFIGURATION]     (CONFIGURATION: release by default)
set -euo pipefail
cd "$(dirname "$0")/.."
exec bench/build-program.sh DecodeFloor bench/floor/main.swift "${1:-.}" "${2:-release}" \
    ScoringServer HTTPTransport MicroHTTPDServer
