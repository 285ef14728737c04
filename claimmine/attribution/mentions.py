"""Who has been named so far in a document: pronoun and short-name resolution, and source types."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from claimmine.lexicon.cues import lexicon, phrase_key, word_list
from claimmine.types import SourceType

_BODY_WORDS = word_list("body_words.txt")
PRONOUNS = frozenset({"he", "she", "they", "we", "i", "it"})
_PERSON_PRONOUNS = frozenset({"he", "she"})
_BODY_PRONOUNS = frozenset({"it"})
_SKIP = frozenset({"the", "a", "an", "its", "his", "her", "their", "of", "and"})
_TOKEN = re.compile(r"[\w’'-]+")
_POSSESSIVE = re.compile(r"[’']s$")
_NAME = re.compile(r"\b[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){1,4}")
# Where a source's head noun phrase ends: an apposition, a prepositional phrase or a relative clause.
_HEAD_END = re.compile(r",|\s(?:of|in|at|near|from|outside|on|for|with|by|across|around|who|that|which)\s")


@dataclass(frozen=True, slots=True)
class Mention:
    """A named source: its text, its type, and whether it names a body rather than a person."""

    text: str
    source_type: SourceType
    body: bool
    words: frozenset[str]


class _Recent:
    """Phrases (names or mentions) by their words, each with the position it was last seen at.

    A lookup reads only the phrases that share the query's rarest word, so resolving costs the same early and
    late in a long document.
    """

    def __init__(self) -> None:
        self.seen = 0
        self.last: dict[str, int] = {}
        self.words: dict[str, frozenset[str]] = {}
        self.by_word: dict[str, set[str]] = {}

    def add(self, phrase: str, words: frozenset[str]) -> None:
        self.seen += 1
        if phrase not in self.last:
            self.words[phrase] = words
            for word in words:
                self.by_word.setdefault(word, set()).add(phrase)
        self.last[phrase] = self.seen

    def latest_fuller(self, words: frozenset[str], exclude: str = "") -> str | None:
        """The most recent phrase holding all of ``words`` and more (never ``exclude``)."""
        pools = [self.by_word.get(word, set()) for word in words]
        pool = min(pools, key=len)
        fuller = (
            p for p in pool if p != exclude and words <= self.words[p] and len(self.words[p]) > len(words)
        )
        return max(fuller, key=self.last.__getitem__, default=None)


@dataclass
class MentionTracker:
    """The sources and subjects named so far in one document, most recent last.

    >>> tracker = MentionTracker()
    >>> _ = tracker.note("Special Envoy Rustem Umerou")
    >>> tracker.resolve("he").text
    'Special Envoy Rustem Umerou'
    >>> tracker.resolve("Umerou").text
    'Special Envoy Rustem Umerou'
    >>> tracker.see("The talks were chaired by Tomas Novotny.")
    >>> tracker.resolve("Novotny").text
    'Tomas Novotny'
    """

    # Named sources (by text, the latest of each) and the latest person and body among them, for pronouns.
    _mentions: dict[str, Mention] = field(default_factory=dict)
    _recent_mentions: _Recent = field(default_factory=_Recent)
    _person: Mention | None = None
    _body: Mention | None = None
    # Proper names seen anywhere in the text so far ("Tomas Novotny"), for short names whose full form was no
    # source.
    _names: _Recent = field(default_factory=_Recent)

    def see(self, text: str) -> None:
        """Remember the multi-word proper names in ``text``, where a later short name may find its full form."""
        for match in _NAME.finditer(text):
            name = _POSSESSIVE.sub("", match.group())
            # A sentence's full stop, not an abbreviation's ("Jr.", "Corp."), ends the name before it.
            name = name[:-1] if name.endswith(".") and len(name.split()[-1]) > 5 else name
            self._names.add(name, _words(name))

    def note(self, text: str) -> Mention:
        """Remember ``text`` as the latest named source and return it as a :class:`Mention`."""
        mention = self._mentions.get(text)
        if mention is None:
            words = _words(text)
            mention = Mention(text, source_type_of(text), bool(words & _BODY_WORDS), words)
            self._mentions[text] = mention
        self._recent_mentions.add(text, mention.words)
        if mention.body:
            self._body = mention
        else:
            self._person = mention
        return mention

    def resolve(self, source: str) -> Mention | None:
        """Return the earlier, fuller mention that a pronoun or short name refers to, if any."""
        lower = source.lower()
        if lower in _PERSON_PRONOUNS:
            return self._person
        if lower in _BODY_PRONOUNS:
            return self._body
        words = _words(source) - _SKIP
        if not words or len(words) > 3:
            return None
        earlier = self._recent_mentions.latest_fuller(words, exclude=source)
        if earlier is not None:
            return self._mentions[earlier]
        if source[:1].isupper():
            # A short name whose full form was named but never a source: "Tomas Novotny arrived. ... Novotny said".
            name = self._names.latest_fuller(words)
            if name is not None:
                name_words = self._names.words[name]
                return Mention(name, source_type_of(name), bool(name_words & _BODY_WORDS), name_words)
        return None

    def identify(self, source: str) -> tuple[str | None, SourceType]:
        """Return a source's resolved earlier mention (or ``None``) and its type; a new name is remembered.

        >>> tracker = MentionTracker()
        >>> tracker.identify("Foreign Minister Anna Berger"), tracker.identify("she")
        ((None, <SourceType.OFFICIAL: 'official'>), ('Foreign Minister Anna Berger', <SourceType.OFFICIAL: 'official'>))
        """
        earlier = self.resolve(source)
        if earlier is not None:
            return earlier.text, earlier.source_type
        if source.lower() in PRONOUNS:
            return None, source_type_of(source)
        return None, self.note(source).source_type


def _words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _TOKEN.findall(text))


def source_type_of(phrase: str) -> SourceType:
    """Return the source type that the words of ``phrase`` signal (``other`` when none does).

    >>> source_type_of("Dr. Lee, a virologist at the institute").value
    'expert'
    """
    lex = lexicon()
    heads = lex.sources.find(phrase)
    if not heads:
        return SourceType.OTHER
    best = min(heads, key=lambda m: lex.source_order[phrase_key(phrase[m.start : m.end])])
    return lex.source_type(best)


def plural_common_noun(phrase: str) -> bool:
    """Tell a group named by a plain plural noun (``Market watchers``, ``local residents``) from a name.

    >>> plural_common_noun("Indigenous communities near the salt flat"), plural_common_noun("Rockline Gold")
    (True, False)
    """
    words = _TOKEN.findall(_HEAD_END.split(phrase, maxsplit=1)[0])
    if not words or any(word[:1].isupper() for word in words[1:]):
        return False
    last = words[-1]
    return (last.islower() or len(words) == 1) and len(last) > 3 and last.endswith("s") and not last.endswith("ss")
