"""The training mix: public corpora mapped to the certainty scheme plus the project's news gold, as one Dataset.

Each example has ``text`` and four targets, ``-1`` where unknown:
``certainty`` (class index), ``score`` (commitment in [0, 1]),
``uncertain`` (1 for a sentence known to be hedged but of unknown strength)
and ``kind`` (class index; the news gold has it, and a *weasel* corpus
gives :data:`NOT_SPECULATION` or speculation, see :func:`corpus_examples`).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from datasets import Dataset, concatenate_datasets

from claimmine.pipeline import draft_segments
from claimmine.types import Certainty, SegmentKind
from training.config import TrainConfig
from training.corpora import load_corpus
from training.gold import GoldDocument, load_gold

CERTAINTY_INDEX = {c.value: i for i, c in enumerate(Certainty)}
KIND_INDEX = {k.value: i for i, k in enumerate(SegmentKind)}
COLUMNS = ("text", "hint", "certainty", "score", "uncertain", "kind", "corpus")
# A kind target: any kind but speculation (a sentence a weasel corpus marks as free of vague sources).
NOT_SPECULATION = -2


def corpus_examples(
    name: str, split: str, data_dir: Path, limit: int = 0, seed: int = 0, *, weasel: bool = False
) -> Dataset:
    """Load one corpus split as examples, keeping at most ``limit`` rows (a seeded sample; 0 = all).

    ``weasel`` reads the binary label as *vague source or not* (CoNLL-2010 Wikipedia): by the label scheme a
    vague collective's view is kind ``speculation``, so an uncertain row becomes a speculation example and a
    certain one a :data:`NOT_SPECULATION` example, neither with a certainty target.
    """
    rows = load_corpus(name, split, data_dir)
    if limit and len(rows) > limit:
        rows = rows.shuffle(seed=seed).select(range(limit))

    def convert(row: dict[str, Any]) -> dict[str, Any]:
        if weasel:
            kind = KIND_INDEX[SegmentKind.SPECULATION.value] if row["binary_uncertain"] == 1 else NOT_SPECULATION
            return {"hint": sentence_hint(row["text"]), "certainty": -1, "uncertain": -1, "kind": kind}
        return {
            "hint": sentence_hint(row["text"]),
            "certainty": CERTAINTY_INDEX.get(row["certainty"], -1),
            "uncertain": 1 if row["binary_uncertain"] == 1 and not row["certainty"] else -1,
            "kind": -1,
        }

    converted = rows.map(convert, remove_columns=["binary_uncertain"])
    return converted.cast(_features()).select_columns(list(COLUMNS))


def gold_examples(documents: Iterable[GoldDocument], corpus: str = "news") -> Dataset:
    """Turn gold segments into examples with certainty and kind targets.

    >>> gold_examples(load_gold(Path("seeds/news/dev")))[0]["kind"] in (0, 1, 2)
    True
    """
    records: dict[str, list[Any]] = {column: [] for column in COLUMNS}
    for document in documents:
        drafts = draft_segments(document.text, [(s.start, s.end) for s in document.segments])
        for segment, draft in zip(document.segments, drafts, strict=True):
            records["text"].append(segment.text)
            records["hint"].append(draft.hint)
            records["certainty"].append(CERTAINTY_INDEX[segment.certainty.value])
            records["score"].append(-1.0)
            records["uncertain"].append(-1)
            records["kind"].append(KIND_INDEX[segment.kind.value])
            records["corpus"].append(corpus)
    return Dataset.from_dict(records, features=_features())


def training_mix(config: TrainConfig, data_dir: Path, root: Path) -> Dataset:
    """Build the full, shuffled training set that ``config`` describes."""
    parts = [
        corpus_examples(name, "train", data_dir, limit, config.seed, weasel=name in config.weasel_corpora)
        for name, limit in sorted(config.corpora.items())
    ]
    if config.news_repeat:
        news = gold_examples(load_gold([root / p for p in config.news_train]))
        parts.extend([news] * config.news_repeat)
    if config.real_train:
        real_gold = load_gold([root / p for p in config.real_train], data_dir)
        parts.extend([gold_examples(real_gold, corpus="real")] * config.real_repeat)
        if config.scheme_templates:
            from training.templates import scheme_examples

            parts.append(scheme_examples(real_gold, config.scheme_templates, config.seed))
    elif config.scheme_templates:
        raise ValueError("scheme_templates wraps real train claims: set real_train too")
    if config.self_train:
        from training.self_train import self_examples

        parts.append(self_examples([root / p for p in config.self_train], data_dir))
    if config.polnear_silver:
        from training.silver import polnear_silver

        parts.append(polnear_silver(data_dir, config.polnear_silver, config.seed))
    mixed = concatenate_datasets(parts)
    return mixed.shuffle(seed=config.seed)


def sentence_hint(text: str) -> str:
    """Return the attribution hint of a stand-alone sentence (no document context).

    >>> sentence_hint("Analysts expect a cut.")
    'collective source: Analysts; cue: expect; hedges: expect (probable)'
    """
    stripped = text.strip()
    drafts = draft_segments(stripped, [(0, len(stripped))]) if stripped else []
    return drafts[0].hint if drafts else "no source"


def _features() -> Any:
    from datasets import Features, Value

    return Features(
        {
            "text": Value("string"),
            "hint": Value("string"),
            "certainty": Value("int64"),
            "score": Value("float64"),
            "uncertain": Value("int64"),
            "kind": Value("int64"),
            "corpus": Value("string"),
        }
    )


def length_buckets(lengths: list[int], batch_size: int, seed: int) -> list[list[int]]:
    """Group example indices into batches of similar length, in a seeded random order.

    >>> length_buckets([5, 1, 4, 2], 2, seed=0) in ([[1, 3], [2, 0]], [[2, 0], [1, 3]])
    True
    """
    rng = random.Random(seed)
    order = list(range(len(lengths)))
    rng.shuffle(order)
    window = batch_size * 50
    batches: list[list[int]] = []
    for begin in range(0, len(order), window):
        chunk = sorted(order[begin : begin + window], key=lambda i: lengths[i])
        batches.extend(chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size))
    rng.shuffle(batches)
    return batches
