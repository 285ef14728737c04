"""Rule-based attribution: who a segment's content comes from, with the reporting cue.

The rules read a segment's text, find reporting cues outside quotation marks
and look for a noun phrase naming the source on either side of the cue.
Pronoun sources are resolved to the last person or body named in the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from claimmine.labels import SourceType
from claimmine.lexicon import Match, lexicon, word_list
from claimmine.quotes import inside, quote_regions, quoted_share
from claimmine.results import Attribution, Span

_PRONOUNS = {"he", "she", "they", "we", "i", "it"}
_RESOLVABLE = {"he", "she"}
_SOURCELESS = {"it was announced", "it was reported"}
_PARTICIPLES = {"saying", "adding", "warning", "telling", "confirming", "denying", "announcing"}
_NP_WORDS = word_list("source_phrase_words.txt")
_DETERMINERS = frozenset(["the", "a", "an", "its", "his", "her", "their", "this", "that"])
_NOT_FIRST = word_list("not_source_openers.txt")
# Words that may stand between a source and its cue without being part of the source.
_BETWEEN = re.compile(
    r"(?:\s+(?:also|has|have|had|was|were|is|are|later|previously|earlier|officially|repeatedly|"
    r"further|then|again|publicly|separately|recently|once|first|initially|has\s+also|had\s+also))+\s*$",
    re.IGNORECASE,
)
_BE_BEFORE = re.compile(r"\b(?:is|are|was|were|be|been|being|widely|also)\s+$", re.IGNORECASE)
_WORD = re.compile(r"[\w’'.-]+")
_TRIM = " ,;:.\u00a0\t\n\r"


@dataclass
class MentionTracker:
    """The last person or body named in a document, for pronoun resolution."""

    last: str | None = None
    last_type: SourceType | None = None
    _seen: list[str] = field(default_factory=list)

    def note(self, mention: str, source_type: SourceType | None) -> None:
        """Remember ``mention`` as the most recent named source."""
        self.last, self.last_type = mention, source_type
        self._seen.append(mention)


def find_attribution(text: str, offset: int, mentions: MentionTracker) -> Attribution | None:
    """Return the attribution governing ``text`` (a segment starting at ``offset``), or ``None``.

    >>> a = find_attribution("The ministry said talks would resume.", 0, MentionTracker())
    >>> a.source.text, a.cue.text, a.source_type.value
    ('The ministry', 'said', 'official')
    """
    regions = quote_regions(text)
    frames = [(m.start, m.end) for m in lexicon().frames.find(text)]
    cues = [
        m
        for m in lexicon().reporting.find(text)
        if not inside(regions, m.start, m.end)
        and not _passive_belief(text, m)
        and not inside(frames, m.start, m.end)
    ]
    for cue in cues:
        found = _source_for(text, cue, regions)
        if found is None:
            continue
        source_span, sourceless = found
        direct = _is_direct(text, regions)
        cue_span = Span(text[cue.start : cue.end], offset + cue.start, offset + cue.end)
        if sourceless or source_span is None:
            return Attribution(None, cue_span, None, direct)
        start, end = source_span
        source_text = text[start:end]
        source_type, resolved = _type_and_resolution(source_text, mentions)
        if resolved is None and source_text.lower() not in _PRONOUNS:
            mentions.note(source_text, source_type)
        return Attribution(
            Span(source_text, offset + start, offset + end), cue_span, source_type, direct, resolved
        )
    _note_subject(text, mentions)
    return None


def _passive_belief(text: str, cue: Match) -> bool:
    """Tell "the strike is expected to last" (a hedge) from "analysts expected" (a source's belief)."""
    if lexicon().reporting.table.get(" ".join(text[cue.start : cue.end].lower().split())) != "belief":
        return False
    return bool(_BE_BEFORE.search(text[: cue.start]))


def _source_for(
    text: str, cue: Match, regions: list[tuple[int, int]]
) -> tuple[tuple[int, int] | None, bool] | None:
    phrase = " ".join(text[cue.start : cue.end].lower().split())
    if phrase in _SOURCELESS:
        return None, True
    if phrase == "according to":
        stop = _clause_end(text, cue.end, regions)
        span = _trim(text, cue.end, stop)
        return (span, False) if span and _is_source(text[span[0] : span[1]]) else None
    if phrase in {"in a statement", "in a press release"}:
        return None
    if phrase in _PARTICIPLES and text[: cue.start].rstrip().endswith(","):
        span = _leading_source(text)
        return (span, False) if span else None
    left = _left_source(text, cue, regions)
    if left:
        return left, False
    right = _right_source(text, cue, regions)
    if right:
        return right, False
    return None


def _clause_starts(text: str, position: int, regions: list[tuple[int, int]]) -> list[int]:
    """Return where a source before ``position`` may begin, farthest first."""
    floor = max((b for _, b in regions if b <= position), default=0)
    starts = [floor]
    for match in re.finditer(r",\s|;\s|\s(?:and|but)\s", text[floor:position]):
        if not inside(regions, floor + match.start(), floor + match.end()):
            starts.append(floor + match.end())
    return starts


def _clause_end(text: str, position: int, regions: list[tuple[int, int]]) -> int:
    for match in re.finditer(r"[,;]\s|[.!?](?:\s|$)", text[position:]):
        end = position + match.start()
        if not inside(regions, end, end + 1):
            return end
    return len(text)


def _left_source(text: str, cue: Match, regions: list[tuple[int, int]]) -> tuple[int, int] | None:
    left = text[: cue.start]
    between = _BETWEEN.search(left)
    end = between.start() if between else len(left.rstrip())
    starts = _clause_starts(text, cue.start, regions)
    for start in starts:
        span = _trim(text, start, end)
        if span and _is_source(text[span[0] : span[1]]):
            return span
    # "The office met the envoy and announced ...": the subject of the sentence.
    if len(starts) > 1 and not _quote_before(regions, cue.start):
        return _leading_source(left)
    return None


def _right_source(text: str, cue: Match, regions: list[tuple[int, int]]) -> tuple[int, int] | None:
    # '"...," said the minister.' - the source follows the cue.
    if not text[: cue.start].rstrip().endswith((",", "”", '"')):
        return None
    stop = _clause_end(text, cue.end, regions)
    span = _trim(text, cue.end, stop)
    return span if span and _is_source(text[span[0] : span[1]]) else None


def _quote_before(regions: list[tuple[int, int]], position: int) -> bool:
    return any(b <= position for _, b in regions)


def _leading_source(text: str) -> tuple[int, int] | None:
    """Return the longest source-like noun phrase at the start of ``text``."""
    words = list(_WORD.finditer(text))
    best = None
    for word in words[:16]:
        candidate = _trim(text, 0, word.end())
        if candidate is None:
            continue
        if not _is_source(text[: candidate[1]], allow_apposition=False):
            break
        best = candidate
    return best


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    if end > start and text[end - 1] == "." and not _abbreviation_end(text[start:end]):
        end -= 1
    return (start, end) if end > start else None


def _abbreviation_end(phrase: str) -> bool:
    last = phrase.split()[-1]
    return last.count(".") > 1 or last.lower() in {
        "dr.",
        "prof.",
        "jr.",
        "sr.",
        "inc.",
        "co.",
        "corp.",
        "ltd.",
    }


def _is_source(phrase: str, *, allow_apposition: bool = True) -> bool:
    """Tell whether ``phrase`` reads like a noun phrase naming a speaker."""
    phrase = phrase.strip()
    if not phrase:
        return False
    if phrase.lower() in _PRONOUNS:
        return True
    words = _WORD.findall(phrase)
    if not words or words[0].lower() in _NOT_FIRST:
        return False
    if (
        words[0].lower() in _DETERMINERS
        and len(words) <= 4
        and "," not in phrase
        and not any(w.lower() in _DETERMINERS for w in words[1:])
    ):
        return True
    head = phrase
    if allow_apposition and "," in phrase:
        head = phrase.split(",", 1)[0]
    words = _WORD.findall(head)
    if not words or len(words) > 14:
        return False
    source_words = _source_vocabulary()
    named = False
    for word in words:
        lower = word.lower()
        if word[:1].isupper() or word[:1].isdigit() or lower in source_words:
            named = True
        elif lower not in _NP_WORDS and not lower.endswith(("’s", "'s")):
            return False
    first = words[0]
    return named and (first[:1].isupper() or first.lower() in _NP_WORDS or first.lower() in source_words)


def _source_vocabulary() -> frozenset[str]:
    global _VOCABULARY
    if _VOCABULARY is None:
        words: set[str] = set()
        for phrase in lexicon().sources.table:
            words.update(phrase.split())
        _VOCABULARY = frozenset(words)
    return _VOCABULARY


_VOCABULARY: frozenset[str] | None = None


def source_type_of(phrase: str) -> SourceType:
    """Return the source type that the words of ``phrase`` signal.

    >>> source_type_of("Dr. Lee, a virologist at the institute").value
    'expert'
    """
    lex = lexicon()
    heads = lex.sources.find(phrase)
    if heads:
        best = min(heads, key=lambda m: lex.source_order[" ".join(phrase[m.start : m.end].lower().split())])
        return lex.source_type(best)
    return SourceType.OTHER


def _type_and_resolution(source: str, mentions: MentionTracker) -> tuple[SourceType, str | None]:
    lower = source.lower()
    if lower in _RESOLVABLE and mentions.last is not None:
        return mentions.last_type or SourceType.OTHER, mentions.last
    if lower in _PRONOUNS:
        return SourceType.OTHER, None
    return source_type_of(source), None


def _is_direct(text: str, regions: list[tuple[int, int]]) -> bool:
    long_quotes = [(a, b) for a, b in regions if len(text[a:b].split()) >= 4]
    return bool(long_quotes) and quoted_share(long_quotes, len(text)) >= 0.3


def _note_subject(text: str, mentions: MentionTracker) -> None:
    """Remember a sentence's named subject ("Special Envoy Umerou met ...") for later pronouns."""
    span = _leading_source(text)
    if span is None:
        return
    subject = text[span[0] : span[1]]
    words = subject.split()
    named = any(word[:1].isupper() for word in words[1:]) or (subject[:1].isupper() and len(words) > 1)
    if named and words[0].lower() not in _DETERMINERS:
        mentions.note(subject, source_type_of(subject))
