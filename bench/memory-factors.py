#!/usr/bin/env python3
"""Measures what one request costs in memory, per byte of body, for each form a body can take:
(peak RSS - idle RSS) / body bytes, one request in a fresh process with one thread.

    bench/memory-factors.py BINARY [MEGABYTES [ROUTE]]     (default 16 MB bodies, every route)
    bench/memory-factors.py BINARY MEGABYTES lines         (JSON Lines streams, per batch byte)

The densest JSON (one-digit numbers, 2 bytes each) is the worst case per byte: JSONDecoder's
working set grows with the count of numbers, not bytes. ScoringServer's MemoryCharge takes its
factors from these figures (RELIABILITY.md). Standard library only.

A JSON Lines stream is charged per byte of each batch of lines while it is decoded, not per byte
of its body: `lines` sends a stream of MEGABYTES of sample lines of one-digit numbers, chunked,
and reports (peak RSS - idle RSS) / the bytes of the batches decoding at once (batches in flight
× batch bytes, LineLimits' defaults on this machine); everything else the stream holds (the open
batch, the framer, the merge) is counted in the numerator, so the factor is an upper bound.
"""
import os
import base64
import json
import re
import socket
import subprocess
import sys
import time


def dense(rows, columns, value="0"):
    row = "[" + ",".join([value] * columns) + "]"
    return "[" + ",".join([row] * rows) + "]"


def one_hot(rows, columns):
    row = "[1" + ",0" * (columns - 1) + "]"
    return "[" + ",".join([row] * rows) + "]"


def forms(size):
    columns = 1000
    rows = size // (2 * columns)
    labels = "[" + ",".join(["0"] * rows) + "]"
    precise_rows = size // (20 * 100)
    precise_row = "[" + ",".join(["0.0022446689113355"] * 99 + ["0.7777777777777855"]) + "]"
    base64_rows = size * 3 // (4 * 8 * columns)
    doubles = bytes(base64_rows * columns * 8)
    yield "nested logits, one-digit", "/cce", (
        '{"predictions":%s,"labels":%s,"input":"logits","per_sample":false}' % (dense(rows, columns), labels))
    half = rows // 2
    yield "nested probabilities + one-hot label rows", "/cce", (
        '{"predictions":%s,"labels":%s,"per_sample":false}' % (one_hot(half, columns), one_hot(half, columns)))
    yield "nested bce, 0/1 predictions and label rows", "/bce", (
        '{"predictions":%s,"labels":%s,"per_sample":false}' % (dense(half, columns, "1"), dense(half, columns, "1")))
    yield "nested, full-precision probabilities", "/cce", (
        '{"predictions":%s,"labels":%s,"per_sample":false}' % (
            "[" + ",".join([precise_row] * precise_rows) + "]", "[" + ",".join(["0"] * precise_rows) + "]"))
    yield "flat data tensor, one-digit", "/cce", (
        '{"predictions":{"shape":[%d,%d],"data":%s},"labels":%s,"input":"logits","per_sample":false}' % (
            rows, columns, "[" + ",".join(["0"] * (rows * columns)) + "]", labels))
    yield "base64 tensor", "/cce", (
        '{"predictions":{"shape":[%d,%d],"data_base64":"%s"},"labels":%s,"input":"logits","per_sample":false}' % (
            base64_rows, columns, base64.b64encode(doubles).decode(), "[" + ",".join(["0"] * base64_rows) + "]"))
    labels_half = "[" + ",".join(["0"] * half) + "]"
    yield "compare, nested logits, one-digit", "/compare", (
        '{"loss":"cce","baseline":%s,"candidate":%s,"labels":%s,"input":"logits"}' % (
            dense(half, columns), dense(half, columns), labels_half))
    half_base64 = base64_rows // 2
    yield "compare, base64 tensors", "/compare", (
        '{"loss":"cce","baseline":{"shape":[%d,%d],"data_base64":"%s"},"candidate":{"shape":[%d,%d],'
        '"data_base64":"%s"},"labels":%s,"input":"logits"}' % (
            half_base64, columns, base64.b64encode(doubles[: half_base64 * columns * 8]).decode(),
            half_base64, columns, base64.b64encode(doubles[: half_base64 * columns * 8]).decode(),
            "[" + ",".join(["0"] * half_base64) + "]"))
    pairs = min(size // 8, 1_000_000)  # --max-samples
    yield "compare bce, one column, per-sample answers", "/compare", (
        '{"loss":"bce","baseline":%s,"candidate":%s,"labels":%s,"per_sample":true}' % (
            dense(pairs, 1, "1"), dense(pairs, 1, "1"), "[" + ",".join(["1"] * pairs) + "]"))
    job_rows = 500
    jobs = max(1, rows // job_rows)
    job = '{"id":"j","loss":"cce","predictions":%s,"labels":%s,"input":"logits","per_sample":false}' % (
        dense(job_rows, columns), "[" + ",".join(["0"] * job_rows) + "]")
    tiny = '{"id":"j","loss":"bce","predictions":[[1]],"labels":[1]}'
    yield "batch of 10,000 one-sample jobs", "/batch", '{"jobs":[%s]}' % ",".join([tiny] * 10_000)
    samples = min(size // 6, 1_000_000)  # --max-samples
    yield "bce, one column, per-sample answers", "/bce", '{"predictions":%s,"labels":%s}' % (
        dense(samples, 1, "1"), "[" + ",".join(["1"] * samples) + "]")
    # The flat form of the same (predict_proba(X)[:, 1] as it comes): fewer bytes per sample for
    # the same answer, so more memory per body byte.
    yield "bce, flat column, per-sample answers", "/bce", '{"predictions":%s,"labels":%s}' % (
        "[" + ",".join(["1"] * samples) + "]", "[" + ",".join(["1"] * samples) + "]")
    yield "batch of nested jobs, one-digit", "/batch", '{"jobs":[%s]}' % ",".join([job] * jobs)
    jobs = max(1, base64_rows // job_rows)
    yield "batch of base64 jobs", "/batch", '{"jobs":[%s]}' % ",".join([
        '{"id":"j","loss":"cce","predictions":{"shape":[%d,%d],"data_base64":"%s"},"labels":%s,"input":"logits",'
        '"per_sample":false}' % (job_rows, columns, base64.b64encode(doubles[: job_rows * columns * 8]).decode(),
                                 "[" + ",".join(["0"] * job_rows) + "]")] * jobs)


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(rf"^{field}:\s+(\d+) kB", f.read(), re.M).group(1))


def post(port, path, body):
    data = body.encode()
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode() + data)
        answer = b""
        while chunk := s.recv(1 << 20):
            answer += chunk
    return int(answer.split(b" ", 2)[1]), answer


def measure(binary, path, body):
    process = subprocess.Popen(
        [binary, "--host", "127.0.0.1", "--port", "0", "--threads", "1", "--log-level", "error",
         "--max-body-bytes", str(1 << 30), "--max-elements", str(1 << 30), "--memory-budget-bytes", "0"],
        stdout=subprocess.PIPE, text=True)
    try:
        port = int(process.stdout.readline().rsplit(":", 1)[1])
        post(port, "/cce", '{"predictions":[[0.2,0.7,0.1]],"labels":[1]}')  # warm up
        time.sleep(0.2)
        idle = status_kb(process.pid, "VmRSS")
        status, answer = post(port, path, body)
        peak = status_kb(process.pid, "VmHWM")
        return status, (peak - idle) * 1024 / len(body), peak / 1024
    finally:
        process.terminate()
        process.wait()


# LineLimits' defaults: 256 KiB batches, cores + 1 in flight.
BATCH_BYTES = 256 << 10
BATCHES_IN_FLIGHT = (os.cpu_count() or 1) + 1
COLUMNS = [int(c) for c in os.environ.get("COLUMNS_LIST", "2,10,100,1000").split(",")]


def stream(port, path, line, size):
    """POSTs `line` repeated to `size` bytes as a chunked JSON Lines body."""
    piece = line * max(1, (64 << 10) // len(line))
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n"
                  f"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n".encode())
        sent = 0
        while sent < size:
            s.sendall(b"%x\r\n" % len(piece) + piece + b"\r\n")
            sent += len(piece)
        s.sendall(b"0\r\n\r\n")
        answer = b""
        while chunk := s.recv(1 << 20):
            answer += chunk
    return int(answer.split(b" ", 2)[1]), sent


def measure_lines(binary, size):
    print(f"| sample line | line bytes | stream MB | status | peak RSS MB | peak - idle MB |"
          f" (peak - idle) / ({BATCHES_IN_FLIGHT} × {BATCH_BYTES >> 10} KiB) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for columns in COLUMNS:
        line = ('{"prediction":[%s],"label":0}\n' % ",".join(["0"] * columns)).encode()
        process = subprocess.Popen(
            [binary, "--host", "127.0.0.1", "--port", "0", "--threads", "1", "--log-level", "error",
             "--memory-budget-bytes", "0"],
            stdout=subprocess.PIPE, text=True)
        try:
            port = int(process.stdout.readline().rsplit(":", 1)[1])
            stream(port, "/cce/lines?input=logits", line, 1 << 20)  # warm up: the worker threads exist
            time.sleep(0.2)
            idle = status_kb(process.pid, "VmRSS")
            status, sent = stream(port, "/cce/lines?input=logits", line, size)
            peak = status_kb(process.pid, "VmHWM")
        finally:
            process.terminate()
            process.wait()
        above = (peak - idle) * 1024
        print(f"| {columns} one-digit logits | {len(line)} | {sent / 1e6:.0f} | {status} | {peak / 1024:.0f} |"
              f" {above / 1e6:.1f} | {above / (BATCHES_IN_FLIGHT * BATCH_BYTES):.1f}x |", flush=True)


def main():
    binary = sys.argv[1]
    if len(sys.argv) > 3 and sys.argv[3] == "lines":
        measure_lines(binary, int(float(sys.argv[2]) * 1e6))
        return
    size = int(float(sys.argv[2]) * 1e6) if len(sys.argv) > 2 else 16_000_000
    route = sys.argv[3] if len(sys.argv) > 3 else None
    print("| form | route | body MB | status | peak RSS MB | (peak - idle) / body |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, path, body in forms(size):
        if route and path != route:
            continue
        status, factor, peak = measure(binary, path, body)
        print(f"| {name} | {path} | {len(body) / 1e6:.1f} | {status} | {peak:.0f} | {factor:.1f}x |", flush=True)


if __name__ == "__main__":
    main()
