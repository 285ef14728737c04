"""Attribution relations (``Analysis.attributions``) on the edge cases that quote extractors get wrong.

Every case runs with the rule attributor; the cases the shipped tagger
handles run with it too (it loads once per session).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimmine import Analysis, Analyzer, QuoteStyle, SourceType
from claimmine.attribution.attributors import TaggerAttributor, shipped_tagger
from claimmine.attribution.relations import RoleSpan, group
from claimmine.types import Attribution, Span

TAGGER = shipped_tagger()
BOTH = ["rules", pytest.param("tagger", marks=pytest.mark.skipif(TAGGER is None, reason="no shipped tagger"))]


def analyse(attributor: str, text: str) -> Analysis:
    analysis = Analyzer("rules", attribution=TAGGER if attributor == "tagger" else "rules").analyze(text)
    for relation in analysis.attributions:
        for span in (relation.source, relation.cue, *relation.content):
            if span is not None:
                assert text[span.start : span.end] == span.text
    return analysis


def described(relation: Attribution) -> tuple[str | None, str | None, str]:
    source = relation.source.text if relation.source else None
    cue = relation.cue.text if relation.cue else None
    return source, cue, " ".join(span.text for span in relation.content)


@pytest.mark.parametrize("attributor", BOTH)
def test_quote_before_its_attribution(attributor: str) -> None:
    analysis = analyse(attributor, "“We will not back down,” the minister said.")
    [relation] = analysis.attributions
    source, cue, content = described(relation)
    assert (source, cue) == ("the minister", "said")
    assert "We will not back down" in content
    assert relation.quote is QuoteStyle.DIRECT and relation.direct
    assert analysis.segments[0].attribution is relation


@pytest.mark.parametrize("attributor", BOTH)
def test_quote_of_several_sentences_has_one_attribution(attributor: str) -> None:
    analysis = analyse(attributor, "“We are ready. The talks will go on,” the minister said. Prices rose.")
    [relation] = analysis.attributions
    assert "We are ready. The talks will go on" in described(relation)[2]
    assert analysis.segments[-1].attribution is None


@pytest.mark.parametrize("attributor", BOTH)
def test_according_to(attributor: str) -> None:
    [relation] = analyse(attributor, "According to the ministry, the bridge will reopen in May.").attributions
    source, cue, content = described(relation)
    assert source == "the ministry" and cue is not None and cue.lower() == "according to"
    assert "bridge will reopen" in content


def test_passive_and_sourceless_cues_keep_an_empty_source() -> None:
    for text in ("It was announced that the bridge would close.", "According to reports, the talks failed."):
        [relation] = analyse("rules", text).attributions
        assert relation.source is None and relation.source_type is None
        assert relation.content


def test_nominal_cue_in_a_statement() -> None:
    [relation] = analyse("rules", "In a statement, the ministry said the bridge would close.").attributions
    assert described(relation)[:2] == ("the ministry", "said")
    assert "the bridge would close" in described(relation)[2]


@pytest.mark.parametrize("attributor", BOTH)
def test_two_speakers_in_one_sentence(attributor: str) -> None:
    text = "The minister said the talks would resume, but the opposition leader said they had failed."
    relations = analyse(attributor, text).attributions
    assert [described(r)[0] for r in relations] == ["The minister", "the opposition leader"]
    assert "they had failed" in described(relations[1])[2]
    assert "but" not in described(relations[1])[2].split()


@pytest.mark.parametrize("attributor", BOTH)
def test_nested_attribution_keeps_the_outer_speaker(attributor: str) -> None:
    relations = analyse(attributor, "The minister said analysts believe the deal will fail.").attributions
    assert described(relations[0])[:2] == ("The minister", "said")
    assert "the deal will fail" in " ".join(described(r)[2] for r in relations)


@pytest.mark.parametrize("attributor", BOTH)
def test_attribution_in_a_headline(attributor: str) -> None:
    analysis = analyse(attributor, "Minister says talks will resume\n\nThe talks broke down in May.")
    assert [described(r)[:2] for r in analysis.attributions] == [("Minister", "says")]
    assert analysis.segments[0].attribution is not None and analysis.segments[1].attribution is None


@pytest.mark.parametrize("attributor", BOTH)
def test_straight_and_unclosed_quotes(attributor: str) -> None:
    [straight] = analyse(attributor, '"We will win," the minister said.').attributions
    assert described(straight)[:2] == ("the minister", "said") and straight.direct
    [unclosed] = analyse(attributor, "“We will win, the minister said. Prices rose.").attributions
    source, cue, _ = described(unclosed)
    assert source is not None and source.endswith("minister") and cue == "said"


def test_very_long_quote_keeps_exact_offsets() -> None:
    text = "“" + "We will keep working on this. " * 150 + "” the minister said."
    analysis = analyse("rules", text)
    assert [described(r)[:2] for r in analysis.attributions] == [("the minister", "said")]


@pytest.mark.parametrize("attributor", BOTH)
def test_text_without_attribution(attributor: str) -> None:
    analysis = analyse(attributor, "Prices rose 3% in May. The bridge closed for repairs.")
    assert analysis.attributions == ()
    assert all(segment.attribution is None for segment in analysis.segments)


@pytest.mark.parametrize("attributor", BOTH)
def test_pronoun_source_is_resolved(attributor: str) -> None:
    text = "Special Envoy Rustem Umerou arrived in Geneva on Monday. He said the talks would resume."
    relations = analyse(attributor, text).attributions
    assert [(r.source.text if r.source else None, r.resolved) for r in relations] == [
        ("He", "Special Envoy Rustem Umerou")
    ]


def test_relations_serialise_with_content() -> None:
    data = analyse("rules", "The ministry said talks would resume.").to_dict()
    [relation] = data["attributions"]
    assert relation["content"] == [{"text": "talks would resume", "start": 18, "end": 36}]
    assert relation["quote"] == "indirect"
    assert data["segments"][0]["attribution"] == relation


def test_tagger_governance_is_chosen_explicitly() -> None:
    with pytest.raises(ValueError, match="governs"):
        TaggerAttributor(Path("unused"), governs="model")


@pytest.mark.skipif(TAGGER is None, reason="no shipped tagger")
def test_tagger_may_govern_every_segment_its_content_covers() -> None:
    assert TAGGER is not None
    text = "The minister spoke for an hour. “We are ready. The talks will go on.” Prices rose."
    ruled = Analyzer("rules", attribution=TaggerAttributor(TAGGER)).analyze(text)
    tagged = Analyzer("rules", attribution=TaggerAttributor(TAGGER, governs="tagger")).analyze(text)
    for analysis in (ruled, tagged):
        assert all(s.attribution is None or s.attribution in analysis.attributions for s in analysis.segments)
    assert sum(s.attribution is not None for s in tagged.segments) >= sum(
        s.attribution is not None for s in ruled.segments
    )


@pytest.mark.skipif(TAGGER is None, reason="no shipped tagger")
def test_tagger_names_the_source_where_the_rules_see_a_cue_but_no_source() -> None:
    text = "Industry groups said the levy could cut margins. The strike is expected to last a week."
    assert [s.attribution for s in analyse("rules", text).segments] == [None, None]
    analysis = analyse("tagger", text)
    first, second = analysis.segments
    assert first.attribution is not None and first.attribution in analysis.attributions
    assert described(first.attribution)[:2] == ("Industry groups", "said")
    # No head word in the cue resources types it; a plain plural noun names a group.
    assert first.attribution.source_type is SourceType.COLLECTIVE
    # A passive belief is the writer's hedge, not a report: the rules weigh no cue there, so nothing governs it.
    assert second.attribution is None


def _cue_sources(text: str, spans: list[tuple[str, str]]) -> list[tuple[str, str | None]]:
    """Group the given (role, surface) spans of ``text`` and return each cue with its source."""
    role_spans, after = [], 0
    for role, surface in spans:
        start = text.index(surface, after)
        role_spans.append(RoleSpan(role, start, start + len(surface)))
        after = start + len(surface)
    return [(text[slice(*g.cue)], text[slice(*g.source)] if g.source else None) for g in group(role_spans, text)]


def test_participle_cue_shares_the_source_of_its_sentence() -> None:
    text = "The mayor said costs fell, adding that taxes would not rise. "
    text += "Adding to that, he said prices grew according to data."
    spans = [("source", "The mayor"), ("cue", "said"), ("cue", "adding"), ("cue", "Adding")]
    spans += [("source", "he"), ("cue", "said"), ("cue", "according to")]
    assert _cue_sources(text, spans) == [
        ("said", "The mayor"),
        ("adding", "The mayor"),
        ("Adding", None),  # the cue before it is in another sentence
        ("said", "he"),
        ("according to", None),  # not a participle: it names its own source
    ]


@given(
    st.lists(st.tuples(st.integers(0, 400), st.integers(1, 30)), max_size=30),
    st.integers(0, 450),
    st.integers(0, 120),
)
def test_the_cue_index_finds_what_reading_every_relation_finds(
    cues: list[tuple[int, int]], start: int, width: int
) -> None:
    from claimmine.attribution.attributors import _CueIndex

    relations = [Attribution(None, Span("x" * n, a, a + n), None, False) for a, n in cues]
    index = _CueIndex(relations)
    end = start + width
    assert index.overlapping(start, end) == [
        i for i, r in enumerate(relations) if r.cue and r.cue.start < end and start < r.cue.end
    ]
    assert index.within(start, end) == [
        i for i, r in enumerate(relations) if r.cue and start <= r.cue.start and r.cue.end <= end
    ]
    if relations:
        index.put(0, Attribution(None, Span("y", end, end + 1), None, False))
        assert (0 in index.overlapping(end, end + 1)) and (0 not in index.within(end + 1, end + 200))
