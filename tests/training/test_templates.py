"""Scheme templates: frames wrapped around plain claims, labelled as the scheme's rules say."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimmine import Certainty, SegmentKind
from training.config import TrainConfig
from training.examples import training_mix
from training.gold import load_gold
from training.templates import WRITER_FRAMES, scheme_examples

ROOT = Path(__file__).resolve().parents[2]
KINDS, CERTAINTIES = list(SegmentKind), list(Certainty)


@pytest.fixture(scope="module")
def rows() -> list[dict[str, object]]:
    return list(scheme_examples(load_gold(ROOT / "seeds" / "news" / "train"), 300, seed=3))


def test_the_writers_own_frame_is_speculation_as_certain_as_the_frame(rows: list[dict[str, object]]) -> None:
    frames = dict(WRITER_FRAMES)
    writer = [row for row in rows if " said " not in str(row["text"]) and " on " not in str(row["text"])[:40]]
    checked = 0
    for row in writer:
        text = str(row["text"]).lower()
        frame = next((f for f in frames if f in text), None)
        if frame is None or "denied" in text or "dismissed" in text or "rejected" in text:
            continue
        checked += 1
        assert KINDS[int(str(row["kind"]))] is SegmentKind.SPECULATION, row
        assert CERTAINTIES[int(str(row["certainty"]))] is frames[frame], row
    assert checked >= 50


def test_the_same_words_from_a_source_or_as_a_cause_take_the_sources_kind(rows: list[dict[str, object]]) -> None:
    kinds = {KINDS[int(str(row["kind"]))] for row in rows}
    assert kinds == set(SegmentKind)
    for row in rows:
        text = str(row["text"])
        if " on fears that " in text or " on concerns that " in text:
            assert (KINDS[int(str(row["kind"]))], CERTAINTIES[int(str(row["certainty"]))]) == (
                SegmentKind.CLAIM,
                Certainty.CERTAIN,
            )


def test_templates_are_seeded_and_never_read_the_frame_contract(rows: list[dict[str, object]]) -> None:
    again = list(scheme_examples(load_gold(ROOT / "seeds" / "news" / "train"), 300, seed=3))
    assert again == rows
    lines = (ROOT / "tests" / "data" / "frames.jsonl").read_text("utf-8").splitlines()
    contract = {json.loads(line)["text"] for line in lines}
    assert not contract & {str(row["text"]) for row in rows}


def test_templates_need_real_train_gold() -> None:
    with pytest.raises(ValueError, match="real_train"):
        training_mix(TrainConfig(corpora={}, news_repeat=0, scheme_templates=10), ROOT, ROOT)
