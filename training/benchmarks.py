"""Scores labelers side by side on every dev set: ``python -m training.benchmarks --model FOLDER``.

Columns: the rule baseline, TF-IDF + logistic regression (trained here on the
default training mix) and each model folder given. Rows: kind and certainty
macro-F1 and expected calibration error on the project's news dev set and on
the seed article (gold segments), uncertain-sentence F1 on the binary
corpora (for CoNLL-2010 Wikipedia, whose label marks vague sources, also with
kind speculation counted as uncertain), and Pearson r of ``certainty_score`` and certainty macro-F1 on the
graded corpora.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from scipy.stats import pearsonr
from sklearn.metrics import f1_score

from claimmine.labeling.labeler import Labeler, Labels, RuleLabeler
from claimmine.labeling.torch_model import ModelLabeler
from claimmine.pipeline import Analyzer, draft_segments
from claimmine.types import Certainty, SegmentKind
from training import DEFAULT_DATA_DIR
from training.calibrate import cross_fitted_ece
from training.config import TrainConfig
from training.corpora import load_corpus
from training.evaluate import label_gold_segments
from training.examples import training_mix
from training.gold import load_gold

ROOT = Path(__file__).resolve().parents[1]
BINARY = (
    "conll2010_wiki",
    "conll2010_bio",
    "szeged_wiki",
    "szeged_factbank",
    "szeged_bio",
    "bioscope",
    "sfu_review_negspec",
)
# Binary corpora whose "uncertain" marks vague sources (weasels), which the label scheme makes kind speculation.
WEASEL = ("conll2010_wiki",)
GRADED = ("pei_certainty", "factuality_uw", "factuality_meantime", "commitmentbank")
CERTAINTIES = [c.value for c in Certainty]
# Real text first: the figures models are chosen on. The in-house news sets were written in one style by the
# hands that wrote the training set, so they are in-distribution figures.
DEFAULT_GOLD = (
    ("real political dev", ROOT / "seeds" / "real" / "dev" / "polnear.jsonl"),
    ("real other-genre dev", ROOT / "seeds" / "real" / "dev" / "other.jsonl"),
    ("seed article", ROOT / "seeds" / "000_b13b75026e8a9805.gold.jsonl"),
    ("news dev (in-house)", ROOT / "seeds" / "news" / "dev"),
)


def label_sentences(labeler: Labeler, texts: Sequence[str]) -> list[Labels]:
    """Label each text as one segment."""
    drafts = [draft for text in texts for draft in draft_segments(text, [(0, len(text))])]
    return labeler.label(drafts)


def corpus_scores(labeler: Labeler, data_dir: Path) -> dict[str, float]:
    """Return the dev-set figures of ``labeler`` on the public corpora."""
    scores: dict[str, float] = {}
    for name in BINARY:
        rows = load_corpus(name, "dev", data_dir)
        labels = label_sentences(labeler, [t.strip() for t in rows["text"]])
        hedged = [int(x.certainty is not Certainty.CERTAIN) for x in labels]
        scores[f"{name}: uncertain F1"] = float(f1_score(rows["binary_uncertain"], hedged))
        if name in WEASEL:
            vague = [int(h or x.kind is SegmentKind.SPECULATION) for h, x in zip(hedged, labels, strict=True)]
            scores[f"{name}: uncertain F1, speculation counted"] = float(f1_score(rows["binary_uncertain"], vague))
    for name in GRADED:
        rows = load_corpus(name, "dev", data_dir)
        labels = label_sentences(labeler, [t.strip() for t in rows["text"]])
        scores[f"{name}: Pearson r"] = float(pearsonr([x.certainty_score for x in labels], rows["score"]).statistic)
        predicted = [x.certainty.value for x in labels]
        scores[f"{name}: certainty macro-F1"] = float(
            f1_score(rows["certainty"], predicted, labels=CERTAINTIES, average="macro", zero_division=0)
        )
    return scores


def news_scores(labeler: Labeler, gold: Path, title: str, data_dir: Path) -> dict[str, float]:
    """Return kind and certainty macro-F1 on the gold segments of a gold file (and ECE for a model).

    ECE is cross-fitted (:func:`training.calibrate.cross_fitted_ece`): the model's own temperature may have been
    fitted on this very set. A single document (the seed article) has no halves to cross-fit, so no ECE.
    """
    documents = load_gold(gold, data_dir)
    segments = [s for d in documents for s in d.segments]
    labels = label_gold_segments(documents, Analyzer(labeler, attribution="rules"))
    scores = {}
    for label, truth, predicted in (
        ("kind", [s.kind.value for s in segments], [x.kind.value for x in labels]),
        ("certainty", [s.certainty.value for s in segments], [x.certainty.value for x in labels]),
    ):
        scores[f"{title}: {label} macro-F1"] = float(f1_score(truth, predicted, average="macro"))
    if isinstance(labeler, ModelLabeler) and len(documents) > 1:
        scores[f"{title}: ECE (cross-fitted)"] = cross_fitted_ece(labeler, documents)
    return scores


def main(argv: Sequence[str] | None = None) -> None:
    """Print a markdown table of every labeler's dev figures (and optionally write them as JSON)."""
    parser = argparse.ArgumentParser(prog="python -m training.benchmarks", description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument(
        "--gold",
        nargs=2,
        action="append",
        metavar=("TITLE", "PATH"),
        help="a titled gold set (repeatable); default: the real-news dev sets, then the in-house ones",
    )
    parser.add_argument("--model", type=Path, action="append", default=[], help="a model folder (repeatable)")
    parser.add_argument("--no-tfidf", action="store_true", help="skip the TF-IDF baseline")
    parser.add_argument("--json-out", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    labelers: list[Labeler] = [RuleLabeler()]
    if not args.no_tfidf:
        from training.tfidf import TfidfLabeler

        labelers.append(TfidfLabeler(training_mix(TrainConfig(), args.data_dir, ROOT)))
    labelers.extend(ModelLabeler(folder) for folder in args.model)
    names = [labeler.name for labeler in labelers]
    # Two runs of one recipe share a model name; their folders tell them apart.
    columns = [
        f"{name} ({getattr(labeler, 'folder', '')})" if names.count(name) > 1 else name
        for name, labeler in zip(names, labelers, strict=True)
    ]
    golds = [(title, Path(path)) for title, path in args.gold or DEFAULT_GOLD]
    table: dict[str, dict[str, float]] = {}
    for column, labeler in zip(columns, labelers, strict=True):
        table[column] = {}
        for title, path in golds:
            table[column].update(news_scores(labeler, path, title, args.data_dir))
        table[column].update(corpus_scores(labeler, args.data_dir))
    names = list(table)
    rows = list(table[names[-1]])
    print("| dev set: metric | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for row in rows:
        cells = [f"{table[n][row]:.3f}" if row in table[n] else "-" for n in names]
        print(f"| {row} | " + " | ".join(cells) + " |")
    if args.json_out:
        args.json_out.write_text(json.dumps(table, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
