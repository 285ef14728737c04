"""The types of an analysis: the label vocabulary of ``docs/ANNOTATION.md`` as string enums, and the results
(frozen dataclasses with exact character offsets)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class SegmentKind(StrEnum):
    """What a segment is: a plain claim, speculation, or an official statement."""

    CLAIM = "claim"
    SPECULATION = "speculation"
    OFFICIAL_STATEMENT = "official_statement"


class Certainty(StrEnum):
    """How firmly the text commits to a segment's proposition."""

    CERTAIN = "certain"
    PROBABLE = "probable"
    POSSIBLE = "possible"

    @classmethod
    def from_score(cls, score: float) -> Certainty:
        """Return the label whose band holds ``score``.

        >>> Certainty.from_score(0.5)
        <Certainty.PROBABLE: 'probable'>
        """
        if score >= CERTAIN_MIN:
            return cls.CERTAIN
        if score >= PROBABLE_MIN:
            return cls.PROBABLE
        return cls.POSSIBLE


# Score bands fixed by ANNOTATION.md: certain >= 0.80, probable 0.45-0.80, possible < 0.45.
CERTAIN_MIN = 0.80
PROBABLE_MIN = 0.45


class SourceType(StrEnum):
    """Who stands behind an attributed statement."""

    OFFICIAL = "official"
    EXPERT = "expert"
    MEDIA = "media"
    ANONYMOUS = "anonymous"
    COLLECTIVE = "collective"
    OTHER = "other"


class QuoteStyle(StrEnum):
    """How an attribution reports its content: verbatim, partly quoted, or paraphrased."""

    DIRECT = "direct"
    PARTIAL = "partial"
    INDIRECT = "indirect"


class CueType(StrEnum):
    """The role of a cue span."""

    HEDGE = "hedge"
    SPECULATION_FRAME = "speculation_frame"
    REPORTING = "reporting"


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the input: ``analysis.text[start:end] == text``."""

    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict.

        >>> Span("he", 0, 2).to_dict()
        {'text': 'he', 'start': 0, 'end': 2}
        """
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class Cue:
    """A word or phrase behind a label: a hedge, a speculation frame or a reporting cue.

    ``certainty`` is the commitment the cue signals on its own (``None`` for
    reporting cues, which do not weaken a statement).
    """

    text: str
    start: int
    end: int
    type: CueType
    certainty: Certainty | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict.

        >>> Cue("may", 4, 7, CueType.HEDGE, Certainty.POSSIBLE).to_dict()["type"]
        'hedge'
        """
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "type": self.type.value,
            "certainty": self.certainty.value if self.certainty else None,
        }


@dataclass(frozen=True, slots=True)
class Attribution:
    """An attribution relation: who says what (``content``), and how it is reported.

    ``source`` is ``None`` for relations without a named source ("it was
    announced", "according to reports"). ``content`` holds the reported
    content's spans in text order; a content interrupted by its cue (``"We
    agree," he said, "on most points."``) has several. ``direct`` is true when
    the content is a verbatim quote (ANNOTATION.md); ``quote`` refines it into
    ``direct``, ``partial`` (a paraphrase with quoted words) or ``indirect``.
    The two always agree: ``direct=True`` alone gives ``quote=direct``, and a
    pair that contradicts itself raises ``ValueError``.
    ``resolved`` is the earlier, fuller mention that a pronoun or short source
    refers to (``he`` -> ``Special Envoy Umerou``).

    >>> Attribution(None, Span("said", 4, 8), None, True).quote.value
    'direct'
    >>> Attribution(None, Span("said", 4, 8), None, True, quote=QuoteStyle.PARTIAL)
    Traceback (most recent call last):
    ...
    ValueError: direct=True contradicts quote='partial': a direct attribution's quote is 'direct'
    """

    source: Span | None
    cue: Span | None
    source_type: SourceType | None
    direct: bool
    resolved: str | None = None
    content: tuple[Span, ...] = ()
    quote: QuoteStyle = QuoteStyle.INDIRECT

    def __post_init__(self) -> None:
        if self.direct and self.quote is QuoteStyle.INDIRECT:  # the default: derive it from ``direct``
            object.__setattr__(self, "quote", QuoteStyle.DIRECT)
        elif self.direct != (self.quote is QuoteStyle.DIRECT):
            raise ValueError(
                f"direct={self.direct} contradicts quote={self.quote.value!r}: a direct attribution's quote is "
                "'direct'"
            )

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict.

        >>> Attribution(None, Span("said", 4, 8), None, False).to_dict()["cue"]["text"]
        'said'
        """
        return {
            "source": self.source.to_dict() if self.source else None,
            "cue": self.cue.to_dict() if self.cue else None,
            "source_type": self.source_type.value if self.source_type else None,
            "direct": self.direct,
            "quote": self.quote.value,
            "resolved": self.resolved,
            "content": [span.to_dict() for span in self.content],
        }


@dataclass(frozen=True, slots=True)
class Segment:
    """One proposition of the text with its labels.

    ``certainty_score`` lies in [0, 1] and falls in the band of ``certainty``.
    """

    text: str
    start: int
    end: int
    kind: SegmentKind
    certainty: Certainty
    certainty_score: float
    attribution: Attribution | None = None
    cues: tuple[Cue, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict.

        >>> s = Segment("It rained.", 0, 10, SegmentKind.CLAIM, Certainty.CERTAIN, 0.95)
        >>> s.to_dict()["kind"]
        'claim'
        """
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "kind": self.kind.value,
            "certainty": self.certainty.value,
            "certainty_score": self.certainty_score,
            "attribution": self.attribution.to_dict() if self.attribution else None,
            "cues": [cue.to_dict() for cue in self.cues],
        }


@dataclass(frozen=True, slots=True)
class Analysis:
    """The result of :func:`claimmine.analyze`: the input text, its segments and attributions in text order.

    ``labeler`` names what produced the labels (``"rules"`` or a model's name
    and version). ``attributions`` holds every attribution relation found, in
    the order of their cues; a segment's ``attribution`` is one of them, the
    relation that governs it.
    """

    text: str
    segments: tuple[Segment, ...]
    labeler: str
    attributions: tuple[Attribution, ...] = ()

    @property
    def speculative_share(self) -> float | None:
        """The share of segment characters that lie in speculation segments; ``None`` without segments.

        >>> Analysis("", (), "rules").speculative_share is None
        True
        """
        total = sum(s.end - s.start for s in self.segments)
        speculative = sum(s.end - s.start for s in self.segments if s.kind is SegmentKind.SPECULATION)
        return speculative / total if total else None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict.

        >>> Analysis("", (), "rules").to_dict()
        {'text': '', 'labeler': 'rules', 'segments': [], 'attributions': []}
        """
        return {
            "text": self.text,
            "labeler": self.labeler,
            "segments": [segment.to_dict() for segment in self.segments],
            "attributions": [attribution.to_dict() for attribution in self.attributions],
        }

    def to_json(self, *, indent: int | None = None) -> str:
        """Return the analysis as a JSON string (non-ASCII characters kept as they are).

        >>> Analysis("", (), "rules").to_json()
        '{"text": "", "labeler": "rules", "segments": [], "attributions": []}'
        """
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_html(self, *, title: str | None = None) -> str:
        """Return a self-contained HTML page that shows the analysis (see :func:`claimmine.render.html.render_html`).

        >>> Analysis("It rained.", (), "rules").to_html().startswith("<!DOCTYPE html>")
        True
        """
        from claimmine.render.html import render_html

        return render_html(self, title=title)
