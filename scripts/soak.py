#!/usr/bin/env python3
"""Bounded soak test, loopback only: several minutes of mixed traffic at high concurrency
against the real binary, checking every answer against its own expected loss.

Traffic: valid small requests (each with its own probability, so answers cannot be swapped
unnoticed), valid large requests (2,000 x 50), invalid requests (bad JSON, broken rules),
batches with one bad job, and slow clients that trickle their bodies in pieces.
Checks: no unexpected status, no mismatched answer, and RSS once idle at the end no more than
10% above its value after warm-up.

Usage: scripts/soak.py PATH_TO_BINARY [SECONDS (default 180)] [CLIENTS (default 32)]
"""
import http.client
import json
import math
import os
import random
import subprocess
import sys
import threading
import time

BINARY = sys.argv[1]
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 180
CLIENTS = int(sys.argv[3]) if len(sys.argv) > 3 else 32
WARM_UP = min(30.0, SECONDS / 4)


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {}
        self.failures = []

    def add(self, kind, ok, detail=""):
        with self.lock:
            done, bad = self.counts.get(kind, (0, 0))
            self.counts[kind] = (done + 1, bad + (0 if ok else 1))
            if not ok and len(self.failures) < 20:
                self.failures.append(f"{kind}: {detail}")


def small_case(rng):
    p = rng.uniform(0.01, 0.99)
    body = {"predictions": [[p, 1 - p]], "labels": [0]}
    return "/cce", body, 200, lambda answer: answer["loss"] == -math.log2(p)


def large_case(rng):
    n, c = 2000, 50
    rows = []
    for _ in range(n):
        raw = [rng.random() + 0.01 for _ in range(c)]
        total = sum(raw)
        rows.append([v / total for v in raw])
    labels = [rng.randrange(c) for _ in range(n)]
    expected = math.fsum(-math.log2(min(max(rows[i][labels[i]], 2.220446049250313e-16), 1 - 2.220446049250313e-16))
                         for i in range(n)) / n
    body = {"predictions": rows, "labels": labels, "per_sample": False}
    return "/cce", body, 200, lambda answer: abs(answer["loss"] - expected) <= 1e-13 * expected


def invalid_case(rng):
    if rng.random() < 0.5:
        return "/cce", "{\"predictions\": [[0.5, 0.5]", 400, None
    return "/bce", {"predictions": [[0.5, 1.5]], "labels": [[1, 0]]}, 422, None


def batch_case(rng):
    p = rng.uniform(0.01, 0.99)
    jobs = [
        {"id": "good", "loss": "cce", "predictions": [[p, 1 - p]], "labels": [1]},
        {"id": "bad", "loss": "cce", "predictions": [[0.5, 0.6]], "labels": [0]},
        {"id": "bce", "loss": "bce", "predictions": [[p]], "labels": [[1]]},
    ]

    def check(answer):
        results = answer["results"]
        return ([r["id"] for r in results] == ["good", "bad", "bce"]
                and [r["status"] for r in results] == [200, 422, 200]
                and results[0]["result"]["loss"] == -math.log2(1 - p)
                and results[2]["result"]["loss"] == -math.log2(p))
    return "/batch", {"jobs": jobs}, 200, check


def client(port, deadline, tally, seed, slow=False):
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.time() < deadline:
        roll = rng.random()
        kind, (path, body, status, check) = (
            ("large", large_case(rng)) if roll < 0.02 else
            ("invalid", invalid_case(rng)) if roll < 0.22 else
            ("batch", batch_case(rng)) if roll < 0.32 else
            ("small", small_case(rng)))
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        try:
            if slow:
                connection.putrequest("POST", path)
                connection.putheader("Content-Type", "application/json")
                connection.putheader("Content-Length", str(len(data)))
                connection.endheaders()
                step = max(1, len(data) // 5)
                for start in range(0, len(data), step):
                    connection.send(data[start:start + step])
                    time.sleep(0.05)
            else:
                connection.request("POST", path, body=data, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            payload = response.read()
            if response.status != status:
                tally.add(kind, False, f"status {response.status}, expected {status}: {payload[:200]!r}")
                continue
            ok = check(json.loads(payload)) if check else True
            tally.add(kind if not slow else "slow", ok, "" if ok else f"mismatched answer {payload[:200]!r}")
        except Exception as error:  # a lost answer
            tally.add(kind, False, f"{type(error).__name__}: {error}")
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)


def main():
    server = subprocess.Popen([BINARY, "--host", "127.0.0.1", "--port", "0", "--log-level", "warning"],
                              stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline().strip().rsplit(":", 1)[1])
        started = time.time()
        deadline = started + SECONDS
        tally = Tally()
        threads = [threading.Thread(target=client, args=(port, deadline, tally, seed, seed % 8 == 7))
                   for seed in range(CLIENTS)]
        for thread in threads:
            thread.start()
        time.sleep(WARM_UP)
        warm = rss_mb(server.pid)
        peak = warm
        timeline = [warm]
        last = time.time()
        while any(thread.is_alive() for thread in threads):
            time.sleep(1)
            peak = max(peak, rss_mb(server.pid))
            if time.time() - last >= 15:
                timeline.append(rss_mb(server.pid))
                last = time.time()
        time.sleep(12)  # idle: the service hands freed memory back every 10 s
        end = rss_mb(server.pid)
        total = sum(done for done, _ in tally.counts.values())
        bad = sum(failed for _, failed in tally.counts.values())
        print(f"soak: {SECONDS:.0f} s, {CLIENTS} clients ({CLIENTS // 8} slow), {total} requests ({total / SECONDS:.0f}/s)")
        for kind, (done, failed) in sorted(tally.counts.items()):
            print(f"  {kind:8} {done:8} requests, {failed} unexpected")
        growth = (end - warm) / warm * 100
        print(f"  RSS after warm-up {warm:.1f} MB, peak {peak:.1f} MB, at the end {end:.1f} MB ({growth:+.1f}%)")
        print("  RSS every 15 s from warm-up: " + " ".join(f"{value:.1f}" for value in timeline))
        for failure in tally.failures:
            print("  FAIL", failure)
        alive = server.poll() is None
        ok = bad == 0 and alive and growth <= 10
        print(f"soak: {'passed' if ok else 'FAILED'}")
        return 0 if ok else 1
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    sys.exit(main())
