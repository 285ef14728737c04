"""Silver kind labels derived from real political news: PolNeAR's human attribution spans, typed by the lexicon.

For each PolNeAR train article (the first annotator's file), every sentence
that holds exactly one attribution cue with a named, non-pronoun source gets
a kind from the source's type (``claimmine.attribution.mentions.source_type_of``):
official -> ``official_statement``; collective or anonymous -> ``speculation``
with a belief cue (``believe``, ``expect`` ...), else ``claim``; expert or
media -> ``claim``. Sources of type ``other`` (bare names such as ``Trump``,
whose role the lexicon cannot see) are dropped rather than guessed. The
derivation uses no dev or test material. Certainty is left unknown.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from datasets import Dataset

from claimmine.attribution.mentions import source_type_of
from claimmine.lexicon.cues import lexicon
from claimmine.text.sentences import sentence_spans
from claimmine.types import SegmentKind, SourceType
from training.examples import COLUMNS, KIND_INDEX, _features, sentence_hint

_PRONOUNS = frozenset(
    ["i", "you", "he", "she", "it", "we", "they", "me", "him", "her", "us", "them", "this", "that", "who", "which"]
)


def silver_kind(source: str, cue: str) -> SegmentKind | None:
    """Return the silver kind for an attribution with this source and cue, or ``None`` to drop it.

    >>> silver_kind("the State Department", "said").value
    'official_statement'
    >>> silver_kind("Some analysts", "believe").value
    'speculation'
    >>> silver_kind("Trump", "said") is None
    True
    """
    if source.lower() in _PRONOUNS:
        return None
    source_type = source_type_of(source)
    belief = lexicon().reporting.table.get(" ".join(cue.lower().split())) == "belief"
    if source_type is SourceType.OFFICIAL:
        return SegmentKind.OFFICIAL_STATEMENT
    if source_type in (SourceType.COLLECTIVE, SourceType.ANONYMOUS):
        return SegmentKind.SPECULATION if belief else SegmentKind.CLAIM
    if source_type in (SourceType.EXPERT, SourceType.MEDIA):
        return SegmentKind.CLAIM
    return None


def polnear_silver(data_dir: Path, limit: int, seed: int) -> Dataset:
    """Return up to ``limit`` silver kind examples from the PolNeAR train split (a seeded sample)."""
    folder = data_dir / "polnear"
    path = folder / "attributions.train.jsonl"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing; pass the folder that holds polnear/ with --data-dir")
    seen: set[str] = set()
    rows: list[tuple[str, SegmentKind]] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record: dict[str, Any] = json.loads(line)
            if record["article"] in seen:
                continue
            seen.add(record["article"])
            text = (folder / "train" / "text" / f"{record['article']}.txt").read_text(encoding="utf-8")
            rows.extend(_sentences(text, record["attributions"]))
    random.Random(seed).shuffle(rows)
    rows = rows[:limit]
    records: dict[str, list[Any]] = {column: [] for column in COLUMNS}
    for sentence, kind in rows:
        records["text"].append(sentence)
        records["hint"].append(sentence_hint(sentence))
        records["certainty"].append(-1)
        records["score"].append(-1.0)
        records["uncertain"].append(-1)
        records["kind"].append(KIND_INDEX[kind.value])
        records["corpus"].append("polnear_silver")
    return Dataset.from_dict(records, features=_features())


def _sentences(text: str, attributions: list[dict[str, Any]]) -> list[tuple[str, SegmentKind]]:
    spans = sentence_spans(text)
    cues_in: dict[int, list[dict[str, Any]]] = {}
    for attribution in attributions:
        if not attribution.get("cue"):
            continue
        start = attribution["cue"][0]["start"]
        for index, (a, b) in enumerate(spans):
            if a <= start < b:
                cues_in.setdefault(index, []).append(attribution)
    result = []
    for index, found in cues_in.items():
        if len(found) != 1 or not found[0].get("source"):
            continue
        attribution = found[0]
        source = " ".join(part["text"] for part in attribution["source"])
        cue = " ".join(part["text"] for part in attribution["cue"])
        kind = silver_kind(source, cue)
        a, b = spans[index]
        if kind is not None and len(text[a:b].split()) >= 5:
            result.append((text[a:b], kind))
    return result
