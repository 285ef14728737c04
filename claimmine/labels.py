"""The label vocabulary of ``../shared/ANNOTATION.md`` as string enums."""

from __future__ import annotations

from enum import StrEnum


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
