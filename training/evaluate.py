"""Scores a labeler against gold files.

``python -m training.evaluate GOLD...`` prints, for the rule baseline (or
another labeler): segment boundary precision, recall and F1; kind and
certainty macro-F1 with confusion matrices, both on the gold segments (the
labeler sees the gold boundaries) and end to end (each gold segment takes
the labels of the predicted segment that overlaps it most); source
accuracy and source type accuracy; and, where a gold source refers back to a
fuller mention, how often the resolved mention names it and what resolution
does to the source type.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sklearn.metrics import confusion_matrix, f1_score

from claimmine.attribution.mentions import source_type_of
from claimmine.labeling.labeler import Labels
from claimmine.pipeline import Analyzer
from claimmine.types import Analysis, Certainty, Segment, SegmentKind, Span
from training import DEFAULT_DATA_DIR
from training.gold import GoldDocument, GoldSegment, load_gold

_MENTION_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Boundaries:
    """Exact-match precision, recall and F1 of predicted segment offsets."""

    precision: float
    recall: float
    f1: float


@dataclass(frozen=True, slots=True)
class Sources:
    """How often the predicted source agrees with the gold one (no source counts as agreement)."""

    exact: float
    overlap: float
    type_accuracy: float
    attributed: int
    # Over the gold segments whose source refers back to a fuller mention (``he`` -> ``Tomas Novotny``):
    resolvable: int = 0
    resolution_accuracy: float = 0.0
    # Their source type as given (from the resolved mention) and as the source's own words would give it.
    resolved_type_accuracy: float = 0.0
    unresolved_type_accuracy: float = 0.0


def label_gold_segments(documents: Sequence[GoldDocument], analyzer: Analyzer) -> list[Labels]:
    """Label every gold segment, with the gold boundaries, in document order."""
    spans = [[(s.start, s.end) for s in document.segments] for document in documents]
    drafted = analyzer.draft_batch([document.text for document in documents], spans)
    return analyzer.labeler.label([draft for drafts, _ in drafted for draft in drafts])


def boundaries(documents: Sequence[GoldDocument], analyses: Sequence[Analysis]) -> Boundaries:
    """Compare predicted and gold segment offsets, exactly."""
    gold = {(d.id, s.start, s.end) for d in documents for s in d.segments}
    predicted = {(d.id, s.start, s.end) for d, a in zip(documents, analyses, strict=True) for s in a.segments}
    hits = len(gold & predicted)
    precision = hits / len(predicted) if predicted else 0.0
    recall = hits / len(gold) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Boundaries(precision, recall, f1)


def aligned(documents: Sequence[GoldDocument], analyses: Sequence[Analysis]) -> list[Segment | None]:
    """Return, for each gold segment, the predicted segment that overlaps it most."""
    result: list[Segment | None] = []
    for document, analysis in zip(documents, analyses, strict=True):
        for gold in document.segments:
            best = max(
                analysis.segments,
                key=lambda s: min(s.end, gold.end) - max(s.start, gold.start),
                default=None,
            )
            result.append(best)
    return result


def sources(documents: Sequence[GoldDocument], analyses: Sequence[Analysis]) -> Sources:
    """Compare each gold segment's source with the source of its best-overlapping predicted segment."""
    golds = [s for d in documents for s in d.segments]
    predictions = aligned(documents, analyses)
    exact = overlap = typed = attributed = resolvable = resolved = resolved_typed = own_typed = 0
    for gold, predicted in zip(golds, predictions, strict=True):
        attribution = predicted.attribution if predicted else None
        source = attribution.source if attribution else None
        exact += _same(gold.source, source, exact=True)
        overlap += _same(gold.source, source, exact=False)
        if gold.source_type is not None:
            attributed += 1
            typed += attribution is not None and attribution.source_type is gold.source_type
        if gold.resolved:
            resolvable += 1
            if attribution is not None and source is not None:
                resolved += _same_mention(gold.resolved, attribution.resolved)
                resolved_typed += attribution.source_type is gold.source_type
                own_typed += source_type_of(source.text) is gold.source_type
    count = max(len(golds), 1)
    per = max(resolvable, 1)
    return Sources(
        exact / count,
        overlap / count,
        typed / max(attributed, 1),
        attributed,
        resolvable,
        resolved / per,
        resolved_typed / per,
        own_typed / per,
    )


def _same_mention(gold: str, predicted: str | None) -> bool:
    """Tell whether a resolved mention names the gold one: the gold mention's last word (a surname) is among its words.

    >>> _same_mention("Rustem Umerou", "Special Envoy Umerou"), _same_mention("Mike Waltz", "President Zelenskyy")
    (True, False)
    """
    if predicted is None:
        return False
    last = _MENTION_WORD.findall(gold.casefold())[-1:]
    return bool(last) and last[0] in _MENTION_WORD.findall(predicted.casefold())


def _same(gold: Span | None, predicted: Span | None, *, exact: bool) -> bool:
    if gold is None or predicted is None:
        return gold is None and predicted is None
    if exact:
        return (gold.start, gold.end) == (predicted.start, predicted.end)
    return gold.start < predicted.end and predicted.start < gold.end


def label_report(name: str, golds: Sequence[GoldSegment], kinds: list[str], certainties: list[str]) -> str:
    """Format kind and certainty macro-F1 and confusion matrices for one setting."""
    lines = [f"## {name}"]
    for title, enum, truth, predicted in (
        ("kind", SegmentKind, [s.kind.value for s in golds], kinds),
        ("certainty", Certainty, [s.certainty.value for s in golds], certainties),
    ):
        labels = [m.value for m in enum if m.value in truth or m.value in predicted]
        score = f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)
        lines.append(f"{title} macro-F1: {score:.3f}")
        lines.append(_matrix(labels, confusion_matrix(truth, predicted, labels=labels).tolist()))
    return "\n".join(lines)


def _matrix(labels: list[str], rows: list[list[int]]) -> str:
    width = max(len(label) for label in labels) + 2
    header = "gold \\ predicted".ljust(width) + "".join(label[:12].rjust(14) for label in labels)
    body = [
        label.ljust(width) + "".join(str(v).rjust(14) for v in row) for label, row in zip(labels, rows, strict=True)
    ]
    return "\n".join([header, *body])


def report(documents: Sequence[GoldDocument], analyzer: Analyzer) -> str:
    """Return the full evaluation report of ``analyzer`` on ``documents``."""
    golds = [s for d in documents for s in d.segments]
    on_gold = label_gold_segments(documents, analyzer)
    analyses = analyzer.analyze_batch([d.text for d in documents])
    predicted = aligned(documents, analyses)
    bounds = boundaries(documents, analyses)
    found = sources(documents, analyses)
    return "\n\n".join(
        [
            f"# {analyzer.labeler.name}, attribution {analyzer.attributor.name}: "
            f"{len(documents)} documents, {len(golds)} gold segments",
            label_report(
                "on gold segments",
                golds,
                [x.kind.value for x in on_gold],
                [x.certainty.value for x in on_gold],
            ),
            label_report(
                "end to end",
                golds,
                [p.kind.value if p else "none" for p in predicted],
                [p.certainty.value if p else "none" for p in predicted],
            ),
            "## segmentation\n"
            f"boundary precision {bounds.precision:.3f}  recall {bounds.recall:.3f}  F1 {bounds.f1:.3f}",
            "## attribution (end to end)\n"
            f"source accuracy: exact {found.exact:.3f}  overlap {found.overlap:.3f}\n"
            f"source type accuracy on {found.attributed} attributed gold segments: {found.type_accuracy:.3f}\n"
            f"on {found.resolvable} gold segments whose source refers back to a fuller mention: "
            f"resolved to it {found.resolution_accuracy:.3f}; source type right {found.resolved_type_accuracy:.3f} "
            f"(from the source's own words: {found.unresolved_type_accuracy:.3f})",
        ]
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Evaluate a labeler on gold files and print the report."""
    parser = argparse.ArgumentParser(prog="python -m training.evaluate", description=__doc__)
    parser.add_argument("gold", nargs="+", type=Path, help="gold JSONL files or folders")
    parser.add_argument("--model", default="rules", help="a model folder, or 'rules' (default)")
    parser.add_argument("--attribution", default="rules", help="a tagger folder, or 'rules' (default)")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="the shared corpora (standoff texts)")
    args = parser.parse_args(argv)
    print(report(load_gold(args.gold, args.data_dir), Analyzer(args.model, attribution=args.attribution)))


if __name__ == "__main__":
    main()
