#!/usr/bin/env python3
"""Writes the benchmark bodies into a folder (default bench/out):
small   the document's 1x3 example                       (/cce)
medium  64 samples x 10 classes, index labels            (/cce)
large   10,000 x 100 full-precision probabilities (1M)   (/cce)
large-base64  the same matrix as a float64 base64 tensor (/cce)
large.ndjson  the large matrix as JSON Lines sample lines  (/cce/lines)
wide    8 x 50,000 logits                                (/cce)
batch   64 jobs of 500 x 10                              (/batch)
and one wrk Lua script per body.
"""
import base64
import json
import pathlib
import sys

import numpy as np

out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parent / "out")
out.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(5)


def softmax(n, c):
    z = rng.normal(size=(n, c)) * 2
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def write(name, body, path):
    text = json.dumps(body, separators=(",", ":"))
    (out / f"{name}.json").write_text(text)
    lua = f"""wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.path = "{path}"
local file = io.open("{(out / f'{name}.json').resolve()}", "rb")
wrk.body = file:read("*a")
file:close()
"""
    (out / f"{name}.lua").write_text(lua)
    print(f"{name}: {len(text):,} bytes")


write("small", {"predictions": [[0.2, 0.7, 0.1]], "labels": [1]}, "/cce")
medium = softmax(64, 10)
write("medium", {"predictions": medium.tolist(), "labels": rng.integers(10, size=64).tolist()}, "/cce")
large = softmax(10_000, 100)
large_labels = rng.integers(100, size=10_000).tolist()
write("large", {"predictions": large.tolist(), "labels": large_labels}, "/cce")
write(
    "large-base64",
    {
        "predictions": {
            "shape": [10_000, 100],
            "dtype": "float64",
            "data_base64": base64.b64encode(large.astype("<f8").tobytes()).decode(),
        },
        "labels": large_labels,
    },
    "/cce",
)
# The same matrix and labels as JSON Lines, one sample a line (the numbers written as in large.json).
ndjson = "".join(
    json.dumps({"prediction": row, "label": label}, separators=(",", ":")) + "\n"
    for row, label in zip(large.tolist(), large_labels)
)
(out / "large.ndjson").write_text(ndjson)
print(f"large.ndjson: {len(ndjson):,} bytes")
write(
    "wide",
    {"predictions": (rng.normal(size=(8, 50_000)) * 5).tolist(), "labels": rng.integers(50_000, size=8).tolist(),
     "input": "logits"},
    "/cce",
)
jobs = []
for k in range(64):
    p = softmax(500, 10)
    jobs.append({"id": f"job-{k}", "loss": "cce", "predictions": p.tolist(),
                 "labels": rng.integers(10, size=500).tolist(), "per_sample": False})
write("batch", {"jobs": jobs}, "/batch")
