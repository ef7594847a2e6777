#!/usr/bin/env python3
"""Writes Tests/CrossEntropyTests/Vectors/uncertainty.json: Student t quantiles and tails from
scipy, and scoring requests with the denominator, standard error and interval their answers must
carry, for the Swift tests (core and over HTTP) to match to 1e-12 relative.

References:
  - scipy.stats.t.ppf and t.sf (Boost's incomplete beta and its inverse) for the t distribution;
  - scipy.stats.sem and scipy.stats.t.interval for unweighted losses (every b_i = 1, or b_i = C);
  - for weighted ones, a numpy transcription of the delta-method formula
    sqrt(n/(n-1) * sum (a_i - R b_i)^2) / sum b_i, and an independent jackknife of the ratio
    R = sum a_i / sum b_i (which agrees with it to O(1/n): checked loosely).
Per-sample losses are written here from the conventions' formulas (numpy).

Run: python3 -m pip install -r scripts/vectors/requirements.txt
     python3 scripts/vectors/uncertainty.py
The output is committed; CI does not run this script.
"""
import json
import math
import pathlib

import numpy as np
from scipy import stats
from scipy.special import log_softmax

EPS = np.finfo(np.float64).eps
OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests/CrossEntropyTests/Vectors/uncertainty.json"
rng = np.random.default_rng(20261203)
CONFIDENCES = [0.5, 0.6, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 0.9999, 0.99999, 0.999999]
DEGREES = [1, 2, 3, 4, 5, 7, 10, 20, 30, 50, 100, 199, 1000, 10_000, 100_000, 1_000_000, 10_000_000]


def quantiles():
    return [
        {"df": df, "confidence": c, "critical": float(stats.t.ppf(1 - (1 - c) / 2, df))}
        for df in DEGREES
        for c in CONFIDENCES
    ]


def tails():
    cases = []
    for df in [1, 2, 3, 5, 10, 30, 100, 1000, 100_000]:
        for t in [0.01, 0.5, 1, 2, 3, 5, 10, 30, 100, 1e3, 1e5, 1e10, 1e30, 1e100, 1e150, 1e300]:
            sf = float(stats.t.sf(t, df))
            if sf > 1e-300:
                cases.append({"df": df, "t": t, "sf": sf, "cdf": float(stats.t.cdf(-t, df))})
    return cases


def softmax_rows(n, c, sharpness):
    return np.exp(log_softmax(rng.normal(size=(n, c)) * sharpness, axis=1))


def figures(a, b, confidence):
    """The expected answer from a_i and b_i: the numpy transcription of the formula."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    keep = (a != 0) | (b != 0)
    n = int(keep.sum())
    ratio = a.sum() / b.sum()
    se = math.sqrt(n / (n - 1) * np.sum((a[keep] - ratio * b[keep]) ** 2)) / b.sum()
    half = float(stats.t.ppf(1 - (1 - confidence) / 2, n - 1)) * se
    return {
        "loss": float(ratio),
        "sum": float(a.sum()),
        "denominator": float(b.sum()),
        "standard_error": float(se),
        "interval": [float(ratio - half), float(ratio + half)],
    }


def unweighted(values, confidence, scale=1.0):
    """scipy's own figures for a plain mean of values (divided by a constant scale)."""
    values = np.asarray(values, dtype=np.float64) / scale
    mean = float(values.mean())
    se = float(stats.sem(values))
    low, high = stats.t.interval(confidence, len(values) - 1, loc=mean, scale=se)
    return {"loss": mean, "standard_error": se, "interval": [float(low), float(high)]}


def jackknife(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    n = len(a)
    leave_one_out = (a.sum() - a) / (b.sum() - b)
    return float(math.sqrt((n - 1) / n * np.sum((leave_one_out - leave_one_out.mean()) ** 2)))


def document_cce(p, y):
    return -np.log2(np.clip(p[np.arange(len(y)), y], EPS, 1 - EPS))


def keras_cce(p, y):
    p = p / p.sum(axis=1, keepdims=True)
    return -np.log(np.clip(p[np.arange(len(y)), y], 1e-7, 1 - 1e-7))


def document_bce(p, y):
    p = np.clip(p, EPS, 1 - EPS)
    return -(y * np.log2(p) + (1 - y) * np.log2(1 - p)).sum(axis=1)


def pytorch_bce(p, y):
    return -(y * np.maximum(np.log(p), -100) + (1 - y) * np.maximum(np.log1p(-p), -100)).sum(axis=1)


def request(loss, convention, predictions, labels, **options):
    body = {"convention": convention, "predictions": predictions.tolist(), "labels": labels.tolist()}
    body.update({k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in options.items()})
    return {"loss": loss, "body": body}


def scoring_cases():
    cases = []
    # Unweighted: scipy.stats.sem and t.interval.
    for n, c, confidence in [(2, 3, 0.95), (3, 3, 0.5), (40, 4, 0.95), (250, 5, 0.99), (1000, 3, 0.999999)]:
        p = softmax_rows(n, c, 1.5)
        y = rng.integers(c, size=n)
        case = request("cce", "document", p, y, confidence=confidence)
        case.update(name=f"document cce n={n} c={confidence}", expected=unweighted(document_cce(p, y), confidence))
        cases.append(case)
    # Low variance: every loss within 1e-9 of -log2 0.7.
    n = 300
    y = rng.integers(3, size=n)
    p = np.full((n, 3), 0.15)
    p[np.arange(n), y] = 0.7 + rng.normal(size=n) * 1e-9
    p[np.arange(n), (y + 1) % 3] = 0.85 - p[np.arange(n), y]
    case = request("cce", "document", p, y)
    case.update(name="document cce low variance", expected=unweighted(document_cce(p, y), 0.95))
    cases.append(case)
    n = 120
    p = softmax_rows(n, 4, 2.0)
    y = rng.integers(4, size=n)
    case = request("cce", "keras", p, y, confidence=0.9)
    case.update(name="keras cce unweighted", expected=unweighted(keras_cce(p, y), 0.9))
    cases.append(case)
    p = rng.uniform(0.01, 0.99, size=(80, 3))
    t = (rng.uniform(size=(80, 3)) < 0.4).astype(float)
    case = request("bce", "document", p, t)
    case.update(name="document bce unweighted", expected=unweighted(document_bce(p, t), 0.95))
    cases.append(case)
    case = request("bce", "pytorch", p, t, confidence=0.8)
    case.update(name="pytorch bce (b = C)", expected=unweighted(pytorch_bce(p, t), 0.8, scale=3.0))
    cases.append(case)
    # Weighted: the numpy transcription, and a jackknife beside it.
    for n, confidence in [(300, 0.95), (60, 0.99)]:
        p = softmax_rows(n, 3, 1.0)
        y = rng.integers(3, size=n)
        s = rng.uniform(0, 3, size=n)
        s[::7] = 0
        losses = document_cce(p, y)
        case = request("cce", "document", p, y, sample_weights=s, confidence=confidence)
        case.update(name=f"document cce weighted n={n}", expected=figures(s * losses, s, confidence))
        case["jackknife_standard_error"] = jackknife(s * losses, s)
        cases.append(case)
        case = request("cce", "keras", p, y, sample_weights=s, confidence=confidence)
        case.update(name=f"keras cce weighted n={n}", expected=figures(s * keras_cce(p, y), np.ones(n), confidence))
        case["jackknife_standard_error"] = jackknife(s * keras_cce(p, y), np.ones(n))
        cases.append(case)
    # PyTorch, class weights over index labels: b_i = w_{y_i}.
    n = 200
    z = rng.normal(size=(n, 4)) * 2
    y = rng.integers(4, size=n)
    w = np.array([0.5, 2.0, 1.0, 3.0])
    losses = -w[y] * log_softmax(z, axis=1)[np.arange(n), y]
    case = request("cce", "pytorch", z, y, class_weights=w)
    case.update(name="pytorch cce class weights", expected=figures(losses, w[y], 0.95))
    case["jackknife_standard_error"] = jackknife(losses, w[y])
    cases.append(case)
    # Smoothing and a zero class weight: a_i > 0 with b_i = 0 still counts in n.
    w = np.array([0.0, 2.0, 1.0, 3.0])
    smoothing = 0.1
    targets = np.full((n, 4), smoothing / 4)
    targets[np.arange(n), y] += 1 - smoothing
    losses = -(targets * w * log_softmax(z, axis=1)).sum(axis=1)
    case = request("cce", "pytorch", z, y, class_weights=w, label_smoothing=smoothing)
    case.update(name="pytorch cce smoothing, zero class weight", expected=figures(losses, w[y], 0.95))
    cases.append(case)
    return cases


def main():
    document = {
        "generator": "scripts/vectors/uncertainty.py",
        "scipy": __import__("scipy").__version__,
        "numpy": np.__version__,
        "quantiles": quantiles(),
        "tails": tails(),
        "cases": scoring_cases(),
    }
    OUT.write_text(json.dumps(document, indent=None, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
