#!/usr/bin/env python3
"""Drives a running service through every path a few thousand times, from several threads:
valid /cce, /bce, /batch and /compare requests, tensors, each convention, 400s, 422s, 404, 405, 415, 413 (declared and
chunked), aborted requests and keep-alive reuse; JSON Lines streams (sample and block lines, gzip with two members,
chunked, a bad line, an upload aborted mid-line, and one per thread long enough to be paused). Used by scripts/sanitizers.sh to look for
leaks and data races in the service itself. Usage: scripts/exercise.py PORT [ROUNDS]"""
import gzip
import http.client
import socket
import sys
import threading

PORT = int(sys.argv[1])
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 400
JSON = {"Content-Type": "application/json"}
CASES = [
    ("POST", "/cce", '{"predictions":[[0.2,0.7,0.1]],"labels":[1]}', JSON),
    ("POST", "/cce", '{"predictions":[[2,1,0.1]],"labels":[[0,1,0]],"input":"logits","base":"e"}', JSON),
    ("POST", "/bce", '{"predictions":[[0.8,0.4,0.6]],"labels":[[1,0,1]],"per_sample":false}', JSON),
    ("POST", "/cce", '{"predictions":{"shape":[1,3],"data_base64":"mpmZmZmZyT9mZmZmZmbmP5qZmZmZmbk/"},"labels":[1]}', JSON),
    ("POST", "/cce", '{"predictions":[[2,1,0.1],[0.5,2.5,0.3]],"labels":[0,1],"class_weights":[2,1,1],"convention":"pytorch"}', JSON),
    ("POST", "/bce", '{"predictions":[[0,1]],"labels":[[1,0.5]],"convention":"keras","sample_weights":[2],"label_smoothing":0.1}', JSON),
    ("POST", "/cce", '{"predictions":[[0.5,0.5]],"labels":[[0.3,0.7]],"convention":"sklearn"}', JSON),
    ("POST", "/batch", '{"jobs":[{"id":"a","loss":"cce","predictions":[[0.5,0.5]],"labels":[0]},{"id":"b","loss":"bce","predictions":[[0.5,"x"]],"labels":[[1,0]]}]}', JSON),
    ("POST", "/compare", '{"loss":"cce","labels":[0,1,1],"baseline":[[0.5,0.5],[0.4,0.6],[0.5,0.5]],"candidate":{"shape":[3,2],"data":[0.8,0.2,0.3,0.7,0.1,0.9]},"per_sample":true}', JSON),
    ("POST", "/compare", '{"loss":"bce","labels":[[1]],"baseline":[[0.5],[0.5]],"candidate":[[2]],"predictions":1}', JSON),
    ("POST", "/cce", '{"predictions":[[0.2,0.7,0.1]],"labels":[1', JSON),
    ("POST", "/cce", '{"predictions":[[0.5,0.6]],"labels":[0],"sample_weight":1}', JSON),
    ("POST", "/cce", "a=b", {"Content-Type": "text/plain"}),
    ("GET", "/cce", None, {}),
    ("GET", "/nowhere", None, {}),
    ("GET", "/metrics", None, {}),
    ("GET", "/bands", None, {}),
    ("POST", "/cce", " " * 3000, JSON),  # over the 2,000-byte limit the script starts the service with
]
NDJSON = {"Content-Type": "application/x-ndjson"}
SAMPLES = "".join(f'{{"prediction":[0.{k % 9 + 1},0.{9 - k % 9}],"label":{k % 2}}}\n' for k in range(200))
STREAMS = [
    ("POST", "/cce/lines?per_sample=true", SAMPLES, NDJSON),
    ("POST", "/bce/lines?pos_weight=2", '{"prediction":[0.8],"label":[1]}\r\n{"predictions":[[0.3]],"labels":[[0]]}', NDJSON),
    ("POST", "/cce/lines", gzip.compress(SAMPLES.encode()) + gzip.compress(SAMPLES.encode()),
     {**NDJSON, "Content-Encoding": "gzip"}),
    ("POST", "/cce/lines", (SAMPLES + '{"prediction":[0.5,0.5],"label":7}\n' + SAMPLES).encode(), NDJSON),  # 422
    # A generator (made afresh for each use) is sent chunked.
    ("POST", "/cce/lines", lambda: (line.encode() + b"\n" for line in SAMPLES.splitlines()), NDJSON),
]
CASES += STREAMS
# More than a stream's window of batches (cores + 1 of 256 KiB on 2 cores): the connection is paused
# and resumed. One per thread: under ThreadSanitizer a line costs about 100x its release-build time.
LONG = (SAMPLES * 160).encode()


def worker(seed):
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    for k in range(ROUNDS):
        method, path, body, headers = CASES[(seed + k) % len(CASES)]
        body = body() if callable(body) else body
        try:
            connection.request(method, path, body=body, headers=headers)
            connection.getresponse().read()
        except Exception:
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        if k % 25 == 0:  # an aborted request now and then, a body and a stream
            with socket.create_connection(("127.0.0.1", PORT)) as aborted:
                aborted.sendall(b"POST /cce HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{\"pred")
            with socket.create_connection(("127.0.0.1", PORT)) as aborted:
                aborted.sendall(b"POST /cce/lines HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n"
                                b"Transfer-Encoding: chunked\r\n\r\n400\r\n" + SAMPLES.encode()[:1024] + b"\r\n")
        if k == ROUNDS // 2:  # a stream long enough to be paused
            try:
                connection.request("POST", "/cce/lines", body=LONG, headers=NDJSON)
                connection.getresponse().read()
            except Exception:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)


threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(6)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(f"exercised: {6 * ROUNDS} requests")
