"""The entry points: :class:`Analyzer` and :func:`analyze`."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from functools import lru_cache
from itertools import islice

from claimmine.attribution.attributors import (
    FAST_TAGGER,
    RULES,
    TAGGER_VARIABLE,
    Attributor,
    resolve_attributor,
    shipped_tagger,
)
from claimmine.attribution.mentions import MentionTracker
from claimmine.attribution.rules import find_attribution
from claimmine.errors import TextTooLongError
from claimmine.labeling.labeler import Draft, Labeler, RuleLabeler, rule_hint
from claimmine.labeling.rules import rule_labels, same_rule_view
from claimmine.loading import resolve
from claimmine.text.clauses import segment_spans
from claimmine.types import Analysis, Attribution, Segment, SegmentKind, SourceType

# The longest text analysed by default: 30 times the longest article in PolNeAR (34,000 characters), so that
# one runaway record (a whole dump on one line) is refused with a clear error instead of running for hours.
MAX_TEXT_CHARS = 1_000_000


class Analyzer:
    """Segments texts and labels them; build one and reuse it for many texts.

    ``model`` chooses what gives kind and certainty: a model folder, ``"rules"``
    for the rule baseline, or any :class:`claimmine.labeling.labeler.Labeler`. ``None``
    means the ``CLAIMMINE_MODEL`` environment variable, else the shipped model,
    else the rules; a shipped model's name (``"claimmine-minilm-v3-int8"``, the
    int8 ONNX export, needs ``pip install 'claimmine[fast]'``) works too, and the
    folder's manifest says which backend runs it. ``threads`` (else the
    ``CLAIMMINE_THREADS`` environment variable) sets the model's intra-op
    threads. ``attribution`` chooses what finds attribution relations,
    the same way: a tagger folder or a shipped tagger's name, ``"rules"``, an
    :class:`~claimmine.attribution.attributors.Attributor`, or ``None`` for
    ``CLAIMMINE_TAGGER``, else the shipped tagger, else the rules; when
    ``CLAIMMINE_TAGGER`` is unset and the labeler is the rules, however it was
    chosen, it defaults to the rules, and with a fast (ONNX) model to the
    shipped int8 tagger (else the rules), so that these run without torch.
    The environment variables are read when an Analyzer is built
    (:func:`analyze` builds its one on the first call, and keeps it for the
    process). Weights load on first use, once per folder in a process (see
    :mod:`claimmine.loading`); :meth:`close`, or leaving a ``with`` block, gives
    this Analyzer's share back. An Analyzer may be shared between threads:
    loading runs under a lock and analysing changes no shared state (torch's
    thread count aside, which is process-wide); do not close it while another
    thread analyses with it.
    ``max_chars`` is the longest text analysed (:data:`MAX_TEXT_CHARS`, a million
    characters); a longer one raises :class:`~claimmine.errors.TextTooLongError`.
    ``None`` lifts the limit (time and memory grow linearly with the text).

    >>> an = Analyzer().analyze("The ministry said the bridge would reopen.")
    >>> an.segments[0].kind.value
    'official_statement'
    """

    def __init__(
        self,
        model: str | os.PathLike[str] | Labeler | None = None,
        *,
        attribution: str | os.PathLike[str] | Attributor | None = None,
        threads: int | None = None,
        max_chars: int | None = MAX_TEXT_CHARS,
    ) -> None:
        if max_chars is not None and (isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1):
            raise ValueError(f"max_chars must be a positive int or None, got {max_chars!r}")
        self.max_chars = max_chars
        self.labeler = resolve(model, threads=threads)
        if attribution is None and not os.environ.get(TAGGER_VARIABLE):
            # The rules ask for the whole rule baseline, and the fast model for a runtime without torch: its
            # int8 tagger where it is shipped, else the rules.
            if isinstance(self.labeler, RuleLabeler):
                attribution = RULES
            elif getattr(self.labeler, "backend", None) == "onnx":
                attribution = shipped_tagger(FAST_TAGGER) or RULES
        self.attributor = resolve_attributor(attribution, threads=threads)

    def __enter__(self) -> Analyzer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def load(self) -> Analyzer:
        """Load the model and tagger weights now, not on first use, so that a folder that cannot load fails here.

        >>> Analyzer("rules").load().labeler.name
        'rules'
        """
        for part in (self.labeler, self.attributor):
            load = getattr(part, "load", None)
            if callable(load):
                load()
        return self

    def close(self) -> None:
        """Free this Analyzer's share of the model and tagger weights (used again, it reloads them).

        >>> with Analyzer("rules") as analyzer:
        ...     len(analyzer.analyze("It rained.").segments)
        1
        """
        for part in (self.labeler, self.attributor):
            close = getattr(part, "close", None)
            if callable(close):
                close()

    def analyze(self, text: str) -> Analysis:
        """Analyse one text.

        >>> Analyzer().analyze("").segments
        ()
        """
        return self.analyze_batch([text])[0]

    def analyze_batch(self, texts: Iterable[str]) -> list[Analysis]:
        """Analyse many texts; one :class:`Analysis` per input, in the same order.

        >>> [len(a.segments) for a in Analyzer().analyze_batch(["It rained.", ""])]
        [1, 0]
        """
        if isinstance(texts, (str, bytes, bytearray)):
            raise TypeError("analyze_batch takes an iterable of texts, not one text; use analyze(text) for one")
        inputs = [self._checked(text) for text in texts]
        drafted = self.draft_batch(inputs)
        flat = [draft for drafts, _ in drafted for draft in drafts]
        labels = iter(self.labeler.label(flat))
        results = []
        for text, (drafts, relations) in zip(inputs, drafted, strict=True):
            segments = []
            for draft in drafts:
                label = next(labels)
                segments.append(
                    Segment(
                        text=draft.text,
                        start=draft.start,
                        end=draft.end,
                        kind=label.kind,
                        certainty=label.certainty,
                        certainty_score=label.certainty_score,
                        attribution=draft.attribution,
                        cues=draft.rules.cues,
                    )
                )
            segments, relations = _typed_by_kind(segments, relations)
            results.append(Analysis(text, tuple(segments), self.labeler.name, tuple(relations)))
        return results

    def pipe(self, texts: Iterable[str], *, batch_size: int = 32) -> Iterator[Analysis]:
        """Analyse a stream of texts lazily, ``batch_size`` at a time, yielding results in input order.

        Memory holds one batch, whatever the stream's length (as spaCy's ``nlp.pipe``).
        A bad item raises when its batch is reached, after the earlier batches' results.

        >>> lines = iter(["It rained.", "Officials said it may snow."])
        >>> [len(a.segments) for a in Analyzer("rules").pipe(lines, batch_size=1)]
        [1, 1]
        """
        if isinstance(texts, (str, bytes, bytearray)):
            raise TypeError("pipe takes an iterable of texts, not one text; use analyze(text) for one")
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
        iterator = iter(texts)
        while batch := list(islice(iterator, batch_size)):
            yield from self.analyze_batch(batch)

    def _checked(self, text: object) -> str:
        checked = _checked(text)
        if self.max_chars is not None and len(checked) > self.max_chars:
            raise TextTooLongError(
                f"the text has {len(checked):,} characters, more than max_chars={self.max_chars:,}; "
                "pass a larger max_chars (or None for no limit) to analyse it"
            )
        return checked

    def draft_batch(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]] | None = None
    ) -> list[tuple[list[Draft], list[Attribution]]]:
        """Segment texts and find their attribution relations, before labelling.

        Returns, per text, its drafts (each holding the relation that governs it)
        and all its relations. ``spans`` gives each text's segment offsets instead
        (as a gold file does).

        >>> drafts, relations = Analyzer("rules", attribution="rules").draft_batch(["He said so."])[0]
        >>> drafts[0].attribution is relations[0]
        True
        """
        drafted = [
            draft_segments(text, None if spans is None else spans[index]) for index, text in enumerate(texts)
        ]
        linked = self.attributor.link(texts, drafted)
        return [
            ([_relinked(draft, governor) for draft, governor in zip(drafts, per_draft, strict=True)], relations)
            for drafts, (relations, per_draft) in zip(drafted, linked, strict=True)
        ]


def _typed_by_kind(
    segments: Sequence[Segment], relations: Sequence[Attribution]
) -> tuple[list[Segment], list[Attribution]]:
    """Type as ``official`` a source the cue resources could not type when it governs an official statement.

    The labeler reads the whole segment, so it knows companies, countries and
    bodies (``Skyvia said``) that no head word marks; the scheme calls what
    they put out official statements, made in an official capacity.

    >>> from claimmine.types import Certainty, Span
    >>> said = Attribution(Span("Skyvia", 0, 6), Span("said", 7, 11), SourceType.OTHER, False)
    >>> kind = SegmentKind.OFFICIAL_STATEMENT
    >>> segment = Segment("Skyvia said fares rise.", 0, 23, kind, Certainty.CERTAIN, 0.9, said)
    >>> _typed_by_kind([segment], [said])[1][0].source_type.value
    'official'
    """
    # Keyed by value, not identity: an Attributor may hand segments equal copies of its relations.
    retyped = {
        s.attribution: replace(s.attribution, source_type=SourceType.OFFICIAL)
        for s in segments
        if s.attribution is not None
        and s.attribution.source_type is SourceType.OTHER
        and s.kind is SegmentKind.OFFICIAL_STATEMENT
    }
    if not retyped:
        return list(segments), list(relations)
    return (
        [replace(s, attribution=s.attribution and retyped.get(s.attribution, s.attribution)) for s in segments],
        [retyped.get(r, r) for r in relations],
    )


def _relinked(draft: Draft, attribution: Attribution | None) -> Draft:
    """Give a draft the relation that governs it, and the rule labels that follow from that relation."""
    if attribution is draft.attribution:
        return draft
    # A relation the rules read the same way (theirs, given content) keeps the labels already computed.
    labels = draft.rules if same_rule_view(attribution, draft.attribution) else None
    return Draft(
        draft.text,
        draft.start,
        draft.end,
        attribution,
        labels or rule_labels(draft.text, draft.start, attribution),
        draft.hint,
    )


def draft_segments(text: str, spans: Sequence[tuple[int, int]] | None = None) -> list[Draft]:
    """Cut ``text`` into segments with their attribution and rule labels, before any model runs.

    ``spans`` gives the segment offsets instead (as a gold file does).

    >>> [d.text for d in draft_segments("Prices rose. Analysts say more may come.")]
    ['Prices rose.', 'Analysts say more may come.']
    """

    def compare(part: str, offset: int) -> tuple[object, object]:
        labels = rule_labels(part, offset, find_attribution(part, offset, MentionTracker()))
        return labels.kind, labels.certainty

    mentions = MentionTracker()
    drafts = []
    for start, end in segment_spans(text, compare) if spans is None else spans:
        part = text[start:end]
        attribution = find_attribution(part, start, mentions)
        rules = rule_labels(part, start, attribution)
        drafts.append(Draft(part, start, end, attribution, rules, rule_hint(attribution, rules)))
    return drafts


def _checked(text: object) -> str:
    if isinstance(text, str):
        return text
    hint = " (decode bytes first, e.g. data.decode('utf-8'))" if isinstance(text, (bytes, bytearray)) else ""
    raise TypeError(f"claimmine analyses str, got {type(text).__name__}{hint}")


@lru_cache(maxsize=1)
def _default_analyzer() -> Analyzer:
    return Analyzer()


def analyze(text: str) -> Analysis:
    """Analyse ``text`` with the default analyzer (created once, on first use).

    >>> analyze("There are concerns that the dispute will worsen.").segments[0].certainty.value
    'possible'
    """
    return _default_analyzer().analyze(text)
