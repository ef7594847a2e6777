#!/usr/bin/env python3
"""JSON Lines throughput, the issue's ratios from one run (called by bench/lines.sh after building).

The 10,000 x 100 full-precision probability matrix (bench/out/large.json, and the same numbers as
sample lines in bench/out/large.ndjson) is uploaded, one request at a time, in alternating rounds:
  - NDJSON to /cce/lines and plain JSON to /cce, on THREADS=2 (two cores);
  - plain JSON to the FastAPI peer's /cce (two uvicorn workers);
  - the NDJSON gzipped (Content-Encoding: gzip), MB/s counted on the uncompressed content;
  - NDJSON on THREADS=1 pinned to one core (taskset -c 0), against the THREADS=2 figure.
Each figure is the median of ROUNDS (default 5), and so is the server's CPU per upload (/proc,
in clock ticks of 10 ms). The two-thread decode floor is
bench/jsondecoder.swift's (`--lines`): the service's own line decoder on two threads, no HTTP,
run here after the uploads so the ratios come from one run.
Usage: bench/lines.py SERVICE_BINARY JSONDECODER_BENCH_BINARY    (loopback only, bounded)
"""
import gzip
import json
import os
import re
import statistics
import subprocess
import sys
import time

from run import OUT, Server, free_port, peer, row, timed_post

ROUNDS = int(os.environ.get("ROUNDS", "5"))
SERVICE, FLOOR = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])


def ours(threads, cpus=None):
    port = free_port()
    command = [SERVICE, "--host", "127.0.0.1", "--port", str(port)]
    if cpus is not None:
        command = ["taskset", "-c", cpus, *command]
    name = f"ours (THREADS={threads}{', taskset -c ' + cpus if cpus else ''})"
    return Server(name, command, port, {"THREADS": str(threads), "LOG_LEVEL": "warning"})


def post(server, path, body, headers):
    """Seconds from the first byte sent to the whole answer read, and the answer."""
    elapsed, status, text = timed_post(server.port, path, body, headers)
    if status != 200:
        raise RuntimeError(f"{server.name} {path}: {status} {text[:300]!r}")
    return elapsed, json.loads(text)


def floor():
    """The floor program's one- and two-thread MB/s and its array-against-per-line line."""
    text = subprocess.run([FLOOR, "--lines"], cwd=os.path.dirname(os.path.dirname(OUT)), capture_output=True, text=True,
                          timeout=600, check=True).stdout
    mbps = {int(t): float(v) for t, v in re.findall(r"floor, (\d) thread\(s\).*?, ([\d.]+) MB/s", text)}
    array = re.search(r"one decode per line ([\d.]+) MB/s, each batch as one \[LineValue\] array ([\d.]+) MB/s", text)
    return mbps, (float(array.group(1)), float(array.group(2))), text


def main():
    plain = open(os.path.join(OUT, "large.json"), "rb").read()
    ndjson = open(os.path.join(OUT, "large.ndjson"), "rb").read()
    packed = gzip.compress(ndjson, compresslevel=6)
    samples = ndjson.count(b"\n")
    lines_headers = {"Content-Type": "application/x-ndjson"}
    uploads = {
        "NDJSON /cce/lines": ("two", "/cce/lines", ndjson, lines_headers),
        "JSON /cce": ("two", "/cce", plain, {"Content-Type": "application/json"}),
        "FastAPI JSON /cce": ("peer", "/cce", plain, {"Content-Type": "application/json"}),
        "NDJSON gzip /cce/lines": ("two", "/cce/lines", packed, {**lines_headers, "Content-Encoding": "gzip"}),
        "NDJSON /cce/lines, 1 core": ("one", "/cce/lines", ndjson, lines_headers),
    }
    content = {"NDJSON /cce/lines": ndjson, "JSON /cce": plain, "FastAPI JSON /cce": plain,
               "NDJSON gzip /cce/lines": ndjson, "NDJSON /cce/lines, 1 core": ndjson}
    print(f"machine: {os.cpu_count()} cores; {samples:,} samples x 100 classes: JSON {len(plain) / 1e6:.1f} MB, "
          f"NDJSON {len(ndjson) / 1e6:.1f} MB, gzipped {len(packed) / 1e6:.1f} MB; median of {ROUNDS} alternating rounds")
    print()
    servers = {"two": ours(2), "one": ours(1, "0"), "peer": peer()}
    times = {name: [] for name in uploads}
    cpu = {name: [] for name in uploads}  # the server's user + system seconds per upload
    answers = {}
    try:
        for name, (key, path, body, headers) in uploads.items():  # one warm-up each
            _, answers[name] = post(servers[key], path, body, headers)
        for _ in range(ROUNDS):
            for name, (key, path, body, headers) in uploads.items():
                before = servers[key].cpu_seconds()
                times[name].append(post(servers[key], path, body, headers)[0])
                cpu[name].append(servers[key].cpu_seconds() - before)
    finally:
        for server in servers.values():
            server.stop()
    # The stream's answer is the JSON path's for the same samples, bit for bit.
    for name in ("NDJSON /cce/lines", "NDJSON gzip /cce/lines", "NDJSON /cce/lines, 1 core"):
        for field in ("loss", "sum", "n", "accuracy"):
            assert answers[name][field] == answers["JSON /cce"][field], (name, field, answers[name], answers["JSON /cce"])
    floor_mbps, (per_line, as_array), floor_text = floor()

    seconds = {name: statistics.median(values) for name, values in times.items()}
    mbps = {name: len(content[name]) / seconds[name] / 1e6 for name in uploads}
    row("upload", "s / matrix", "samples/s", "MB/s (uncompressed content)")
    row(*["---"] * 4)
    for name in uploads:
        row(name, f"{seconds[name]:.3f}", f"{samples / seconds[name]:,.0f}", f"{mbps[name]:.1f}")
    row("two-thread decode floor (no HTTP)", f"{len(ndjson) / 1e6 / floor_mbps[2]:.3f}",
        f"{samples * floor_mbps[2] * 1e6 / len(ndjson):,.0f}", f"{floor_mbps[2]:.1f}")
    print()
    lines = seconds["NDJSON /cce/lines"]

    def verdict(value, target):
        return "meets" if value >= target else "MISSES"

    stream_vs_json = seconds["JSON /cce"] / lines
    stream_vs_floor = mbps["NDJSON /cce/lines"] / floor_mbps[2]
    stream_vs_peer = seconds["FastAPI JSON /cce"] / lines
    row("ratio (matrices/s unless said)", "value", "target")
    row(*["---"] * 3)
    row("NDJSON / own plain JSON", f"{stream_vs_json:.2f}x", f">= 1.5x ({verdict(stream_vs_json, 1.5)})")
    row("NDJSON / two-thread decode floor (MB/s)", f"{stream_vs_floor:.2f}x",
        f">= 0.8x ({verdict(stream_vs_floor, 0.8)})")
    row("NDJSON / FastAPI plain JSON", f"{stream_vs_peer:.2f}x", f"goal >= 1.0x ({verdict(stream_vs_peer, 1.0)})")
    row("gzipped NDJSON / NDJSON", f"{lines / seconds['NDJSON gzip /cce/lines']:.2f}x",
        f"report ({mbps['NDJSON gzip /cce/lines']:.1f} MB/s of uncompressed content)")
    row("THREADS=2 on 2 cores / THREADS=1 on 1 core", f"{seconds['NDJSON /cce/lines, 1 core'] / lines:.2f}x",
        f"report (decode floor: {floor_mbps[2] / floor_mbps[1]:.2f}x from 1 to 2 threads)")
    row("one [LineValue] array per batch / one decode per line (1 thread, decode only)",
        f"{as_array / per_line:.2f}x", "report (the service decodes one value per line)")
    # CPU does not move with the machine's load as wall time does: what the stream costs beside
    # the body, and so the best ratio two cores allow when the server has both to itself.
    stream_cpu, json_cpu = (statistics.median(cpu[name]) for name in ("NDJSON /cce/lines", "JSON /cce"))
    row("server CPU per upload, NDJSON / own plain JSON", f"{stream_cpu / json_cpu:.2f}x",
        f"report ({stream_cpu:.3f} s against {json_cpu:.3f} s; two cores to itself would allow "
        f"{seconds['JSON /cce'] / (stream_cpu / 2):.2f}x: the JSON upload's time over half the stream's CPU)")
    print()
    print("floor program (bench/jsondecoder.swift --lines):")
    print(floor_text.rstrip())


if __name__ == "__main__":
    main()
