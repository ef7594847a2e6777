#!/usr/bin/env python3
"""Writes Tests/CrossEntropyTests/Vectors/ignore_index.json: /cce bodies whose class-index labels
include PyTorch's ignore_index, and the numbers torch.nn.functional.cross_entropy prints for
them in float64, for the Swift tests to match to 1e-12 relative (in the core and over HTTP).

Each case: `loss` is cross_entropy's default reduction "mean" (with class weights: Σ over the
kept samples of w_y·L / Σ over the kept samples of w_y; with label smoothing its smoothing term
masked the same way), `sum` its "sum" reduction, and `losses` its reduction "none" with the
ignored samples as null (PyTorch writes 0 there; the service writes no loss, null). `n` and
`ignored` are the kept and ignored counts, `denominator` what `sum` is divided by.

Cases under `convention: pytorch` rely on its default ignore_index of -100 (or set another
one, a valid class index included); the `document` cases send `ignore_index` explicitly with
probabilities away from 0 and 1 (so the document's clipping plays no part), and their
reference is PyTorch's nll_loss of log p, in bits; the sample-weighted one weighs PyTorch's
reduction "none" with numpy, as the document defines its weighted mean.

Run (its own environment: torch pulls in large wheels; CPU wheels from PyPI suffice):
     python3 -m venv /tmp/golden && /tmp/golden/bin/pip install torch numpy
     python3 scripts/vectors/ignore_index.py   (in a virtual environment with torch and numpy)
The output is committed; CI does not run this script.
"""
import json
import math
import pathlib

import numpy as np
import torch
import torch.nn.functional as F

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests/CrossEntropyTests/Vectors/ignore_index.json"
rng = np.random.default_rng(20261203)
LN2 = math.log(2)


def t(x, dtype=torch.float64):
    return torch.tensor(np.asarray(x), dtype=dtype)


def labels_with(n, c, ignore, ignored_positions):
    y = rng.integers(c, size=n)
    if 0 <= ignore < c:
        y[y == ignore] = (ignore + 1) % c  # only the chosen positions are ignored
    y[ignored_positions] = ignore
    return y


def pytorch_case(name, n, c, ignored_positions, ignore=-100, class_weights=None, smoothing=0.0, base=None):
    z = rng.normal(size=(n, c)) * 2
    # The ignored rows get extreme logits: were they counted, the numbers would move a lot.
    z[ignored_positions] = rng.normal(size=(len(ignored_positions), c)) * 40
    y = labels_with(n, c, ignore, ignored_positions)
    kwargs = {"ignore_index": ignore, "label_smoothing": smoothing}
    if class_weights is not None:
        kwargs["weight"] = t(class_weights)
    mean = F.cross_entropy(t(z), t(y, torch.int64), reduction="mean", **kwargs).item()
    total = F.cross_entropy(t(z), t(y, torch.int64), reduction="sum", **kwargs).item()
    none = F.cross_entropy(t(z), t(y, torch.int64), reduction="none", **kwargs).numpy()
    kept = y != ignore
    weights = np.ones(c) if class_weights is None else np.asarray(class_weights)
    denominator = float(weights[y[kept]].sum())
    scale = LN2 if base == 2 else 1.0
    body = {"convention": "pytorch", "predictions": z.tolist(), "labels": y.tolist()}
    if ignore != -100:
        body["ignore_index"] = ignore
    if class_weights is not None:
        body["class_weights"] = list(class_weights)
    if smoothing:
        body["label_smoothing"] = smoothing
    if base is not None:
        body["base"] = base
    return entry(name, body, mean / scale, total / scale, none / scale, kept, denominator)


def document_case(name, n, c, ignored_positions, ignore, sample_weights=None):
    z = rng.normal(size=(n, c))
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)  # away from 0 and 1: no clipping
    y = labels_with(n, c, ignore, ignored_positions)
    logp = torch.log(t(p))
    none = F.nll_loss(logp, t(y, torch.int64), ignore_index=ignore, reduction="none").numpy() / LN2
    kept = y != ignore
    if sample_weights is None:
        mean = F.nll_loss(logp, t(y, torch.int64), ignore_index=ignore, reduction="mean").item() / LN2
        total = F.nll_loss(logp, t(y, torch.int64), ignore_index=ignore, reduction="sum").item() / LN2
        denominator = float(kept.sum())
    else:
        s = np.asarray(sample_weights)
        total = float((s[kept] * none[kept]).sum())
        denominator = float(s[kept].sum())
        mean = total / denominator
    body = {"predictions": p.tolist(), "labels": y.tolist(), "ignore_index": ignore}
    if sample_weights is not None:
        body["sample_weights"] = list(sample_weights)
    return entry(name, body, mean, total, none, kept, denominator)


def entry(name, body, mean, total, none, kept, denominator):
    return {
        "name": name,
        "request": body,
        "expected": {
            "loss": float(mean),
            "sum": float(total),
            "losses": [float(v) if k else None for v, k in zip(none, kept)],
            "n": int(kept.sum()),
            "ignored": int((~kept).sum()),
            "denominator": denominator,
        },
    }


def cases():
    weights = [0.5, 2.0, 1.0, 3.0]
    return [
        pytorch_case("pytorch-default-7x4", 7, 4, [1, 4]),
        pytorch_case("pytorch-class-weights-9x4", 9, 4, [0, 5, 8], class_weights=weights),
        pytorch_case("pytorch-smoothing-8x5", 8, 5, [2, 3], smoothing=0.1),
        pytorch_case("pytorch-weights-smoothing-10x4", 10, 4, [3, 6, 9], class_weights=weights, smoothing=0.2),
        pytorch_case("pytorch-index-2-as-ignore-12x4", 12, 4, [0, 7], ignore=2, class_weights=weights),
        pytorch_case("pytorch-ignore-7-base2-6x3", 6, 3, [5], ignore=7, base=2),
        pytorch_case("pytorch-one-kept-5x3", 5, 3, [0, 1, 2, 4]),
        pytorch_case("pytorch-many-200x10", 200, 10, list(range(0, 200, 7))),
        document_case("document-minus-1-8x3", 8, 3, [2, 6], ignore=-1),
        document_case("document-sample-weights-9x4", 9, 4, [0, 4], ignore=-100,
                      sample_weights=[1.0, 2.0, 0.5, 1.0, 3.0, 0.0, 1.5, 1.0, 2.5]),
    ]


if __name__ == "__main__":
    document = {
        "generator": "scripts/vectors/ignore_index.py",
        "torch": torch.__version__,
        "cases": cases(),
    }
    OUT.write_text(json.dumps(document, indent=1) + "\n")
    print(f"wrote {len(document['cases'])} cases to {OUT}")
