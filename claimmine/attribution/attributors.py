"""Which attribution finder an :class:`~claimmine.Analyzer` uses, and how relations reach the segments.

A tagger is chosen as a classifier is (:func:`claimmine.loading.find_model`):
an explicit tagger folder or shipped tagger's name, else the
``CLAIMMINE_TAGGER`` environment variable, else the tagger shipped with the
package, else the rules. It loads on first use and is shared as
:mod:`claimmine.loading` describes.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from claimmine.attribution.linking import governing, rule_relations, tagged_relations
from claimmine.attribution.rules import reporting_cues
from claimmine.attribution.tagging import TaggerManifest, WindowedTagger
from claimmine.labeling.inference import thread_count, versioned_name
from claimmine.labeling.labeler import Draft
from claimmine.loading import Shared, find_model, loading_errors, shipped_model
from claimmine.types import Attribution, QuoteStyle

DEFAULT_TAGGER = "claimmine-attribution-v1"
FAST_TAGGER = "claimmine-attribution-v1-int8"
TAGGER_VARIABLE = "CLAIMMINE_TAGGER"
RULES = "rules"

Linked = tuple[list[Attribution], list[Attribution | None]]


class Attributor(Protocol):
    """Finds a document's attribution relations and the relation governing each of its drafts."""

    @property
    def name(self) -> str:
        """A short name, e.g. ``rules`` or ``claimmine-attribution-v1``."""
        ...

    def link(self, texts: Sequence[str], drafts: Sequence[Sequence[Draft]]) -> list[Linked]:
        """Return, per text, its relations in cue order and, per draft, the relation governing it (or ``None``)."""
        ...


class RuleAttributor:
    """The rules' attributions, one per segment at most, with the rest of the segment as content.

    >>> from claimmine.pipeline import draft_segments
    >>> text = "The ministry said talks would resume."
    >>> relations, per_draft = RuleAttributor().link([text], [draft_segments(text)])[0]
    >>> per_draft[0] is relations[0], relations[0].content[0].text
    (True, 'talks would resume')
    """

    name = RULES

    def link(self, texts: Sequence[str], drafts: Sequence[Sequence[Draft]]) -> list[Linked]:
        """Link every text's drafts to the relations the rules found in them."""
        results: list[Linked] = []
        for text, document in zip(texts, drafts, strict=True):
            relations = rule_relations(text, [(d.start, d.end, d.attribution) for d in document])
            found = iter(relations)
            results.append((relations, [next(found) if d.attribution is not None else None for d in document]))
        return results


class TaggerAttributor:
    """The learned tagger's relations (loaded on first use), with the rules deciding which segments they govern.

    ``governs="rules"`` (the default) gives a segment an attribution only where
    the rules weigh a reporting cue in it. Where they also name a source, their
    source and cue win, with the tagger's content when it has that cue (else
    the rules' own relation joins the list); where they name none, the tagger's
    relation with that cue governs if its source lies in the segment.
    PolNeAR, which the tagger learns from, counts far more as attribution than
    the label scheme does ("called", "found", whole paragraphs after a quote),
    and letting every tagged relation govern lowers kind macro-F1 on the news
    dev set (README). ``governs="tagger"`` lets every relation govern the
    segments its content covers.
    """

    def __init__(self, folder: Path, *, governs: str = "rules", threads: int | None = None) -> None:
        if governs not in ("rules", "tagger"):
            raise ValueError(f"governs must be 'rules' or 'tagger', not {governs!r}")
        manifest = TaggerManifest.read(folder)
        self.folder = folder
        self.governs = governs
        self.name = versioned_name(manifest.name, manifest.version, manifest.raw)
        key = ("tagger", folder, threads if manifest.backend == "onnx" else None)
        self._tagger: Shared[WindowedTagger] = Shared(key, lambda: _load_tagger(folder, manifest.backend, threads))

    def link(self, texts: Sequence[str], drafts: Sequence[Sequence[Draft]]) -> list[Linked]:
        """Tag every text, then link each draft to its governing relation."""
        grouped = self._tagger.get().relations_batch(list(texts))
        results: list[Linked] = []
        for text, document, found in zip(texts, drafts, grouped, strict=True):
            relations = tagged_relations(text, found, [(d.start, d.end) for d in document])
            if self.governs == "tagger":
                results.append((relations, [governing(relations, d.start, d.end, text) for d in document]))
            else:
                results.append(_ruled(text, document, relations))
        return results

    def load(self) -> None:
        """Load the tagger's weights now (a folder that cannot load raises :class:`ModelFormatError` here)."""
        self._tagger.get()

    def close(self) -> None:
        """Give back this attributor's share of the tagger's weights; it loads them again if used after."""
        self._tagger.close()


def _ruled(text: str, drafts: Sequence[Draft], relations: list[Attribution]) -> Linked:
    """Govern the drafts where the rules weigh a cue: by the rules' relation, or the tagger's where they name no source.

    Where the tagger has a relation with the same cue, the two merge: source,
    cue and type from the rules (more precise on the project's news), content
    and quote style from the tagger (which reads beyond the segment).
    """
    per_draft: list[Attribution | None] = []
    extra: list[Attribution] = []
    cues = _CueIndex(relations)
    found = iter(rule_relations(text, [(d.start, d.end, d.attribution) for d in drafts]))
    for draft in drafts:
        ruled = next(found) if draft.attribution is not None else None
        if ruled is None or ruled.cue is None:
            per_draft.append(_sourced_by_tagger(draft, cues))
            continue
        overlapping = cues.overlapping(ruled.cue.start, ruled.cue.end)
        if not overlapping:
            extra.append(ruled)
            per_draft.append(ruled)
            continue
        index = overlapping[0]
        tagged = cues.relations[index]
        quote = tagged.quote if tagged.content else ruled.quote
        cues.put(
            index,
            replace(ruled, content=tagged.content or ruled.content, quote=quote, direct=quote is QuoteStyle.DIRECT),
        )
        per_draft.append(cues.relations[index])
    merged = sorted([*cues.relations, *extra], key=lambda r: r.cue.start if r.cue else 0)
    return merged, per_draft


def _sourced_by_tagger(draft: Draft, cues: _CueIndex) -> Attribution | None:
    """Return the tagged relation whose source and cue lie in ``draft``, the cue one the rules weigh.

    This is where the rules see a reporting cue but no source they recognise
    (``Industry groups said``, ``Two people familiar with the matter said``).
    """
    inside = [
        (relation, relation.cue)
        for relation in (cues.relations[i] for i in cues.within(draft.start, draft.end))
        if relation.cue is not None
        and relation.source is not None
        and draft.start <= relation.source.start
        and relation.source.end <= draft.end
    ]
    if not inside:
        return None  # most drafts: no need to scan the segment for cues again
    found = reporting_cues(draft.text, draft.start)
    for relation, cue in inside:
        if any(start < cue.end and cue.start < end for start, end in found):
            return relation
    return None


class _CueIndex:
    """A document's relations by where their cues lie, so that each segment finds its own without reading all.

    Every cue is filed under each block of :attr:`BLOCK` characters it touches; a query reads the blocks of its
    span only, so linking a document takes time linear in its length, not in segments times relations.
    """

    BLOCK = 64

    def __init__(self, relations: Sequence[Attribution]) -> None:
        self.relations = list(relations)
        self.blocks: dict[int, set[int]] = {}
        for index in range(len(self.relations)):
            self._file(index, add=True)

    def put(self, index: int, relation: Attribution) -> None:
        """Replace the relation at ``index``, filing it under its new cue."""
        self._file(index, add=False)
        self.relations[index] = relation
        self._file(index, add=True)

    def overlapping(self, start: int, end: int) -> list[int]:
        """The indices, in order, of the relations whose cue overlaps ``[start, end)``."""
        return [
            i for i in self._near(start, end) if (cue := self.relations[i].cue) and cue.start < end and start < cue.end
        ]

    def within(self, start: int, end: int) -> list[int]:
        """The indices, in order, of the relations whose cue lies inside ``[start, end)``."""
        return [
            i
            for i in self._near(start, end)
            if (cue := self.relations[i].cue) and start <= cue.start and cue.end <= end
        ]

    def _near(self, start: int, end: int) -> list[int]:
        near: set[int] = set()
        for block in self._span_blocks(start, end):
            near |= self.blocks.get(block, set())
        return sorted(near)

    def _file(self, index: int, *, add: bool) -> None:
        cue = self.relations[index].cue
        if cue is None:
            return
        for block in self._span_blocks(cue.start, cue.end):
            if add:
                self.blocks.setdefault(block, set()).add(index)
            else:
                self.blocks[block].discard(index)

    def _span_blocks(self, start: int, end: int) -> range:
        return range(start // self.BLOCK, max(start, end - 1) // self.BLOCK + 1)


def shipped_tagger(name: str | None = None) -> Path | None:
    """Return the folder of the tagger ``name`` (default: the torch one) shipped with the package, or ``None``.

    >>> shipped_tagger() is None or shipped_tagger().name == DEFAULT_TAGGER
    True
    """
    return shipped_model(name or DEFAULT_TAGGER)


def resolve_attributor(
    attribution: str | os.PathLike[str] | Attributor | None, *, threads: int | None = None
) -> Attributor:
    """Return the attributor that ``attribution`` asks for; ``threads`` goes to an ONNX tagger's session.

    >>> resolve_attributor("rules").name
    'rules'
    """
    if attribution is not None and not isinstance(attribution, (str, os.PathLike)):
        if not callable(getattr(attribution, "link", None)):
            raise TypeError(
                f"attribution must be a tagger folder, 'rules' or an Attributor, got {type(attribution).__name__}"
            )
        return attribution
    folder = find_model(attribution, variable=TAGGER_VARIABLE, default=DEFAULT_TAGGER, what="tagger",
                        trainer="train_tagger")
    return RuleAttributor() if folder is None else TaggerAttributor(folder, threads=thread_count(threads))


def _load_tagger(folder: Path, backend: str, threads: int | None) -> WindowedTagger:
    with loading_errors(folder):
        if backend == "onnx":
            from claimmine.attribution.onnx_tagger import OnnxTagger

            return OnnxTagger(folder, threads=threads)
        from claimmine.attribution.torch_tagger import AttributionTagger

        return AttributionTagger(folder)
