"""Rule-based attribution: who a segment's content comes from, with the reporting cue.

The rules find reporting cues outside quotation marks and look for a noun
phrase naming the source on either side of the cue. Pronouns and short names
are resolved against the sources and subjects named earlier in the document.
"""

from __future__ import annotations

import re
from functools import lru_cache

from claimmine.attribution.mentions import PRONOUNS, MentionTracker
from claimmine.lexicon.cues import Match, lexicon, phrase_key, word_list
from claimmine.text.quotes import inside, quote_regions, quoted_share
from claimmine.types import Attribution, Span

_SOURCELESS = frozenset({"it was announced", "it was reported"})
_NO_SOURCE_HERE = frozenset({"in a statement", "in a press release"})
_PARTICIPLES = frozenset({"saying", "adding", "warning", "telling", "confirming", "denying", "announcing"})
_NP_WORDS = word_list("source_phrase_words.txt")
_NOT_FIRST = word_list("not_source_openers.txt")
_ABBREVIATIONS = word_list("abbreviations.txt")
_DETERMINERS = frozenset({"the", "a", "an", "its", "his", "her", "their", "this", "that"})
# Words that may stand between a source and its cue without being part of the source.
_BETWEEN = re.compile(
    r"(?:\s+(?:also|has|have|had|was|were|is|are|later|previously|earlier|officially|repeatedly|"
    r"further|then|again|publicly|separately|recently|once|first|initially|privately))+\s*$",
    re.IGNORECASE,
)
_BE_BEFORE = re.compile(r"\b(?:is|are|was|were|be|been|being|widely|also)\s+$", re.IGNORECASE)
_CONJUNCTION = re.compile(r"\s*(?:but|and|yet|while|although|though|whereas|so)\s+", re.IGNORECASE)
# "LISBON, Sept. 3 (Reuters) - " opens a wire story; it is never part of a source.
_DATELINE = re.compile(r"^[A-Z][A-Z .'’-]{1,30}(?:,[^\n]{1,40}?)?\s*(?:\([^)\n]{1,30}\))?\s*[-–—]{1,2}\s+")
_BREAK = re.compile(r"[,;]\s|[.!?](?:\s|$)")
_WORD = re.compile(r"[\w’'.-]+")
_CLOSING = "\"”»"
_TRIM = " ,;:.\u00a0\t\n\r\"“”„«»"


def find_attribution(text: str, offset: int, mentions: MentionTracker) -> Attribution | None:
    """Return the attribution governing ``text`` (a segment starting at ``offset``), or ``None``.

    Named sources and sentence subjects are noted in ``mentions`` for later
    pronouns.

    >>> a = find_attribution("The ministry said talks would resume.", 0, MentionTracker())
    >>> a.source.text, a.cue.text, a.source_type.value
    ('The ministry', 'said', 'official')
    """
    skip, body = _after_dateline(text)
    mentions.see(body)
    regions = quote_regions(body)
    found = _find(body, regions)
    if found is None and _left_open(body, regions):
        # A quote left open ("“We will win, the minister said."): look for the cue as if it had closed.
        regions = regions[:-1]
        found = _find(body, regions)
    if found is None:
        note_subject(body, mentions)
        return None
    cue, source = found
    direct = _is_direct(body, regions)
    cue_span = Span(body[cue.start : cue.end], offset + skip + cue.start, offset + skip + cue.end)
    if source is None:
        return Attribution(None, cue_span, None, direct)
    source_text = body[source[0] : source[1]]
    source_span = Span(source_text, offset + skip + source[0], offset + skip + source[1])
    resolved, source_type = mentions.identify(source_text)
    return Attribution(source_span, cue_span, source_type, direct, resolved)


def reporting_cues(text: str, offset: int) -> list[tuple[int, int]]:
    """Return the offsets of the reporting cues the rules weigh in a segment, whether or not they find a source.

    Cues inside quotes or speculation frames and passive beliefs (``is expected to``) are left out, as the rules
    leave them out.

    >>> reporting_cues("Industry groups said the levy is expected to rise.", 100)
    [(116, 120)]
    """
    skip, body = _after_dateline(text)
    regions = quote_regions(body)
    cues = _cues(body, regions)
    if not cues and _left_open(body, regions):
        cues = _cues(body, regions[:-1])
    return [(offset + skip + cue.start, offset + skip + cue.end) for cue in cues]


def _after_dateline(text: str) -> tuple[int, str]:
    """Return where a segment's body starts after any dateline ("WASHINGTON, April 2 (Reuters) - "), and the body."""
    dateline = _DATELINE.match(text)
    skip = dateline.end() if dateline else 0
    return skip, text[skip:]


def _left_open(body: str, regions: list[tuple[int, int]]) -> bool:
    """Tell whether the last quote of ``body`` never closes."""
    return bool(regions) and body[regions[-1][1] - 1] not in _CLOSING


def _cues(text: str, regions: list[tuple[int, int]]) -> list[Match]:
    """Return the reporting cues outside quotes and speculation frames that are not passive beliefs."""
    lex = lexicon()
    frames = [(m.start, m.end) for m in lex.frames.find(text)]
    return [
        cue
        for cue in lex.reporting.find(text)
        if not (inside(regions, cue.start, cue.end) or inside(frames, cue.start, cue.end) or _passive_belief(text, cue))
    ]


def _find(text: str, regions: list[tuple[int, int]]) -> tuple[Match, tuple[int, int] | None] | None:
    """Return the first reporting cue that has a source (or needs none), with the source's offsets."""
    for cue in _cues(text, regions):
        phrase = _phrase(text, cue)
        if phrase in _SOURCELESS:
            return cue, None
        source = _source_for(text, cue, phrase, regions)
        if source is not None:
            return cue, source
        if phrase == "according to":
            return cue, None  # "according to reports": a relation without a named source
    return None


def _phrase(text: str, match: Match) -> str:
    return phrase_key(text[match.start : match.end])


def _passive_belief(text: str, cue: Match) -> bool:
    """Tell "the strike is expected to last" (a hedge) from "analysts expected" (a source's belief)."""
    if lexicon().reporting.table.get(_phrase(text, cue)) != "belief":
        return False
    return bool(_BE_BEFORE.search(text[: cue.start]))


def _source_for(text: str, cue: Match, phrase: str, regions: list[tuple[int, int]]) -> tuple[int, int] | None:
    if phrase == "according to":
        span = _trim_source(text, cue.end, _clause_end(text, cue.end, regions))
        return span if span and _is_source(text[span[0] : span[1]]) else None
    if phrase in _NO_SOURCE_HERE:
        return None
    if phrase in _PARTICIPLES and text[: cue.start].rstrip().endswith(","):
        return _leading_source(text)
    return _left_source(text, cue, regions) or _right_source(text, cue, regions)


def _clause_starts(text: str, position: int, regions: list[tuple[int, int]]) -> list[int]:
    """Return where a source before ``position`` may begin, farthest first."""
    floor = max((b for _, b in regions if b <= position), default=0)
    conjunction = _CONJUNCTION.match(text, floor)
    if conjunction:
        floor = conjunction.end()
    starts = [floor]
    for match in re.finditer(r",\s|;\s|\s(?:and|but)\s", text[floor:position]):
        if not inside(regions, floor + match.start(), floor + match.end()):
            starts.append(floor + match.end())
    return starts


def _clause_end(text: str, position: int, regions: list[tuple[int, int]]) -> int:
    for match in _BREAK.finditer(text, position):
        end = match.start()
        if inside(regions, end, end + 1):
            continue
        if text[end] == "." and _abbreviation_before(text, end):
            continue
        return end
    return len(text)


def _abbreviation_before(text: str, period: int) -> bool:
    word = re.search(r"[\w.]+$", text[:period])
    if word is None:
        return False
    token = word.group().lower()
    return len(token) == 1 or token in _ABBREVIATIONS


def _left_source(text: str, cue: Match, regions: list[tuple[int, int]]) -> tuple[int, int] | None:
    left = text[: cue.start]
    between = _BETWEEN.search(left)
    end = between.start() if between else len(left.rstrip())
    starts = _clause_starts(text, cue.start, regions)
    for start in starts:
        span = _trim_source(text, start, end)
        if span and _is_source(text[span[0] : span[1]]):
            return span
    # "The office met the envoy and announced ...": the subject of the sentence.
    if len(starts) > 1 and not any(b <= cue.start for _, b in regions):
        return _leading_source(left)
    return None


def _right_source(text: str, cue: Match, regions: list[tuple[int, int]]) -> tuple[int, int] | None:
    # '"...," said the minister.' - the source follows the cue.
    if not text[: cue.start].rstrip().endswith((",", "”", '"')):
        return None
    span = _trim_source(text, cue.end, _clause_end(text, cue.end, regions))
    return span if span and _is_source(text[span[0] : span[1]]) else None


def _leading_source(text: str) -> tuple[int, int] | None:
    """Return the longest source-like noun phrase at the start of ``text``."""
    best = None
    for word in list(_WORD.finditer(text))[:16]:
        candidate = _trim_source(text, 0, word.end())
        if candidate is None:
            continue
        if not _is_source(text[: candidate[1]], allow_apposition=False):
            break
        best = candidate
    return best


def _trim_source(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    if end < len(text) and text[end] == "." and _abbreviation_before(text, end):
        end += 1  # keep the period of "Co." or "Dr."
    return (start, end) if end > start else None


def _is_source(phrase: str, *, allow_apposition: bool = True) -> bool:
    """Tell whether ``phrase`` reads like a noun phrase naming a speaker."""
    phrase = phrase.strip()
    if phrase.lower() in PRONOUNS:
        return True
    words = _WORD.findall(phrase)
    if not words or words[0].lower() in _NOT_FIRST:
        return False
    lowered = [w.lower() for w in words]
    if lowered[0] in _DETERMINERS and len(words) <= 4 and "," not in phrase:
        return not any(w in _DETERMINERS for w in lowered[1:])
    head = phrase.split(",", 1)[0] if allow_apposition else phrase
    words = _WORD.findall(head)
    if not words or len(words) > 14:
        return False
    vocabulary = _source_vocabulary()
    named = False
    for index, word in enumerate(words):
        lower = word.lower()
        following = words[index + 1] if index + 1 < len(words) else ""
        if word[:1].isupper() or word[:1].isdigit() or lower in vocabulary:
            named = True
        elif lower in _NP_WORDS or lower.endswith(("’s", "'s")):
            continue
        # A modifier before a name or a title: "policymaker Anton Kovac", "public works ministry".
        elif not (following[:1].isupper() or following.lower() in vocabulary):
            return False
    first = words[0].lower()
    return named and (words[0][:1].isupper() or first in _NP_WORDS or first in vocabulary)


@lru_cache(maxsize=1)
def _source_vocabulary() -> frozenset[str]:
    # Only content words: "with" of "people with knowledge" must not count as a source word.
    words = {word for phrase in lexicon().sources.phrases() for word in phrase.split()}
    return frozenset(words - _NP_WORDS - _NOT_FIRST)


def _is_direct(text: str, regions: list[tuple[int, int]]) -> bool:
    long_quotes = [(a, b) for a, b in regions if len(text[a:b].split()) >= 4]
    return bool(long_quotes) and quoted_share(long_quotes, len(text)) >= 0.3


def note_subject(text: str, mentions: MentionTracker) -> None:
    """Remember a sentence's named subject ("Special Envoy Umerou met ...") for later pronouns."""
    span = _leading_source(text)
    if span is None:
        return
    subject = text[span[0] : span[1]]
    words = subject.split()
    named = any(word[:1].isupper() for word in words[1:])
    if named and words[0].lower() not in _DETERMINERS and mentions.resolve(subject) is None:
        mentions.note(subject)
