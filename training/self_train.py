"""Self-training data: a model's confident labels on the PolNeAR train articles that no annotator labelled.

``python -m training.self_train --model FOLDER --out FILE`` drafts every PolNeAR train article that
``seeds/real/train`` does not hold, labels its segments with the model, and keeps the segments whose kind and
certainty probabilities both reach ``--threshold``. The result is a standoff gold file (offsets, labels, the
text's hash; never the text) that a training config can list in ``real_train``. Only train articles are read,
so the real dev sets stay unseen.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
from datasets import Dataset

from claimmine.labeling.torch_model import ModelLabeler
from claimmine.pipeline import draft_segments
from claimmine.types import Certainty, SegmentKind
from training import DEFAULT_DATA_DIR
from training.examples import CERTAINTY_INDEX, COLUMNS, KIND_INDEX, _features
from training.gold import GoldFormatError, read_source_text, text_sha256

ROOT = Path(__file__).resolve().parents[1]


def labelled_articles(gold: Path) -> set[str]:
    """The ``text_file`` of every article a gold folder holds."""
    files = set()
    for path in sorted(gold.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            text_file = json.loads(line).get("text_file") if line.strip() else None
            if text_file is not None:  # inline gold carries its text and names no file
                files.add(text_file)
    return files


def self_labelled(model: Path, data_dir: Path, threshold: float, exclude: set[str]) -> list[dict[str, Any]]:
    """Return one standoff record per unlabelled train article, with the model's confident segments."""
    labeler = ModelLabeler(model)
    kinds, certainties = list(SegmentKind), list(Certainty)
    records = []
    for path in sorted((data_dir / "polnear" / "train" / "text").glob("*.txt")):
        text_file = str(path.relative_to(data_dir))
        if text_file in exclude:
            continue
        text = path.read_text(encoding="utf-8")
        drafts = draft_segments(text)
        if not drafts:
            continue
        outputs = labeler.predict_drafts(drafts)
        kind_p = torch.softmax(outputs["kind"].float(), -1)
        certainty_p = torch.softmax(outputs["certainty"].float() / labeler.manifest.temperature, -1)
        segments = [
            {
                "start": draft.start,
                "end": draft.end,
                "kind": kinds[int(kind_p[i].argmax())].value,
                "certainty": certainties[int(certainty_p[i].argmax())].value,
            }
            for i, draft in enumerate(drafts)
            if kind_p[i].max() >= threshold and certainty_p[i].max() >= threshold
        ]
        if segments:
            records.append(
                {
                    "id": f"self-{path.stem}",
                    "domain": "politics",
                    "text_file": text_file,
                    "sha256": text_sha256(text),
                    "annotator": f"self-{labeler.name}",
                    "segments": segments,
                }
            )
    return records


def capped(records: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """Keep at most ``limit`` segments per (kind, certainty) cell, spread evenly over the articles in order.

    >>> rows = [{"segments": [{"kind": "claim", "certainty": "certain"}] * 3}]
    >>> [len(r["segments"]) for r in capped(rows, 2)]
    [2]
    """
    totals = Counter((s["kind"], s["certainty"]) for r in records for s in r["segments"])
    seen: Counter[tuple[str, str]] = Counter()
    kept = []
    for record in records:
        segments = []
        for segment in record["segments"]:
            cell = (segment["kind"], segment["certainty"])
            seen[cell] += 1
            # The n-th segment of a cell is kept when it raises the kept count: an even spread, no randomness.
            share, total = min(limit, totals[cell]), totals[cell]
            if seen[cell] * share // total > (seen[cell] - 1) * share // total:
                segments.append(segment)
        if segments:
            kept.append({**record, "segments": segments})
    return kept


def self_examples(paths: Sequence[Path], data_dir: Path) -> Dataset:
    """Training examples from self-labelled files: each article is drafted whole, as ``analyze`` drafts it,
    so that every kept segment reads the hint it reads at run time; a text that no longer matches its hash fails.
    """
    records: dict[str, list[Any]] = {column: [] for column in COLUMNS}
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            record = json.loads(line)
            text = read_source_text(data_dir, record["text_file"])
            if text_sha256(text) != record["sha256"]:
                raise GoldFormatError(f"{path}:{number}: the text of {record['text_file']} does not match its hash")
            drafts = {(d.start, d.end): d for d in draft_segments(text)}
            for segment in record["segments"]:
                draft = drafts.get((segment["start"], segment["end"]))
                if draft is None:
                    raise GoldFormatError(f"{path}:{number}: no segment {segment['start']}-{segment['end']} today")
                records["text"].append(draft.text)
                records["hint"].append(draft.hint)
                records["certainty"].append(CERTAINTY_INDEX[segment["certainty"]])
                records["score"].append(-1.0)
                records["uncertain"].append(-1)
                records["kind"].append(KIND_INDEX[segment["kind"]])
                records["corpus"].append("self")
    return Dataset.from_dict(records, features=_features())


def main(argv: Sequence[str] | None = None) -> None:
    """Write the self-labelled standoff file and print its label counts."""
    parser = argparse.ArgumentParser(prog="python -m training.self_train", description=__doc__)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "claimmine-minilm-v3")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--gold", type=Path, default=ROOT / "seeds" / "real" / "train", help="the labelled train")
    parser.add_argument("--threshold", type=float, default=0.9)
    parser.add_argument("--max-per-cell", type=int, default=2000, help="segments kept per (kind, certainty) cell")
    parser.add_argument("--out", type=Path, required=True, help="a .jsonl file inside a folder of its own")
    args = parser.parse_args(argv)
    records = self_labelled(args.model, args.data_dir, args.threshold, labelled_articles(args.gold))
    records = capped(records, args.max_per_cell)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    segments = [s for r in records for s in r["segments"]]
    counts = Counter((s["kind"], s["certainty"]) for s in segments)
    print(json.dumps({"articles": len(records), "segments": len(segments), "cells": sorted(counts.items())}))


if __name__ == "__main__":
    main()
