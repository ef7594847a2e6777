#!/usr/bin/env bash
# Compares two revisions of the service side by side, alternating rounds so the shared
# machine's drift hits both alike: server CPU per small request (bench/cpu-per-request.sh),
# median time of a large-base64 request, and two clients uploading the large body at once.
# Each revision is built in release mode in a git worktree of its own (.build-ab/REV). Every
# request is timed whatever its answer: a revision from before tensor input refuses the
# large-base64 body at once, so that column only compares revisions that both accept it.
# Usage: bench/ab.sh REV_A REV_B [ROUNDS]     e.g. bench/ab.sh HEAD~1 HEAD
#        ROUNDS=5 bench/ab.sh REV...           any number of revisions, alternated
# SMALL_ONLY=1 skips the large-body columns.
# The worktrees stay for the next comparison; `git worktree remove .build-ab/REV` drops one.
set -euo pipefail
cd "$(dirname "$0")/.."
# The old form REV_A REV_B ROUNDS, or any number of revisions with ROUNDS in the environment.
revisions=("$@")
rounds=${ROUNDS:-3}
if [ $# -eq 3 ] && [[ $3 =~ ^[0-9]{1,2}$ ]]; then revisions=("$1" "$2"); rounds=$3; fi
scripts/ensure-dependencies.sh wrk
mkdir -p bench/out
[ -f bench/out/large-base64.json ] || python3 bench/payloads.py bench/out >/dev/null


median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

large_ms() {  # median wall time of 9 sequential large-base64 requests, in ms
    for _ in $(seq 1 9); do
        curl -s -o /dev/null -w '%{time_total}\n' -H 'Content-Type: application/json' \
            --data-binary @bench/out/large-base64.json "http://127.0.0.1:$1/cce"
    done | median | awk '{printf "%.1f", $1 * 1000}'
}

two_clients_s() {  # seconds for two clients each uploading the large body 3 times
    local start end
    start=$(date +%s.%N)
    for _ in 1 2; do
        (for _ in 1 2 3; do
            curl -s -o /dev/null -H 'Content-Type: application/json' \
                --data-binary @bench/out/large.json "http://127.0.0.1:$1/cce"
        done) &
    done
    wait
    end=$(date +%s.%N)
    echo "$end - $start" | bc | awk '{printf "%.2f", $1}'
}

declare -A path port pid
for rev in "${revisions[@]}"; do
    path[$rev]=$(bench/revision-binary.sh "$rev")
    port[$rev]=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    THREADS=2 LOG_LEVEL=info "${path[$rev]}" --host 127.0.0.1 --port "${port[$rev]}" >/dev/null 2>&1 &
    pid[$rev]=$!
done
trap 'kill "${pid[@]}" 2>/dev/null || true' EXIT
sleep 1

echo "| round | revision | small: server CPU µs / request | small: rps | small: p99 | large-base64: median ms | two clients x 3 large: s |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for round in $(seq 1 "$rounds"); do
    for rev in "${revisions[@]}"; do
        small=$(bench/cpu-per-request.sh "${pid[$rev]}" "http://127.0.0.1:${port[$rev]}/cce" bench/out/small.lua 4)
        cpu=${small##*cpu_us_per_request=} rps=$(echo "$small" | sed 's/.*rps=\([^ ]*\).*/\1/') p99=$(echo "$small" | sed 's/.*p99=\([^ ]*\).*/\1/')
        if [ -n "${SMALL_ONLY:-}" ]; then
            echo "| $round | $rev | $cpu | $rps | $p99 | | |"
        else
            echo "| $round | $rev | $cpu | $rps | $p99 | $(large_ms "${port[$rev]}") | $(two_clients_s "${port[$rev]}") |"
        fi
    done
done
