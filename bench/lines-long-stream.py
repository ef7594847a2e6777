#!/usr/bin/env python3
"""A long JSON Lines stream against the issue's targets: peak RSS above idle within the stream's
window + 32 MiB, the answer within 0.5 s of the last byte, /healthz p99 under 50 ms meanwhile.

    bench/lines-long-stream.py BINARY [MEGABYTES [COLUMNS]]   (default 1024 MB of 2-column lines)

The stream is made on the fly (one sample line of COLUMNS one-digit logits, repeated) and sent
chunked to POST /cce/lines; nothing is stored on disk. A second client asks GET /healthz every
20 ms on a fresh connection while the stream runs. The server runs with its defaults (threads,
memory budget, LineLimits), after a 1 MB warm-up stream; idle RSS is read before the long one,
peak RSS (VmHWM) after its answer.

The window is what the budget charges a stream at most with LineLimits' defaults: batches in
flight (cores + 1) x 256 KiB x 20 while they decode, plus the bytes held at factor 1 before
decoding (one open batch, one line at the 1 MiB cap, 1 MiB framed per chunk taken).
Standard library only.
"""
import os
import re
import socket
import subprocess
import sys
import threading
import time

MiB = 1 << 20
BATCH_BYTES = 256 << 10
BATCHES_IN_FLIGHT = (os.cpu_count() or 1) + 1
MEMORY_PER_BATCH_BYTE = 20
MAX_LINE_BYTES = 1 << 20
BYTES_PER_TAKE = 1 << 20
WINDOW = BATCHES_IN_FLIGHT * BATCH_BYTES * MEMORY_PER_BATCH_BYTE + BATCH_BYTES + MAX_LINE_BYTES + BYTES_PER_TAKE


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(rf"^{field}:\s+(\d+) kB", f.read(), re.M).group(1))


def read_answer(s):
    answer = b""
    while chunk := s.recv(1 << 20):
        answer += chunk
    return answer


def stream(port, line, size):
    """POSTs `line` repeated to `size` bytes, chunked; returns (answer, bytes sent, seconds from
    the last byte sent to the answer's first byte, seconds in all)."""
    piece = line * max(1, (64 << 10) // len(line))
    chunk = b"%x\r\n" % len(piece) + piece + b"\r\n"
    start = time.monotonic()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # A small send buffer: the last byte counts as sent when little of the stream is still
        # queued on this side (the server's receive buffer still holds what it has not read).
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 128 << 10)
        s.connect(("127.0.0.1", port))
        s.sendall(b"POST /cce/lines?input=logits HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n"
                  b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        sent = 0
        while sent < size:
            s.sendall(chunk)
            sent += len(piece)
        s.sendall(b"0\r\n\r\n")
        last_byte = time.monotonic()
        first = s.recv(1 << 20)
        answered = time.monotonic()
        answer = first + read_answer(s)
    return answer, sent, answered - last_byte, answered - start


def poll_healthz(port, stop, latencies, failures):
    while not stop.is_set():
        begin = time.monotonic()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                answer = read_answer(s)
            if not answer.startswith(b"HTTP/1.1 200"):
                failures.append(answer[:40])
            latencies.append(time.monotonic() - begin)
        except OSError as error:
            failures.append(str(error))
        stop.wait(0.02)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")


def main():
    binary = sys.argv[1]
    size = int(float(sys.argv[2]) * 1e6) if len(sys.argv) > 2 else 1024 * 1000 * 1000
    columns = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    line = ('{"prediction":[%s],"label":0}\n' % ",".join(["0"] * columns)).encode()
    process = subprocess.Popen([binary, "--host", "127.0.0.1", "--port", "0", "--log-level", "error"],
                               stdout=subprocess.PIPE, text=True)
    try:
        port = int(process.stdout.readline().rsplit(":", 1)[1])
        stream(port, line, 1 << 20)  # warm up: the worker threads exist
        time.sleep(0.5)
        idle = status_kb(process.pid, "VmRSS") * 1024
        stop = threading.Event()
        latencies, failures = [], []
        poller = threading.Thread(target=poll_healthz, args=(port, stop, latencies, failures))
        poller.start()
        answer, sent, after_last, total = stream(port, line, size)
        stop.set()
        poller.join()
        peak = status_kb(process.pid, "VmHWM") * 1024
    finally:
        process.terminate()
        process.wait()
    status = int(answer.split(b" ", 2)[1])
    n = re.search(rb'"n":(\d+)', answer)
    above = peak - idle
    print(f"stream: {sent / 1e6:.0f} MB of {columns}-column sample lines ({len(line)} bytes), status {status},"
          f" n {int(n.group(1)) if n else '?'}, {total:.1f} s ({sent / 1e6 / total:.1f} MB/s)")
    print(f"peak RSS above idle: {above / MiB:.1f} MiB (idle {idle / MiB:.1f} MiB);"
          f" window + 32 MiB = {(WINDOW + 32 * MiB) / MiB:.1f} MiB"
          f" ({'within' if above <= WINDOW + 32 * MiB else 'OVER'})")
    print(f"answer after the last byte: {after_last * 1000:.0f} ms ({'within' if after_last <= 0.5 else 'OVER'} 0.5 s)")
    print(f"/healthz during the stream: {len(latencies)} answers, {len(failures)} failures,"
          f" p50 {percentile(latencies, 50) * 1000:.1f} ms, p99 {percentile(latencies, 99) * 1000:.1f} ms,"
          f" max {max(latencies, default=float('nan')) * 1000:.1f} ms")
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
