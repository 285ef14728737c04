"""Scheme templates: real train sentences wrapped in the frames the label scheme names, labelled by its rules.

Real news rarely uses the speculation frames the user cares about ("there is an analysis that", "the
prevailing view is"): PolNeAR's 250 train articles hold almost none, so a model trained on real news learns
them from the attribution hint alone, and often not. These examples put a *real* plain claim from the real
train gold (certain, no source, one sentence) inside a frame, and label the result by a rule the scheme states
in ``docs/ANNOTATION.md``:

- the writer's own frame (``There is an analysis that ...``) is ``speculation``, as certain as the frame says;
- the same words in an official source's mouth (``Senator X said there are concerns that ...``) are an
  ``official_statement`` with the frame's certainty, and in a named expert's a ``claim``;
- cue words are not labels: ``Stocks fell on fears that ...`` asserts that stocks fell (a certain claim), and
  a denial of speculation is certain.

Sources come from the real train gold too (spans of type ``official`` or ``expert``). The frame contract
(``tests/data/frames.jsonl``) was written apart from these templates and is never read here.

>>> rows = scheme_examples(load_gold(Path("seeds/news/train")), 8, seed=1)
>>> len(rows), sorted(set(rows["corpus"]))
(8, ['templates'])
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from datasets import Dataset

from claimmine.labeling.rules import find_cues
from claimmine.types import Certainty, SegmentKind, SourceType
from training.examples import CERTAINTY_INDEX, COLUMNS, KIND_INDEX, _features, sentence_hint
from training.gold import GoldDocument, load_gold

POSSIBLE, PROBABLE, CERTAIN = Certainty.POSSIBLE, Certainty.PROBABLE, Certainty.CERTAIN
SPECULATION, OFFICIAL, CLAIM = SegmentKind.SPECULATION, SegmentKind.OFFICIAL_STATEMENT, SegmentKind.CLAIM

# The writer's own frames (the scheme's speculation signals) and the certainty each carries.
WRITER_FRAMES: tuple[tuple[str, Certainty], ...] = (
    ("there are speculations that", POSSIBLE),
    ("there is speculation that", POSSIBLE),
    ("there are concerns that", POSSIBLE),
    ("there are fears that", POSSIBLE),
    ("there are suspicions that", POSSIBLE),
    ("there is an interpretation that", POSSIBLE),
    ("there is an analysis that", POSSIBLE),
    ("it is unclear whether", POSSIBLE),
    ("the prevailing view is that", PROBABLE),
    ("analysis suggests that", PROBABLE),
    ("it is widely believed that", PROBABLE),
)
LEADS = ("", "", "", "However, ", "Meanwhile, ", "Still, ", "For now, ", "In Washington, ", "At the same time, ")
# Frames a source can voice ("X said there are concerns that ..."): the source decides the kind.
VOICED_FRAMES = WRITER_FRAMES[:8]
MARKET_SUBJECTS = ("Stocks", "Oil prices", "The dollar", "Bond yields", "Shares of the company", "Markets")
MARKET_MOVES = ("fell", "rose", "slipped", "jumped", "dropped", "climbed")
# Openings whose capital is only the sentence's: such sentences go after "that", lowered.
_COMMON_START = re.compile(
    r"(?:The|A|An|It|Its|This|That|These|Those|There|Some|Many|Most|He|She|They|His|Her|"
    r"Their|In|On|At|For|If|When|After|Before|As|One|Two|No)\b"
)
# Openings that tie a sentence to the one before it, and first person: such a sentence reads wrong after "that".
_TIED_START = re.compile(
    r"(?:But|And|Or|Plus|So|Yet|To|Still|Indeed|However|Meanwhile|Also|Now|Then|Instead|"
    r"Even|Nor|Only|Thus|I|We|Our|My)\b"
)


def scheme_examples(documents: Sequence[GoldDocument], count: int, seed: int) -> Dataset:
    """Build ``count`` template examples from gold documents (the real train gold), seeded."""
    rng = random.Random(seed)
    clauses = _plain_claims(documents)
    officials = _sources(documents, SourceType.OFFICIAL)
    experts = _sources(documents, SourceType.EXPERT)
    if not clauses or not officials or not experts:
        raise ValueError("scheme templates need plain claims and official and expert sources in the gold")
    makers = (_writer, _writer, _writer, _voiced_official, _voiced_expert, _market, _denial)
    records: dict[str, list[Any]] = {column: [] for column in COLUMNS}
    for _ in range(count):
        text, kind, certainty = rng.choice(makers)(rng, rng.choice(clauses), officials, experts)
        records["text"].append(text)
        records["hint"].append(sentence_hint(text))
        records["certainty"].append(CERTAINTY_INDEX[certainty.value])
        records["score"].append(-1.0)
        records["uncertain"].append(-1)
        records["kind"].append(KIND_INDEX[kind.value])
        records["corpus"].append("templates")
    return Dataset.from_dict(records, features=_features())


Made = tuple[str, SegmentKind, Certainty]


def _writer(rng: random.Random, clause: str, officials: list[str], experts: list[str]) -> Made:
    frame, certainty = rng.choice(WRITER_FRAMES)
    lead = rng.choice(LEADS)
    opening = frame if lead else frame[0].upper() + frame[1:]
    return f"{lead}{opening} {clause}", SPECULATION, certainty


def _voiced_official(rng: random.Random, clause: str, officials: list[str], experts: list[str]) -> Made:
    frame, certainty = rng.choice(VOICED_FRAMES)
    return f"{_subject(rng.choice(officials))} said {frame} {clause}", OFFICIAL, certainty


def _voiced_expert(rng: random.Random, clause: str, officials: list[str], experts: list[str]) -> Made:
    frame, certainty = rng.choice(VOICED_FRAMES)
    return f"{_subject(rng.choice(experts))} said {frame} {clause}", CLAIM, certainty


def _market(rng: random.Random, clause: str, officials: list[str], experts: list[str]) -> Made:
    worry = rng.choice(("fears", "concerns", "worries", "speculation"))
    return f"{rng.choice(MARKET_SUBJECTS)} {rng.choice(MARKET_MOVES)} on {worry} that {clause}", CLAIM, CERTAIN


def _denial(rng: random.Random, clause: str, officials: list[str], experts: list[str]) -> Made:
    verb = rng.choice(("denied speculation", "dismissed concerns", "rejected suggestions", "denied reports"))
    return f"{rng.choice(officials)} {verb} that {clause}", OFFICIAL, CERTAIN


def _subject(source: str) -> str:
    """A source as the subject of "said": an apposition is closed with a comma."""
    return source + "," if "," in source else source


def _plain_claims(documents: Sequence[GoldDocument]) -> list[str]:
    """The certain, unattributed one-sentence claims, ready to follow "that"."""
    clauses = []
    for document in documents:
        for segment in document.segments:
            text = " ".join(segment.text.split())
            if (
                segment.kind is CLAIM
                and segment.certainty is CERTAIN
                and segment.source is None
                and 40 <= len(text) <= 220
                and text.endswith(".")
                and text.count(".") == 1
                and _COMMON_START.match(text)
                and sum(word[:1].isupper() for word in text.split()) <= len(text.split()) // 3
                and text.isprintable()
                and not re.search(r"\s[,.'’`]", text)
                and not _TIED_START.match(text)
                and not re.search(r"\b(?:I|we|our|us)\b", text)
                and not any(mark in text for mark in '"“”?!:;()—')
                and not any(cue.certainty is not None for cue in find_cues(text))
            ):
                clauses.append(text[0].lower() + text[1:])
    return clauses


def _sources(documents: Sequence[GoldDocument], source_type: SourceType) -> list[str]:
    """Distinct source spans of one type that start with a capital and hold no pronoun alone."""
    found = {
        " ".join(segment.source.text.split())
        for document in documents
        for segment in document.segments
        if segment.source is not None and segment.source_type is source_type
    }
    return sorted(s for s in found if s[:1].isupper() and len(s.split()) >= 2 and len(s) <= 90)


def main() -> None:
    """Print a few template examples of the real train gold: ``python -m training.templates``."""
    from training import DEFAULT_DATA_DIR

    documents = load_gold(Path("seeds/real/train/polnear.jsonl"), DEFAULT_DATA_DIR)
    rows = scheme_examples(documents, 12, seed=0)
    for row in rows:
        print(f"{list(SegmentKind)[row['kind']].value:18} {list(Certainty)[row['certainty']].value:8} {row['text']}")


if __name__ == "__main__":
    main()
