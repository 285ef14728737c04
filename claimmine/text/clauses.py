"""Cutting a text into segments: sentences, quote turns and, where labels differ, clauses."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from itertools import pairwise

from claimmine.text.quotes import inside, quote_regions
from claimmine.text.sentences import sentence_spans

# '“A.” “B,” he said.': a closing quote after final punctuation, then a new opening one.
_TURN = re.compile(r"[.!?]\s*[”\"]\s+(?=[“\"])")
# Clause boundaries where a sentence may be split; the conjunction opens the second part.
_CLAUSE = re.compile(
    r"(?:,|;)\s+(?!(?:but|and) that\b)"
    r"(?=(?:but|although|though|while|whereas|yet|however|even though|and there|and it is)\b)"
    r"|;\s+",
    re.IGNORECASE,
)
_SUBORDINATE_OPENER = re.compile(r"^(?:Although|Though|While|Even though|Despite|Whereas)\b[^,]*,\s+")
_MIN_WORDS = 3
# Each tried boundary labels both sides, so a sentence is split at no more than its first few candidates: prose
# has a handful, and a list of a thousand "; " items then costs a bounded number of passes, not one per item.
MAX_CLAUSE_CUTS = 12

Labels = Callable[[str, int], Hashable]


def segment_spans(text: str, labels: Labels) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` offsets of the segments of ``text``.

    ``labels(part, offset)`` returns something comparable (the rule labels) for
    a candidate part; a sentence is split at a clause boundary only where the
    parts' labels differ, as ANNOTATION.md asks.

    >>> text = "Although the agency gave no details, there are suspicions that it was a hack."
    >>> from claimmine.labeling.rules import rule_labels
    >>> spans = segment_spans(text, lambda t, o: rule_labels(t, o, None).kind)
    >>> [text[a:b] for a, b in spans]
    ['Although the agency gave no details,', 'there are suspicions that it was a hack.']
    """
    spans: list[tuple[int, int]] = []
    for start, end in sentence_spans(text):
        for turn_start, turn_end in _quote_turns(text, start, end):
            spans.extend(_clauses(text, turn_start, turn_end, labels))
    return spans


def _quote_turns(text: str, start: int, end: int) -> list[tuple[int, int]]:
    sentence = text[start:end]
    cuts = [m.end() for m in _TURN.finditer(sentence)]
    bounds = [0, *cuts, len(sentence)]
    turns = []
    for a, b in pairwise(bounds):
        piece = sentence[a:b].rstrip()
        if piece:
            turns.append((start + a, start + a + len(piece)))
    return turns


def _clauses(text: str, start: int, end: int, labels: Labels) -> list[tuple[int, int]]:
    sentence = text[start:end]
    regions = quote_regions(sentence)
    cuts = [m.end() for m in _CLAUSE.finditer(sentence) if not inside(regions, m.start(), m.end())]
    opener = _SUBORDINATE_OPENER.match(sentence)
    if opener and not inside(regions, opener.end() - 1, opener.end()):
        cuts.insert(0, opener.end())
    del cuts[MAX_CLAUSE_CUTS:]
    spans = []
    current = 0
    for cut in cuts:
        left = sentence[current:cut].rstrip()
        right = sentence[cut:]
        if len(left.split()) < _MIN_WORDS or len(right.split()) < _MIN_WORDS:
            continue
        if labels(left, start + current) != labels(right, start + cut):
            spans.append((start + current, start + current + len(left)))
            current = cut
    spans.append((start + current, end))
    return spans
