"""The public contract of ``claimmine``: names, types, bad input."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import cast

import pytest

import claimmine
from claimmine import (
    Analysis,
    Analyzer,
    Certainty,
    ClaimmineError,
    ModelNotFoundError,
    SegmentKind,
    analyze,
)
from tests.invariants import assert_invariants


def test_all_lists_exactly_the_public_names() -> None:
    public = {
        name
        for name, value in vars(claimmine).items()
        if not name.startswith("_") and not isinstance(value, ModuleType)
    }
    assert set(claimmine.__all__) - {"__version__"} == public


def test_labels_are_string_enums_with_the_contract_values() -> None:
    assert [k.value for k in SegmentKind] == ["claim", "speculation", "official_statement"]
    assert [c.value for c in Certainty] == ["certain", "probable", "possible"]
    assert isinstance(SegmentKind.CLAIM, str)
    assert str(SegmentKind.CLAIM) == "claim"


def test_score_bands_follow_the_annotation_guide() -> None:
    assert Certainty.from_score(0.8) is Certainty.CERTAIN
    assert Certainty.from_score(0.79) is Certainty.PROBABLE
    assert Certainty.from_score(0.45) is Certainty.PROBABLE
    assert Certainty.from_score(0.44) is Certainty.POSSIBLE


def test_analysis_is_typed_and_serialises() -> None:
    analysis = analyze("The ministry said the talks would resume. Prices may rise.")
    assert isinstance(analysis, Analysis)
    assert isinstance(analysis.segments, tuple)
    first = analysis.segments[0]
    assert first.kind is SegmentKind.OFFICIAL_STATEMENT
    assert first.attribution is not None and first.attribution.source is not None
    assert first.attribution.source.text == "The ministry"
    data = json.loads(analysis.to_json())
    assert data == analysis.to_dict()
    assert [s["kind"] for s in data["segments"]] == ["official_statement", "speculation"]
    with pytest.raises(AttributeError):
        first.kind = SegmentKind.CLAIM  # type: ignore[misc]


def test_score_lies_in_the_band_of_the_label(seed_text: str) -> None:
    for segment in analyze(seed_text).segments:
        assert Certainty.from_score(segment.certainty_score) is segment.certainty


@pytest.mark.parametrize("bad", [None, b"bytes", 42, ["a list"]])
def test_non_text_input_is_a_type_error(bad: object) -> None:
    with pytest.raises(TypeError, match="claimmine analyses str"):
        analyze(bad)  # type: ignore[arg-type]


def test_a_bare_text_is_not_a_batch_of_characters() -> None:
    with pytest.raises(TypeError, match="use analyze"):
        Analyzer("rules").analyze_batch("It rained.")


@pytest.mark.parametrize("argument", ["model", "attribution"])
def test_a_model_or_attributor_of_the_wrong_type_is_a_type_error(argument: str) -> None:
    with pytest.raises(TypeError, match=argument):
        Analyzer(**{argument: 123})  # type: ignore[arg-type]


def test_bytes_error_says_how_to_fix_it() -> None:
    with pytest.raises(TypeError, match="decode"):
        analyze(b"text")  # type: ignore[arg-type]


@pytest.mark.parametrize("empty", ["", " ", "\n\n\t ", "\r\n"])
def test_empty_and_blank_text_give_no_segments(empty: str) -> None:
    analysis = analyze(empty)
    assert analysis.segments == ()
    assert analysis.text == empty


@pytest.mark.parametrize(
    "text",
    [
        "Control\x07 characters\x1b and a NUL\x00 byte. Then more text.",
        "Emoji 🎉🔥 in news. The minister said “great 👍” today.",
        "Москва заявила о переговорах. 北京表示将继续谈判。 وقال الوزير إن المحادثات ستستأنف.",
        '"Unbalanced quote at the start. The ministry said talks would resume.',
        "Closing quote only.” He said it. “Open again",
        "\u200b\ufeffZero-width\u200b characters. Fine.",
        "A\rB.\rC said D.",
        "...\n\n!!!\n?",
    ],
)
def test_unusual_text_keeps_offsets_exact(text: str) -> None:
    assert_invariants(analyze(text))


def test_one_megabyte_single_line_text() -> None:
    sentence = "The ministry said on Monday that exports rose 2.5% to $3.1 billion in the U.S. market. "
    text = sentence * (1_000_000 // len(sentence))
    # The rules: this is about cutting and attributing a huge line, not about model speed (benchmarks/ has that).
    analysis = Analyzer("rules").analyze(text)
    assert len(analysis.segments) == text.count("billion in the U.S. market.")
    assert_invariants(analysis)


def test_batch_keeps_order_and_matches_single_calls() -> None:
    texts = ["It rained.", "", "Analysts say rates could rise.", "The court ruled the law void."]
    analyzer = Analyzer()
    batch = analyzer.analyze_batch(texts)
    assert [a.text for a in batch] == texts
    assert batch == [analyzer.analyze(t) for t in texts]


def test_batch_rejects_a_bad_item_before_doing_any_work() -> None:
    with pytest.raises(TypeError):
        Analyzer().analyze_batch(["fine", None])  # type: ignore[list-item]


def test_a_missing_model_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="no model folder"):
        Analyzer(tmp_path / "nothing-here")


def test_errors_share_one_root_and_refine_builtins() -> None:
    assert issubclass(ModelNotFoundError, ClaimmineError)
    assert issubclass(ModelNotFoundError, FileNotFoundError)


def test_the_hint_is_the_rules_view_whatever_attributor_relinks_the_segment() -> None:
    from claimmine.attribution.attributors import Attributor, Linked
    from claimmine.labeling.labeler import Draft
    from claimmine.pipeline import draft_segments

    class NoRelations:
        """An attributor that finds nothing: every segment loses the rules' attribution."""

        name = "none"

        def link(self, texts: Sequence[str], drafted: Sequence[Sequence[Draft]]) -> list[Linked]:
            return [([], [None] * len(drafts)) for drafts in drafted]

    text = "The ministry said the bridge may reopen."
    relinked_analyzer = Analyzer("rules", attribution=cast(Attributor, NoRelations()))
    (relinked,), _ = relinked_analyzer.draft_batch([text])[0]
    (drafted,) = draft_segments(text)
    assert relinked.attribution is None and drafted.attribution is not None
    assert relinked.hint == drafted.hint == "official source: The ministry; cue: said; hedges: may (possible)"
