"""Attribution span F1 on PolNeAR: ``python -m training.evaluate_attribution --data-dir DIR [--attribution X ...]``.

Each ``--attribution`` (``rules`` or a tagger folder; several may be given)
finds relations in every article of the split, and is scored against the gold
relations with :class:`training.attribution_metrics.SpanScores` (cue, source and
content; exact and overlap). Reads the dev split unless told otherwise.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from pathlib import Path

from claimmine.pipeline import Analyzer
from claimmine.types import Attribution
from training.attribution_metrics import SpanScores
from training.polnear import Article, Relation, load_articles


def as_role_spans(attribution: Attribution) -> Relation:
    """Return a relation's spans per role.

    >>> from claimmine.types import Span
    >>> as_role_spans(Attribution(None, Span("said", 3, 7), None, False, content=(Span("x", 8, 9),)))
    Relation(source=(), cue=((3, 7),), content=((8, 9),))
    """
    return Relation(
        ((attribution.source.start, attribution.source.end),) if attribution.source else (),
        ((attribution.cue.start, attribution.cue.end),) if attribution.cue else (),
        tuple((span.start, span.end) for span in attribution.content),
    )


def found_and_gold(
    articles: Sequence[Article], attribution: str, batch: int = 8
) -> Iterator[tuple[Article, list[Relation], list[Relation]]]:
    """Yield each article with the relations ``attribution`` finds in it and its gold relations, as role spans."""
    analyzer = Analyzer("rules", attribution=attribution)
    for begin in range(0, len(articles), batch):
        chunk = articles[begin : begin + batch]
        drafted = analyzer.draft_batch([article.text for article in chunk])
        for article, (_, relations) in zip(chunk, drafted, strict=True):
            gold = [Relation(r.source, r.cue, r.content) for r in article.relations]
            yield article, [as_role_spans(r) for r in relations], gold


def score(articles: Sequence[Article], attribution: str, batch: int = 8) -> SpanScores:
    """Find relations in ``articles`` with ``attribution`` and score them against the gold relations."""
    scores = SpanScores()
    for article, found, gold in found_and_gold(articles, attribution, batch):
        scores.add(article.text, found, gold)
    return scores


def format_table(results: dict[str, SpanScores]) -> str:
    """Return a Markdown table: one row per role and mode, one column per attributor (P / R / F1)."""
    names = list(results)
    lines = ["| role | match | " + " | ".join(f"{n} P / R / F1" for n in names) + " |"]
    lines.append("|---|---|" + "---|" * len(names))
    rows = {name: results[name].table() for name in names}
    for index, row in enumerate(rows[names[0]]):
        cells = []
        for name in names:
            other = rows[name][index]
            cells.append(f"{other['precision']:.3f} / {other['recall']:.3f} / **{other['f1']:.3f}**")
        lines.append(f"| {row['role']} | {row['mode']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Score each attributor on a PolNeAR split and print the table."""
    parser = argparse.ArgumentParser(prog="python -m training.evaluate_attribution", description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True, help="the folder that holds polnear/")
    parser.add_argument("--split", default="dev", help="dev (default) or annotator-training")
    parser.add_argument("--attribution", action="append", help="'rules' or a tagger folder (repeatable)")
    parser.add_argument("--limit", type=int, help="score only the first N articles")
    args = parser.parse_args(argv)
    if args.split == "train":
        parser.error("the train split is what the tagger learns from; score dev or annotator-training")
    articles = load_articles(args.data_dir, args.split, args.limit)
    results = {name: score(articles, name) for name in args.attribution or ["rules"]}
    relations = sum(len(a.relations) for a in articles)
    print(f"PolNeAR {args.split}: {len(articles)} articles, {relations} gold relations\n")
    print(format_table(results))


if __name__ == "__main__":
    main()
