#!/usr/bin/env python3
"""Writes Tests/CrossEntropyTests/Vectors/reference.json: inputs and the losses that
independent references give for them, for the Swift tests to match to 1e-12 relative.

References:
  - scikit-learn's log_loss (clip at float64 eps, natural log) for the mean CCE over
    samples with index labels, and per class for BCE (each class a binary problem);
  - scipy's xlogy, log_softmax and log_expit (PyTorch's cross_entropy and
    binary_cross_entropy_with_logits semantics) for per-sample values, soft labels and logits.
Values are converted to bits or hartleys by dividing by ln(2) or ln(10).

Run: python3 -m pip install -r scripts/vectors/requirements.txt
     python3 scripts/vectors/generate.py
The output is committed; CI does not run this script.
"""
import json
import math
import pathlib
import warnings

import numpy as np
from scipy.special import log_expit, log_softmax, xlogy
from sklearn.metrics import log_loss

EPS = np.finfo(np.float64).eps
BASES = {2: math.log(2), "e": 1.0, 10: math.log(10)}
OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests/CrossEntropyTests/Vectors/reference.json"
rng = np.random.default_rng(20261129)


def softmax_rows(n, c, sharpness):
    z = rng.normal(size=(n, c)) * sharpness
    return np.exp(log_softmax(z, axis=1))


def with_extremes(p):
    """Puts exact zeros and ones into some rows, to exercise clipping."""
    p = p.copy()
    for i in range(0, p.shape[0], 4):
        j = rng.integers(p.shape[1])
        p[i] = 0.0
        p[i, j] = 1.0
    return p


def cce_probabilities(p, y_rows):
    return -xlogy(y_rows, np.clip(p, EPS, 1 - EPS)).sum(axis=1)


def cce_logits(z, y_rows):
    return -(y_rows * log_softmax(z, axis=1)).sum(axis=1)


def bce_terms_probabilities(p, y):
    q = np.clip(p, EPS, 1 - EPS)
    return -(xlogy(y, q) + xlogy(1 - y, 1 - q))


def bce_terms_logits(x, y):
    return -(y * log_expit(x) + (1 - y) * log_expit(-x))


def case(name, loss, input_kind, base, predictions, labels, losses_nats, class_nats=None, mean_nats=None,
         options=None):
    scale = BASES[base]
    weights = np.asarray((options or {}).get("sample_weights", np.ones(len(losses_nats))), dtype=np.float64)
    weighted_sum = float(np.sum(weights * losses_nats))
    mean = weighted_sum / float(np.sum(weights)) if mean_nats is None else mean_nats
    expected = {
        "loss": mean / scale,
        "sum": weighted_sum / scale,
        "losses": [float(v) / scale for v in losses_nats],
    }
    if class_nats is not None:
        expected["class_losses"] = [float(v) / scale for v in class_nats]
    return {
        "name": name,
        "options": options or {},
        "loss": loss,
        "input": input_kind,
        "base": base,
        "predictions": predictions.tolist(),
        "labels": labels.tolist() if isinstance(labels, np.ndarray) else labels,
        "expected": expected,
    }


def categorical_cases():
    cases = []
    for k, (n, c) in enumerate([(1, 2), (5, 3), (17, 4), (40, 10), (3, 1000), (60, 7)]):
        base = list(BASES)[k % 3]
        p = softmax_rows(n, c, sharpness=1 + k)
        if k % 2 == 1:
            p = with_extremes(p)
        y = rng.integers(c, size=n)
        y[0] = c - 1
        y_rows = np.eye(c)[y]
        per_sample = cce_probabilities(p, y_rows)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mean = float(log_loss(y, p, labels=list(range(c))))  # scikit-learn's own answer
        cases.append(case(f"cce-index-{n}x{c}", "cce", "probabilities", base, p, y, per_sample, mean_nats=mean))
        cases.append(case(f"cce-onehot-{n}x{c}", "cce", "probabilities", base, p, y_rows, per_sample, mean_nats=mean))
        soft = softmax_rows(n, c, sharpness=0.5)
        cases.append(case(f"cce-soft-{n}x{c}", "cce", "probabilities", base, p, soft, cce_probabilities(p, soft)))
        z = rng.normal(size=(n, c)) * (10.0 ** (k % 4))  # logits up to about ±1e3
        cases.append(case(f"cce-logits-index-{n}x{c}", "cce", "logits", base, z, y, cce_logits(z, y_rows)))
        cases.append(case(f"cce-logits-soft-{n}x{c}", "cce", "logits", base, z, soft, cce_logits(z, soft)))
    return cases


def binary_cases():
    cases = []
    for k, (n, c) in enumerate([(1, 1), (4, 3), (25, 5), (50, 2), (8, 200)]):
        base = list(BASES)[k % 3]
        p = rng.uniform(size=(n, c))
        if k % 2 == 0:
            p[0, 0], p[-1, -1] = 0.0, 1.0
        y = (rng.uniform(size=(n, c)) < 0.4).astype(float)
        terms = bce_terms_probabilities(p, y)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            class_means = [
                float(log_loss(y[:, j], np.stack([1 - p[:, j], p[:, j]], axis=1), labels=[0, 1]))
                for j in range(c)
            ]
        cases.append(
            case(f"bce-multihot-{n}x{c}", "bce", "probabilities", base, p, y, terms.sum(axis=1), class_means,
                 mean_nats=float(np.sum(class_means)))
        )
        soft = rng.uniform(size=(n, c))
        terms = bce_terms_probabilities(p, soft)
        cases.append(case(f"bce-soft-{n}x{c}", "bce", "probabilities", base, p, soft, terms.sum(axis=1), terms.mean(axis=0)))
        x = rng.normal(size=(n, c)) * (10.0 ** (k % 4))
        terms = bce_terms_logits(x, y)
        cases.append(case(f"bce-logits-{n}x{c}", "bce", "logits", base, x, y, terms.sum(axis=1), terms.mean(axis=0)))
    return cases


def weighted_cases():
    """Sample weights (scikit-learn's own weighted log_loss), class weights, positive weights and
    label smoothing (the formulas of the service issue, in numpy)."""
    cases = []
    for k, (n, c) in enumerate([(6, 3), (30, 5), (80, 12)]):
        base = list(BASES)[k % 3]
        p = with_extremes(softmax_rows(n, c, sharpness=1.5))
        y = rng.integers(c, size=n)
        y[0] = c - 1
        s = rng.uniform(0, 3, size=n)
        s[1] = 0.0
        per_sample = cce_probabilities(p, np.eye(c)[y])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mean = float(log_loss(y, p, sample_weight=s, labels=list(range(c))))
        cases.append(case(f"cce-sample-weights-{n}x{c}", "cce", "probabilities", base, p, y, per_sample,
                          mean_nats=mean, options={"sample_weights": s.tolist()}))
        w = rng.uniform(0.2, 2.5, size=c)
        a = 0.1 * (k + 1)
        targets = np.eye(c)[y] * (1 - a) + a / c
        smoothed = -(targets * w * np.log(np.clip(p, EPS, 1 - EPS))).sum(axis=1)
        cases.append(case(f"cce-class-weights-smoothing-{n}x{c}", "cce", "probabilities", base, p, y, smoothed,
                          options={"class_weights": w.tolist(), "label_smoothing": a, "sample_weights": s.tolist()}))
        z = rng.normal(size=(n, c)) * 4
        smoothed_logits = -(targets * w * log_softmax(z, axis=1)).sum(axis=1)
        cases.append(case(f"cce-logits-class-weights-smoothing-{n}x{c}", "cce", "logits", base, z, y, smoothed_logits,
                          options={"class_weights": w.tolist(), "label_smoothing": a}))
        q = rng.uniform(size=(n, c))
        t = (rng.uniform(size=(n, c)) < 0.3).astype(float)
        pos = rng.uniform(0.5, 4, size=c)
        t_smooth = t * (1 - a) + a / 2
        qc = np.clip(q, EPS, 1 - EPS)
        terms = -(pos * xlogy(t_smooth, qc) + xlogy(1 - t_smooth, 1 - qc))
        class_nats = (s[:, None] * terms).sum(axis=0) / s.sum()
        cases.append(case(f"bce-pos-weight-smoothing-{n}x{c}", "bce", "probabilities", base, q, t, terms.sum(axis=1),
                          class_nats, options={"pos_weight": pos.tolist(), "label_smoothing": a,
                                               "sample_weights": s.tolist()}))
        x = rng.normal(size=(n, c)) * 3
        logit_terms = -(pos * t * log_expit(x) + (1 - t) * log_expit(-x))  # BCEWithLogitsLoss(pos_weight)
        cases.append(case(f"bce-logits-pos-weight-{n}x{c}", "bce", "logits", base, x, t, logit_terms.sum(axis=1),
                          logit_terms.mean(axis=0), options={"pos_weight": pos.tolist()}))
    return cases


def main():
    document = {
        "generator": "scripts/vectors/generate.py",
        "epsilon": EPS,
        "cases": categorical_cases() + binary_cases() + weighted_cases(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(document, indent=None, separators=(",", ":")) + "\n")
    print(f"wrote {len(document['cases'])} cases to {OUT}")


if __name__ == "__main__":
    main()
