"""Real-news gold: standoff files that hold no article text, checked against the text's hash when loaded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claimmine import SegmentKind
from training import DEFAULT_DATA_DIR
from training.gold import GoldFormatError, load_gold, text_sha256

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "seeds" / "real"
needs_corpora = pytest.mark.skipif(
    not (DEFAULT_DATA_DIR / "polnear").is_dir(), reason="the shared corpora are not beside the checkout"
)


def _records(folder: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line) for file in sorted(folder.glob("*.jsonl")) for line in file.read_text("utf-8").splitlines()
    ]


def test_real_train_and_dev_share_no_article_and_no_text() -> None:
    train, dev = _records(REAL / "train"), _records(REAL / "dev")
    assert len(dev) >= 60 and train
    assert not {r["text_file"] for r in train} & {r["text_file"] for r in dev}
    assert not {r["sha256"] for r in train} & {r["sha256"] for r in dev}


def test_standoff_files_hold_offsets_not_text() -> None:
    for folder in (REAL / "train", REAL / "dev", REAL / "second"):
        for record in _records(folder):
            assert set(record) <= {"id", "domain", "text_file", "line", "sha256", "annotator", "segments"}
            for segment in record["segments"]:
                assert "text" not in segment


@needs_corpora
def test_real_gold_loads_with_every_hash_checked() -> None:
    dev = load_gold(REAL / "dev")
    assert sum(len(d.segments) for d in dev) >= 2000
    assert {s.kind for d in dev for s in d.segments} == set(SegmentKind)
    for document in dev:
        for segment in document.segments:
            assert document.text[segment.start : segment.end] == segment.text
            if segment.source is not None:
                assert segment.start <= segment.source.start < segment.source.end <= segment.end


def _standoff(tmp_path: Path, text: str, sha256: str, text_file: str = "corpus/a.txt") -> Path:
    data = tmp_path / "data"
    (data / "corpus").mkdir(parents=True)
    (data / "corpus" / "a.txt").write_text(text, encoding="utf-8")
    segments = [
        {"start": 0, "end": 15, "kind": "official_statement", "certainty": "certain", "source": [0, 6],
         "source_type": "official", "cue": [7, 11], "direct": False},
        {"start": 16, "end": 26, "kind": "claim", "certainty": "certain"},
    ]
    record = {"id": "a", "domain": "news", "text_file": text_file, "sha256": sha256, "segments": segments}
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return gold


def test_a_standoff_document_reads_its_text_from_the_data_folder(tmp_path: Path) -> None:
    text = "Police said so. It rained."
    (document,) = load_gold(_standoff(tmp_path, text, text_sha256(text)), tmp_path / "data")
    assert [s.text for s in document.segments] == ["Police said so.", "It rained."]
    assert document.segments[0].source is not None and document.segments[0].source.text == "Police"


def test_a_changed_text_fails_loudly(tmp_path: Path) -> None:
    gold = _standoff(tmp_path, "Police said so. It snowed.", text_sha256("Police said so. It rained."))
    with pytest.raises(GoldFormatError, match="does not match the hash"):
        load_gold(gold, tmp_path / "data")


def test_a_missing_data_folder_says_to_pass_data_dir(tmp_path: Path) -> None:
    gold = _standoff(tmp_path, "Police said so. It rained.", "0" * 64)
    with pytest.raises(FileNotFoundError, match="--data-dir"):
        load_gold(gold, tmp_path / "elsewhere")


def test_a_text_file_outside_the_data_folder_is_refused(tmp_path: Path) -> None:
    gold = _standoff(tmp_path, "Police said so. It rained.", "0" * 64, text_file="../gold.jsonl")
    with pytest.raises(GoldFormatError, match="outside the data folder"):
        load_gold(gold, tmp_path / "data")


def test_text_that_no_segment_covers_is_refused(tmp_path: Path) -> None:
    text = "Police said so. It rained. Then it stopped."
    with pytest.raises(GoldFormatError, match="belongs to no segment"):
        load_gold(_standoff(tmp_path, text, text_sha256(text)), tmp_path / "data")
