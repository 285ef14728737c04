"""Tests for training.corpora on tiny fixtures written in each corpus's real format."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import datasets  # type: ignore[import-untyped, unused-ignore]
import pytest

from training.corpora import CORPORA, FEATURES, load_corpus, load_rows, main

COLUMNS = ["text", "certainty", "score", "corpus", "binary_uncertain"]


def _jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def _pei(root: Path) -> None:
    folder = root / "pei_certainty" / "sentence-level-certainty"
    ratings = {
        "Rated six.": 6.0,
        "Rated five.": 5.0,
        "Rated 3.25.": 3.25,
        "Rated three.": 3.0,
        "Rated one.": 1.0,
    }
    _jsonl(
        folder / "train.jsonl",
        [
            {"id": i, "finding": text, "sentence-level-certainty": r, "split": "train"}
            for i, (text, r) in enumerate(ratings.items())
        ],
    )
    _jsonl(
        folder / "val.jsonl",
        [{"id": 9, "finding": "Val row.", "sentence-level-certainty": 4.5, "split": "val"}],
    )


def _targets(*labels: float) -> list[dict[str, Any]]:
    return [{"span1": [i, i + 1], "label": v, "span_text": f"e{i}"} for i, v in enumerate(labels)]


def _factuality(root: Path) -> None:
    base = root / "factuality_jiang2021"
    _jsonl(
        base / "UW" / "train.jsonl",
        [
            {
                "text": "Troops crossed and might stay .",
                "targets": _targets(3.0, 1.2),
                "file_idx": 0,
                "idx": 0,
            },
            {
                "text": "The army did not cross .",
                "targets": _targets(-3.0),
                "file_idx": 1,
                "idx": 1,
            },
            {"text": "Crowd mean of 2.4 .", "targets": _targets(2.4), "file_idx": 2, "idx": 2},
            {"text": "Twice annotated .", "targets": _targets(3.0), "file_idx": 3, "idx": 3},
            {"text": "Twice  annotated .", "targets": _targets(1.5), "file_idx": 4, "idx": 4},
            {"text": "Also in Szeged dev .", "targets": _targets(3.0), "file_idx": 5, "idx": 5},
        ],
    )
    _jsonl(
        base / "UW" / "dev.jsonl",
        [{"text": "UW dev .", "targets": _targets(0.0), "file_idx": 0, "idx": 0}],
    )
    _jsonl(
        base / "MEANTIME" / "train.jsonl",
        [
            {"text": "Possible event", "targets": _targets(0.75), "file_idx": 0, "idx": 0},
            {"text": "Probable event", "targets": _targets(1.5, 3.0), "file_idx": 1, "idx": 1},
        ],
    )
    _jsonl(
        base / "MEANTIME" / "dev.jsonl",
        [{"text": "Dev event", "targets": _targets(3.0), "file_idx": 0, "idx": 0}],
    )


_CB_HEADER = [
    "",
    "uID",
    "Verb",
    "Embedding",
    "Context",
    "Target",
    "Prompt",
    "ModalType",
    "MatTense",
    "MatSubjLemma",
    "MatSubjPer",
    "MatSubjNum",
    "Embedding",
    "genre",
    "factive",
    "mean.noTarget",
    "sd.noTarget",
    "Mean",
    "SD",
    "Reponses",
]


def _cb_row(n: int, target: str, mean: float) -> list[str]:
    return [
        str(n),
        f"BNC-{n}",
        "think",
        "negation",
        "Some context, with commas.",
        target,
        "it rained",
        "DE",
        "present",
        "I",
        "first",
        "singular",
        "negation",
        "BNC",
        "no",
        "0.5",
        "1.0",
        str(mean),
        "1.0",
        "1, 2, 3",
    ]


def _commitmentbank(root: Path) -> None:
    folder = root / "commitmentbank"
    folder.mkdir(parents=True, exist_ok=True)
    splits = {
        "train": [
            _cb_row(1, "I don't think it rained, honestly.", -2.272727273),
            _cb_row(2, "Did it rain?", 0.0),
            _cb_row(3, "I know it rained.", 3.0),
        ],
        "dev": [_cb_row(4, "Maybe it rained.", 0.5)],
    }
    for split, rows in splits.items():
        with (folder / f"{split}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(_CB_HEADER)
            writer.writerows(rows)


def _szeged_record(text: str, cues: list[str]) -> dict[str, Any]:
    return {
        "subcorpus": "x",
        "doc_id": "d",
        "doc_type": "unknown",
        "part_type": "Text",
        "sent_id": "S1.1",
        "text": text,
        "label": "uncertain" if cues else "certain",
        "cues": [{"start": 0, "end": 1, "text": "may", "type": f"speculation_{c}_", "category": c} for c in cues],
    }


def _szeged(root: Path) -> None:
    folder = root / "szeged_uncertainty"
    for part in ("wiki", "factbank", "bio_bmc", "bio_fly", "bio_hbc"):
        _jsonl(
            folder / f"{part}.train.jsonl",
            [
                _szeged_record(f"{part} plain  sentence.", []),
                _szeged_record(f"{part} may be hedged.", ["modal_probable"]),
            ],
        )
    for part in ("wiki", "factbank", "bio_hbc"):
        _jsonl(
            folder / f"{part}.dev.jsonl",
            [_szeged_record(f"{part} dev sentence.", ["hypo_doxastic"])],
        )
    _jsonl(folder / "factbank.dev.jsonl", [_szeged_record("Also in Szeged dev .", [])])


def _conll(root: Path) -> None:
    folder = root / "conll2010_task1"
    for part in ("wiki", "bio"):
        _jsonl(
            folder / f"{part}.train.jsonl",
            [
                {
                    "id": f"train_{part}_certain:1",
                    "text": "Type 1 -LRB- HIV-1 -RRB- was used.",
                    "label": "certain",
                },
                {
                    "id": f"train_{part}_uncertain:1",
                    "text": "Some say it works.",
                    "label": "uncertain",
                },
                {
                    "id": f"train_{part}_certain:2",
                    "text": "Shared with BioScope dev.",
                    "label": "certain",
                },
            ],
        )
        _jsonl(
            folder / f"{part}.dev.jsonl",
            [{"id": "d:1", "text": f"{part} dev.", "label": "certain"}],
        )


def _spec_record(text: str, speculation: bool, negation: bool, **extra: Any) -> dict[str, Any]:
    cues = [{"type": t} for t, on in (("speculation", speculation), ("negation", negation)) if on]
    return {"text": text, "speculation": speculation, "negation": negation, "cues": cues, **extra}


def _sfu_bioscope(root: Path) -> None:
    sfu = {
        "doc_id": "BOOKS/no1done",
        "category": "BOOKS",
        "polarity": "negative",
        "sent_index": 0,
        "tokens": [],
        "scopes": [],
    }
    rows = [
        _spec_record("It is not good .", False, True, **sfu),
        _spec_record("It might be good .", True, False, **sfu),
        _spec_record("It might not be good .", True, True, **sfu),
        _spec_record("Plain .", False, False, **sfu),
    ]
    _jsonl(root / "sfu_review_negspec" / "train.jsonl", rows)
    _jsonl(root / "sfu_review_negspec" / "dev.jsonl", [_spec_record("Dev .", False, False, **sfu)])
    bio = {"subcorpus": "abstracts", "doc_id": "1", "part_type": "AbstractText", "sent_id": "S1.1"}
    _jsonl(
        root / "bioscope" / "train.jsonl",
        [
            _spec_record("PMA, and not RA, acts.", False, True, **bio),
            _spec_record("These results indicate that HIV-1 could mimic stimuli.", True, False, **bio),
        ],
    )
    _jsonl(
        root / "bioscope" / "dev.jsonl",
        [_spec_record("Shared with BioScope dev.", True, False, **bio)],
    )


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    for write in (_pei, _factuality, _commitmentbank, _szeged, _conll, _sfu_bioscope):
        write(root)
    return root


def _rows(ds: datasets.Dataset) -> dict[str, tuple[str, float, int]]:
    return {r["text"]: (r["certainty"], r["score"], r["binary_uncertain"]) for r in ds}


def test_every_corpus_loads_with_the_shared_schema(data_dir: Path) -> None:
    assert len(CORPORA) == len(set(CORPORA)) == 11
    for name in CORPORA:
        for split in ("train", "dev"):
            ds = load_corpus(name, split, data_dir)
            assert ds.column_names == COLUMNS
            assert ds.features == FEATURES
            assert len(ds) > 0
            assert set(ds["corpus"]) == {name}
            for row in ds:
                assert row["certainty"] in {"certain", "probable", "possible", ""}
                assert row["score"] == -1.0 or 0.0 <= row["score"] <= 1.0
                assert row["binary_uncertain"] in {-1, 0, 1}


def test_pei_rating_to_score_and_bands(data_dir: Path) -> None:
    rows = _rows(load_corpus("pei_certainty", "train", data_dir))
    assert rows["Rated six."] == ("certain", 1.0, -1)
    assert rows["Rated five."] == ("certain", 0.8, -1)
    assert rows["Rated 3.25."] == ("probable", 0.45, -1)
    assert rows["Rated three."] == ("possible", 0.4, -1)
    assert rows["Rated one."] == ("possible", 0.0, -1)
    assert _rows(load_corpus("pei_certainty", "dev", data_dir)) == {"Val row.": ("probable", 0.7, -1)}


def test_factuality_uses_least_certain_target_and_magnitude(data_dir: Path) -> None:
    rows = _rows(load_corpus("factuality_uw", "train", data_dir))
    assert rows["Troops crossed and might stay ."] == ("possible", 0.4, -1)
    assert rows["The army did not cross ."] == ("certain", 1.0, -1)
    assert rows["Crowd mean of 2.4 ."] == ("certain", 0.8, -1)
    assert rows["Twice annotated ."] == ("probable", 0.5, -1)
    assert "Also in Szeged dev ." not in rows
    meantime = _rows(load_corpus("factuality_meantime", "train", data_dir))
    assert meantime == {
        "Possible event": ("possible", 0.25, -1),
        "Probable event": ("probable", 0.5, -1),
    }


def test_signed_polarity_is_the_plain_rescaling(data_dir: Path) -> None:
    rows = _rows(load_corpus("factuality_uw", "train", data_dir, polarity="signed"))
    assert rows["The army did not cross ."] == ("possible", 0.0, -1)
    assert rows["Troops crossed and might stay ."] == ("probable", 0.7, -1)
    cb = _rows(load_corpus("commitmentbank", "train", data_dir, polarity="signed"))
    assert cb["Did it rain?"] == ("probable", 0.5, -1)


def test_commitmentbank_target_and_mean(data_dir: Path) -> None:
    rows = _rows(load_corpus("commitmentbank", "train", data_dir))
    assert rows["I don't think it rained, honestly."] == ("probable", 0.757576, -1)
    assert rows["Did it rain?"] == ("possible", 0.0, -1)
    assert rows["I know it rained."] == ("certain", 1.0, -1)
    assert _rows(load_corpus("commitmentbank", "dev", data_dir)) == {"Maybe it rained.": ("possible", 0.166667, -1)}


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("szeged_wiki", ["wiki"]),
        ("szeged_factbank", ["factbank"]),
        ("szeged_bio", ["bio_bmc", "bio_fly", "bio_hbc"]),
    ],
)
def test_szeged_is_binary(data_dir: Path, name: str, parts: list[str]) -> None:
    rows = _rows(load_corpus(name, "train", data_dir))
    expected = {}
    for part in parts:
        expected[f"{part} plain sentence."] = ("certain", -1.0, 0)
        expected[f"{part} may be hedged."] = ("", -1.0, 1)
    assert rows == expected


def test_szeged_bio_dev_is_hbc_only(data_dir: Path) -> None:
    assert _rows(load_corpus("szeged_bio", "dev", data_dir)) == {"bio_hbc dev sentence.": ("", -1.0, 1)}


@pytest.mark.parametrize("name", ["conll2010_wiki", "conll2010_bio"])
def test_conll_binary_and_ptb_brackets(data_dir: Path, name: str) -> None:
    rows = _rows(load_corpus(name, "train", data_dir, dev_guard=False))
    assert rows["Type 1 (HIV-1) was used."] == ("certain", -1.0, 0)
    assert rows["Some say it works."] == ("", -1.0, 1)


def test_sfu_negation_is_not_uncertainty(data_dir: Path) -> None:
    rows = _rows(load_corpus("sfu_review_negspec", "train", data_dir))
    assert rows == {
        "It is not good .": ("certain", -1.0, 0),
        "It might be good .": ("", -1.0, 1),
        "It might not be good .": ("", -1.0, 1),
        "Plain .": ("certain", -1.0, 0),
    }


def test_bioscope_speculation_only(data_dir: Path) -> None:
    rows = _rows(load_corpus("bioscope", "train", data_dir))
    assert rows == {
        "PMA, and not RA, acts.": ("certain", -1.0, 0),
        "These results indicate that HIV-1 could mimic stimuli.": ("", -1.0, 1),
    }


def test_dev_guard_drops_family_dev_overlap(data_dir: Path) -> None:
    guarded, stats = load_rows("conll2010_bio", "train", data_dir)
    assert "Shared with BioScope dev." not in {r.text for r in guarded}
    assert (stats.read, stats.duplicates_merged, stats.dev_overlap_dropped) == (3, 0, 1)
    unguarded = _rows(load_corpus("conll2010_bio", "train", data_dir, dev_guard=False))
    assert unguarded["Shared with BioScope dev."] == ("certain", -1.0, 0)
    wiki = _rows(load_corpus("conll2010_wiki", "train", data_dir))
    assert "Shared with BioScope dev." in wiki


def test_duplicates_merge_to_least_certain(data_dir: Path) -> None:
    _jsonl(
        data_dir / "bioscope" / "train.jsonl",
        [_spec_record("Same text.", False, False), _spec_record("same  TEXT", True, False)],
    )
    rows, stats = load_rows("bioscope", "train", data_dir)
    assert [(r.text, r.certainty, r.binary_uncertain) for r in rows] == [("Same text.", "", 1)]
    assert stats.duplicates_merged == 1


def test_missing_file_names_file_and_option(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as info:
        load_corpus("bioscope", "dev", tmp_path)
    assert type(info.value) is FileNotFoundError
    message = str(info.value)
    assert str(tmp_path / "bioscope" / "dev.jsonl") in message
    assert "--data-dir" in message


def test_missing_family_dev_file_is_reported(data_dir: Path) -> None:
    (data_dir / "szeged_uncertainty" / "bio_hbc.dev.jsonl").unlink()
    with pytest.raises(FileNotFoundError, match=r"bio_hbc\.dev\.jsonl"):
        load_corpus("bioscope", "train", data_dir)
    assert len(load_corpus("bioscope", "train", data_dir, dev_guard=False)) == 2


def test_bad_arguments(data_dir: Path) -> None:
    with pytest.raises(ValueError, match="unknown corpus"):
        load_corpus("nope", "train", data_dir)
    with pytest.raises(ValueError, match="unknown split"):
        load_corpus("bioscope", "test", data_dir)


def test_cli_prints_counts(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "| sfu_review_negspec | train | 4 | 2 | 0 | 0 | 2 | 2 | 2 | - | 4 | 0 | 0 |" in out
    assert out.count("\n") == 2 + 2 * len(CORPORA)


def test_cli_missing_data_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(tmp_path / "absent")]) == 2
    assert "--data-dir" in capsys.readouterr().err


def test_a_weasel_corpus_teaches_kind_not_certainty(data_dir: Path) -> None:
    from training.examples import KIND_INDEX, NOT_SPECULATION, corpus_examples

    plain = {r["text"]: r for r in corpus_examples("conll2010_wiki", "train", data_dir)}
    weasel = {r["text"]: r for r in corpus_examples("conll2010_wiki", "train", data_dir, weasel=True)}
    assert (plain["Some say it works."]["uncertain"], plain["Some say it works."]["kind"]) == (1, -1)
    vague, clean = weasel["Some say it works."], weasel["Type 1 (HIV-1) was used."]
    assert (vague["kind"], vague["certainty"], vague["uncertain"]) == (KIND_INDEX["speculation"], -1, -1)
    assert (clean["kind"], clean["certainty"], clean["uncertain"]) == (NOT_SPECULATION, -1, -1)
