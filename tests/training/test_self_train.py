"""Self-training data: only unlabelled train articles, standoff only, and hints as ``analyze`` builds them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from training import DEFAULT_DATA_DIR
from training.gold import GoldFormatError
from training.self_train import labelled_articles, self_examples

ROOT = Path(__file__).resolve().parents[2]
SELF = sorted((ROOT / "seeds" / "self-training").glob("*.jsonl"))
needs_corpora = pytest.mark.skipif(
    not (DEFAULT_DATA_DIR / "polnear").is_dir(), reason="the shared corpora are not beside the checkout"
)


def test_self_labelled_articles_are_unlabelled_train_articles_and_hold_no_text() -> None:
    labelled = labelled_articles(ROOT / "seeds" / "real" / "train") | labelled_articles(ROOT / "seeds" / "real" / "dev")
    assert SELF
    for path in SELF:
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        files = {r["text_file"] for r in records}
        assert all(f.startswith("polnear/train/text/") for f in files)
        assert not files & labelled
        assert all("text" not in s for r in records for s in r["segments"])


@needs_corpora
def test_self_examples_read_the_hints_analyze_builds() -> None:
    from claimmine.pipeline import draft_segments
    from training.gold import read_source_text

    record = json.loads(SELF[0].read_text(encoding="utf-8").splitlines()[0])
    examples = self_examples([SELF[0]], DEFAULT_DATA_DIR)
    drafts = {(d.start, d.end): d for d in draft_segments(read_source_text(DEFAULT_DATA_DIR, record["text_file"]))}
    first = drafts[(record["segments"][0]["start"], record["segments"][0]["end"])]
    assert (examples[0]["text"], examples[0]["hint"]) == (first.text, first.hint)


@needs_corpora
def test_a_changed_text_fails_loudly(tmp_path: Path) -> None:
    record = json.loads(SELF[0].read_text(encoding="utf-8").splitlines()[0])
    path = tmp_path / "self.jsonl"
    path.write_text(json.dumps({**record, "sha256": "0" * 64}) + "\n", encoding="utf-8")
    with pytest.raises(GoldFormatError, match="does not match its hash"):
        self_examples([path], DEFAULT_DATA_DIR)
