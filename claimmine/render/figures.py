"""Document figures for the HTML view: counts per kind, speculative share, official sources, certainty histogram."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from claimmine.types import Analysis, Segment, SegmentKind, SourceType

HISTOGRAM_BINS = 10
_LEADING_ARTICLE = re.compile(r"^the\s+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SourceCount:
    """An official source and the number of segments attributed to it."""

    name: str
    segments: int


@dataclass(frozen=True, slots=True)
class Figures:
    """What the header of the view reports about one analysis.

    ``speculative_share`` is the characters of speculation segments over the
    characters of all segments (``None`` when there are none, as in
    :func:`claimmine.batch.scorer.summarize`). ``histogram`` counts
    ``certainty_score`` in ``HISTOGRAM_BINS`` equal bins over [0, 1]; a score
    of 1.0 falls in the last bin.
    """

    kind_counts: dict[SegmentKind, int]
    speculative_share: float | None
    official_sources: tuple[SourceCount, ...]
    histogram: tuple[int, ...]


def document_figures(analysis: Analysis) -> Figures:
    """Compute the header figures of ``analysis``.

    >>> from claimmine import Analyzer
    >>> f = document_figures(Analyzer("rules").analyze("The ministry said talks would resume. Prices may rise."))
    >>> f.kind_counts[SegmentKind.SPECULATION], f.official_sources[0].name
    (1, 'The ministry')
    """
    segments = analysis.segments
    counts = Counter(segment.kind for segment in segments)
    histogram = [0] * HISTOGRAM_BINS
    for segment in segments:
        histogram[min(int(segment.certainty_score * HISTOGRAM_BINS), HISTOGRAM_BINS - 1)] += 1
    return Figures(
        kind_counts={kind: counts.get(kind, 0) for kind in SegmentKind},
        speculative_share=analysis.speculative_share,
        official_sources=official_sources(segments),
        histogram=tuple(histogram),
    )


def source_name(segment: Segment) -> str | None:
    """The name a segment's source goes by: the resolved mention if there is one, else the source's own text.

    >>> from claimmine import Analyzer
    >>> a = Analyzer("rules").analyze("Mayor Ana Ruiz spoke first. She said the bridge would reopen.")
    >>> source_name(a.segments[1])
    'Mayor Ana Ruiz'
    """
    attribution = segment.attribution
    if attribution is None:
        return None
    if attribution.resolved:
        return " ".join(attribution.resolved.split())
    if attribution.source is not None:
        return " ".join(attribution.source.text.split())
    return None


def official_sources(segments: tuple[Segment, ...]) -> tuple[SourceCount, ...]:
    """Official sources of ``segments`` (source type ``official``), deduplicated, most quoted first.

    Names that differ only in case or a leading "the" count as one, shown in their most frequent spelling.

    >>> from claimmine import Analyzer
    >>> a = Analyzer("rules").analyze("The ministry said the port would reopen. Later, the ministry said "
    ...                               "prices would fall. Police said two people were hurt.")
    >>> [(s.name, s.segments) for s in official_sources(a.segments)]
    [('The ministry', 2), ('Police', 1)]
    """
    spellings: dict[str, Counter[str]] = {}
    for segment in segments:
        attribution = segment.attribution
        name = source_name(segment)
        if attribution is None or name is None or attribution.source_type is not SourceType.OFFICIAL:
            continue
        key = _LEADING_ARTICLE.sub("", name).casefold()
        spellings.setdefault(key, Counter())[name] += 1
    found = [SourceCount(_preferred(forms), sum(forms.values())) for forms in spellings.values()]
    # Stable sort: equally quoted sources keep their order of first appearance.
    return tuple(sorted(found, key=lambda source: -source.segments))


def _preferred(forms: Counter[str]) -> str:
    # Among equally frequent spellings, a capitalised one reads better in a list; else the first seen.
    best = max(forms.values())
    candidates = [name for name, count in forms.items() if count == best]
    return next((name for name in candidates if name[:1].isupper()), candidates[0])
