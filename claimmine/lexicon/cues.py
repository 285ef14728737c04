"""The cue resources shipped beside this module (``claimmine/lexicon/*.tsv``, ``*.txt``) and their matchers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from claimmine.types import Certainty, SourceType


@dataclass(frozen=True, slots=True)
class Match:
    """One occurrence of a lexicon phrase: offsets into the searched text and the phrase's value."""

    start: int
    end: int
    value: str


class PhraseMatcher:
    """Finds whole-word, case-insensitive occurrences of a table of phrases.

    >>> PhraseMatcher({"may": "possible"}).find("It may rain in May.")
    [Match(start=3, end=6, value='possible'), Match(start=15, end=18, value='possible')]
    >>> [m.start for m in PhraseMatcher({"WHO": "official"}).find("people who said the WHO")]
    [20]
    """

    def __init__(self, table: dict[str, str]) -> None:
        self.table = {phrase_key(phrase): value for phrase, value in table.items()}
        # Acronyms written in capitals ("WHO", "UN") must not match ordinary words ("who", "un-").
        self._exact = {phrase for phrase in table if phrase.isupper() and len(phrase) > 1}
        alternatives = sorted(table, key=len, reverse=True)
        body = "|".join(r"\s+".join(map(re.escape, p.split())) for p in alternatives)
        self._pattern = re.compile(rf"(?<![\w’'-])(?:{body})(?![\w’-])", re.IGNORECASE)

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Match]:
        """Return the non-overlapping matches in ``text[start:end]``, leftmost-longest first."""
        stop = len(text) if end is None else end
        return [
            Match(m.start(), m.end(), self.table[phrase_key(m.group())])
            for m in self._pattern.finditer(text, start, stop)
            if m.group().upper() not in self._exact or m.group() in self._exact
        ]

    def phrases(self) -> list[str]:
        """Return the table's phrases in lower case, leaving out the capitals-only acronyms."""
        exact = {phrase_key(phrase) for phrase in self._exact}
        return [phrase for phrase in self.table if phrase not in exact]


def phrase_key(phrase: str) -> str:
    """A phrase as the cue tables key it: lower case, whitespace runs as one space.

    >>> phrase_key("  There  are fears ")
    'there are fears'
    """
    return " ".join(phrase.lower().split())


@dataclass(frozen=True, slots=True)
class Lexicon:
    """All cue resources, loaded once."""

    hedges: PhraseMatcher
    frames: PhraseMatcher
    reporting: PhraseMatcher
    sources: PhraseMatcher
    source_order: dict[str, int]

    def hedge_certainty(self, match: Match) -> Certainty:
        """Return the certainty a hedge or frame match signals."""
        return Certainty(match.value)

    def source_type(self, head: Match) -> SourceType:
        """Return the source type a source-head match signals."""
        return SourceType(head.value)


def _lines(name: str) -> list[str]:
    text = resources.files("claimmine.lexicon").joinpath(name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _table(name: str) -> list[tuple[str, str]]:
    rows = []
    for line in _lines(name):
        phrase, value = line.split("\t")[:2]
        rows.append((phrase.strip(), value.strip()))
    return rows


def word_list(name: str) -> frozenset[str]:
    """Return the words of a one-word-per-line resource file.

    >>> "the" in word_list("source_phrase_words.txt")
    True
    """
    return frozenset(line.strip().lower() for line in _lines(name))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Return the shipped lexicon (read from package data on first use).

    >>> lexicon().hedges.find("Talks could resume.")[0].value
    'possible'
    """
    sources = _table("sources.tsv")
    return Lexicon(
        hedges=PhraseMatcher(dict(_table("hedges.tsv"))),
        frames=PhraseMatcher(dict(_table("frames.tsv"))),
        reporting=PhraseMatcher(dict(_table("reporting_cues.tsv"))),
        sources=PhraseMatcher(dict(sources)),
        source_order={phrase_key(head): rank for rank, (head, _) in enumerate(sources)},
    )
