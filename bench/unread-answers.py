#!/usr/bin/env python3
"""Answers nobody reads: how much of the memory budget clients that never read can hold, and
what the others get meanwhile, with and without a per-address share.

    bench/unread-answers.py BINARY [SECONDS] [-- extra service flags]
    ATTACK_INTERVAL_MS=100 (the default) sets how often the attacker opens a connection.

Starts BINARY with the manifest's sizes (16 MiB bodies, 768 MiB budget, 2 threads) on 127.0.0.1.
An attacker on 127.0.0.1 opens a connection every ATTACK_INTERVAL_MS with a 4 KiB receive buffer, sends a
/batch of 10,000 `{}` jobs (30 KB; every job fails) and never reads. A victim on 127.0.0.2 posts
a small /cce every 100 ms and a 1 MB one every second, reading each answer. Prints the answer's
size, the peak and mean charge, the attacker's upload rate and the victim's statuses. Runs the
scenario twice: the per-address share off, then at 640 MiB (the least that still admits one
at-limit /batch body from each address). Each batch costs tens of milliseconds of CPU, so a
short interval measures the CPU, not the budget: keep it at 100 ms or more on 2 cores. Standard library only; loopback only; bounded in time.
"""
import json
import os
import socket
import subprocess
import sys
import threading
import time

INTERVAL = float(os.environ.get("ATTACK_INTERVAL_MS", "100")) / 1000
BUDGET = 768 << 20
MAX_BODY = 16 << 20
BATCH = ('{"jobs":[' + ",".join(["{}"] * 10_000) + "]}").encode()


def request(path, body, host="127.0.0.1", port=0, timeout=30):
    with socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(host, 0)) as s:
        s.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
        return int(data.split(b" ", 2)[1]), len(data)


def charged(port):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    for line in data.decode().splitlines():
        if line.startswith("cross_entropy_memory_budget_charged_bytes "):
            return float(line.split()[1])
    return 0.0


def scenario(binary, seconds, share, extra):
    service = subprocess.Popen(
        [binary, "--host", "127.0.0.1", "--port", "0", "--threads", "2", "--max-body-bytes", str(MAX_BODY),
         "--memory-budget-bytes", str(BUDGET), "--memory-budget-per-address-bytes", str(share),
         "--log-level", "error", *extra],
        stdout=subprocess.PIPE, text=True)
    try:
        port = int(service.stdout.readline().rsplit(":", 1)[1])
        status, answer_bytes = request("/batch", BATCH, port=port)
        stop = time.monotonic() + seconds
        held, sent = [], [0]
        victim = {}
        samples = []

        def attacker():
            while time.monotonic() < stop:
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                try:
                    s.connect(("127.0.0.1", port))
                    s.sendall(f"POST /batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                              f"Content-Length: {len(BATCH)}\r\n\r\n".encode() + BATCH)
                    sent[0] += len(BATCH)
                    held.append(s)
                except OSError:
                    s.close()
                time.sleep(INTERVAL)

        def victim_loop():
            small = b'{"predictions":[[0.5,0.5]],"labels":[0]}'
            large = small + b" " * 1_000_000
            n = 0
            while time.monotonic() < stop:
                body = large if n % 10 == 0 else small
                try:
                    code, _ = request("/cce", body, host="127.0.0.2", port=port)
                except OSError:
                    code = "error"
                key = ("1MB " if body is large else "small ") + str(code)
                victim[key] = victim.get(key, 0) + 1
                n += 1
                time.sleep(0.1)

        threads = [threading.Thread(target=attacker), threading.Thread(target=victim_loop)]
        started = time.monotonic()
        for t in threads:
            t.start()
        while time.monotonic() < stop:
            try:
                samples.append(charged(port))
            except OSError:
                samples.append(float("nan"))  # the scrape itself waited too long
            time.sleep(0.5)
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        for s in held:
            s.close()
        print(json.dumps({
            "per_address_share_MiB": share >> 20,
            "batch_answer_bytes": answer_bytes, "batch_status": status,
            "attacker_upload_MB_per_s": round(sent[0] / elapsed / 1e6, 2),
            "attacker_connections": len(held),
            "charged_peak_MiB": round(max(v for v in samples if v == v) / 2**20, 1),
            "charged_mean_MiB": round(sum(v for v in samples if v == v) / len(samples) / 2**20, 1),
            "scrapes_timed_out": sum(1 for v in samples if v != v),
            "victim": victim,
        }))
    finally:
        service.terminate()
        service.wait(timeout=30)


def main():
    binary = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2] != "--" else 30
    extra = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else []
    for share in (0, 640 << 20):
        scenario(binary, seconds, share, extra)


if __name__ == "__main__":
    main()
