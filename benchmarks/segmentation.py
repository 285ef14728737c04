"""Speed of segmentation, measured in one run: ``python benchmarks/segmentation.py``.

Compares, on the news dev texts repeated to about 5,000 sentences: a naive
regular-expression splitter (the floor), pysbd alone, claimmine's sentence
spans (lines, chunking, pysbd, offset alignment), and claimmine's full
drafting (sentences, quote turns, clause splits, attribution and rule
labels). Prints sentences per second and the ratios to pysbd alone.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pysbd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from claimmine.pipeline import draft_segments  # noqa: E402
from claimmine.text.sentences import sentence_spans  # noqa: E402
from training.gold import load_gold  # noqa: E402


def main() -> None:
    texts = [d.text for d in load_gold(ROOT / "seeds" / "news" / "dev")]
    sentences = sum(len(sentence_spans(t)) for t in texts)
    repeat = max(1, 5000 // sentences)
    corpus = texts * repeat
    total = sentences * repeat
    splitter = pysbd.Segmenter(language="en", clean=False)
    naive = re.compile(r"(?<=[.!?])\s+")
    runs: dict[str, Callable[[str], object]] = {
        "regex split (naive floor)": naive.split,
        "pysbd alone": splitter.segment,
        "claimmine sentence_spans": sentence_spans,
        "claimmine drafts (segments + rules)": draft_segments,
    }
    rates = {}
    for name, run in runs.items():
        start = time.perf_counter()
        for text in corpus:
            run(text)
        rates[name] = total / (time.perf_counter() - start)
    print(f"{len(corpus)} documents, {total} sentences (claimmine's count)")
    for name, rate in rates.items():
        print(f"{name:40s} {rate:10.0f} sentences/s   {rate / rates['pysbd alone']:6.2f}x pysbd")


if __name__ == "__main__":
    main()
