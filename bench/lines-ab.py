#!/usr/bin/env python3
"""JSON Lines before -> after: the same NDJSON upload to each service binary in alternating rounds.

Each binary runs on THREADS=2 (one at a time, started once); each round uploads the file to every
binary in turn; each figure is the median of ROUNDS (default 5). The answers must be equal bit
for bit across binaries (the line split must not change a sum), else it stops.
Usage: bench/lines-ab.py NDJSON BINARY...    (e.g. bench/out/large.ndjson, from bench/payloads.py)
"""
import json
import os
import statistics
import sys

from run import Server, free_port, timed_post

ROUNDS = int(os.environ.get("ROUNDS", "5"))
PATH = os.environ.get("LINES_PATH", "/cce/lines")


def main():
    body = open(sys.argv[1], "rb").read()
    binaries = [os.path.abspath(b) for b in sys.argv[2:]]
    times = {b: [] for b in binaries}
    answers = {}
    servers = {}
    for b in binaries:
        port = free_port()
        servers[b] = Server(b, [b, "--host", "127.0.0.1", "--port", str(port)], port,
                            {"THREADS": "2", "LOG_LEVEL": "warning"})
    try:
        for _ in range(ROUNDS):
            for b in binaries:
                seconds, status, answer = timed_post(servers[b].port, PATH, body, {"Content-Type": "application/x-ndjson"})
                times[b].append(seconds)
                if status != 200:
                    sys.exit(f"{b}: {status} {answer[:200]!r}")
                answers.setdefault(b, answer)
    finally:
        for server in servers.values():
            server.stop()
    megabytes = len(body) / 1e6
    first = times[binaries[0]]
    for b in binaries:
        median = statistics.median(times[b])
        ratio = statistics.median(first) / median
        print(f"{b}: median {median * 1000:.0f} ms, {megabytes / median:.1f} MB/s, "
              f"{ratio:.3f}x the first; rounds {' '.join(f'{t * 1000:.0f}' for t in times[b])}")
    keys = ("loss", "sum", "n", "accuracy", "denominator")
    reference = json.loads(answers[binaries[0]])
    for b in binaries[1:]:
        other = json.loads(answers[b])
        for key in keys:
            if reference.get(key) != other.get(key):
                sys.exit(f"{b}: {key} {other.get(key)!r} != {reference.get(key)!r}")


if __name__ == "__main__":
    main()
