"""The structural promises every Analysis keeps, checked by several test modules."""

from __future__ import annotations

from claimmine import Analysis


def assert_invariants(analysis: Analysis) -> None:
    """Segments are ordered, disjoint, exact, and cover every non-space character."""
    text = analysis.text
    covered = [False] * len(text)
    previous_end = 0
    for segment in analysis.segments:
        assert 0 <= segment.start < segment.end <= len(text)
        assert segment.start >= previous_end, "segments overlap or are out of order"
        assert text[segment.start : segment.end] == segment.text
        assert segment.text == segment.text.strip()
        assert 0.0 <= segment.certainty_score <= 1.0
        previous_end = segment.end
        for index in range(segment.start, segment.end):
            covered[index] = True
        for span in [c for c in segment.cues] + _attribution_spans(segment):
            assert segment.start <= span.start < span.end <= segment.end
            assert text[span.start : span.end] == span.text
    missed = [i for i, char in enumerate(text) if not covered[i] and not char.isspace()]
    assert not missed, f"characters outside every segment: {[text[i] for i in missed[:10]]}"


def _attribution_spans(segment: object) -> list:  # type: ignore[type-arg]
    attribution = getattr(segment, "attribution", None)
    if attribution is None:
        return []
    return [span for span in (attribution.source, attribution.cue) if span is not None]
