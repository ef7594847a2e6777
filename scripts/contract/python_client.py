#!/usr/bin/env python3
"""Calls the live service through the client openapi-python-client generated from openapi.yaml.

Usage: python_client.py URL (with the generated package `ce_client` on PYTHONPATH).
Each answer must parse as its own model: a CCE job's entry as CategoricalJobResult with a
CategoricalResult, a BCE job's as BinaryJobResult with a BinaryResult (with class_losses), a
comparison as Comparison with its verdict. The JSON Lines routes take the stream's bytes (a
File whose payload is bytes, a file or a generator) and answer as /cce and /bce do for the same
samples.
"""

import math
import sys

from ce_client import Client
from ce_client.api.default import (
    bands,
    batch,
    binary_cross_entropy,
    binary_cross_entropy_lines,
    categorical_cross_entropy,
    categorical_cross_entropy_lines,
    compare,
)
from ce_client.models import (
    BandTablesCceBandsItemMaxLossBitsRule,
    Base,
    BatchRequest,
    BinaryJob,
    BinaryJobLoss,
    BinaryJobResult,
    BinaryRequest,
    BinaryResult,
    CategoricalJob,
    CategoricalJobLoss,
    CategoricalComparisonRequest,
    CategoricalComparisonRequestLoss,
    CategoricalCrossEntropyLinesConvention,
    CategoricalJobResult,
    CategoricalRequest,
    CategoricalResult,
    Comparison,
    Convention,
    Problem,
    Verdict,
)
from ce_client.types import UNSET, File


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12)


def main(url: str) -> None:
    with Client(base_url=url, raise_on_unexpected_status=True) as client:
        cce = categorical_cross_entropy.sync(
            client=client, body=CategoricalRequest(predictions=[[0.2, 0.7, 0.1]], labels=[1])
        )
        assert isinstance(cce, CategoricalResult), cce
        assert close(cce.loss, 0.5145731728297583) and cce.band.value == "moderate", cce

        sklearn = categorical_cross_entropy.sync(
            client=client,
            body=CategoricalRequest(
                predictions=[[0.2, 0.7, 0.1]], labels=[1], convention=Convention.SKLEARN
            ),
        )
        assert isinstance(sklearn, CategoricalResult) and sklearn.base == Base.E, sklearn
        assert close(sklearn.loss, 0.35667494393873245), sklearn

        bce = binary_cross_entropy.sync(
            client=client, body=BinaryRequest(predictions=[[0.8, 0.4, 0.6]], labels=[[1, 0, 1]])
        )
        assert isinstance(bce, BinaryResult), bce
        assert close(bce.loss, 1.7958592832197748) and len(bce.class_losses) == 3, bce

        # A binary classifier's flat output (predict_proba(X)[:, 1]) with flat 0/1 labels: n x 1.
        flat = binary_cross_entropy.sync(client=client, body=BinaryRequest(predictions=[0.8, 0.4], labels=[1, 0]))
        assert isinstance(flat, BinaryResult) and flat.n == 2 and flat.classes == 1, flat
        assert close(flat.loss, -(math.log2(0.8) + math.log2(0.6)) / 2), flat

        broken = categorical_cross_entropy.sync(
            client=client, body=CategoricalRequest(predictions=[[0.5, 0.6]], labels=[0])
        )
        assert isinstance(broken, Problem) and broken.status == 422, broken

        answer = batch.sync(
            client=client,
            body=BatchRequest(
                jobs=[
                    CategoricalJob(
                        id="dog", loss=CategoricalJobLoss.CCE, predictions=[[0.2, 0.7, 0.1]], labels=[1]
                    ),
                    BinaryJob(
                        id="cat-rabbit",
                        loss=BinaryJobLoss.BCE,
                        predictions=[[0.8, 0.4, 0.6]],
                        labels=[[1, 0, 1]],
                    ),
                ]
            ),
        )
        dog, cat = answer.results
        assert isinstance(dog, CategoricalJobResult) and isinstance(dog.result, CategoricalResult), dog
        assert close(dog.result.loss, 0.5145731728297583), dog
        assert isinstance(cat, BinaryJobResult) and isinstance(cat.result, BinaryResult), cat
        assert close(cat.result.loss, 1.7958592832197748) and len(cat.result.class_losses) == 3, cat

        # README's comparison: the candidate surer of every true class.
        comparison = compare.sync(
            client=client,
            body=CategoricalComparisonRequest(
                loss=CategoricalComparisonRequestLoss.CCE,
                labels=[0, 1, 2, 1, 0, 2],
                baseline=[[0.5, 0.3, 0.2], [0.3, 0.4, 0.3], [0.2, 0.3, 0.5], [0.3, 0.5, 0.2], [0.4, 0.4, 0.2],
                          [0.3, 0.3, 0.4]],
                candidate=[[0.7, 0.2, 0.1], [0.2, 0.6, 0.2], [0.1, 0.2, 0.7], [0.2, 0.6, 0.2], [0.6, 0.3, 0.1],
                           [0.2, 0.3, 0.5]],
            ),
        )
        assert isinstance(comparison, Comparison), comparison
        assert isinstance(comparison.baseline, CategoricalResult), comparison
        assert close(comparison.baseline.loss, 1.160964047443681), comparison
        assert close(comparison.difference.mean, -0.4542901927506586), comparison
        assert close(comparison.difference.p_value, 0.000418028551436915), comparison
        assert comparison.verdict == Verdict.CANDIDATE_BETTER, comparison

        # The README's prediction log, sent by a generator (chunked): the answer is /cce's for the
        # same samples, bit for bit.
        log = [
            b'{"prediction":[0.2,0.7,0.1],"label":1}\n',
            b'{"prediction":[0.6,0.3,0.1],"label":0,"weight":2}\n',
            b'{"predictions":[[0.1,0.1,0.8],[0.3,0.4,0.3]],"labels":[2,1]}\n',
        ]
        streamed = categorical_cross_entropy_lines.sync(
            client=client, body=File(payload=iter(log)), convention=CategoricalCrossEntropyLinesConvention.SKLEARN
        )
        whole = categorical_cross_entropy.sync(
            client=client,
            body=CategoricalRequest(
                predictions=[[0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]],
                labels=[1, 0, 2, 1],
                sample_weights=[1, 2, 1, 1],
                convention=Convention.SKLEARN,
                per_sample=False,
            ),
        )
        assert isinstance(streamed, CategoricalResult) and isinstance(whole, CategoricalResult), (streamed, whole)
        assert streamed.n == 4 and streamed.denominator == 5 and streamed.base == Base.E, streamed
        assert (streamed.loss, streamed.sum_) == (whole.loss, whole.sum_), (streamed, whole)
        assert close(streamed.loss, 0.5035520949318157), streamed
        binary = binary_cross_entropy_lines.sync(
            client=client, body=File(payload=b'{"prediction":[0.8,0.4,0.6],"label":[1,0,1]}\n')
        )
        assert isinstance(binary, BinaryResult) and binary.n == 1, binary
        assert close(binary.loss, 1.7958592832197748) and len(binary.class_losses) == 3, binary
        bad = categorical_cross_entropy_lines.sync(
            client=client, body=File(payload=log[0] + b'{"prediction":[0.2,0.7],"label":0}\n')
        )
        assert isinstance(bad, Problem) and bad.status == 422, bad
        assert bad.errors[0].pointer == "/lines/1/prediction", bad

        tables = bands.sync(client=client)
        # Every edge is a number (absent where it depends on C); the chance level's rule is apart.
        edges = {band.name.value: band.max_loss_bits for band in tables.cce.bands}
        assert edges["low"] == 1 and edges["very_low"] is UNSET and edges["wrong"] is UNSET, edges
        assert all(isinstance(edge, (int, float)) for edge in edges.values() if edge is not UNSET), edges
        rules = {band.name.value: band.max_loss_bits_rule for band in tables.cce.bands}
        assert rules["very_low"] == BandTablesCceBandsItemMaxLossBitsRule.LOG2CLASSES, rules
    print(
        "openapi-python-client: the generated client scored /cce, /bce, /batch, /compare, /cce/lines and"
        " /bce/lines and read /bands"
    )


if __name__ == "__main__":
    main(sys.argv[1])
