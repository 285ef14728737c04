"""How many of the frame contract's sentences (``tests/data/frames.jsonl``) a model labels right, per group.

``python -m training.frames --model FOLDER`` prints ``frame`` and ``counter`` counts, as the model card's run
table reports them. The contract is a test file: it is read here to score a finished run, never to train one.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from claimmine import Analyzer, Certainty, SegmentKind

CONTRACT = Path(__file__).resolve().parents[1] / "tests" / "data" / "frames.jsonl"


Judged = tuple[dict[str, str], list[tuple[SegmentKind, Certainty]], bool]


def judged(model: str | Path) -> list[Judged]:
    """Return each contract row with the labels ``model`` gives its segments and whether they are the row's own.

    A row is right when the sentence stays one segment with the row's kind and certainty.

    >>> row, labels, right = judged("rules")[0]
    >>> right == (labels == [(SegmentKind(row["kind"]), Certainty(row["certainty"]))])
    True
    """
    rows = [json.loads(line) for line in CONTRACT.read_text(encoding="utf-8").splitlines()]
    analyses = Analyzer(model).analyze_batch([row["text"] for row in rows])
    results = []
    for row, analysis in zip(rows, analyses, strict=True):
        labels = [(s.kind, s.certainty) for s in analysis.segments]
        results.append((row, labels, labels == [(SegmentKind(row["kind"]), Certainty(row["certainty"]))]))
    return results


def frame_counts(model: str | Path) -> dict[str, tuple[int, int]]:
    """Return, per group, how many sentences ``model`` labels with the contract's kind and certainty, of how many.

    >>> frame_counts("rules")["frame"][1]
    84
    """
    counts: dict[str, tuple[int, int]] = {}
    for row, _, right in judged(model):
        done, total = counts.get(row["group"], (0, 0))
        counts[row["group"]] = (done + right, total + 1)
    return counts


def main(argv: Sequence[str] | None = None) -> None:
    """Print the counts of each ``--model``."""
    parser = argparse.ArgumentParser(prog="python -m training.frames", description=__doc__)
    parser.add_argument("--model", action="append", required=True, help="a model folder, a shipped name or rules")
    args = parser.parse_args(argv)
    for model in args.model:
        counts = frame_counts(model)
        print(model, " ".join(f"{group} {done}/{total}" for group, (done, total) in sorted(counts.items())))


if __name__ == "__main__":
    main()
