#!/usr/bin/env bash
# CPU time a server process spends per request under wrk (user + system, from /proc/PID/stat),
# with wrk's requests per second and 99th percentile latency,
# the figure used to compare changes to the request path: less noisy than requests/second on a
# shared machine. Usage: bench/cpu-per-request.sh PID URL LUA_SCRIPT [SECONDS]
set -euo pipefail
pid=$1 url=$2 lua=$3 seconds=${4:-4}
ticks=$(getconf CLK_TCK)
before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
out=$(wrk -t2 -c64 -d"${seconds}s" --latency -s "$lua" "$url")
after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
requests=$(echo "$out" | awk '/requests in/ {print $1}')
rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
echo "rps=$rps p99=$p99 cpu_us_per_request=$(echo "($after - $before) * 1000000 / $ticks / $requests" | bc -l | cut -c1-6)"
