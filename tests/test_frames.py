"""The user's frames, as a contract: the shipped model labels speculation frames and their look-alikes right.

``tests/data/frames.jsonl`` was written for this test by an annotator briefed with the label scheme only; no
model is trained on it. ``frame`` sentences use the frames the user named ("there are speculations that",
"the prevailing view is", "analysis suggests", ...) in the writer's voice or a vague collective's;
``counter`` sentences use the same words where the scheme says otherwise (an official body's own analysis, a
named expert, "Markets fell on concerns that ...").
"""

from __future__ import annotations

import json

import pytest

from claimmine.loading import shipped_model
from training.frames import CONTRACT, Judged, judged

FRAMES = [json.loads(line) for line in CONTRACT.read_text("utf-8").splitlines()]


@pytest.fixture(scope="module")
def labelled() -> list[Judged]:
    model = shipped_model()
    assert model is not None
    return judged(model)


def test_the_contract_is_large_enough() -> None:
    groups = [row["group"] for row in FRAMES]
    assert groups.count("frame") >= 60 and groups.count("counter") >= 30
    named = ["there are speculations that", "the prevailing view is", "analysis suggests", "there is an analysis that",
             "there is an interpretation that", "there are concerns that", "it is widely believed", "observers say"]
    for frame in named:
        assert sum(row["frame"] == frame for row in FRAMES) >= 5, frame


# Met for the frames (claimmine-minilm-v3: 83 of 84), not yet for the counter-examples (46 of 55, 84%; issue 12).
# Strict, so that the mark must go once a model meets the contract.
@pytest.mark.parametrize(
    "group",
    [
        "frame",
        pytest.param(
            "counter",
            marks=pytest.mark.xfail(strict=True, reason="claimmine-minilm-v3 labels 84% of the counter-examples right"),
        ),
    ],
)
def test_the_shipped_model_labels_at_least_95_percent_of_each_group_right(labelled: list[Judged], group: str) -> None:
    rows = [(row, got, right) for row, got, right in labelled if row["group"] == group]
    wrong = [(row["text"], row["kind"], row["certainty"], got) for row, got, right in rows if not right]
    assert len(wrong) <= 0.05 * len(rows), wrong
