"""What our users would deploy instead: the same /cce and /bce contract (probabilities or
logits, index or row labels, base, per_sample, bands) in FastAPI + orjson + numpy.
Validation is kept to what numpy needs; errors are plain 422s.

Run: uvicorn peer_fastapi:app --host 127.0.0.1 --port 8082 --workers 2 --log-level warning
"""
import math

import numpy as np
import orjson
from fastapi import FastAPI, Request
from fastapi.responses import Response
from scipy.special import log_expit, log_softmax

app = FastAPI()
EPS = np.finfo(np.float64).eps
LN = {2: math.log(2), "e": 1.0, 10: math.log(10)}
UNIT = {2: "bits", "e": "nats", 10: "hartleys"}


def cce_band(loss, classes, base):
    if loss <= 1e-12:
        return "perfect"
    p = math.exp(-loss * LN[base])
    for name, minimum in (("high_confidence", 0.9), ("moderate", 0.7), ("low", 0.5)):
        if p >= minimum * (1 - 1e-9):
            return name
    return "very_low" if p >= (1 / classes) * (1 - 1e-9) else "wrong"


def bce_band(loss, base):
    bits = loss * LN[base] / math.log(2)
    for name, maximum in (("very_good", 0.5), ("good", 1.0), ("moderately_wrong", 2.0)):
        if bits <= maximum * (1 + 1e-9):
            return name
    return "wrong"


def error(detail):
    return Response(orjson.dumps({"status": 422, "detail": detail}), status_code=422, media_type="application/problem+json")


@app.post("/cce")
async def cce(request: Request):
    body = orjson.loads(await request.body())
    p = np.asarray(body["predictions"], dtype=np.float64)
    base = body.get("base", 2)
    if p.ndim != 2 or p.shape[1] < 2:
        return error("predictions must be n rows of C >= 2 numbers")
    labels = np.asarray(body["labels"], dtype=np.float64)
    n, classes = p.shape
    if body.get("input", "probabilities") == "logits":
        logp = log_softmax(p, axis=1)
    else:
        if (p < 0).any() or (p > 1).any() or (np.abs(p.sum(axis=1) - 1) > 1e-6 + classes * 2.0**-23).any():
            return error("probabilities out of range or rows not summing to 1")
        logp = np.log(np.clip(p, EPS, 1 - EPS))
    if labels.ndim == 1:
        losses = -logp[np.arange(n), labels.astype(np.int64)]
    else:
        losses = -np.where(labels != 0, labels * logp, 0.0).sum(axis=1)
    losses = losses / LN[base]
    total = float(losses.sum())
    result = {"loss": total / n, "sum": total, "base": base, "unit": UNIT[base], "n": n, "classes": classes,
              "band": cce_band(total / n, classes, base)}
    if body.get("per_sample", True):
        result["losses"] = losses.tolist()
        result["bands"] = [cce_band(v, classes, base) for v in result["losses"]]
    return Response(orjson.dumps(result), media_type="application/json")


@app.post("/bce")
async def bce(request: Request):
    body = orjson.loads(await request.body())
    p = np.asarray(body["predictions"], dtype=np.float64)
    y = np.asarray(body["labels"], dtype=np.float64)
    base = body.get("base", 2)
    if p.ndim != 2 or p.shape != y.shape:
        return error("predictions and labels must be n rows of C numbers")
    if body.get("input", "probabilities") == "logits":
        terms = -(np.where(y != 0, y * log_expit(p), 0.0) + np.where(y != 1, (1 - y) * log_expit(-p), 0.0))
    else:
        q = np.clip(p, EPS, 1 - EPS)
        terms = -(np.where(y != 0, y * np.log(q), 0.0) + np.where(y != 1, (1 - y) * np.log1p(-q), 0.0))
    terms = terms / LN[base]
    losses = terms.sum(axis=1)
    n, classes = p.shape
    total = float(losses.sum())
    result = {"loss": total / n, "mean_per_element": total / n / classes, "sum": total, "base": base,
              "unit": UNIT[base], "n": n, "classes": classes, "band": bce_band(total / n, base),
              "class_losses": terms.mean(axis=0).tolist()}
    if body.get("per_sample", True):
        result["losses"] = losses.tolist()
        result["bands"] = [bce_band(v, base) for v in result["losses"]]
    return Response(orjson.dumps(result), media_type="application/json")
