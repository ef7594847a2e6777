#!/usr/bin/env python3
"""Calls the live service through the client openapi-generator's python generator made from
openapi.yaml (spec validation on): the README's PyTorch example and a `convention: sklearn`
request must come back in nats with the libraries' numbers. A client that filled in defaults
the contract does not hold (input, base) would get a 422 or bits here.

Usage: openapi_generator_client.py URL (with the generated package `ce_og_client` on PYTHONPATH).
"""

import math
import sys

import ce_og_client
from ce_og_client.models import (
    BatchRequest,
    CategoricalJobResult,
    CategoricalRequest,
    CategoricalResult,
    ComparisonRequest,
)


def main(url: str) -> None:
    with ce_og_client.ApiClient(ce_og_client.Configuration(host=url)) as api_client:
        api = ce_og_client.DefaultApi(api_client)

        # README: PyTorch's F.cross_entropy(logits, target, weight=w).
        pytorch = api.categorical_cross_entropy(
            CategoricalRequest.from_dict(
                {
                    "predictions": [[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]],
                    "labels": [0, 1],
                    "class_weights": [2, 1, 1],
                    "convention": "pytorch",
                    "per_sample": False,
                }
            )
        )
        assert isinstance(pytorch, CategoricalResult), pytorch
        assert pytorch.unit.value == "nats" and pytorch.settings.input == "logits", pytorch
        assert math.isclose(pytorch.loss, 0.3513698518587349, rel_tol=1e-12), pytorch

        # scikit-learn's log_loss of the document's example: nats.
        sklearn = api.categorical_cross_entropy(
            CategoricalRequest.from_dict(
                {"predictions": [[0.2, 0.7, 0.1]], "labels": [1], "convention": "sklearn"}
            )
        )
        assert sklearn.unit.value == "nats", sklearn
        assert math.isclose(sklearn.loss, 0.35667494393873245, rel_tol=1e-12), sklearn

        answer = api.batch(
            BatchRequest.from_dict(
                {"jobs": [{"id": "dog", "loss": "cce", "predictions": [[0.2, 0.7, 0.1]], "labels": [1]}]}
            )
        )
        entry = answer.results[0].actual_instance
        assert isinstance(entry, CategoricalJobResult) and entry.result is not None, entry
        assert math.isclose(entry.result.loss, 0.5145731728297583, rel_tol=1e-12), entry
        # Two identical models under PyTorch's BCE: no difference, p-value 1.
        same = [[0.9, 0.2], [0.3, 0.6], [0.5, 0.5]]
        comparison = api.compare(
            ComparisonRequest.from_dict(
                {"loss": "bce", "labels": [[1, 0], [0, 1], [1, 1]], "baseline": same, "candidate": same,
                 "convention": "pytorch"}
            )
        )
        assert comparison.difference.mean == 0 and comparison.difference.p_value == 1, comparison
        assert comparison.verdict.value == "no_significant_difference", comparison
    print("openapi-generator (python): the PyTorch and sklearn examples came back in nats, right; /compare too")


if __name__ == "__main__":
    main(sys.argv[1])
