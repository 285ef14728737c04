"""How often two labelers give the same labels: the torch model against its int8 ONNX export.

``python -m training.agreement seeds/news/dev`` labels every gold segment
(gold boundaries, rule attribution) with ``--model`` (default: the shipped
torch model) and ``--against`` (default: its int8 export), and prints the
share of segments where kind, certainty and both agree, the score
differences, and each disagreement with the reference model's margin between
its two best classes. Each labeler's own dev figures come from
``python -m training.evaluate GOLD --model FOLDER``.

``--attribution A --against-attribution B`` runs the two labelers with those
attribution finders (taggers, or ``rules``), and with two taggers also prints
the share of the texts' attribution relations (source, cue and content spans)
that both find exactly: ``--attribution claimmine-attribution-v1
--against-attribution claimmine-attribution-v1-int8`` compares the default
path with the fast one.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from claimmine.attribution.attributors import Attributor
from claimmine.labeling.labeler import Draft, Labels
from claimmine.pipeline import Analyzer, draft_segments
from claimmine.types import Attribution
from training import DEFAULT_DATA_DIR
from training.evaluate import label_gold_segments
from training.gold import load_gold

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True, slots=True)
class Agreement:
    """Shares of segments on which two labelers agree, and their score differences."""

    segments: int
    kind: float
    certainty: float
    both: float
    score_mean_difference: float
    score_max_difference: float
    disagreements: tuple[int, ...]


def agreement(reference: Sequence[Labels], other: Sequence[Labels]) -> Agreement:
    """Compare two labelers' labels of the same segments.

    >>> from claimmine.types import Certainty, SegmentKind
    >>> a = Labels(SegmentKind.CLAIM, Certainty.CERTAIN, 0.9)
    >>> b = Labels(SegmentKind.CLAIM, Certainty.PROBABLE, 0.7)
    >>> agreement([a, a], [a, b]).both
    0.5
    """
    if len(reference) != len(other):
        raise ValueError(f"{len(reference)} labels against {len(other)}")
    count = max(len(reference), 1)
    kind = [r.kind is o.kind for r, o in zip(reference, other, strict=True)]
    certainty = [r.certainty is o.certainty for r, o in zip(reference, other, strict=True)]
    differences = [abs(r.certainty_score - o.certainty_score) for r, o in zip(reference, other, strict=True)]
    return Agreement(
        segments=len(reference),
        kind=sum(kind) / count,
        certainty=sum(certainty) / count,
        both=sum(k and c for k, c in zip(kind, certainty, strict=True)) / count,
        score_mean_difference=sum(differences) / count,
        score_max_difference=max(differences, default=0.0),
        disagreements=tuple(i for i, (k, c) in enumerate(zip(kind, certainty, strict=True)) if not (k and c)),
    )


def relation_agreement(texts: Sequence[str], reference: Attributor, other: Attributor) -> dict[str, tuple[int, int]]:
    """Count what two attributors find alike: ``relations`` (source, cue and content spans, of all relations
    either finds) and ``segments`` (the source and cue spans of the relation governing each segment)."""
    drafts = _drafts(texts)
    counts = {"relations": [0, 0], "segments": [0, 0]}
    for (ours, our_links), (theirs, their_links) in zip(
        reference.link(texts, drafts), other.link(texts, drafts), strict=True
    ):
        a, b = {_relation_key(r) for r in ours}, {_relation_key(r) for r in theirs}
        counts["relations"][0] += len(a & b)
        counts["relations"][1] += len(a | b)
        for mine, yours in zip(our_links, their_links, strict=True):
            counts["segments"][0] += _governing_key(mine) == _governing_key(yours)
            counts["segments"][1] += 1
    return {key: (same, total) for key, (same, total) in counts.items()}


def _governing_key(relation: Attribution | None) -> tuple[object, ...] | None:
    return None if relation is None else _relation_key(relation)[:2]


def _drafts(texts: Sequence[str]) -> list[list[Draft]]:
    return [draft_segments(text) for text in texts]


def _relation_key(relation: Attribution) -> tuple[object, ...]:
    spans = (relation.source, relation.cue, *relation.content)
    return tuple((span.start, span.end) if span is not None else None for span in spans)


def main(argv: Sequence[str] | None = None) -> None:
    """Print the agreement of two labelers on the gold segments of gold files."""
    parser = argparse.ArgumentParser(prog="python -m training.agreement", description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", nargs="+", type=Path, help="gold JSONL files or folders")
    parser.add_argument("--model", default=str(ROOT / "models" / "claimmine-minilm-v3"), help="the reference")
    parser.add_argument("--against", default=str(ROOT / "models" / "claimmine-minilm-v3-int8"), help="the other")
    parser.add_argument("--attribution", default="rules", help="the reference's attribution (default: rules)")
    parser.add_argument("--against-attribution", default="rules", help="the other's attribution (default: rules)")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="the shared corpora (standoff texts)")
    args = parser.parse_args(argv)
    documents = load_gold(args.gold, args.data_dir)
    segments = [s for d in documents for s in d.segments]
    reference = Analyzer(args.model, attribution=args.attribution)
    other = Analyzer(args.against, attribution=args.against_attribution)
    if "rules" not in (args.attribution, args.against_attribution):
        found = relation_agreement([d.text for d in documents], reference.attributor, other.attributor)
        print(f"# {reference.attributor.name} against {other.attributor.name}")
        for key, what in (
            ("relations", "relations (source, cue and content spans)"),
            ("segments", "segment attributions (the governing relation's source and cue)"),
        ):
            same, total = found[key]
            print(f"same {what}: {same / max(total, 1):.4f} ({same} of {total})")
    ours, theirs = label_gold_segments(documents, reference), label_gold_segments(documents, other)
    result = agreement(ours, theirs)
    print(
        f"# {reference.labeler.name} ({reference.attributor.name}) against {other.labeler.name} "
        f"({other.attributor.name}): {result.segments} gold segments"
    )
    print(f"same kind {result.kind:.4f}  same certainty {result.certainty:.4f}  same both {result.both:.4f}")
    print(f"certainty_score difference: mean {result.score_mean_difference:.4f}  max {result.score_max_difference:.4f}")
    for i in result.disagreements:
        a, b = ours[i], theirs[i]
        print(
            f"- {a.kind.value}/{a.certainty.value} {a.certainty_score:.3f} vs "
            f"{b.kind.value}/{b.certainty.value} {b.certainty_score:.3f}: {segments[i].text[:90]}"
        )


if __name__ == "__main__":
    main()
