#!/usr/bin/env python3
"""User-space instructions per request, counted by callgrind: a figure that does not move with
the shared machine's load, for comparing changes to the small-request path (kernel time is not
in it: bench/cpu-per-request.sh and perf give that). Each binary is copied and stripped of its
debug information (valgrind 3.19 cannot read the Swift release binaries' DWARF; the symbol
table stays), run under callgrind with THREADS=2 and the access log on, warmed up with WARM
requests, its counters zeroed, then sent COUNT requests of the body on one keep-alive
connection, and its counters dumped.
Usage: bench/instructions.py BODY_JSON PATH BINARY...   (COUNT=2000 WARM=300 by default)
  e.g. bench/instructions.py bench/out/small.json /cce $(bench/revision-binary.sh HEAD~1) ..."""
import glob
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

COUNT = int(os.environ.get("COUNT", "2000"))
WARM = int(os.environ.get("WARM", "300"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def send(port, path, body, count):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _ in range(count):
        connection.request("POST", path, body=body, headers={"Content-Type": "application/json"})
        answer = connection.getresponse()
        answer.read()
        if answer.status >= 500:
            raise RuntimeError(f"status {answer.status}")
    connection.close()


def instructions(binary, path, body):
    work = tempfile.mkdtemp()
    try:
        stripped = os.path.join(work, "service")
        shutil.copy(binary, stripped)
        subprocess.run(["strip", "-g", stripped], check=True)
        port = free_port()
        out = os.path.join(work, "callgrind.out")
        process = subprocess.Popen(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", stripped,
             "--host", "127.0.0.1", "--port", str(port)],
            env={**os.environ, "THREADS": "2", "LOG_LEVEL": "info"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError("did not start under valgrind")
                time.sleep(0.3)
        send(port, path, body, WARM)
        subprocess.run(["callgrind_control", "-z", str(process.pid)], check=True, capture_output=True)
        send(port, path, body, COUNT)
        subprocess.run(["callgrind_control", "-d", str(process.pid)], check=True, capture_output=True)
        process.terminate()
        process.wait(timeout=60)
        total = 0
        for dump in glob.glob(out + "*"):
            with open(dump) as text:
                for line in text:
                    if line.startswith("summary:") or line.startswith("totals:"):
                        total = max(total, int(line.split()[1])) if dump.endswith(".1") else total
        # The dump taken after zeroing is the first numbered part (callgrind.out.1).
        return total / COUNT
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    body_file, path, binaries = sys.argv[1], sys.argv[2], sys.argv[3:]
    body = open(body_file, "rb").read()
    print(f"| binary | instructions / request ({COUNT} requests of {len(body)} B to {path}) |")
    print("| --- | --- |")
    for binary in binaries:
        print(f"| {binary} | {instructions(binary, path, body):,.0f} |")


if __name__ == "__main__":
    main()
