#!/usr/bin/env bash
# The error path against the parse (issue 16): milliseconds a request spends in the router for
# an 11 KB body whose `convention` cannot be read (a lone surrogate) beside an unknown member
# holding 5,000 zeros nested 500 deep, and for the same body with a readable string, for eight
# member names; one release build per revision, as bench/router.sh builds them.
# Usage: bench/error-path.sh REV_A REV_B    e.g. bench/error-path.sh 5bcdce0~1 HEAD
# An old revision (before the re-walk was removed) may take tens of seconds a request.
set -euo pipefail
cd "$(dirname "$0")/.."
MAIN=bench/error-path/main.swift exec bench/router.sh "$@"
