"""Gold files: the project's own files are valid, and broken ones fail with a message that says where."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimmine import Certainty, SegmentKind
from training.gold import GoldFormatError, cell_counts, load_gold

ROOT = Path(__file__).resolve().parents[2]


def test_seed_gold_rebuilds_the_seed_article_exactly() -> None:
    (document,) = load_gold(ROOT / "seeds" / "000_b13b75026e8a9805.gold.jsonl")
    assert document.text == (ROOT / "seeds" / "000_b13b75026e8a9805.txt").read_text(encoding="utf-8")
    for segment in document.segments:
        assert document.text[segment.start : segment.end] == segment.text
        for span in (segment.source, segment.cue):
            if span is not None:
                assert document.text[span.start : span.end] == span.text


def test_dev_set_is_large_enough_and_fills_every_cell() -> None:
    counts = cell_counts(load_gold(ROOT / "seeds" / "news" / "dev"))
    assert sum(counts.values()) >= 400
    assert all(counts[(kind, certainty)] >= 10 for kind in SegmentKind for certainty in Certainty)


def test_train_and_dev_share_no_document_and_no_segment_text() -> None:
    dev = load_gold(ROOT / "seeds" / "news" / "dev")
    train = load_gold(ROOT / "seeds" / "news" / "train")
    assert not {d.id for d in dev} & {d.id for d in train}
    dev_texts = {s.text for d in dev for s in d.segments if len(s.text) > 40}
    assert not dev_texts & {s.text for d in train for s in d.segments}


def test_pronoun_sources_match_whole_words(tmp_path: Path) -> None:
    segment = {
        "text": "“It is over,” he said.",
        "kind": "claim",
        "certainty": "certain",
        "source": "he",
        "source_type": "other",
        "cue": "said",
        "direct": True,
    }
    path = tmp_path / "g.jsonl"
    path.write_text(
        json.dumps(
            {
                "id": "x",
                "domain": "politics",
                "segments": [{"text": "The end.", "kind": "claim", "certainty": "certain"}, segment],
            }
        )
        + "\n"
    )
    (document,) = load_gold(path)
    source = document.segments[1].source
    assert source is not None and document.text[source.start : source.end] == "he"
    assert source.start == document.text.index(" he ") + 1


@pytest.mark.parametrize(
    "change, message",
    [
        ({"kind": "rumour"}, "bad or missing label"),
        ({"source": "nobody"}, "is not in the segment text"),
        ({"sep": "x"}, "'sep' must be whitespace"),
        ({"text": " padded"}, "outer whitespace"),
        ({"source": "It", "source_type": None}, "go together"),
    ],
)
def test_broken_gold_names_file_and_segment(tmp_path: Path, change: dict[str, object], message: str) -> None:
    segment = {"text": "It rained.", "kind": "claim", "certainty": "certain", **change}
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"id": "doc-1", "domain": "sport", "segments": [segment]}) + "\n")
    with pytest.raises(GoldFormatError, match=message) as raised:
        load_gold(path)
    assert f"{path}:1" in str(raised.value) and "doc-1 segment 0" in str(raised.value)
