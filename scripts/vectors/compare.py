#!/usr/bin/env python3
"""Writes Tests/CrossEntropyTests/Vectors/compare.json: /compare requests (two models' predictions
for the same samples) with the difference, standard error, interval, p-value and verdict their
answers must carry, for the Swift tests (core and over HTTP): differences to 1e-12 relative,
p-values to 1e-9 relative or 1e-300 absolute.

References:
  - scipy.stats.ttest_rel(candidate_losses, baseline_losses) for the statistic and two-sided
    p-value of unweighted losses (every b_i = 1, or b_i = C for PyTorch's BCE: the same t);
  - scipy.stats.sem for the mean difference's standard error, and the interval
    mean -+ scipy.stats.t.ppf(1 - (1 - c)/2, n - 1) * SE, checked against scipy.stats.t.interval
    to 1e-10 (t.interval's two ends come from ppf((1 - c)/2) and ppf((1 + c)/2), which float64
    rounds 1e-12 apart at c = 0.999999; the service's interval is symmetric);
  - for weighted losses, a numpy transcription of the delta-method form on d_i = a_i(candidate) -
    a_i(baseline) over the same b_i, sqrt(n/(n-1) * sum (d_i - R b_i)^2) / sum b_i, with the
    p-value 2 * scipy.stats.t.sf(|R / SE|, n - 1).
Per-sample losses are written here from the conventions' formulas (numpy), as in uncertainty.py.

Run: python3 -m pip install -r scripts/vectors/requirements.txt
     python3 scripts/vectors/compare.py
The output is committed; CI does not run this script.
"""
import json
import math
import pathlib

import numpy as np
from scipy import stats
from scipy.special import log_softmax

EPS = np.finfo(np.float64).eps
OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests/CrossEntropyTests/Vectors/compare.json"
rng = np.random.default_rng(20261204)


def softmax(logits):
    return np.exp(log_softmax(logits, axis=1))


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


def verdict(low, high):
    if high < 0:
        return "candidate_better"
    if low > 0:
        return "baseline_better"
    return "no_significant_difference"


def symmetric(mean, se, confidence, df):
    """mean -+ t(1 - (1 - c)/2, df) * se."""
    half = float(stats.t.ppf(1 - (1 - confidence) / 2, df)) * se
    return float(mean - half), float(mean + half)


def paired(candidate, baseline, confidence, scale=1.0):
    """scipy's paired t-test of plain per-sample losses (divided by a constant scale)."""
    candidate = np.asarray(candidate, dtype=np.float64) / scale
    baseline = np.asarray(baseline, dtype=np.float64) / scale
    d = candidate - baseline
    mean = float(d.mean())
    se = float(stats.sem(d))
    test = stats.ttest_rel(candidate, baseline)
    low, high = symmetric(mean, se, confidence, len(d) - 1)
    # scipy's t.interval takes its ends from ppf((1 - c)/2) and ppf((1 + c)/2), which float64
    # rounds differently (1e-12 apart at c = 0.999999); the service's interval is symmetric.
    reference = stats.t.interval(confidence, len(d) - 1, loc=mean, scale=se)
    assert np.allclose([low, high], reference, rtol=1e-10, atol=1e-14 * abs(mean)), (low, high, reference)
    return {
        "mean": mean,
        "standard_error": se,
        "interval": [float(low), float(high)],
        "p_value": float(test.pvalue),
        "t": float(test.statistic),
        "verdict": verdict(low, high),
    }


def weighted(a_candidate, a_baseline, b, confidence):
    """The numpy transcription of the delta-method form on d_i over b_i."""
    d = np.asarray(a_candidate, dtype=np.float64) - np.asarray(a_baseline, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    keep = (d != 0) | (b != 0)
    n = int(keep.sum())
    ratio = d.sum() / b.sum()
    se = math.sqrt(n / (n - 1) * np.sum((d[keep] - ratio * b[keep]) ** 2)) / b.sum()
    t = ratio / se
    low, high = symmetric(ratio, se, confidence, n - 1)
    return {
        "mean": float(ratio),
        "standard_error": float(se),
        "interval": [low, high],
        "p_value": float(2 * stats.t.sf(abs(t), n - 1)),
        "t": float(t),
        "verdict": verdict(low, high),
    }


def request(loss, convention, baseline, candidate, labels, **options):
    body = {
        "loss": loss,
        "convention": convention,
        "baseline": baseline.tolist(),
        "candidate": candidate.tolist(),
        "labels": labels.tolist(),
    }
    body.update({k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in options.items()})
    return {"body": body}


def two_models(n, c, gap, noise=1.0):
    """Logits of a shared signal: the candidate sees the true class `gap` more clearly."""
    y = rng.integers(c, size=n)
    signal = rng.normal(size=(n, c))
    signal[np.arange(n), y] += 1.0
    baseline = signal + rng.normal(size=(n, c)) * noise
    candidate = signal + rng.normal(size=(n, c)) * noise
    candidate[np.arange(n), y] += gap
    return softmax(baseline), softmax(candidate), y


def cases():
    out = []

    def add(name, case, expected):
        case.update(name=name, expected=expected)
        out.append(case)

    # Unweighted CCE: scipy's ttest_rel, sem and t.interval.
    for n, c, gap, confidence in [
        (2, 3, 0.5, 0.95), (3, 3, 0.0, 0.5), (30, 4, 0.3, 0.95), (500, 5, 0.2, 0.99),
        (500, 5, -0.3, 0.95), (200, 3, 0.0, 0.9), (1000, 3, 0.05, 0.999999),
    ]:
        pb, pc, y = two_models(n, c, gap)
        add(f"document cce n={n} gap={gap} c={confidence}",
            request("cce", "document", pb, pc, y, confidence=confidence),
            paired(document_cce(pc, y), document_cce(pb, y), confidence))
    # Tiny p-values: about 1e-150, 1e-200, and one below 1e-300 (within 1e-300 absolute).
    for n, spread in [(1000, 0.1), (3000, 0.132), (3000, 0.12)]:
        y = rng.integers(3, size=n)
        pb = np.full((n, 3), 1 / 3)
        strength = np.clip(0.45 + rng.normal(size=n) * spread, 0.05, 0.98)
        pc = np.empty((n, 3))
        pc[np.arange(n), y] = strength
        pc[np.arange(n), (y + 1) % 3] = (1 - strength) / 2
        pc[np.arange(n), (y + 2) % 3] = 1 - strength - (1 - strength) / 2
        add(f"document cce tiny p n={n} spread={spread}", request("cce", "document", pb, pc, y),
            paired(document_cce(pc, y), document_cce(pb, y), 0.95))
    # Identical models: every d_i = 0, p-value 1 (scipy's NaN, decided explicitly).
    pb, _, y = two_models(50, 3, 0.0)
    case = request("cce", "document", pb, pb, y)
    add("identical models", case, {
        "mean": 0.0, "standard_error": 0.0, "interval": [0.0, 0.0], "p_value": 1.0,
        "verdict": "no_significant_difference"})
    # Keras (natural log, rows renormalised), unweighted.
    pb, pc, y = two_models(120, 4, 0.2)
    add("keras cce unweighted", request("cce", "keras", pb, pc, y, confidence=0.9),
        paired(keras_cce(pc, y), keras_cce(pb, y), 0.9))
    # BCE: document, and PyTorch (b_i = C: the same t, the mean divided by C).
    n, c = 80, 3
    t = (rng.uniform(size=(n, c)) < 0.4).astype(float)
    pb = rng.uniform(0.05, 0.95, size=(n, c))
    pc = np.clip(pb + (t - pb) * rng.uniform(0, 0.3, size=(n, c)), 0.01, 0.99)
    add("document bce unweighted", request("bce", "document", pb, pc, t),
        paired(document_bce(pc, t), document_bce(pb, t), 0.95))
    add("pytorch bce (b = C)", request("bce", "pytorch", pb, pc, t, confidence=0.8),
        paired(pytorch_bce(pc, t), pytorch_bce(pb, t), 0.8, scale=float(c)))
    # Weighted: the numpy transcription.
    for n, confidence in [(300, 0.95), (60, 0.99)]:
        pb, pc, y = two_models(n, 3, 0.15)
        s = rng.uniform(0, 3, size=n)
        s[::7] = 0
        add(f"document cce weighted n={n}",
            request("cce", "document", pb, pc, y, sample_weights=s, confidence=confidence),
            weighted(s * document_cce(pc, y), s * document_cce(pb, y), s, confidence))
        add(f"keras cce weighted n={n}",
            request("cce", "keras", pb, pc, y, sample_weights=s, confidence=confidence),
            weighted(s * keras_cce(pc, y), s * keras_cce(pb, y), np.ones(n), confidence))
    # PyTorch, logits and class weights over index labels: b_i = w_{y_i}.
    n = 200
    y = rng.integers(4, size=n)
    zb = rng.normal(size=(n, 4)) * 2
    zc = zb + rng.normal(size=(n, 4))
    zc[np.arange(n), y] += 0.4
    w = np.array([0.5, 2.0, 1.0, 3.0])
    lb = -w[y] * log_softmax(zb, axis=1)[np.arange(n), y]
    lc = -w[y] * log_softmax(zc, axis=1)[np.arange(n), y]
    add("pytorch cce class weights", request("cce", "pytorch", zb, zc, y, class_weights=w),
        weighted(lc, lb, w[y], 0.95))
    return out


def main():
    document = {
        "generator": "scripts/vectors/compare.py",
        "scipy": __import__("scipy").__version__,
        "numpy": np.__version__,
        "cases": cases(),
    }
    OUT.write_text(json.dumps(document, indent=None, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
