"""From role spans to attribution relations: group tagged sources, cues and contents around their cues.

A tagger marks spans of three roles (source, cue, content) without saying
which relation each belongs to. Every cue anchors one relation; each source
and content span joins the cue nearest to it (counted in characters between
the spans, with a penalty for crossing a sentence end), and a relation keeps
at most one source, the nearest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

ROLES = ("source", "cue", "content")
# BIO tags over the roles; "O" first so that index 0 means no role.
TAGS = ("O", "B-source", "I-source", "B-cue", "I-cue", "B-content", "I-content")
# A span across a sentence end from its cue is usually another relation's: count the crossing as this many characters.
_SENTENCE_PENALTY = 200
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

    An ``I-`` tag that does not continue a span of its role starts one.

    >>> spans_from_tags(["B-source", "B-cue", "B-content", "I-content"], [(0, 2), (3, 7), (8, 10), (11, 15)],
    ...                 "He said it rains")
    [RoleSpan(role='source', start=0, end=2), RoleSpan(role='cue', start=3, end=7), RoleSpan(role='content', start=8, end=15)]
    """
    spans: list[RoleSpan] = []
    current: RoleSpan | None = None
    for tag, (start, end) in zip(tags, offsets, strict=True):
        if end <= start:
            continue
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
    return [_trimmed(span, text) for span in spans if _trimmed(span, text).end > _trimmed(span, text).start]


def group(spans: Sequence[RoleSpan], text: str) -> list[Grouped]:
    """Group role spans into relations, one per cue, in the order of their cues.

    >>> text = 'He said it rains. “No,” she replied.'
    >>> spans = [RoleSpan("source", 0, 2), RoleSpan("cue", 3, 7), RoleSpan("content", 8, 16),
    ...          RoleSpan("content", 18, 23), RoleSpan("source", 24, 27), RoleSpan("cue", 28, 35)]
    >>> [(g.source, g.cue, g.content) for g in group(spans, text)]
    [((0, 2), (3, 7), ((8, 16),)), ((24, 27), (28, 35), ((18, 23),))]
    """
    cues = sorted((s.start, s.end) for s in spans if s.role == "cue")
    if not cues:
        return []
    ends = _sentence_ends(text)
    sources: dict[int, list[tuple[int, tuple[int, int]]]] = {i: [] for i in range(len(cues))}
    contents: dict[int, list[tuple[int, int]]] = {i: [] for i in range(len(cues))}
    for span in spans:
        if span.role == "cue":
            continue
        distances = [_distance((span.start, span.end), cue, ends) for cue in cues]
        nearest = min(range(len(cues)), key=lambda i: (distances[i], i))
        if span.role == "source":
            sources[nearest].append((distances[nearest], (span.start, span.end)))
        else:
            contents[nearest].append((span.start, span.end))
    return [
        Grouped(cue, min(sources[i])[1] if sources[i] else None, tuple(sorted(contents[i])))
        for i, cue in enumerate(cues)
    ]


def _distance(span: tuple[int, int], cue: tuple[int, int], ends: Sequence[int]) -> int:
    low, high = (span[1], cue[0]) if span[1] <= cue[0] else (cue[1], span[0])
    gap = max(high - low, 0)
    crossings = sum(1 for end in ends if low <= end < high)
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
