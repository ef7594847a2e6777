#!/usr/bin/env bash
# The test suite under AddressSanitizer and ThreadSanitizer, then the service binary itself,
# built with each sanitizer, driven through every path (scripts/exercise.py): LeakSanitizer must
# find no leak at exit (C shim and Swift alike), ThreadSanitizer no data race.
# Leak checking is off for the test process itself (Foundation's Process and the tests' shared
# servers are deliberately never freed); it is on for the service.
# Usage: scripts/sanitizers.sh [address|thread]...   (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-dependencies.sh

exercise_service() {  # $1 binary, $2 sanitizer report marker
    local log port pid
    log=$(mktemp)
    "$1" --host 127.0.0.1 --port 0 --max-body-bytes 2000 --log-level warning >"$log.out" 2>"$log" &
    pid=$!
    for _ in $(seq 1 200); do grep -q '^listening on' "$log.out" 2>/dev/null && break; sleep 0.1; done
    port=$(sed -n 's/^listening on http:\/\/127\.0\.0\.1:\([0-9]*\)$/\1/p' "$log.out")
    python3 scripts/exercise.py "$port" 500
    kill -TERM "$pid"
    local status=0
    wait "$pid" || status=$?
    if grep -q "$2" "$log" || [ "$status" -ne 0 ]; then
        echo "service under sanitizer: exit $status" >&2
        head -60 "$log" >&2
        rm -f "$log" "$log.out"
        return 1
    fi
    rm -f "$log" "$log.out"
    echo "service under sanitizer: clean (exit 0, no report)"
}

for sanitizer in "${@:-address thread}"; do
    for kind in $sanitizer; do
        echo "== $kind sanitizer"
        scratch=.build-$kind
        test_log=$(mktemp)
        if ! ASAN_OPTIONS=detect_leaks=0 swift test --sanitize="$kind" --scratch-path "$scratch" --disable-xctest >"$test_log" 2>&1; then
            # The failing tests, their recorded issues and any sanitizer report, not just the tail;
            # the tail when there are none (a build that failed).
            grep -n -B2 -A12 -e '✘' -e 'WARNING: ThreadSanitizer' -e 'ERROR: AddressSanitizer' "$test_log" >&2 \
                || tail -40 "$test_log" >&2
            echo "the whole log: $test_log" >&2
            exit 1
        fi
        tail -3 "$test_log"
        rm -f "$test_log"
        marker=$([ "$kind" = address ] && echo "Sanitizer" || echo "ThreadSanitizer")
        ASAN_OPTIONS=detect_leaks=1 exercise_service "$(swift build --sanitize="$kind" --scratch-path "$scratch" --show-bin-path)/cross-entropy-service" "$marker"
    done
done
