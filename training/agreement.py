"""How often two labelers give the same labels: the torch model against its int8 ONNX export.

``python -m training.agreement seeds/news/dev`` labels every gold segment
(gold boundaries, rule attribution) with ``--model`` (default: the shipped
torch model) and ``--against`` (default: its int8 export), and prints the
share of segments where kind, certainty and both agree, the score
differences, and each disagreement with the reference model's margin between
its two best classes. Each labeler's own dev figures come from
``python -m training.evaluate GOLD --model FOLDER``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from claimmine.analyzer import Analyzer
from claimmine.labeler import Labels
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

    >>> from claimmine.labels import Certainty, SegmentKind
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


def main(argv: Sequence[str] | None = None) -> None:
    """Print the agreement of two labelers on the gold segments of gold files."""
    parser = argparse.ArgumentParser(prog="python -m training.agreement", description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", nargs="+", type=Path, help="gold JSONL files or folders")
    parser.add_argument("--model", default=str(ROOT / "models" / "claimmine-minilm-v2"), help="the reference")
    parser.add_argument("--against", default=str(ROOT / "models" / "claimmine-minilm-v2-int8"), help="the other")
    args = parser.parse_args(argv)
    documents = load_gold(args.gold)
    segments = [s for d in documents for s in d.segments]
    reference, other = Analyzer(args.model, attribution="rules"), Analyzer(args.against, attribution="rules")
    ours, theirs = label_gold_segments(documents, reference), label_gold_segments(documents, other)
    result = agreement(ours, theirs)
    print(f"# {reference.labeler.name} against {other.labeler.name}: {result.segments} gold segments")
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
