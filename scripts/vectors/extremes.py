#!/usr/bin/env python3
"""Writes Tests/CrossEntropyTests/Vectors/extremes.json: requests that drive every numeric field
to float64's corners (0, subnormals, 1e±300, ±1e308, the largest finite value) and every size
field to values that disagree with the body, each with the answer the service must give.

The reference is exact rational arithmetic (fractions.Fraction) over the per-element logs the
service documents (C's log2/log/log10, log-softmax, log-sigmoid, as Python's math module gives
them): weights, products, sums and means are exact and rounded once at the end. numpy and
scikit-learn are not used: their weighted averages overflow or flush to 0 at these corners.

A result beyond float64 (any number the answer would carry) is a 422 whose pointer names the
cause, found as the service does: beyond without any weight -> predictions; beyond with the
class (or positive) weights alone -> class_weights (pos_weight); else sample_weights.

Standard library only. Run: python3 scripts/vectors/extremes.py (deterministic; seed below).
Other seeds, for a longer probe: python3 scripts/vectors/extremes.py --seed 7 --out /tmp/x.json,
then EXTREMES_VECTORS=/tmp/x.json swift test --filter ExtremeValuesProbeTests.
"""

import argparse

import base64
import json
import math
import random
import struct
from fractions import Fraction
from pathlib import Path

SEED = 20261129
MAX = 1.7976931348623157e308
TINY = 5e-324
OUT = Path(__file__).resolve().parents[2] / "Tests/CrossEntropyTests/Vectors/extremes.json"

LN = {2: math.log(2), "e": 1.0, 10: math.log(10)}
LOG = {2: math.log2, "e": math.log, 10: math.log10}


class Beyond(Exception):
    """A number of the answer is beyond float64."""


def to_float(x):
    """Fraction -> float, correctly rounded, or Beyond when it overflows."""
    try:
        value = float(x)
    except OverflowError:
        raise Beyond() from None
    if math.isinf(value):
        raise Beyond()
    return value


def softplus(x):
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def log_sigmoid(x):
    return -softplus(-x)


def float_or_inf(f):
    """A float product that may overflow, as float64 does (Python raises instead)."""
    try:
        return f()
    except OverflowError:
        return math.inf


# ---- per-sample losses, as exact fractions of the service's per-element floats ----


def cce_sample(row, label, classes, opts, class_weights):
    """-Σ_j t_j w_j log_b p_j (or a log-softmax of logits), exact given the element floats."""
    base, a, logits = opts["base"], opts["smoothing"], opts["logits"]
    if opts["convention"] == "keras" and not logits:
        scale = math.fsum(row)
        row = [p / scale for p in row]
    if logits:
        m = max(row)
        lse = math.log(math.fsum(math.exp(z - m) for z in row))

        def logp(j):
            # Exact: the service keeps z - max and the division by ln(base) as significand and
            # exponent where float64 would overflow (their own roundings are ~1e-16 relative).
            lp = Fraction(row[j]) - Fraction(m) - Fraction(lse)
            return lp / Fraction(LN[base]) if base != "e" else lp
    else:
        eps = opts["epsilon"]

        def logp(j):
            return LOG[base](min(max(row[j], eps), 1 - eps))

    total = Fraction(0)
    for j in range(classes):
        if isinstance(label, list):
            y = label[j]
        else:
            y = 1.0 if label == j else 0.0
        t = y if a == 0 else y * (1 - a) + a / classes
        w = class_weights[j] if class_weights else 1.0
        if t == 0 or w == 0:
            continue
        lp = logp(j)
        if not isinstance(lp, Fraction) and math.isinf(lp):
            return None  # log 0 (not reached: epsilon > 0)
        total -= Fraction(t) * Fraction(w) * Fraction(lp)
    return total


def bce_element(x, label, w, opts):
    """-[w y log p + (1 - y) log(1 - p)] in the base, exact (it may exceed float64: only the
    numbers written must fit), or None when a log is infinite in float64 (log 0). A log of a
    logit in the base is exact: the service carries it as significand and exponent where it is
    beyond float64, until it is weighed."""
    base, a = opts["base"], opts["smoothing"]
    y = label if a == 0 else label * (1 - a) + a / 2
    if opts["logits"]:
        log_p = Fraction(log_sigmoid(x)) / Fraction(LN[base])
        log_q = -Fraction(softplus(x)) / Fraction(LN[base])
    else:
        eps = opts["epsilon"]
        p = min(max(x, eps), 1 - eps)
        # With epsilon below 2^-53, 1 - epsilon rounds to 1: log(1 - p) is log 0 = -infinity.
        log_p = LOG[base](p)
        log_q = LOG[base](1 - p) if p < 1 else -math.inf
    positive = Fraction(0)
    negative = Fraction(0)
    if y != 0 and w != 0:
        if not isinstance(log_p, Fraction) and math.isinf(log_p):
            return None
        positive = Fraction(w) * Fraction(y) * Fraction(log_p)
    if y != 1:
        if not isinstance(log_q, Fraction) and math.isinf(log_q):
            return None
        negative = Fraction(1 - y) * Fraction(log_q)
    return -(positive + negative)


def weighted(weights, values):
    """Σ s_i x_i over the samples whose weight is not 0; Beyond when one of them is beyond."""
    total = Fraction(0)
    for s, x in zip(weights, values):
        if s == 0:
            continue
        if x is None:
            raise Beyond()
        total += s * x
    return total


def answer(case, use_sample=True, use_class=True):
    """The expected numbers of a valid request, or Beyond."""
    opts = case["opts"]
    sw = case["sample_weights"] if use_sample else None
    cw = case["class_weights"] if use_class else None
    preds, labels = case["predictions"], case["labels"]
    n, classes = len(preds), len(preds[0])
    weights = [Fraction(s) for s in sw] if sw else [Fraction(1)] * n
    weight_total = sum(weights)
    result = {}
    if case["loss"] == "cce":
        losses = [cce_sample(preds[i], labels[i], classes, opts, cw) for i in range(n)]
        total = weighted(weights, losses)
        if opts["convention"] == "keras":
            mean = total / n
        elif opts["convention"] == "pytorch" and cw and not isinstance(labels[0], list):
            mean = total / sum(Fraction(cw[y]) for y in labels)
        else:
            mean = total / weight_total
        result["loss"] = mean
        result["sum"] = total
        result["losses"] = losses
    else:
        elements = [
            [bce_element(preds[i][j], labels[i][j], cw[j] if cw else 1.0, opts) for j in range(classes)]
            for i in range(n)
        ]
        losses = [None if None in row else sum(row) for row in elements]
        total = weighted(weights, losses)
        weighted_mean = total / weight_total
        if opts["convention"] == "keras":
            losses = [None if loss is None else loss / classes for loss in losses]
            total = weighted(weights, losses)
            mean = total / n
        else:
            mean = weighted_mean
        result["loss"] = mean
        result["sum"] = total
        result["losses"] = losses
        result["mean_per_element"] = weighted_mean / classes
        result["class_losses"] = [
            weighted(weights, [elements[i][j] for i in range(n)]) / weight_total for j in range(classes)
        ]
    if not case["per_sample"]:
        del result["losses"]
    # Every number the answer carries must be a float64.
    out = {}
    for key, value in result.items():
        if isinstance(value, list):
            if None in value:
                raise Beyond()
            out[key] = [to_float(v) for v in value]
        else:
            out[key] = to_float(value)
    return out


def class_weights_in_use(case):
    """Whether some term has a non-zero sample weight, target and class weight (CCE only)."""
    labels, cw = case["labels"], case["class_weights"]
    if case["loss"] != "cce" or not cw:
        return True
    if case["opts"]["smoothing"] > 0:
        return any(w != 0 for w in cw)  # smoothing gives every class a positive target
    sw = case["sample_weights"] or [1.0] * len(labels)
    if isinstance(labels[0], list):
        return any(s != 0 and y != 0 and w != 0 for s, row in zip(sw, labels) for y, w in zip(row, cw))
    return any(s != 0 and cw[y] != 0 for s, y in zip(sw, labels))


def expectation(case):
    try:
        expected = {"status": [200], "values": answer(case)}
        if not class_weights_in_use(case):
            # Σ_i s_i Σ_j y_ij w_j = 0: every loss would be 0 whatever the prediction; refused.
            return {"status": [422], "pointers": ["/class_weights"]}
        return expected
    except ZeroDivisionError:
        # PyTorch's Σ w_{y_i} = 0: refused before scoring.
        return {"status": [422], "pointers": ["/class_weights"]}
    except Beyond:
        pass
    class_field = "class_weights" if case["loss"] == "cce" else "pos_weight"
    try:
        answer(case, use_sample=False, use_class=False)
    except Beyond:
        return {"status": [422], "pointers": ["/predictions"]}
    if case["class_weights"]:
        try:
            answer(case, use_sample=False, use_class=True)
        except Beyond:
            return {"status": [422], "pointers": ["/" + class_field]}
    return {"status": [422], "pointers": ["/sample_weights" if case["sample_weights"] else "/predictions"]}


# ---- random requests ----

LOGITS = [0.0, TINY, -TINY, 1e-300, -1e-300, 2.5, -3.0, 1e300, -1e300, 1e308, -1e308, 1.7e308, -1.7e308, MAX, -MAX]
PROBABILITY_ROWS = {
    2: [[0.0, 1.0], [TINY, 1.0], [1.0, 0.0], [0.5, 0.5], [1e-300, 1.0], [0.25, 0.75]],
    3: [[0.2, 0.7, 0.1], [0.0, 0.0, 1.0], [TINY, 1.0, 0.0], [0.5, 0.25, 0.25], [1e-300, 0.5, 0.5]],
}
BINARY_VALUES = [0.0, TINY, 1e-300, 0.3, 0.5, 0.9999999999999999, 1.0]
# Weights: magnitudes mixed freely within an array (5e-324 beside 1.7976931348623157e308), zeros
# anywhere.
MAGNITUDES = [TINY, 1e-300, 1.0, 1e300, 1e308, MAX]
EPSILONS = [TINY, 1e-300, 5.551115123125783e-17, 2.220446049250313e-16, 1e-7, 0.25]
SMOOTHINGS = [0.0, TINY, 0.1, 0.5, 0.9999999999999999]


def weights(rng, count):
    magnitude = rng.choice(MAGNITUDES)
    values = []
    for _ in range(count):
        if rng.random() < 0.7:
            magnitude = rng.choice(MAGNITUDES)
        factor = rng.choice([0.0, 1.0, 1.0, 0.5, 0.75])
        values.append(magnitude * factor if magnitude != TINY or factor in (0.0, 1.0) else TINY)
    if all(v == 0 for v in values):
        values[rng.randrange(count)] = magnitude
    return values


def random_case(rng):
    loss = rng.choice(["cce", "bce"])
    convention = rng.choice(["document", "document", "document", "sklearn", "pytorch", "keras"])
    if loss == "bce" and convention == "pytorch":
        # PyTorch's own BCE expressions cancel digits by design (see README): not exact here.
        convention = "document"
    if loss == "cce" and convention == "pytorch":
        logits = True
    elif convention in ("sklearn", "keras") or (loss == "bce" and convention == "pytorch"):
        logits = convention == "pytorch" and rng.random() < 0.8
    else:
        logits = rng.random() < 0.4
    n = rng.randint(1, 4)
    classes = rng.choice([2, 3]) if loss == "cce" else (1 if convention == "sklearn" else rng.randint(1, 3))
    if logits:
        preds = [[rng.choice(LOGITS) for _ in range(classes)] for _ in range(n)]
    elif loss == "cce":
        preds = [rng.choice(PROBABILITY_ROWS[classes])[:] for _ in range(n)]
        if convention == "keras":
            preds = [row if sum(row) > 0 else [0.5] * classes for row in preds]
    else:
        preds = [[rng.choice(BINARY_VALUES) for _ in range(classes)] for _ in range(n)]
    soft = loss == "cce" and convention not in ("sklearn",) and rng.random() < 0.3
    if loss == "cce":
        labels = [rng.randrange(classes) for _ in range(n)]
        if soft:
            labels = [[1.0 if j == y else 0.0 for j in range(classes)] for y in labels]
            if classes == 2 and rng.random() < 0.5:
                labels[0] = [0.25, 0.75]
    else:
        choices = [0.0, 1.0] if convention == "sklearn" else [0.0, 1.0, 0.5, TINY]
        labels = [[rng.choice(choices) for _ in range(classes)] for _ in range(n)]
    request = {"predictions": preds, "labels": labels, "convention": convention}
    base = rng.choice([None, 2, "e", 10])
    default_base = 2 if convention == "document" else "e"
    if base is not None:
        request["base"] = base
    if logits:
        request["input"] = "logits"
    elif convention == "pytorch" and loss == "cce":
        request["input"] = "logits"
    sample_weights = None
    class_weights = None
    smoothing = 0.0
    epsilon = {"document": 2.220446049250313e-16, "sklearn": 2.220446049250313e-16, "keras": 1e-7, "pytorch": 0.0}[
        convention
    ]
    if convention != "pytorch" and rng.random() < 0.6:
        sample_weights = weights(rng, n)
        request["sample_weights"] = sample_weights
    class_ok = (loss == "cce" and convention in ("document", "pytorch")) or (
        loss == "bce" and (convention == "document" or (convention == "pytorch" and logits))
    )
    if class_ok and rng.random() < 0.5:
        class_weights = weights(rng, classes)
        request["class_weights" if loss == "cce" else "pos_weight"] = class_weights
    smoothing_ok = convention in ("document", "keras") or (convention == "pytorch" and loss == "cce")
    if smoothing_ok and rng.random() < 0.4:
        smoothing = rng.choice(SMOOTHINGS)
        request["label_smoothing"] = smoothing
        if convention == "keras" and loss == "cce" and not soft:
            # Keras' sparse loss has no smoothing (a 422): CategoricalCrossentropy's one-hot rows.
            labels = [[1.0 if j == y else 0.0 for j in range(classes)] for y in labels]
            request["labels"] = labels
    if not logits and rng.random() < 0.4:
        epsilon = rng.choice(EPSILONS)
        request["epsilon"] = epsilon
    per_sample = rng.random() < 0.7
    if not per_sample:
        request["per_sample"] = False
    case = {
        "loss": loss,
        "predictions": preds,
        "labels": labels,
        "sample_weights": sample_weights,
        "class_weights": class_weights,
        "per_sample": per_sample,
        "opts": {
            "base": base if base is not None else default_base,
            "smoothing": smoothing,
            "logits": logits,
            "epsilon": epsilon,
            "convention": convention,
        },
    }
    expected = expectation(case)
    if 0 < epsilon <= 2**-54:
        # 1 - epsilon == 1: the upper clip would do nothing; refused with the options, before
        # anything is scored.
        expected = {"status": [422], "pointers": ["/epsilon"]}
    request = encode_forms(rng, request)
    return {"path": "/" + loss, "request": request, "expected": expected}


def encode_forms(rng, request):
    """Predictions (and label rows) as nested arrays, a flat tensor or a base64 tensor."""
    for field in ("predictions", "labels"):
        rows = request[field]
        if not isinstance(rows[0], list):
            continue
        form = rng.choice(["nested", "nested", "flat", "base64"])
        shape = [len(rows), len(rows[0])]
        flat = [v for row in rows for v in row]
        if form == "flat":
            request[field] = {"shape": shape, "data": flat}
        elif form == "base64":
            packed = struct.pack("<%dd" % len(flat), *flat)
            request[field] = {"shape": shape, "dtype": "float64", "data_base64": base64.b64encode(packed).decode()}
    return request


def size_cases():
    """Size fields that disagree with the body: each a 422 at (or below) the field."""
    good = {"predictions": [[0.2, 0.7, 0.1], [0.5, 0.25, 0.25]], "labels": [1, 0]}
    cases = []

    def add(path, request, prefix):
        expected = {"status": [422], "prefix": prefix}
        cases.append({"path": path, "request": request, "expected": expected})

    data = [0.2, 0.7, 0.1, 0.5, 0.25, 0.25]
    packed = base64.b64encode(struct.pack("<6d", *data)).decode()
    for shape in ([2, 4], [3, 3], [1, 3], [2**31, 2**31], [2**62, 4], [2**63 - 1, 2], [0, 3], [2, 0], [6], [1, 2, 3]):
        add("/cce", dict(good, predictions={"shape": shape, "data": data}), "/predictions")
        add("/cce", dict(good, predictions={"shape": shape, "data_base64": packed}), "/predictions")
        add("/bce", {"predictions": [[0.5, 0.5, 0.5]] * 2, "labels": {"shape": shape, "data": data}}, "/labels")
    add("/cce", dict(good, labels=[1, 0, 2]), "/labels")
    add("/cce", dict(good, labels={"shape": [3], "data": [1, 0]}), "/labels")
    add("/cce", dict(good, labels={"shape": [2**62], "data": [1, 0]}), "/labels")
    add("/cce", dict(good, sample_weights=[1.0]), "/sample_weights")
    add("/cce", dict(good, sample_weights=[1.0, 1.0, 1.0]), "/sample_weights")
    add("/cce", dict(good, class_weights=[1.0, 1.0]), "/class_weights")
    add("/bce", {"predictions": [[0.5, 0.5]], "labels": [[1, 0]], "pos_weight": [MAX]}, "/pos_weight")
    add("/bce", {"predictions": [[0.5, 0.5]], "labels": [[1, 0]], "pos_weight": [1, 1, 1]}, "/pos_weight")
    add("/bce", {"predictions": [[0.5, 0.5]], "labels": [[1, 0], [0, 1]]}, "/labels")
    long_row = [0.0] * 3000
    add("/cce", {"predictions": [long_row] + [[]] * 3000, "labels": [0]}, "/predictions/1")
    add("/bce", {"predictions": [[0.5]], "labels": [long_row] + [[]] * 3000}, "/labels")
    for field, value in (
        ("epsilon", 0.0), ("epsilon", 0.5), ("epsilon", MAX), ("epsilon", -TINY),
        ("label_smoothing", 1.0), ("label_smoothing", -TINY), ("label_smoothing", MAX),
    ):
        add("/cce", dict(good, **{field: value}), "/" + field)
    add("/cce", dict(good, sample_weights=[-TINY, 1.0]), "/sample_weights/0")
    add("/cce", dict(good, sample_weights=[0.0, 0.0]), "/sample_weights")
    add("/cce", dict(good, class_weights=[1.0, -MAX, 1.0]), "/class_weights/1")
    return cases


def fixed_cases():
    """The crash example of issue 10 and the exactness example of issue 11, checked against the
    numbers those issues give, and the same seed at the largest weights."""
    seed = [[0.2, 0.7, 0.1], [0.2, 0.7, 0.1]]
    opts = {"base": 2, "smoothing": 0.0, "logits": False, "epsilon": 2.220446049250313e-16, "convention": "document"}
    cases = []
    for labels, sample_weights in (([1, 1], [1e308, 1e308]), ([1, 0], [TINY, 0.0]), ([1, 1], [MAX, MAX])):
        case = {
            "loss": "cce", "predictions": seed, "labels": labels, "sample_weights": sample_weights,
            "class_weights": None, "per_sample": True, "opts": opts,
        }
        request = {"predictions": seed, "labels": labels, "sample_weights": sample_weights}
        cases.append({"path": "/cce", "request": request, "expected": expectation(case)})
    assert cases[0]["expected"]["values"]["loss"] == 0.5145731728297583
    assert cases[0]["expected"]["values"]["sum"] == 1.0291463456595166e308
    assert cases[1]["expected"]["values"]["loss"] == 0.5145731728297583
    assert cases[2]["expected"] == {"status": [422], "pointers": ["/sample_weights"]}
    return cases


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=OUT)
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)
    cases = fixed_cases() + size_cases() + [random_case(rng) for _ in range(400)]
    for i, case in enumerate(cases):
        case["name"] = "extreme-%03d" % i
        # The body as sent, so that no JSON writer between here and the server rounds a number.
        case["body"] = json.dumps(case.pop("request"), separators=(",", ":"), allow_nan=False)
    arguments.out.write_text(json.dumps({"seed": arguments.seed, "cases": cases}, separators=(",", ":")) + "\n")
    statuses = {}
    for case in cases:
        key = "/".join(map(str, case["expected"]["status"]))
        statuses[key] = statuses.get(key, 0) + 1
    print("wrote", arguments.out, len(cases), "cases", statuses)


if __name__ == "__main__":
    main()
