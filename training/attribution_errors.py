"""Where an attributor's relations go wrong on PolNeAR: ``python -m training.attribution_errors --data-dir DIR``.

Relations are aligned with the gold ones as :mod:`training.evaluate_attribution`
scores them, then counted by what went wrong: a predicted relation whose cue
overlaps no gold cue, a gold relation whose cue no prediction overlaps, and
for aligned pairs whether the source is right (overlapping), wrong, missing
or spurious. ``--examples N`` prints that many of each kind.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

from training.attribution_metrics import align, chars
from training.evaluate_attribution import found_and_gold
from training.polnear import Relation, load_articles


def error_counts(
    text: str, predicted: Sequence[Relation], gold: Sequence[Relation]
) -> tuple[Counter[str], dict[str, list[str]]]:
    """Count one document's errors by kind, with a short example of each.

    >>> gold = [Relation(((0, 2),), ((3, 7),), ()), Relation((), ((9, 13),), ())]
    >>> counts, _ = error_counts("He said. Rain fell.", [Relation((), ((3, 7),), ())], gold)
    >>> sorted(counts.items())
    [('gold cue found by no prediction', 1), ('source missing', 1)]
    """
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    pairs = dict(align(text, predicted, gold))
    gold_cues = [chars(text, g.cue) for g in gold]
    predicted_cues = [chars(text, p.cue) for p in predicted]

    def show(spans: Sequence[tuple[int, int]]) -> str:
        return " | ".join(text[a:b] for a, b in spans) or "-"

    for i, relation in enumerate(predicted):
        if i not in pairs:
            if not any(predicted_cues[i] & cue for cue in gold_cues):
                kind = "predicted cue overlaps no gold cue"
                counts[kind] += 1
                examples[kind].append(show(relation.cue))
            continue
        truth = gold[pairs[i]]
        kind = _source_verdict(chars(text, relation.source), chars(text, truth.source))
        counts[kind] += 1
        examples[kind].append(f"{show(relation.source)} / gold {show(truth.source)} (cue {show(relation.cue)})")
    for j, relation in enumerate(gold):
        if j not in pairs.values() and not any(gold_cues[j] & cue for cue in predicted_cues):
            kind = "gold cue found by no prediction"
            counts[kind] += 1
            examples[kind].append(f"{show(relation.cue)} (source {show(relation.source)})")
    return counts, examples


def _source_verdict(mine: frozenset[int], theirs: frozenset[int]) -> str:
    if mine and theirs:
        return "source right" if mine & theirs else "source wrong"
    if theirs:
        return "source missing"
    return "source spurious" if mine else "no source, rightly"


def main(argv: Sequence[str] | None = None) -> None:
    """Print the error counts (and examples) of one attributor on a PolNeAR split."""
    parser = argparse.ArgumentParser(prog="python -m training.attribution_errors", description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True, help="the folder that holds polnear/")
    parser.add_argument("--split", default="dev", help="dev (default) or annotator-training")
    parser.add_argument("--attribution", default="models/claimmine-attribution-v1", help="'rules' or a tagger folder")
    parser.add_argument("--examples", type=int, default=0, help="print up to N examples of each kind")
    args = parser.parse_args(argv)
    articles = load_articles(args.data_dir, args.split)
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for article, found, gold in found_and_gold(articles, args.attribution):
        errors, shown = error_counts(article.text, found, gold)
        counts.update(errors)
        for kind, items in shown.items():
            examples[kind].extend(items)
    print(f"PolNeAR {args.split}, {args.attribution}: {len(articles)} articles")
    for kind, count in counts.most_common():
        print(f"{count:6d}  {kind}")
    sample = random.Random(0)
    for kind, items in examples.items() if args.examples else ():
        print(f"\n## {kind}")
        for item in sample.sample(items, min(args.examples, len(items))):
            print(f"  {item}")


if __name__ == "__main__":
    main()
