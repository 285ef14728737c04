"""Time per megabyte on one long text, from 100 KB to 10 MB: every stage must stay linear in the text's length.

``python benchmarks/long_texts.py [--sizes 0.1,0.3,1,3,10] [--model rules|default|FOLDER] [--stages]``

The text is the news dev texts (``seeds/news/dev``) joined into one line and repeated up to each size, and a
second case repeats a pronoun chain ("Anna Berger arrived. She said it rained.", the worst case for mention
resolution). Each size is analysed once, with ``max_chars=None``; the table prints seconds, seconds per MB,
and the ratio of each size's seconds per MB to the smallest size's (flat = linear: a ratio near 1 at every
size). ``--stages`` also times drafting (segmentation, rule labels, mentions), attribution linking and
labelling apart (drafting then runs twice: once alone, once before linking; the total counts it once).
The load average is printed with the table, since other processes share the cores.

``--model rules`` runs the rule baseline (rule attribution); ``default`` runs what ``analyze()`` runs (the
shipped model and tagger).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claimmine import Analyzer  # noqa: E402

CHAIN = "Anna Berger arrived. She said it rained. "


def news_line() -> str:
    """The news dev texts as one line (line breaks would make short blocks; one line is the hard case)."""
    from training.gold import load_gold

    return " ".join(" ".join(d.text.split()) for d in load_gold(ROOT / "seeds" / "news" / "dev"))


def repeated(unit: str, size: int) -> str:
    """``unit`` repeated to ``size`` characters, cut at a space."""
    text = (unit * (size // len(unit) + 1))[:size]
    return text[: text.rfind(" ")] if " " in text else text


def timed(analyzer: Analyzer, text: str, stages: bool) -> dict[str, float]:
    """Seconds for the whole analysis and, with ``stages``, for drafting, linking and labelling apart."""
    if not stages:
        start = time.perf_counter()
        analyzer.analyze(text)
        return {"total": time.perf_counter() - start}
    from claimmine.pipeline import draft_segments

    start = time.perf_counter()
    draft_segments(text)
    drafted = time.perf_counter()
    drafts, _ = analyzer.draft_batch([text])[0]  # drafting again, then linking
    linked = time.perf_counter()
    analyzer.labeler.label(drafts)
    labelled = time.perf_counter()
    draft = drafted - start
    return {
        "total": labelled - drafted,  # drafting, linking and labelling, each once
        "draft": draft,
        "link": (linked - drafted) - draft,
        "label": labelled - linked,
    }


def main(argv: list[str] | None = None) -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="0.1,0.3,1,3,10", help="text sizes in MB (default: 0.1,0.3,1,3,10)")
    parser.add_argument("--model", default="rules", help="rules (default), default, or a model folder")
    parser.add_argument("--stages", action="store_true", help="also time drafting, linking and labelling apart")
    parser.add_argument("--case", choices=("news", "chain", "both"), default="both")
    args = parser.parse_args(argv)
    sizes = [float(s) for s in args.sizes.split(",")]
    if args.model == "rules":
        analyzer = Analyzer("rules", max_chars=None)
    elif args.model == "default":
        analyzer = Analyzer(max_chars=None)
    else:
        analyzer = Analyzer(args.model, max_chars=None)
    analyzer.analyze("Warm-up: the model and the tagger load here. He said so.")
    cases = {"news": news_line(), "chain": CHAIN}
    chosen = list(cases) if args.case == "both" else [args.case]
    print(f"labeler {analyzer.labeler.name}, attribution {analyzer.attributor.name}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("| case | MB | seconds | s/MB | vs smallest | stages (s) |")
    print("|---|---:|---:|---:|---:|---|")
    for case in chosen:
        first: float | None = None
        for mb in sizes:
            text = repeated(cases[case], int(mb * 1_000_000))
            seconds = timed(analyzer, text, args.stages)
            per_mb = seconds["total"] / (len(text.encode("utf-8")) / 1_000_000)
            first = first or per_mb
            detail = ", ".join(f"{k} {v:.1f}" for k, v in seconds.items() if k != "total")
            print(
                f"| {case} | {mb:g} | {seconds['total']:.1f} | {per_mb:.1f} | {per_mb / first:.2f} | {detail} |",
                flush=True,
            )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
