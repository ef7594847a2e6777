#!/usr/bin/env python3
"""Drives the three servers (ours, the ceiling, the FastAPI peer) in turn and prints the table.
Called by bench/run.sh after building; loopback only, every loop bounded in time."""
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "out")
DURATION = int(os.environ.get("DURATION", "8"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "64"))
LARGE_REPEATS = int(os.environ.get("LARGE_REPEATS", "4"))
CORES = os.cpu_count() or 2
OURS = sys.argv[1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, name, command, port, env=None):
        self.name, self.port = name, port
        self.process = subprocess.Popen(
            command, cwd=HERE, env={**os.environ, **(env or {})},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{name} did not start")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def pids(self):
        children = subprocess.run(["pgrep", "-g", str(self.process.pid)], capture_output=True, text=True).stdout.split()
        return [int(p) for p in children] or [self.process.pid]

    def peak_rss_mb(self):
        """Largest VmHWM of the server's processes (each uvicorn worker is its own process)."""
        peak = 0
        for pid in self.pids():
            try:
                with open(f"/proc/{pid}/status") as status:
                    for line in status:
                        if line.startswith("VmHWM:"):
                            peak = max(peak, int(line.split()[1]))
            except OSError:
                pass
        return peak / 1024

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)


def ours(threads=2):
    port = free_port()
    return Server(f"ours (THREADS={threads})", [OURS, "--host", "127.0.0.1", "--port", str(port)], port,
                  {"THREADS": str(threads), "LOG_LEVEL": "info"})


def ceiling():
    port = free_port()
    return Server("ceiling (C)", [os.path.join(OUT, "ceiling"), str(port), "2"], port)


def peer():
    port = free_port()
    return Server("FastAPI peer", [sys.executable, "-m", "uvicorn", "peer_fastapi:app", "--host", "127.0.0.1",
                                   "--port", str(port), "--workers", str(CORES), "--log-level", "warning",
                                   "--no-access-log"], port)


def wrk(server, payload):
    lua = os.path.join(OUT, f"{payload}.lua")
    text = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency", "-s", lua, server.url("/")],
        capture_output=True, text=True, timeout=DURATION + 60,
    ).stdout

    def latency(percent):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)", text, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if non2xx:
        raise RuntimeError(f"{server.name} answered {non2xx.group(1)} errors on {payload}")
    return {"rps": rps, "p50": latency(50), "p99": latency(99)}


def large(server, payload, path="/cce", repeats=LARGE_REPEATS):
    """Sequential uploads of one big body: MB/s of request body processed."""
    body = open(os.path.join(OUT, f"{payload}.json"), "rb").read()
    started = time.perf_counter()
    for _ in range(repeats):
        request = urllib.request.Request(server.url(path), data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=300) as answer:
            answer.read()
            assert answer.status == 200
    elapsed = time.perf_counter() - started
    return {"seconds": elapsed / repeats, "mbps": len(body) * repeats / elapsed / 1e6, "mb": len(body) / 1e6}


def row(*cells):
    print("| " + " | ".join(str(c) for c in cells) + " |")


def main():
    print(f"machine: {CORES} cores, {os.uname().sysname} {os.uname().release}; wrk -t2 -c{CONNECTIONS} -d{DURATION}s")
    print()
    results = {}
    for factory in (ceiling, ours, peer):
        server = factory()
        try:
            for payload in ("small", "medium"):
                if factory is ceiling and payload != "small" and payload != "medium":
                    continue
                results[(server.name, payload)] = wrk(server, payload)
        finally:
            server.stop()

    print("## Requests per second (keep-alive, 64 connections)")
    print()
    row("payload", "server", "rps", "p50 ms", "p99 ms", "ours / ceiling", "ours / peer")
    row(*["---"] * 7)
    for payload in ("small", "medium"):
        mine = results[("ours (THREADS=2)", payload)]
        for name in ("ceiling (C)", "ours (THREADS=2)", "FastAPI peer"):
            r = results[(name, payload)]
            ratios = ("", "")
            if name.startswith("ours"):
                c, p = results[("ceiling (C)", payload)], results[("FastAPI peer", payload)]
                ratios = (f"{mine['rps'] / c['rps']:.2f}x rps, {mine['p99'] / c['p99']:.2f}x p99",
                          f"{mine['rps'] / p['rps']:.1f}x rps")
            row(payload, name, f"{r['rps']:,.0f}", f"{r['p50']:.2f}", f"{r['p99']:.2f}", *ratios)
    print()

    print("## Large bodies (one request at a time)")
    print()
    row("payload", "server", "body MB", "s / request", "MB/s", "peak RSS MB", "ours / peer")
    row(*["---"] * 7)
    peer_large = {}
    server = peer()
    try:
        for payload in ("large", "wide"):
            peer_large[payload] = large(server, payload)
        peer_rss = server.peak_rss_mb()
    finally:
        server.stop()
    for payload in ("large", "large-base64", "wide"):
        server = ours()  # a fresh process per payload, so its peak RSS is this payload's
        try:
            r = large(server, payload)
            rss = server.peak_rss_mb()
        finally:
            server.stop()
        base = peer_large["large" if payload.startswith("large") else payload]
        row(payload, "ours", f"{r['mb']:.1f}", f"{r['seconds']:.3f}", f"{r['mbps']:.0f}", f"{rss:.0f}",
            f"{r['mbps'] / base['mbps']:.1f}x MB/s ({base['mb'] / r['seconds'] / (base['mb'] / base['seconds']):.1f}x matrices/s)")
    for payload in ("large", "wide"):
        b = peer_large[payload]
        row(payload, "FastAPI peer", f"{b['mb']:.1f}", f"{b['seconds']:.3f}", f"{b['mbps']:.0f}", f"{peer_rss:.0f}", "")
    print()

    print("## Cores: THREADS=1 against THREADS=2")
    print()
    row("payload", "THREADS=1 s/request", "THREADS=2 s/request", "speed-up")
    row(*["---"] * 4)
    for payload, path in (("batch", "/batch"), ("large", "/cce")):
        times = []
        for threads in (1, 2):
            server = ours(threads)
            try:
                times.append(large(server, payload, path)["seconds"])
            finally:
                server.stop()
        row(payload, f"{times[0]:.3f}", f"{times[1]:.3f}", f"{times[0] / times[1]:.2f}x")


if __name__ == "__main__":
    main()
