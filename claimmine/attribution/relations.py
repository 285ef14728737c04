"""From role spans to attribution relations: group tagged sources, cues and contents around their cues.

A tagger marks spans of three roles (source, cue, content) without saying
which relation each belongs to. Every cue anchors one relation; each source
and content span joins the cue nearest to it (counted in characters between
the spans, with a penalty for crossing a sentence end), and a relation keeps
at most one source, the nearest.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

ROLES = ("source", "cue", "content")
# BIO tags over the roles; "O" first so that index 0 means no role.
TAGS = ("O", "B-source", "I-source", "B-cue", "I-cue", "B-content", "I-content")
# A span across a sentence end from its cue is usually another relation's: count the crossing as this many characters.
_SENTENCE_PENALTY = 200
_JOIN_GAP = 12
_PARAGRAPH = re.compile(r"\n[^\S\n]*\n")
_NEIGHBOURS = 2
# "according (to)" ends like a participle but names its own source.
_PARTICIPLE = re.compile(r"(?!according)\w{2,}ing", re.IGNORECASE)
_END = re.compile(r"[.!?][\"”’)]*(?=\s|$)|\n")


@dataclass(frozen=True, slots=True)
class RoleSpan:
    """A span of one role: ``role`` is ``source``, ``cue`` or ``content``."""

    role: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Grouped:
    """One relation as character spans: an optional source, a cue and its content spans in text order."""

    cue: tuple[int, int]
    source: tuple[int, int] | None
    content: tuple[tuple[int, int], ...]


def spans_from_tags(tags: Sequence[str], offsets: Sequence[tuple[int, int]], text: str) -> list[RoleSpan]:
    """Read BIO tags (``B-cue``, ``I-source``, ``O`` ...) over tokens into role spans with character offsets.

    A word piece inside a word takes its word's role; an ``I-`` tag that does
    not continue a span of its role starts one; and a source or cue split by at
    most one word (``has`` ``said``, ``according`` ``to``) is joined again.

    >>> spans_from_tags(["B-source", "B-cue", "B-cue", "B-content", "I-content"],
    ...                 [(0, 2), (3, 7), (8, 12), (13, 15), (16, 21)], "He also said it rains")
    [RoleSpan(role='source', start=0, end=2), RoleSpan(role='cue', start=3, end=12),
     RoleSpan(role='content', start=13, end=21)]
    """
    spans: list[RoleSpan] = []
    current: RoleSpan | None = None
    previous_end = -1
    for tag, (start, end) in zip(tags, offsets, strict=True):
        if end <= start:
            continue
        if start == previous_end and start > 0 and text[start - 1].isalnum() and text[start].isalnum():
            # A word piece ("##ed"): it belongs to the span (or the gap) its word started in.
            if current is not None:
                current = RoleSpan(current.role, current.start, end)
                spans[-1] = current
            previous_end = end
            continue
        previous_end = end
        if tag == "O":
            current = None
            continue
        prefix, role = tag.split("-", 1)
        if prefix == "I" and current is not None and current.role == role:
            current = RoleSpan(role, current.start, end)
            spans[-1] = current
        else:
            current = RoleSpan(role, start, end)
            spans.append(current)
    trimmed = (_trimmed(span, text) for span in spans)
    return _joined([span for span in trimmed if span.end > span.start], text)


def _joined(spans: list[RoleSpan], text: str) -> list[RoleSpan]:
    """Join a source or cue to the previous one of its role when at most one word (or only punctuation) parts them."""
    joined: list[RoleSpan] = []
    for span in spans:
        if joined and joined[-1].role == span.role:
            gap = text[joined[-1].end : span.start]
            short = len(gap) <= _JOIN_GAP and len(gap.split()) <= (0 if span.role == "content" else 1)
            if short and not _END.search(gap):
                joined[-1] = RoleSpan(span.role, joined[-1].start, span.end)
                continue
        joined.append(span)
    return joined


def group(spans: Sequence[RoleSpan], text: str) -> list[Grouped]:
    """Group role spans into relations, one per cue, in the order of their cues.

    Each content span joins its nearest cue. Sources are matched to cues one to
    one, closest pairs first, so that a source never steals a nearer cue's place
    while another cue nearby has none; only a participle cue (``adding``) left
    without one shares the source of the cue before it in its sentence.

    >>> text = 'He said it rains. “No,” she replied.'
    >>> spans = [RoleSpan("source", 0, 2), RoleSpan("cue", 3, 7), RoleSpan("content", 8, 16),
    ...          RoleSpan("content", 18, 23), RoleSpan("source", 24, 27), RoleSpan("cue", 28, 35)]
    >>> [(g.source, g.cue, g.content) for g in group(spans, text)]
    [((0, 2), (3, 7), ((8, 16),)), ((24, 27), (28, 35), ((18, 23),))]
    """
    cues = sorted((s.start, s.end) for s in spans if s.role == "cue")
    if not cues:
        return []
    starts = [cue[0] for cue in cues]
    ends = _sentence_ends(text)
    breaks = [match.start() for match in _PARAGRAPH.finditer(text)]
    # No relation reaches across a blank line: a span there is cut, and only the cue's side can join it.
    spans = [piece for span in spans for piece in _paragraph_pieces(span, breaks, text)]
    contents: dict[int, list[tuple[int, int]]] = {i: [] for i in range(len(cues))}
    pairs: list[tuple[int, int, tuple[int, int]]] = []
    for span in spans:
        if span.role == "cue":
            continue
        where = (span.start, span.end)
        # The distance grows with every cue farther away, so the candidates are the few cues on either side.
        position = bisect.bisect_left(starts, span.start)
        near = range(max(position - _NEIGHBOURS, 0), min(position + _NEIGHBOURS, len(cues)))
        distances = {i: _distance(where, cues[i], ends) for i in near if not _crosses(where, cues[i], breaks)}
        if not distances:
            continue
        if span.role == "content":
            contents[min(distances, key=lambda i: (distances[i], i))].append(where)
        else:
            pairs.extend((d, i, where) for i, d in distances.items() if d < _SENTENCE_PENALTY)
    sources: dict[int, tuple[int, int]] = {}
    taken: set[tuple[int, int]] = set()
    for _, index, where in sorted(pairs):
        if index not in sources and where not in taken:
            sources[index] = where
            taken.add(where)
    _share_with_participles(cues, sources, text, ends)
    return [Grouped(cue, sources.get(i), tuple(sorted(contents[i]))) for i, cue in enumerate(cues)]


def _share_with_participles(
    cues: Sequence[tuple[int, int]], sources: dict[int, tuple[int, int]], text: str, ends: Sequence[int]
) -> None:
    """Give a sourceless cue that opens with a participle the source of the cue before it in the sentence.

    In "X said ..., adding that ..." the participle's subject is the main clause's,
    which the one-to-one matching has already given to ``said``.
    """
    for index in range(1, len(cues)):
        words = text[slice(*cues[index])].split()
        if index in sources or not words or not _PARTICIPLE.fullmatch(words[0]):
            continue
        earlier = index - 1
        if earlier in sources and _distance(cues[earlier], cues[index], ends) < _SENTENCE_PENALTY:
            sources[index] = sources[earlier]


def _paragraph_pieces(span: RoleSpan, breaks: Sequence[int], text: str) -> list[RoleSpan]:
    inside = [b for b in breaks[bisect.bisect_left(breaks, span.start) :] if b < span.end]
    if not inside:
        return [span]
    edges = [span.start, *inside, span.end]
    pieces = [_trimmed(RoleSpan(span.role, a, b), text) for a, b in itertools.pairwise(edges)]
    return [piece for piece in pieces if piece.end > piece.start]


def _crosses(span: tuple[int, int], cue: tuple[int, int], breaks: Sequence[int]) -> bool:
    low, high = min(span[0], cue[0]), max(span[1], cue[1])
    return bisect.bisect_left(breaks, high) > bisect.bisect_left(breaks, low)


def _distance(span: tuple[int, int], cue: tuple[int, int], ends: Sequence[int]) -> int:
    low, high = (span[1], cue[0]) if span[1] <= cue[0] else (cue[1], span[0])
    gap = max(high - low, 0)
    crossings = bisect.bisect_left(ends, high) - bisect.bisect_left(ends, low) if high > low else 0
    return gap + _SENTENCE_PENALTY * crossings


def _sentence_ends(text: str) -> list[int]:
    """Return the offsets of sentence ends: final punctuation (and closing quotes) before a space, and line breaks.

    >>> _sentence_ends('He left. “No.” Then more.')
    [7, 13, 24]
    """
    return [match.end() - 1 for match in _END.finditer(text)]


def _trimmed(span: RoleSpan, text: str) -> RoleSpan:
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return RoleSpan(span.role, start, end)
