#!/usr/bin/env python3
"""Where a small (seed) request's CPU goes: runs the service under wrk (-t2 -c64, the seed body
bench/out/small.json) with `perf record -g`, and prints the user/kernel split and the inclusive
share of each part of the request path, with the server CPU per request measured over the same
seconds, so each share converts to microseconds. Needs perf (linux-perf) and wrk.
Usage: bench/profile-small.py BINARY [SECONDS]"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# Inclusive shares of these symbols (substrings of the mangled names), in request order.
PARTS = [
    ("transport: headers phase (head, route, exchange)", "ExchangePhasesO7headers"),
    ("JSONDecoder and the Decodable types (JSONBody.decode)", "8JSONBodyO6decode"),
    ("validation (RequestValidator)", "RequestValidatorV8validate"),
    ("scoring and writing the answer (Scorer.score)", "ScorerO5score_"),
    ("model-quality metrics (recordScored)", "recordScored"),
    ("observers: access line (AccessLog)", "AccessLogV7observe"),
    ("observers: request metrics (ServiceMetrics.observe)", "ServiceMetricsC7observe"),
    ("kernel: send (sendmsg, loopback delivery to the client included)", "__libc_sendmsg"),
    ("kernel: receive (recv)", "__libc_recv"),
    ("kernel: poll", "__poll"),
    ("libmicrohttpd's per-request pool memset", "__memset_avx"),
]


def main():
    binary, seconds = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 6
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([binary, "--host", "127.0.0.1", "--port", str(port)],
                              env={**os.environ, "THREADS": "2", "LOG_LEVEL": "info"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    data = tempfile.mktemp(suffix=".perf")
    try:
        time.sleep(1)
        lua = os.path.join(HERE, "out", "small.lua")
        wrk = subprocess.Popen(["wrk", "-t2", "-c64", f"-d{seconds + 2}s", "-s", lua, f"http://127.0.0.1:{port}/cce"],
                               stdout=subprocess.PIPE, text=True)
        time.sleep(1)
        stat = lambda: [int(x) for x in open(f"/proc/{server.pid}/stat").read().rsplit(")", 1)[1].split()[11:13]]
        before = stat()
        subprocess.run(["perf", "record", "-F", "4000", "-g", "-p", str(server.pid), "-o", data, "--", "sleep",
                        str(seconds)], check=True, capture_output=True)
        after = stat()
        out = wrk.communicate()[0]
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    finally:
        server.terminate()
        server.wait()
    ticks = os.sysconf("SC_CLK_TCK")
    user, system = ((a - b) / ticks for a, b in zip(after, before))
    # wrk ran past perf's window at a steady rate: requests in the window = rps x seconds.
    per_request = (user + system) * 1e6 / (rps * seconds)
    dso = subprocess.run(["perf", "report", "-i", data, "--no-children", "--sort", "dso", "-g", "none"],
                         capture_output=True, text=True).stdout
    kernel = sum(float(m.group(1)) for m in re.finditer(r"^\s+([\d.]+)%\s+\[kernel", dso, re.M))
    children = subprocess.run(["perf", "report", "-i", data, "--children", "--sort", "sym", "-g", "none"],
                              capture_output=True, text=True).stdout
    print(f"server CPU per request: {per_request:.1f} µs (user {user * 1e6 / (rps * seconds):.1f}, "
          f"system {system * 1e6 / (rps * seconds):.1f}); {rps:,.0f} requests/s under wrk -t2 -c64")
    print(f"samples in the kernel: {kernel:.1f}%")
    print()
    print("| part of the request | share of the server's samples (inclusive) | µs per request |")
    print("| --- | --- | --- |")
    for name, pattern in PARTS:
        share = 0.0
        for line in children.splitlines():
            match = re.match(r"^\s+([\d.]+)%\s+([\d.]+)%\s+\[[.k]\]\s+(\S+)", line)
            if match and pattern in match.group(3):
                share = max(share, float(match.group(1) if "memset" not in pattern else match.group(2)))
        print(f"| {name} | {share:.1f}% | {share / 100 * per_request:.1f} |")
    os.unlink(data)


if __name__ == "__main__":
    main()
