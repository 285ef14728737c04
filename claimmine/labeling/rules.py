"""The rule baseline: cues, kind and certainty of a segment from the shipped lexicon.

It is the floor a trained model must beat and the labeler used when no model
weights are available.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claimmine.lexicon.cues import Match, lexicon, phrase_key
from claimmine.text.quotes import inside, quote_regions
from claimmine.types import Attribution, Certainty, Cue, CueType, SegmentKind, SourceType

# "Markets fell on fears that the dispute could escalate": the hedge sits in a
# noun's complement and does not weaken the main assertion.
_EMBEDDED = re.compile(
    r"\b(?:on|amid|over|despite|after|with|due to|because of|raising|raised|sparked|fuell?ed)\s+"
    r"(?:\w+\s+){0,2}(?:fears?|concerns?|worries|speculation|rumou?rs|hopes?|expectations?|uncertainty)"
    r"\s+(?:that|of|over|about)\b[^,;.]*",
    re.IGNORECASE,
)
_VAGUE = (SourceType.COLLECTIVE, SourceType.ANONYMOUS)
_RANK = {Certainty.CERTAIN: 2, Certainty.PROBABLE: 1, Certainty.POSSIBLE: 0}
# Rule scores are fixed points inside each band; they are not calibrated.
RULE_SCORES = {Certainty.CERTAIN: 0.9, Certainty.PROBABLE: 0.62, Certainty.POSSIBLE: 0.25}


@dataclass(frozen=True, slots=True)
class RuleLabels:
    """What the rules decide for one segment: its labels and the cues behind them (``Draft.rules``)."""

    kind: SegmentKind
    certainty: Certainty
    certainty_score: float
    cues: tuple[Cue, ...]


def find_cues(text: str, offset: int = 0) -> tuple[Cue, ...]:
    """Return the hedge, speculation-frame and reporting cues of a segment, in text order.

    >>> [c.text for c in find_cues("There are speculations that the envoy may have asked.")]
    ['There are speculations', 'may']
    """
    lex = lexicon()
    regions = quote_regions(text)
    embedded = [(m.start(), m.end()) for m in _EMBEDDED.finditer(text)]
    frames = lex.frames.find(text)
    cues = [_cue(text, offset, m, CueType.SPECULATION_FRAME, lex.hedge_certainty(m)) for m in frames]
    taken = [(m.start, m.end) for m in frames]
    for match in lex.hedges.find(text):
        if _overlaps(taken, match) or inside(embedded, match.start, match.end):
            continue
        if text[match.start : match.end] == "May" and match.start > 0:
            continue  # the month
        cues.append(_cue(text, offset, match, CueType.HEDGE, lex.hedge_certainty(match)))
    for match in lex.reporting.find(text):
        hidden = inside(regions, match.start, match.end) or inside(embedded, match.start, match.end)
        if not hidden and not _overlaps(taken, match):
            cues.append(_cue(text, offset, match, CueType.REPORTING, None))
    return tuple(sorted(cues, key=lambda c: c.start))


def rule_labels(text: str, offset: int, attribution: Attribution | None) -> RuleLabels:
    """Label one segment from its cues and attribution.

    >>> rule_labels("There is speculation that the airline may be sold.", 0, None).kind.value
    'speculation'
    """
    cues = find_cues(text, offset)
    regions = [(a + offset, b + offset) for a, b in quote_regions(text)]
    hedges = [c for c in cues if c.certainty is not None]
    certainty = min((c.certainty for c in hedges if c.certainty), key=_RANK.__getitem__, default=Certainty.CERTAIN)
    if _believed(attribution) and certainty is Certainty.CERTAIN:
        certainty = Certainty.PROBABLE
    writer_hedged = (
        any(c.type is CueType.HEDGE and not inside(regions, c.start, c.end) for c in hedges) and attribution is None
    )
    framed = any(c.type is CueType.SPECULATION_FRAME for c in cues)
    kind = _kind(attribution, framed, writer_hedged, certainty)
    return RuleLabels(kind, certainty, RULE_SCORES[certainty], cues)


def same_rule_view(first: Attribution | None, second: Attribution | None) -> bool:
    """Tell whether :func:`rule_labels` labels a segment alike under either attribution.

    The rules read only whether there is one, its source type and its cue's words.

    >>> from claimmine.types import Span
    >>> said = Attribution(None, Span("said", 3, 7), None, False)
    >>> same_rule_view(said, Attribution(None, Span("said", 3, 7), None, True)), same_rule_view(said, None)
    (True, False)
    """
    if first is None or second is None:
        return first is second
    return first.source_type is second.source_type and _cue_words(first) == _cue_words(second)


def _cue_words(attribution: Attribution) -> str | None:
    return phrase_key(attribution.cue.text) if attribution.cue else None


def _kind(attribution: Attribution | None, framed: bool, writer_hedged: bool, certainty: Certainty) -> SegmentKind:
    if attribution is not None and attribution.source_type is SourceType.OFFICIAL:
        return SegmentKind.OFFICIAL_STATEMENT
    if framed or writer_hedged:
        return SegmentKind.SPECULATION
    vague = attribution is not None and attribution.source_type in _VAGUE
    if vague and (_believed(attribution) or certainty is not Certainty.CERTAIN):
        return SegmentKind.SPECULATION
    return SegmentKind.CLAIM


def _believed(attribution: Attribution | None) -> bool:
    """Tell whether the attribution's cue is a verb of belief or expectation ("analysts expect")."""
    if attribution is None or attribution.cue is None:
        return False
    return lexicon().reporting.table.get(_cue_words(attribution) or "") == "belief"


def _cue(text: str, offset: int, match: Match, kind: CueType, certainty: Certainty | None) -> Cue:
    return Cue(text[match.start : match.end], offset + match.start, offset + match.end, kind, certainty)


def _overlaps(spans: list[tuple[int, int]], match: Match) -> bool:
    return any(a < match.end and match.start < b for a, b in spans)
