"""Who has been named so far in a document: pronoun and short-name resolution, and source types."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from claimmine.labels import SourceType
from claimmine.lexicon import lexicon, word_list

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

    mentions: list[Mention] = field(default_factory=list)
    # Proper names seen anywhere in the text so far ("Tomas Novotny"), with their words, for short names whose
    # full form was no source.
    names: list[tuple[str, frozenset[str]]] = field(default_factory=list)

    def see(self, text: str) -> None:
        """Remember the multi-word proper names in ``text``, where a later short name may find its full form."""
        for match in _NAME.finditer(text):
            name = _POSSESSIVE.sub("", match.group())
            # A sentence's full stop, not an abbreviation's ("Jr.", "Corp."), ends the name before it.
            name = name[:-1] if name.endswith(".") and len(name.split()[-1]) > 5 else name
            self.names.append((name, _words(name)))

    def note(self, text: str) -> Mention:
        """Remember ``text`` as the latest named source and return it as a :class:`Mention`."""
        words = _words(text)
        mention = Mention(text, source_type_of(text), bool(words & _BODY_WORDS), frozenset(words))
        self.mentions.append(mention)
        return mention

    def resolve(self, source: str) -> Mention | None:
        """Return the earlier, fuller mention that a pronoun or short name refers to, if any."""
        lower = source.lower()
        if lower in _PERSON_PRONOUNS:
            return next((m for m in reversed(self.mentions) if not m.body), None)
        if lower in _BODY_PRONOUNS:
            return next((m for m in reversed(self.mentions) if m.body), None)
        words = _words(source) - _SKIP
        if not words or len(words) > 3:
            return None
        for mention in reversed(self.mentions):
            if mention.text != source and words <= mention.words and len(mention.words) > len(words):
                return mention
        if source[:1].isupper():
            # A short name whose full form was named but never a source: "Tomas Novotny arrived. ... Novotny said".
            for name, name_words in reversed(self.names):
                if words <= name_words and len(name_words) > len(words):
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
    best = min(heads, key=lambda m: lex.source_order[" ".join(phrase[m.start : m.end].lower().split())])
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
