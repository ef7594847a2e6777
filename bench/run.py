#!/usr/bin/env python3
"""Drives the servers (ours, the C ceiling, the Go and FastAPI peers) in turn and prints the table.
Called by bench/run.sh after building; loopback only, every loop bounded in time."""
import http.client
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
LARGE_REPEATS = int(os.environ.get("LARGE_REPEATS", "5"))
ROUNDS = int(os.environ.get("ROUNDS", "5"))
CORES = os.cpu_count() or 2
OURS = os.path.abspath(sys.argv[1])
FLOOR = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
TICKS = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed_post(port, path, body, headers):
    """One POST on a fresh connection: seconds from the first byte sent to the whole answer
    read, the status, and the answer's bytes."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        started = time.perf_counter()
        connection.request("POST", path, body=body, headers=headers)
        answer = connection.getresponse()
        text = answer.read()
        return time.perf_counter() - started, answer.status, text
    finally:
        connection.close()


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

    def peak_rss_mb(self, field="VmHWM:"):
        """Largest VmHWM (or another /proc status field) of the server's processes (each uvicorn
        worker is its own process)."""
        peak = 0
        for pid in self.pids():
            try:
                with open(f"/proc/{pid}/status") as status:
                    for line in status:
                        if line.startswith(field):
                            peak = max(peak, int(line.split()[1]))
            except OSError:
                pass
        return peak / 1024

    def cpu_seconds(self):
        """User + system CPU of the server's processes so far (uvicorn's workers included)."""
        total = 0
        for pid in self.pids():
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
            except OSError:
                pass
        return total / TICKS

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)


def ours(threads=2, **env):
    port = free_port()
    return Server(f"ours (THREADS={threads})", [OURS, "--host", "127.0.0.1", "--port", str(port)], port,
                  {"THREADS": str(threads), "LOG_LEVEL": "info", **env})


def ceiling():
    port = free_port()
    return Server("ceiling (C)", [os.path.join(OUT, "ceiling"), str(port), "2"], port)


def floor():
    port = free_port()
    return Server("decoder floor", [FLOOR, str(port), "2"], port)


def go_peer():
    port = free_port()
    return Server("Go peer", [os.path.join(OUT, "peer_go"), "-port", str(port)], port,
                  {"GOMAXPROCS": str(CORES)})


def peer():
    port = free_port()
    return Server("FastAPI peer", [sys.executable, "-m", "uvicorn", "peer_fastapi:app", "--host", "127.0.0.1",
                                   "--port", str(port), "--workers", str(CORES), "--log-level", "warning",
                                   "--no-access-log"], port)


def wrk(server, payload):
    lua = os.path.join(OUT, f"{payload}.lua")
    cpu_before = server.cpu_seconds()
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

    cpu = server.cpu_seconds() - cpu_before
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    requests = int(re.search(r"(\d+) requests in", text).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if non2xx:
        raise RuntimeError(f"{server.name} answered {non2xx.group(1)} errors on {payload}")
    return {"rps": rps, "p50": latency(50), "p99": latency(99), "cpu_us": cpu * 1e6 / max(requests, 1)}


def large(server, payload, path="/cce", repeats=1):
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


def concurrent(server, payload, path, clients=2, repeats=2):
    """`clients` threads each uploading the body `repeats` times: requests per second."""
    import threading
    body = open(os.path.join(OUT, f"{payload}.json"), "rb").read()

    def client():
        for _ in range(repeats):
            request = urllib.request.Request(server.url(path), data=body, headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=300) as answer:
                answer.read()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return clients * repeats / (time.perf_counter() - started)


def crowd(server, payload, clients=64):
    """`clients` threads uploading the body at once, each retrying after a 503's Retry-After:
    seconds until all are answered 200, and how many refusals were met on the way."""
    import threading
    import urllib.error
    body = open(os.path.join(OUT, f"{payload}.json"), "rb").read()
    refusals = []

    def client():
        while True:
            request = urllib.request.Request(server.url("/cce"), data=body, headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=600) as answer:
                    answer.read()
                    return
            except urllib.error.HTTPError as error:
                assert error.code == 503, error.code
                refusals.append(1)
                time.sleep(float(error.headers.get("Retry-After", "1")))
            except urllib.error.URLError:
                # A 503 decided at the headers closes the connection while urllib (which has no
                # Expect: 100-continue) is still sending the body: it sees a broken pipe instead.
                refusals.append(1)
                time.sleep(1)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, len(refusals)


def row(*cells):
    print("| " + " | ".join(str(c) for c in cells) + " |")


def best_of_rounds(servers, measure, rounds=2):
    """Alternates the servers round by round (the machine's speed drifts) and keeps each one's best."""
    best = {}
    for _ in range(rounds):
        for server in servers:
            result = measure(server)
            key = server.name
            if key not in best or result["rps"] > best[key]["rps"]:
                best[key] = result
    return best


def median_of_rounds(servers, measure, rounds=ROUNDS):
    """Alternates the servers round by round (the machine's speed drifts) and keeps the median
    of each figure for each server."""
    runs = {}
    for _ in range(rounds):
        for server in servers:
            runs.setdefault(server.name, []).append(measure(server))
    return {name: {key: sorted(run[key] for run in results)[len(results) // 2] for key in results[0]}
            for name, results in runs.items()}


def main():
    print(f"machine: {CORES} cores, {os.uname().sysname} {os.uname().release}; wrk -t2 -c{CONNECTIONS} -d{DURATION}s")
    print(f"each figure is the median of {ROUNDS} alternating rounds; the servers run one at a time")
    print()
    names = ["ceiling (C)"] + (["decoder floor"] if FLOOR else []) + ["ours (THREADS=2)", "Go peer", "FastAPI peer"]
    servers = [ceiling()] + ([floor()] if FLOOR else []) + [ours(), go_peer(), peer()]
    try:
        results = {payload: median_of_rounds(servers, lambda server: wrk(server, payload)) for payload in ("small", "medium")}
    finally:
        for server in servers:
            server.stop()

    print("## Requests per second (keep-alive, 64 connections)")
    print()
    others = [name for name in names if not name.startswith("ours")]
    row("payload", "server", "rps", "p50 ms", "p99 ms", "server CPU µs / request",
        *[f"ours / {name.split(' (')[0]}" for name in others])
    row(*["---"] * (6 + len(others)))
    for payload in ("small", "medium"):
        mine = results[payload]["ours (THREADS=2)"]
        for name in names:
            r = results[payload][name]
            ratios = [""] * len(others)
            if name.startswith("ours"):
                ratios = [f"{mine['rps'] / results[payload][other]['rps']:.2f}x rps, "
                          f"{mine['p99'] / results[payload][other]['p99']:.2f}x p99, "
                          f"{mine['cpu_us'] / results[payload][other]['cpu_us']:.2f}x CPU" for other in others]
            row(payload, name, f"{r['rps']:,.0f}", f"{r['p50']:.2f}", f"{r['p99']:.2f}", f"{r['cpu_us']:.1f}", *ratios)
    print()

    print("## Large bodies (one request at a time; median of alternating requests)")
    print()
    row("payload", "server", "body MB", "s / request", "MB/s", "peak RSS MB", "RSS / body", "(peak - idle) / body",
        "ours / FastAPI", "ours / Go")
    row(*["---"] * 10)
    times = {}
    servers = [ours(), peer(), go_peer()]
    try:
        for payload in ("large", "large-base64", "wide"):
            for _ in range(LARGE_REPEATS):
                for server in servers:
                    if server.name != "ours (THREADS=2)" and payload == "large-base64":
                        continue  # the peers take nested arrays only
                    times.setdefault((server.name, payload), []).append(large(server, payload, repeats=1))
        peer_rss = servers[1].peak_rss_mb()
        go_rss = servers[2].peak_rss_mb()
    finally:
        for server in servers:
            server.stop()

    def median(name, payload):
        runs = sorted(times[(name, payload)], key=lambda r: r["seconds"])
        return runs[len(runs) // 2]

    for payload in ("large", "large-base64", "wide"):
        fresh = ours()  # a fresh process, so its peak RSS is this payload's alone
        try:
            idle = fresh.peak_rss_mb("VmRSS:")  # mostly the shared libraries' pages
            large(fresh, payload, repeats=1)
            rss = fresh.peak_rss_mb()
        finally:
            fresh.stop()
        r = median("ours (THREADS=2)", payload)
        matching = "large" if payload.startswith("large") else payload
        base, go = median("FastAPI peer", matching), median("Go peer", matching)
        row(payload, "ours", f"{r['mb']:.1f}", f"{r['seconds']:.3f}", f"{r['mbps']:.0f}", f"{rss:.0f}",
            f"{rss / r['mb']:.1f}x", f"{(rss - idle) / r['mb']:.1f}x",
            f"{r['mbps'] / base['mbps']:.2f}x MB/s, {base['seconds'] / r['seconds']:.2f}x matrices/s",
            f"{r['mbps'] / go['mbps']:.2f}x MB/s, {go['seconds'] / r['seconds']:.2f}x matrices/s")
    for name, rss in (("FastAPI peer", peer_rss), ("Go peer", go_rss)):
        for payload in ("large", "wide"):
            b = median(name, payload)
            row(payload, name, f"{b['mb']:.1f}", f"{b['seconds']:.3f}", f"{b['mbps']:.0f}", f"{rss:.0f}",
                f"{rss / b['mb']:.1f}x", "", "", "")
    print()

    print("## 64 clients sending the large body at once (each retries after a 503)")
    print()
    row("MEMORY_BUDGET_BYTES", "seconds until all 64 answered", "refusals on the way", "peak RSS MB")
    row(*["---"] * 4)
    # The budget must hold one largest body times the largest memory factor (40, /batch): 32 MiB
    # bodies here, so 1.25 GiB at least.
    for budget in ("2147483648", "1342177280"):
        server = ours(2, MAX_BODY_BYTES="33554432", MEMORY_BUDGET_BYTES=budget)
        try:
            seconds, refusals = crowd(server, "large")
            rss = server.peak_rss_mb()
        finally:
            server.stop()
        row(f"{int(budget) >> 20} MiB", f"{seconds:.1f}", f"{refusals}", f"{rss:.0f}")
    print()

    print("## Cores: THREADS=1 against THREADS=2")
    print()
    row("load", "THREADS=1", "THREADS=2", "speed-up")
    row(*["---"] * 4)
    one, two = ours(1), ours(2)
    try:
        small = best_of_rounds([one, two], lambda server: wrk(server, "small"))
        row("small, wrk -c64 (requests/s)", f"{small[one.name]['rps']:,.0f}", f"{small[two.name]['rps']:,.0f}",
            f"{small[two.name]['rps'] / small[one.name]['rps']:.2f}x")
        for payload, path in (("batch", "/batch"), ("large", "/cce")):
            rates = {server.name: max(concurrent(server, payload, path) for _ in range(2)) for server in (one, two)}
            row(f"{payload}, 2 clients at once (requests/s)", f"{rates[one.name]:.2f}", f"{rates[two.name]:.2f}",
                f"{rates[two.name] / rates[one.name]:.2f}x")
    finally:
        one.stop()
        two.stop()


if __name__ == "__main__":
    main()
