"""The evaluation figures on a tiny gold file whose answers are known."""

from __future__ import annotations

import json
from pathlib import Path

from claimmine import Analyzer
from training.evaluate import boundaries, report, sources
from training.gold import load_gold

SEGMENTS: list[dict[str, object]] = [
    {
        "text": "The ministry said talks would resume.",
        "kind": "official_statement",
        "certainty": "certain",
        "source": "The ministry",
        "source_type": "official",
        "cue": "said",
        "direct": False,
    },
    {"text": "There is speculation that the airline may be sold.", "kind": "speculation", "certainty": "possible"},
    {"text": "Prices rose.", "kind": "claim", "certainty": "certain", "sep": ""},
]


def _gold(tmp_path: Path, segments: list[dict[str, object]]) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"id": "d", "domain": "economy", "segments": segments}) + "\n")
    return path


def test_perfect_rules_score_one(tmp_path: Path) -> None:
    documents = load_gold(_gold(tmp_path, SEGMENTS))
    analyses = Analyzer("rules").analyze_batch([d.text for d in documents])
    assert boundaries(documents, analyses).f1 == 1.0
    found = sources(documents, analyses)
    assert (found.exact, found.overlap, found.type_accuracy) == (1.0, 1.0, 1.0)
    text = report(documents, Analyzer("rules"))
    assert "kind macro-F1: 1.000" in text and "certainty macro-F1: 1.000" in text


def test_a_wrong_gold_label_lowers_the_score(tmp_path: Path) -> None:
    first = {**SEGMENTS[0], "kind": "claim", "source": None, "source_type": None, "cue": None, "direct": None}
    wrong = [first, *SEGMENTS[1:]]
    documents = load_gold(_gold(tmp_path, wrong))
    text = report(documents, Analyzer("rules"))
    assert "kind macro-F1: 1.000" not in text
    assert sources(documents, Analyzer("rules").analyze_batch([documents[0].text])).exact < 1.0


def test_merged_gold_segments_lower_boundary_f1(tmp_path: Path) -> None:
    merged: list[dict[str, object]] = [
        {"text": f"{SEGMENTS[0]['text']} {SEGMENTS[1]['text']}", "kind": "claim", "certainty": "certain"},
        SEGMENTS[2],
    ]
    documents = load_gold(_gold(tmp_path, merged))
    result = boundaries(documents, Analyzer("rules").analyze_batch([documents[0].text]))
    assert result.recall == 0.5 and result.precision == 1 / 3


def test_resolution_is_scored_with_the_type_it_gives(tmp_path: Path) -> None:
    segments: list[dict[str, object]] = [
        {**SEGMENTS[0], "text": "Foreign Minister Anna Berger said talks would resume."}
        | {"source": "Foreign Minister Anna Berger"},
        {
            "text": "She said a deal was close.",
            "kind": "official_statement",
            "certainty": "certain",
            "source": "She",
            "source_type": "official",
            "resolved": "Anna Berger",
            "cue": "said",
            "direct": False,
        },
    ]
    documents = load_gold(_gold(tmp_path, segments))
    found = sources(documents, Analyzer("rules").analyze_batch([documents[0].text]))
    # "She" resolves to the minister, whose title makes her official; "She" alone says nothing of her.
    assert found.resolvable == 1
    assert (found.resolution_accuracy, found.resolved_type_accuracy, found.unresolved_type_accuracy) == (1.0, 1.0, 0.0)
