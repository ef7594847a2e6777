#!/usr/bin/env python3
"""The shipped pod's memory limit, enforced by the kernel: runs BINARY with the environment of
deploy/kubernetes/deployment.yaml inside a memory cgroup limited to the manifest's
`resources.limits.memory`, sends CLIENTS concurrent at-limit requests (the largest body the
manifest admits, in its densest and costliest forms) that retry after each 503, and requires
every one to end in 200, the process to survive (no OOM kill) and to exit 0 on SIGTERM.

    scripts/memory_limit.py BINARY [CLIENTS]       (root; cgroup v1 memory or cgroup v2)

Standard library and PyYAML only (the manifest is read, not copied, so the test follows it).
"""
import os
import pathlib
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEADLINE_SECONDS = 600


def manifest():
    deployment = yaml.safe_load((ROOT / "deploy/kubernetes/deployment.yaml").read_text())
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    env = {item["name"]: str(item["value"]) for item in container["env"]}
    limit = container["resources"]["limits"]["memory"]
    units = {"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30}
    number, unit = re.fullmatch(r"(\d+)(Ki|Mi|Gi)?", limit).groups()
    return env, container.get("args", []), int(number) * units.get(unit, 1)


class MemoryGroup:
    """A cgroup (v1 memory controller, or v2) with a hard memory limit and no swap."""

    def __init__(self, limit):
        name = f"cross-entropy-memory-test-{os.getpid()}"
        v1 = pathlib.Path("/sys/fs/cgroup/memory")
        if (v1 / "memory.limit_in_bytes").exists():
            self.path = v1 / name
            self.path.mkdir()
            (self.path / "memory.limit_in_bytes").write_text(str(limit))
            if (self.path / "memory.memsw.limit_in_bytes").exists():
                (self.path / "memory.memsw.limit_in_bytes").write_text(str(limit))
            self.peak_file, self.events = "memory.max_usage_in_bytes", "memory.oom_control"
        else:
            self.path = pathlib.Path("/sys/fs/cgroup") / name
            self.path.mkdir()
            (self.path / "memory.max").write_text(str(limit))
            (self.path / "memory.swap.max").write_text("0")
            self.peak_file, self.events = "memory.peak", "memory.events"

    def enter(self):
        (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def peak(self):
        return int((self.path / self.peak_file).read_text())

    def oom_kills(self):
        found = re.search(r"^oom_kill (\d+)", (self.path / self.events).read_text(), re.M)
        return int(found.group(1)) if found else 0

    def remove(self):
        for _ in range(50):
            try:
                self.path.rmdir()
                return
            except OSError:
                time.sleep(0.1)


def bodies(max_body, max_elements):
    """The largest admissible bodies: one-digit logits (JSONDecoder's worst case per byte),
    as nested rows and as a batch of nested jobs."""
    columns = 1000
    rows = min(max_elements // columns, (max_body - 200) // (2 * columns + 4))
    labels = "[" + ",".join(["0"] * rows) + "]"
    row = "[" + ",".join(["0"] * columns) + "]"
    nested = '{"predictions":[%s],"labels":%s,"input":"logits","per_sample":false}' % (
        ",".join([row] * rows), labels)
    job_rows = 500
    job = '{"id":"j","loss":"cce","predictions":[%s],"labels":[%s],"input":"logits","per_sample":false}' % (
        ",".join([row] * job_rows), ",".join(["0"] * job_rows))
    jobs = max(1, (max_body - 20) // (len(job) + 1))
    jobs = min(jobs, max_elements // (job_rows * columns))
    batch = '{"jobs":[%s]}' % ",".join([job] * jobs)
    return [("/cce", nested.encode()), ("/batch", batch.encode())]


def post_until_accepted(port, path, body, deadline):
    """POSTs with Expect: 100-continue, so a 503 from the headers is read before the body is
    sent; waits Retry-After and tries again. Returns (status, refusals)."""
    refusals = 0
    while time.monotonic() < deadline:
        with socket.create_connection(("127.0.0.1", port), timeout=300) as s:
            s.sendall((f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       f"Content-Length: {len(body)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n").encode())
            reader = s.makefile("rb")
            status = int(reader.readline().split()[1])
            if status == 100:
                reader.readline()
                s.sendall(body)
                status = int(reader.readline().split()[1])
            headers = {}
            while (line := reader.readline().strip()):
                name, _, value = line.decode().partition(":")
                headers[name.lower()] = value.strip()
            if status != 503:
                return status, refusals
            refusals += 1
            time.sleep(float(headers.get("retry-after", "1")))
    return None, refusals


def main():
    binary = sys.argv[1]
    clients = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    env, args, limit = manifest()
    max_body = int(env["MAX_BODY_BYTES"])
    max_elements = int(env.get("MAX_ELEMENTS", 16_000_000))
    group = MemoryGroup(limit)
    environment = {**os.environ, **env, "PORT": "0", "HOST": "127.0.0.1", "LOG_LEVEL": "warning"}
    service = subprocess.Popen([binary, *args], env=environment, stdout=subprocess.PIPE, text=True,
                               preexec_fn=group.enter)
    try:
        port = int(service.stdout.readline().rsplit(":", 1)[1])
        work = bodies(max_body, max_elements)
        print(f"memory limit {limit >> 20} MiB, MAX_BODY_BYTES {max_body}, "
              f"MEMORY_BUDGET_BYTES {env.get('MEMORY_BUDGET_BYTES')}, THREADS {env.get('THREADS')}; "
              f"{clients} clients, bodies " + ", ".join(f"{p} {len(b) / 1e6:.1f} MB" for p, b in work))
        results = [None] * clients
        deadline = time.monotonic() + DEADLINE_SECONDS
        started = time.monotonic()

        def client(i):
            path, body = work[i % len(work)]
            try:
                results[i] = post_until_accepted(port, path, body, deadline)
            except Exception as error:  # noqa: BLE001 - any failure is reported as the result
                results[i] = (f"{type(error).__name__}: {error}", 0)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        alive = service.poll() is None
        service.send_signal(signal.SIGTERM)
        code = service.wait(timeout=60)
        statuses = [status for status, _ in results]
        print(f"statuses {statuses}, 503 refusals {sum(r for _, r in results)}, {elapsed:.1f} s, "
              f"cgroup peak {group.peak() / (1 << 20):.0f} MiB of {limit >> 20} MiB, "
              f"OOM kills {group.oom_kills()}, exit {code}")
        failed = not alive or code != 0 or group.oom_kills() > 0 or any(s != 200 for s in statuses)
        print("memory-limit: " + ("FAILED" if failed else "ok"))
        return 1 if failed else 0
    finally:
        if service.poll() is None:
            service.kill()
            service.wait()
        group.remove()


if __name__ == "__main__":
    sys.exit(main())
