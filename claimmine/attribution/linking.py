"""Attribution relations of a whole document, and which relation governs each segment.

Relations come from the learned tagger (grouped spans, see
:mod:`claimmine.attribution.relations`) or from the rules' per-segment attributions, whose
content is the rest of the segment. Either way they are finished here in text
order: source types from the cue resources, pronouns and short names resolved
against earlier mentions, quote style read off the content's quotation marks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from claimmine.attribution.mentions import MentionTracker, plural_common_noun
from claimmine.attribution.relations import Grouped
from claimmine.attribution.rules import note_subject
from claimmine.lexicon.cues import lexicon
from claimmine.types import Attribution, QuoteStyle, SourceType, Span

_QUOTES = "\"“”„«»"
_EDGE = " \t\r\n\u00a0,;:.—–-"
# A segment is governed by a relation when this share of its characters lies in the relation's content.
_GOVERNS = 0.3
_WORD = re.compile(r"\w")
# How far around a tagged cue to look for the lexicon phrase that holds it.
_SNAP_REACH = 30
# A conjunction left at the start of a content piece once the source and cue are cut out ("..., but she said ...").
_JOINING = re.compile(r"(?:but|and|while|whereas|yet)\b\s*", re.IGNORECASE)


def quote_style(content: str) -> QuoteStyle:
    """Tell a verbatim quote from a partly quoted or a paraphrased content.

    >>> quote_style("“We will not back down.”"), quote_style("that the plan was “dead”"), quote_style("it rained")
    (<QuoteStyle.DIRECT: 'direct'>, <QuoteStyle.PARTIAL: 'partial'>, <QuoteStyle.INDIRECT: 'indirect'>)
    """
    stripped = content.strip().rstrip(".,;:!?").strip()
    if len(stripped) >= 2 and stripped[0] in _QUOTES and stripped[-1] in _QUOTES:
        inner = stripped[1:-1]
        return QuoteStyle.PARTIAL if any(q in inner for q in "“”\"") and "”" in inner[:-1] else QuoteStyle.DIRECT
    return QuoteStyle.PARTIAL if any(q in stripped for q in _QUOTES) else QuoteStyle.INDIRECT


def tagged_relations(
    text: str, grouped: Sequence[Grouped], segments: Sequence[tuple[int, int]]
) -> list[Attribution]:
    """Finish the tagger's grouped spans into :class:`Attribution` relations, in cue order.

    Segments (offsets in text order) drive mention tracking: a segment's named
    subject is remembered for later pronouns even when it holds no relation.

    >>> text = "Foreign Minister Anna Berger arrived. She said talks would resume."
    >>> grouped = [Grouped((42, 46), (38, 41), ((47, 65),))]
    >>> [(a.source.text, a.resolved, a.source_type.value) for a in tagged_relations(text, grouped, [(0, 37), (38, 66)])]
    [('She', 'Foreign Minister Anna Berger', 'official')]
    """
    mentions = MentionTracker()
    by_cue = sorted(grouped, key=lambda g: g.cue)
    relations: list[Attribution] = []
    pending = iter(by_cue)
    following = next(pending, None)
    for start, end in segments:
        mentions.see(text[start:end])
        has_relation = False
        while following is not None and following.cue[0] < end:
            relations.append(_finish(text, following, mentions, (start, end)))
            has_relation = True
            following = next(pending, None)
        if not has_relation:
            note_subject(text[start:end], mentions)
    while following is not None:
        relations.append(_finish(text, following, mentions, None))
        following = next(pending, None)
    return relations


def snap_cue(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a tagged cue to the reporting phrase of the lexicon that contains it (``according`` -> ``according to``).

    >>> snap_cue("According to the ministry, it rained.", 0, 9)
    (0, 12)
    """
    window = max(start - _SNAP_REACH, 0)
    for match in lexicon().reporting.find(text, window, min(end + _SNAP_REACH, len(text))):
        if match.start <= start and end <= match.end:
            return match.start, match.end
    return start, end


def _finish(
    text: str, grouped: Grouped, mentions: MentionTracker, segment: tuple[int, int] | None
) -> Attribution:
    cue_start, cue_end = snap_cue(text, *grouped.cue)
    cue = Span(text[cue_start:cue_end], cue_start, cue_end)
    content = tuple(Span(text[a:b], a, b) for a, b in grouped.content)
    if not content and segment is not None:
        # The tagger found a cue but no content: fall back on the rules' view, the rest of the cue's segment.
        taken = [(cue_start, cue_end)] + ([grouped.source] if grouped.source else [])
        content = rest_of_segment(text, *segment, taken)
    style = quote_style(" ".join(span.text for span in content))
    if grouped.source is None:
        return Attribution(None, cue, None, style is QuoteStyle.DIRECT, None, content, style)
    source = Span(text[grouped.source[0] : grouped.source[1]], *grouped.source)
    resolved, source_type = mentions.identify(source.text)
    if resolved is None and source_type is SourceType.OTHER and plural_common_noun(source.text):
        # The tagger finds groups the cue resources have no head for ("Market watchers", "Industry groups").
        source_type = SourceType.COLLECTIVE
    return Attribution(source, cue, source_type, style is QuoteStyle.DIRECT, resolved, content, style)


def rule_relations(text: str, segments: Sequence[tuple[int, int, Attribution | None]]) -> list[Attribution]:
    """Turn the rules' per-segment attributions into relations whose content is the rest of the segment.

    >>> from claimmine.pipeline import draft_segments
    >>> text = "The ministry said talks would resume."
    >>> drafts = [(d.start, d.end, d.attribution) for d in draft_segments(text)]
    >>> [a.content[0].text for a in rule_relations(text, drafts)]
    ['talks would resume']
    """
    relations = []
    for start, end, attribution in segments:
        if attribution is None:
            continue
        taken = [(s.start, s.end) for s in (attribution.source, attribution.cue) if s is not None]
        pieces = rest_of_segment(text, start, end, taken)
        style = QuoteStyle.DIRECT if attribution.direct else quote_style(" ".join(span.text for span in pieces))
        relations.append(
            Attribution(
                attribution.source,
                attribution.cue,
                attribution.source_type,
                style is QuoteStyle.DIRECT,
                attribution.resolved,
                pieces,
                style,
            )
        )
    return relations


def rest_of_segment(text: str, start: int, end: int, taken: Sequence[tuple[int, int]]) -> tuple[Span, ...]:
    """Return the pieces of ``text[start:end]`` outside the ``taken`` spans, trimmed of edge punctuation.

    >>> [span.text for span in rest_of_segment("The ministry said talks would resume.", 0, 37, [(0, 12), (13, 17)])]
    ['talks would resume']
    """
    pieces, position = [], start
    for a, b in [*sorted(taken), (end, end)]:
        piece = _trim_content(text, position, min(max(a, position), end))
        if piece is not None:
            pieces.append(Span(text[piece[0] : piece[1]], *piece))
        position = max(position, min(b, end))
    return tuple(pieces)


def governing(relations: Sequence[Attribution], start: int, end: int, text: str) -> Attribution | None:
    """Return the relation that governs the segment ``text[start:end]``, or ``None`` for the writer's own voice.

    It is the relation with the most content characters in the segment, when
    they make up at least 30% of it, or when its cue lies in the segment too.

    >>> cue = Span("said", 3, 7)
    >>> relation = Attribution(Span("He", 0, 2), cue, None, False, content=(Span("it rains", 8, 16),))
    >>> governing([relation], 0, 17, "He said it rains.") is relation
    True
    """
    best, best_shared = None, 0
    for relation in relations:
        shared = sum(max(0, min(end, s.end) - max(start, s.start)) for s in relation.content)
        if shared > best_shared:
            best, best_shared = relation, shared
    if best is None:
        return None
    cue_inside = best.cue is not None and start <= best.cue.start < end
    return best if cue_inside or best_shared >= _GOVERNS * len(text[start:end].strip()) else None


def _trim_content(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start] in _EDGE:
        start += 1
    joining = _JOINING.match(text, start, end)
    if joining:
        start = joining.end()
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return (start, end) if _WORD.search(text, start, end) else None
