#!/usr/bin/env python3
"""User-space instructions (callgrind) of a JSON Lines line against a body row, stable on this
noisy machine where wall time is not:
  - the service (release build, THREADS=2) given the first COUNT lines of bench/out/large.ndjson
    as one stream to /cce/lines, and the same rows as one JSON body to /cce; each upload sent once
    to warm up, counters zeroed, sent again, counters dumped;
  - the decode floor (bench/jsondecoder.swift --lines --decode-lines-once GROUP) decoding all 10,000
    lines once: one value per line (GROUP 0, as the service does), or GROUP lines wrapped as one
    array (16, 64, and a whole 256 KiB batch).
Each binary is copied and stripped of its debug information (valgrind 3.19 cannot read the Swift
release binaries' DWARF). Run bench/lines.sh once first (it builds both and writes the payload).
KEEP=DIR keeps the callgrind dumps there, for `callgrind_annotate` (where a line's instructions go).
Usage: bench/lines-instructions.py [SERVICE_BINARY]   (COUNT=2000 by default; about two minutes)
  e.g. bench/lines-instructions.py $(bench/revision-binary.sh HEAD~1)"""
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COUNT = int(os.environ.get("COUNT", "2000"))
FLOOR = os.path.join(ROOT, "bench/out/jsondecoder-package/.build/release/JSONDecoderBench")


def stripped(binary, work):
    copy = os.path.join(work, os.path.basename(binary))
    shutil.copy(binary, copy)
    subprocess.run(["strip", "-g", copy], check=True)
    return copy


def total(out):
    """The instructions of the last dump callgrind wrote for `out`."""
    dumps = sorted((p for p in os.listdir(os.path.dirname(out)) if p.startswith(os.path.basename(out))),
                   key=lambda p: os.path.getmtime(os.path.join(os.path.dirname(out), p)))
    with open(os.path.join(os.path.dirname(out), dumps[-1])) as dump:
        return next(int(line.split()[1]) for line in dump if line.startswith("summary:"))


def upload(binary, path, body, content_type, work):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = os.path.join(work, f"service-{path.strip('/').replace('/', '-')}.out")
    process = subprocess.Popen(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", binary, "--host", "127.0.0.1",
         "--port", str(port)], env={**os.environ, "THREADS": "2", "LOG_LEVEL": "warning"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError("the service did not start under valgrind")
                time.sleep(0.3)

        def send():
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
            connection.request("POST", path, body=body, headers={"Content-Type": content_type})
            answer = connection.getresponse()
            text = answer.read()
            connection.close()
            if answer.status != 200:
                raise RuntimeError(f"{path}: {answer.status} {text[:200]!r}")
            return json.loads(text)

        send()  # warm-up
        subprocess.run(["callgrind_control", "-z", str(process.pid)], check=True, capture_output=True)
        answer = send()
        subprocess.run(["callgrind_control", "-d", str(process.pid)], check=True, capture_output=True)
        return total(out), answer
    finally:
        process.terminate()
        process.wait(timeout=60)


def main():
    service = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build/release/cross-entropy-service"))
    lines = open(os.path.join(ROOT, "bench/out/large.ndjson"), "rb").read().split(b"\n")[:COUNT]
    samples = [json.loads(line) for line in lines]
    body = json.dumps({"predictions": [s["prediction"] for s in samples], "labels": [s["label"] for s in samples]},
                      separators=(",", ":")).encode()
    work = tempfile.mkdtemp()
    try:
        binary = stripped(service, work)
        stream, stream_answer = upload(binary, "/cce/lines", b"\n".join(lines) + b"\n", "application/x-ndjson", work)
        whole, body_answer = upload(binary, "/cce", body, "application/json", work)
        assert stream_answer["loss"] == body_answer["loss"], (stream_answer, body_answer)
        print(f"{COUNT} lines to /cce/lines: {stream / 1e6:.1f} million instructions ({stream / COUNT:,.0f} a line); "
              f"the same rows as one /cce body: {whole / 1e6:.1f} million ({whole / COUNT:,.0f} a row); "
              f"line / row {stream / whole:.3f}x")
        floor = stripped(FLOOR, work)
        for group in (0, 16, 64, 1 << 30):
            out = os.path.join(work, f"floor-{group}.out")
            subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", floor, "--lines",
                            "--decode-lines-once", str(group)], cwd=ROOT, check=True, capture_output=True)
            name = "one value per line" if group == 0 else "a whole batch as one array" if group > 64 \
                else f"groups of {group} lines as one array"
            print(f"decode floor, all 10,000 lines once, {name}: {total(out) / 1e6:.1f} million instructions")
    finally:
        if os.environ.get("KEEP"):
            shutil.copytree(work, os.environ["KEEP"], dirs_exist_ok=True,
                            ignore=lambda _, names: [n for n in names if ".out" not in n])
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
