#!/usr/bin/env python3
"""Writes Tests/CrossEntropyTests/Vectors/golden.json: request bodies with a `convention`, and
the numbers the real library prints for the same inputs, for the Swift tests to match to
1e-12 relative.

Libraries, all in float64:
  - scikit-learn: sklearn.metrics.log_loss (labels=range(C) so every class is known);
  - PyTorch: torch.nn.functional.cross_entropy, binary_cross_entropy and
    binary_cross_entropy_with_logits;
  - Keras 3 on its JAX backend (floatx float64, jax x64): keras.losses.CategoricalCrossentropy
    and SparseCategoricalCrossentropy, default reduction "sum_over_batch_size"; for
    BinaryCrossentropy, whose mean over classes Keras computes in float32, Keras' float64
    element kernel reduced in float64 (see keras_binary_call).
For each case: `loss` is the library's default reduction, `sum` its "sum" reduction, and
`losses` its per-sample values (reduction "none"; PyTorch's binary losses, which are per
element, summed over the class axis). Bodies leave `base` out (the convention's nats) unless
a case tests an override, where the numbers are divided by ln 2.

Run (its own environment: torch pulls in large wheels):
     python3 -m venv /tmp/golden && /tmp/golden/bin/pip install -r scripts/vectors/golden-requirements.txt
     /tmp/golden/bin/python scripts/vectors/golden.py
The output is committed; CI does not run this script.
"""
import json
import math
import os
import pathlib
import warnings

os.environ["KERAS_BACKEND"] = "jax"
import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)
import keras  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from sklearn.metrics import log_loss  # noqa: E402

keras.config.set_floatx("float64")
OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests/CrossEntropyTests/Vectors/golden.json"
rng = np.random.default_rng(20261129)
LN2 = math.log(2)


def softmax_rows(n, c, sharpness):
    z = rng.normal(size=(n, c)) * sharpness
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def with_extremes(p):
    """Exact zeros and ones in some rows, to exercise clipping and clamping."""
    p = p.copy()
    for i in range(0, p.shape[0], 3):
        j = rng.integers(p.shape[1])
        p[i] = 0.0
        p[i, j] = 1.0
    return p


def logits(n, c, scale):
    return rng.normal(size=(n, c)) * scale


def t(x):
    return torch.tensor(np.asarray(x), dtype=torch.float64)


def case(name, loss, body, loss_value, sum_value, losses, scale=1.0):
    return {
        "name": name,
        "loss": loss,
        "request": body,
        "expected": {
            "loss": float(loss_value) / scale,
            "sum": float(sum_value) / scale,
            "losses": [float(v) / scale for v in losses],
        },
    }


def as_list(x):
    return np.asarray(x).tolist()


# ---------------------------------------------------------------- scikit-learn


def sklearn_cases():
    cases = []
    for k, (n, c) in enumerate([(1, 2), (7, 3), (60, 10), (4, 1000), (500, 4)]):
        p = softmax_rows(n, c, sharpness=1 + k)
        if k % 2 == 1:
            p = with_extremes(p)
        y = rng.integers(c, size=n)
        labels = list(range(c))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            per_sample = [log_loss([y[i]], p[i : i + 1], labels=labels, normalize=False) for i in range(n)]
            mean = log_loss(y, p, labels=labels)
            total = log_loss(y, p, labels=labels, normalize=False)
            body = {"convention": "sklearn", "predictions": as_list(p), "labels": as_list(y)}
            cases.append(case(f"sklearn-cce-index-{n}x{c}", "cce", body, mean, total, per_sample))
            onehot = dict(body, labels=as_list(np.eye(c)[y]))
            cases.append(case(f"sklearn-cce-onehot-{n}x{c}", "cce", onehot, mean, total, per_sample))
            s = rng.uniform(0, 3, size=n)
            s[0] = 0.0 if n > 1 else 1.0
            weighted = dict(body, sample_weights=as_list(s))
            cases.append(
                case(
                    f"sklearn-cce-sample-weights-{n}x{c}",
                    "cce",
                    weighted,
                    log_loss(y, p, labels=labels, sample_weight=s),
                    log_loss(y, p, labels=labels, sample_weight=s, normalize=False),
                    per_sample,
                )
            )
            if k == 2:
                bits = dict(body, base=2)
                cases.append(case(f"sklearn-cce-base2-{n}x{c}", "cce", bits, mean, total, per_sample, scale=LN2))
    for n in [1, 9, 200]:
        q = rng.uniform(size=n)
        q[0] = 1.0
        if n > 2:
            q[1] = 0.0
        y = (rng.uniform(size=n) < 0.5).astype(int)
        s = rng.uniform(0.1, 2, size=n)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            per_sample = [log_loss([y[i]], [q[i]], labels=[0, 1], normalize=False) for i in range(n)]
            body = {"convention": "sklearn", "predictions": as_list(q[:, None]), "labels": as_list(y)}
            cases.append(
                case(
                    f"sklearn-bce-{n}",
                    "bce",
                    body,
                    log_loss(y, q, labels=[0, 1]),
                    log_loss(y, q, labels=[0, 1], normalize=False),
                    per_sample,
                )
            )
            cases.append(
                case(
                    f"sklearn-bce-sample-weights-{n}",
                    "bce",
                    dict(body, sample_weights=as_list(s)),
                    log_loss(y, q, labels=[0, 1], sample_weight=s),
                    log_loss(y, q, labels=[0, 1], sample_weight=s, normalize=False),
                    per_sample,
                )
            )
    return cases


# ---------------------------------------------------------------- PyTorch


def torch_ce(z, target, **kwargs):
    z = t(z)
    target = torch.tensor(target, dtype=torch.long) if np.asarray(target).dtype.kind == "i" else t(target)
    mean = F.cross_entropy(z, target, **kwargs).item()
    total = F.cross_entropy(z, target, reduction="sum", **kwargs).item()
    per_sample = F.cross_entropy(z, target, reduction="none", **kwargs).tolist()
    return mean, total, per_sample


def torch_bce(fn, x, y, **kwargs):
    x, y = t(x), t(y)
    mean = fn(x, y, **kwargs).item()
    total = fn(x, y, reduction="sum", **kwargs).item()
    per_sample = fn(x, y, reduction="none", **kwargs).sum(dim=1).tolist()
    return mean, total, per_sample


def pytorch_cases():
    cases = []
    for k, (n, c) in enumerate([(1, 2), (5, 3), (40, 10), (3, 1000), (500, 5), (64, 7)]):
        scale = [1, 10, 100, 1000][k % 4]  # logits up to about ±1e3
        z = logits(n, c, scale)
        y = rng.integers(c, size=n)
        w = rng.uniform(0.2, 2.5, size=c)
        a = 0.05 * (k + 1)
        soft = softmax_rows(n, c, sharpness=0.7)
        body = {"convention": "pytorch", "predictions": as_list(z), "labels": as_list(y)}
        cases.append(case(f"pytorch-cce-index-{n}x{c}", "cce", body, *torch_ce(z, y)))
        cases.append(
            case(
                f"pytorch-cce-index-weights-{n}x{c}",
                "cce",
                dict(body, class_weights=as_list(w)),
                *torch_ce(z, y, weight=t(w)),
            )
        )
        cases.append(
            case(
                f"pytorch-cce-index-smoothing-{n}x{c}",
                "cce",
                dict(body, label_smoothing=a),
                *torch_ce(z, y, label_smoothing=a),
            )
        )
        cases.append(
            case(
                f"pytorch-cce-index-weights-smoothing-{n}x{c}",
                "cce",
                dict(body, class_weights=as_list(w), label_smoothing=a),
                *torch_ce(z, y, weight=t(w), label_smoothing=a),
            )
        )
        soft_body = dict(body, labels=as_list(soft))
        cases.append(case(f"pytorch-cce-soft-{n}x{c}", "cce", soft_body, *torch_ce(z, soft)))
        cases.append(
            case(
                f"pytorch-cce-soft-weights-smoothing-{n}x{c}",
                "cce",
                dict(soft_body, class_weights=as_list(w), label_smoothing=a),
                *torch_ce(z, soft, weight=t(w), label_smoothing=a),
            )
        )
        if k == 1:
            explicit = dict(body, input="logits", base=2)
            mean, total, per_sample = torch_ce(z, y)
            cases.append(case(f"pytorch-cce-base2-{n}x{c}", "cce", explicit, mean, total, per_sample, scale=LN2))
    for k, (n, c) in enumerate([(1, 1), (6, 3), (50, 4), (4, 300), (400, 2)]):
        p = rng.uniform(size=(n, c))
        p.flat[:: max(1, p.size // 5)] = 0.0  # exact 0 and 1: PyTorch clamps each log at -100
        p.flat[1 :: max(2, p.size // 4)] = 1.0
        y = (rng.uniform(size=(n, c)) < 0.4).astype(float)
        soft = rng.uniform(size=(n, c))
        body = {"convention": "pytorch", "predictions": as_list(p), "labels": as_list(y)}
        cases.append(case(f"pytorch-bce-{n}x{c}", "bce", body, *torch_bce(F.binary_cross_entropy, p, y)))
        cases.append(
            case(
                f"pytorch-bce-soft-{n}x{c}",
                "bce",
                dict(body, labels=as_list(soft)),
                *torch_bce(F.binary_cross_entropy, p, soft),
            )
        )
        x = logits(n, c, [1, 10, 100, 1000][k % 4])
        pos = rng.uniform(0.5, 4, size=c)
        logit_body = {"convention": "pytorch", "input": "logits", "predictions": as_list(x), "labels": as_list(y)}
        cases.append(
            case(
                f"pytorch-bce-logits-{n}x{c}",
                "bce",
                logit_body,
                *torch_bce(F.binary_cross_entropy_with_logits, x, y),
            )
        )
        cases.append(
            case(
                f"pytorch-bce-logits-pos-weight-soft-{n}x{c}",
                "bce",
                dict(logit_body, labels=as_list(soft), pos_weight=as_list(pos)),
                *torch_bce(F.binary_cross_entropy_with_logits, x, soft, pos_weight=t(pos)),
            )
        )
    # Confident predictions, where the loss is ~1e-14 and PyTorch's own expressions (log1p(-p),
    # and (1 - y)·x - log σ(x), which cancels for negatives) differ from other stable forms.
    x = np.array([[-30.0, -35.5, 31.0, 36.6, -20.0, -33.3]])
    y = np.array([[0.0, 0.0, 1.0, 1.0, 0.0, 0.0]])
    logit_body = {"convention": "pytorch", "input": "logits", "predictions": as_list(x), "labels": as_list(y)}
    cases.append(
        case("pytorch-bce-logits-confident-1x6", "bce", logit_body, *torch_bce(F.binary_cross_entropy_with_logits, x, y))
    )
    p = np.array([[1e-10, 3e-9, 1 - 1e-9, 1e-12, 5e-7, 2e-8]])
    y = np.array([[0.0, 0.0, 1.0, 0.0, 0.0, 0.0]])
    body = {"convention": "pytorch", "predictions": as_list(p), "labels": as_list(y)}
    cases.append(case("pytorch-bce-confident-1x6", "bce", body, *torch_bce(F.binary_cross_entropy, p, y)))
    return cases


# ---------------------------------------------------------------- Keras


def keras_call(loss_class, y, p, sample_weight=None, **kwargs):
    def run(reduction, weights):
        value = loss_class(reduction=reduction, **kwargs)(y, p, sample_weight=weights)
        array = np.asarray(value)
        assert array.dtype == np.float64, array.dtype
        return array

    mean = run("sum_over_batch_size", sample_weight)
    total = run("sum", sample_weight)
    per_sample = run(None, None)
    return float(mean), float(total), per_sample.tolist()


def keras_binary_call(y, p, sample_weight=None, label_smoothing=0.0, from_logits=False):
    """Keras 3's ops.mean computes in float32 even for float64 input, so BinaryCrossentropy's
    mean over the class axis carries float32 rounding (~1e-7). The element losses come from
    Keras' own float64 kernel (keras.ops.binary_crossentropy, after Keras' smoothing), and are
    reduced here in float64 exactly as BinaryCrossentropy does; the library's own answer is
    checked to float32 precision."""
    y_smooth = y * (1.0 - label_smoothing) + 0.5 * label_smoothing if label_smoothing else y
    elements = np.asarray(keras.ops.binary_crossentropy(y_smooth, p, from_logits=from_logits))
    assert elements.dtype == np.float64, elements.dtype
    per_sample = elements.mean(axis=1)
    weights = np.ones(len(per_sample)) if sample_weight is None else sample_weight
    total = float(np.sum(weights * per_sample))
    mean = total / len(per_sample)
    library = keras_call(
        keras.losses.BinaryCrossentropy, y, p, sample_weight, from_logits=from_logits, label_smoothing=label_smoothing
    )
    assert np.allclose(library[0], mean, rtol=1e-6, atol=1e-7), (library[0], mean)
    assert np.allclose(library[2], per_sample, rtol=1e-6, atol=1e-7)
    return mean, total, per_sample.tolist()


def keras_cases():
    cases = []
    cce = keras.losses.CategoricalCrossentropy
    sparse = keras.losses.SparseCategoricalCrossentropy
    for k, (n, c) in enumerate([(1, 2), (6, 3), (45, 10), (3, 1000), (500, 4)]):
        p = softmax_rows(n, c, sharpness=1 + k)
        if k % 2 == 1:
            p = with_extremes(p)
        raw = rng.uniform(0.0, 1.0, size=(n, c))  # rows Keras divides by their sum
        y = rng.integers(c, size=n)
        onehot = np.eye(c)[y]
        soft = softmax_rows(n, c, sharpness=0.5)
        s = rng.uniform(0, 3, size=n)
        a = 0.1 * (k + 1) % 0.5
        z = logits(n, c, [1, 10, 100, 1000][k % 4])
        body = {"convention": "keras", "predictions": as_list(p), "labels": as_list(y)}
        cases.append(case(f"keras-sparse-{n}x{c}", "cce", body, *keras_call(sparse, y, p)))
        cases.append(
            case(
                f"keras-sparse-sample-weights-{n}x{c}",
                "cce",
                dict(body, sample_weights=as_list(s)),
                *keras_call(sparse, y, p, sample_weight=s),
            )
        )
        cases.append(
            case(
                f"keras-cce-onehot-smoothing-{n}x{c}",
                "cce",
                dict(body, labels=as_list(onehot), label_smoothing=a),
                *keras_call(cce, onehot, p, label_smoothing=a),
            )
        )
        cases.append(
            case(
                f"keras-cce-unnormalised-soft-{n}x{c}",
                "cce",
                dict(body, predictions=as_list(raw), labels=as_list(soft), sample_weights=as_list(s)),
                *keras_call(cce, soft, raw, sample_weight=s),
            )
        )
        logit_body = {"convention": "keras", "input": "logits", "predictions": as_list(z), "labels": as_list(soft)}
        cases.append(
            case(
                f"keras-cce-logits-soft-smoothing-{n}x{c}",
                "cce",
                dict(logit_body, label_smoothing=a),
                *keras_call(cce, soft, z, from_logits=True, label_smoothing=a),
            )
        )
        cases.append(
            case(
                f"keras-sparse-logits-{n}x{c}",
                "cce",
                dict(logit_body, labels=as_list(y)),
                *keras_call(sparse, y, z, from_logits=True),
            )
        )
    for k, (n, c) in enumerate([(1, 1), (7, 3), (60, 5), (4, 250), (300, 2)]):
        p = rng.uniform(size=(n, c))
        p.flat[:: max(1, p.size // 5)] = 0.0
        p.flat[1 :: max(2, p.size // 4)] = 1.0
        y = (rng.uniform(size=(n, c)) < 0.4).astype(float)
        soft = rng.uniform(size=(n, c))
        s = rng.uniform(0, 2, size=n)
        a = 0.15 * (k % 3)
        body = {"convention": "keras", "predictions": as_list(p), "labels": as_list(y)}
        cases.append(case(f"keras-bce-{n}x{c}", "bce", body, *keras_binary_call(y, p)))
        cases.append(
            case(
                f"keras-bce-soft-weights-smoothing-{n}x{c}",
                "bce",
                dict(body, labels=as_list(soft), sample_weights=as_list(s), label_smoothing=a),
                *keras_binary_call(soft, p, sample_weight=s, label_smoothing=a),
            )
        )
        x = logits(n, c, [1, 10, 100, 1000][k % 4])
        cases.append(
            case(
                f"keras-bce-logits-{n}x{c}",
                "bce",
                {"convention": "keras", "input": "logits", "predictions": as_list(x), "labels": as_list(soft)},
                *keras_binary_call(soft, x, from_logits=True),
            )
        )
        if k == 2:
            keras.config.set_epsilon(1e-4)
            explicit = dict(body, epsilon=1e-4)
            cases.append(case(f"keras-bce-epsilon-{n}x{c}", "bce", explicit, *keras_binary_call(y, p)))
            keras.config.set_epsilon(1e-7)
    # Confident predictions: log(1 - p) just inside the clip, and stable log-sigmoids.
    y = np.array([[0.0, 0.0, 1.0, 0.0, 1.0]])
    p = np.array([[0.0, 2e-7, 1.0, 1e-6, 1 - 3e-7]])
    body = {"convention": "keras", "predictions": as_list(p), "labels": as_list(y)}
    cases.append(case("keras-bce-confident-1x5", "bce", body, *keras_binary_call(y, p)))
    x = np.array([[-30.0, -35.5, 31.0, -20.0, 36.6]])
    body = {"convention": "keras", "input": "logits", "predictions": as_list(x), "labels": as_list(y)}
    cases.append(case("keras-bce-logits-confident-1x5", "bce", body, *keras_binary_call(y, x, from_logits=True)))
    return cases


def main():
    document = {
        "generator": "scripts/vectors/golden.py",
        "libraries": {
            "scikit-learn": __import__("sklearn").__version__,
            "torch": torch.__version__,
            "keras": keras.__version__ + " (jax " + jax.__version__ + ")",
        },
        "cases": sklearn_cases() + pytorch_cases() + keras_cases(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(document, indent=None, separators=(",", ":")) + "\n")
    print(f"wrote {len(document['cases'])} cases to {OUT} ({OUT.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
