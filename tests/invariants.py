"""The structural promises every Analysis keeps, checked by several test modules."""

from __future__ import annotations

from claimmine import Analysis


def assert_invariants(analysis: Analysis) -> None:
    """Segments are ordered, disjoint, exact, and cover every non-space character."""
    text = analysis.text
    covered = [False] * len(text)
    previous_end = 0
    relations = set(analysis.attributions)
    for segment in analysis.segments:
        assert 0 <= segment.start < segment.end <= len(text)
        assert segment.start >= previous_end, "segments overlap or are out of order"
        assert text[segment.start : segment.end] == segment.text
        assert segment.text == segment.text.strip()
        assert 0.0 <= segment.certainty_score <= 1.0
        previous_end = segment.end
        for index in range(segment.start, segment.end):
            covered[index] = True
        for cue in segment.cues:
            assert segment.start <= cue.start < cue.end <= segment.end
            assert text[cue.start : cue.end] == cue.text
        # A relation may reach beyond the segment it governs (a quote before "he said"), but it is one of the
        # document's relations.
        assert segment.attribution is None or segment.attribution in relations
    missed = [i for i, char in enumerate(text) if not covered[i] and not char.isspace()]
    assert not missed, f"characters outside every segment: {[text[i] for i in missed[:10]]}"
    cue_starts = [a.cue.start for a in analysis.attributions if a.cue is not None]
    assert cue_starts == sorted(cue_starts), "relations are not in cue order"
    for relation in analysis.attributions:
        for span in (relation.source, relation.cue, *relation.content):
            if span is not None:
                assert 0 <= span.start < span.end <= len(text)
                assert text[span.start : span.end] == span.text
