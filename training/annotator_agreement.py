"""How far PolNeAR's annotators agree with each other, and an attributor with them.

``python -m training.annotator_agreement --data-dir DIR [--attribution X ...]``.

A few PolNeAR articles were annotated by several annotators (all six for the
four ``annotator-training`` articles and two dev articles; two to six for 16
train articles). Each ordered pair of annotators of an article is scored with
the metric of :mod:`training.evaluate_attribution`, one as prediction and the
other as gold, which makes precision equal recall. That is the human ceiling
the span F1 targets are measured against. Each ``--attribution`` is scored the
same way against every annotator of the held-out multi-annotated articles
(dev and annotator-training; the train split is what the tagger learns from).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from itertools import permutations
from pathlib import Path

from training.attribution_metrics import SpanScores
from training.evaluate_attribution import format_table, found_and_gold
from training.polnear import SPLITS, Article, Relation, load_annotations

HELD_OUT = ("dev", "annotator-training")

Annotated = Mapping[str, tuple[str, Mapping[str, Sequence[Relation]]]]


def several_annotators(annotations: Annotated) -> dict[str, tuple[str, Mapping[str, Sequence[Relation]]]]:
    """Keep the articles that more than one annotator annotated.

    >>> several_annotators({"a": ("text", {"x": []}), "b": ("text", {"x": [], "y": []})}).keys()
    dict_keys(['b'])
    """
    return {name: item for name, item in annotations.items() if len(item[1]) > 1}


def annotator_agreement(annotations: Annotated, scores: SpanScores | None = None) -> SpanScores:
    """Score every ordered pair of annotators of each article, one as prediction and the other as gold.

    >>> from training.polnear import Relation
    >>> said = Relation(((0, 2),), ((3, 7),), ((8, 16),))
    >>> scores = annotator_agreement({"a": ("He said it rains.", {"x": [said], "y": [said], "z": []})})
    >>> round(scores.counts["cue", "overlap"].f1(), 3)
    0.5
    """
    scores = scores if scores is not None else SpanScores()
    for text, annotators in annotations.values():
        for mine, theirs in permutations(sorted(annotators), 2):
            scores.add(text, annotators[mine], annotators[theirs])
    return scores


def attributor_agreement(annotations: Annotated, attribution: str, scores: SpanScores | None = None) -> SpanScores:
    """Score what ``attribution`` (``rules`` or a tagger folder) finds against every annotator of each article."""
    scores = scores if scores is not None else SpanScores()
    articles = [Article(name, text, ()) for name, (text, _) in sorted(annotations.items())]
    for article, found, _ in found_and_gold(articles, attribution):
        for relations in annotations[article.name][1].values():
            scores.add(article.text, found, relations)
    return scores


def main(argv: Sequence[str] | None = None) -> None:
    """Print annotator agreement per split, pooled, and each attributor's agreement on the held-out articles."""
    parser = argparse.ArgumentParser(prog="python -m training.annotator_agreement", description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True, help="the folder that holds polnear/")
    parser.add_argument("--attribution", action="append", default=[], help="'rules' or a tagger folder (repeatable)")
    args = parser.parse_args(argv)
    pooled, held_out = SpanScores(), SpanScores()
    shared = {split: several_annotators(load_annotations(args.data_dir, split)) for split in SPLITS}
    for split in SPLITS:
        articles = shared[split]
        pairs = sum(len(a) * (len(a) - 1) for _, a in articles.values())
        print(f"PolNeAR {split}: {len(articles)} articles with several annotators, {pairs} ordered pairs")
        results = {"annotators": annotator_agreement(articles)}
        annotator_agreement(articles, pooled)
        if split in HELD_OUT:
            annotator_agreement(articles, held_out)
        print(format_table(results) + "\n")
    results = {"annotators, all splits": pooled, "annotators, held out": held_out}
    for attribution in args.attribution:
        scores = SpanScores()
        for split in HELD_OUT:
            attributor_agreement(shared[split], attribution, scores)
        results[f"{Path(attribution).name} vs annotators, held out"] = scores
    print("Pooled; held out = the dev and annotator-training articles above\n")
    print(format_table(results))


if __name__ == "__main__":
    main()
