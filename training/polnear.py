"""PolNeAR (political news attribution relations): articles with their gold relations, and token tags for training.

Each line of ``polnear/attributions.<split>.jsonl`` is one annotator's file of
one article. An article annotated by several annotators is read once, from the
annotator whose id sorts first, so that no article counts twice. Every relation
keeps its source (zero or one span), its cue (one span) and its content (one or
more spans), as character offsets into ``polnear/<split>/text/<article>.txt``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from claimmine.attribution.relations import ROLES

SPLITS = ("train", "dev", "annotator-training")

Spans = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Relation:
    """One gold attribution relation: character spans per role."""

    source: Spans
    cue: Spans
    content: Spans

    def role(self, name: str) -> Spans:
        """Return the spans of role ``name`` (``source``, ``cue`` or ``content``)."""
        spans: Spans = getattr(self, name)
        return spans


@dataclass(frozen=True)
class Article:
    """A PolNeAR article: its text and gold relations."""

    name: str
    text: str
    relations: tuple[Relation, ...]


def load_articles(data_dir: Path, split: str, limit: int | None = None) -> list[Article]:
    """Read a PolNeAR split from ``data_dir/polnear`` (``train``, ``dev`` or ``annotator-training``)."""
    articles = []
    for name, (text, annotators) in sorted(load_annotations(data_dir, split).items())[:limit]:
        articles.append(Article(name, text, annotators[min(annotators)]))
    return articles


def load_annotations(data_dir: Path, split: str) -> dict[str, tuple[str, dict[str, tuple[Relation, ...]]]]:
    """Read every annotator's file of a split: article name -> (text, annotator id -> relations).

    Most articles have one annotator; a few were annotated by several to measure
    agreement (see :mod:`training.annotator_agreement`).
    """
    if split not in SPLITS:
        raise ValueError(f"unknown PolNeAR split {split!r}; choose one of {SPLITS}")
    folder = data_dir / "polnear"
    path = folder / f"attributions.{split}.jsonl"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found; pass the folder that holds polnear/ as --data-dir")
    annotations: dict[str, tuple[str, dict[str, tuple[Relation, ...]]]] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            name = str(row["article"])
            if name not in annotations:
                annotations[name] = ((folder / split / "text" / f"{name}.txt").read_text(encoding="utf-8"), {})
            relations = []
            for item in row["attributions"]:
                spans = {role: tuple((int(s["start"]), int(s["end"])) for s in item[role]) for role in ROLES}
                if spans["cue"]:
                    relations.append(Relation(spans["source"], spans["cue"], spans["content"]))
            annotations[name][1][str(row["annotator"])] = tuple(relations)
    return annotations


def char_roles(text: str, relations: Sequence[Relation]) -> list[int]:
    """Return, per character, 0 for no role or 1 + the index of its role in :data:`ROLES`.

    >>> char_roles("He said no.", [Relation(((0, 2),), ((3, 7),), ((8, 10),))])
    [1, 1, 0, 2, 2, 2, 2, 0, 3, 3, 0]
    """
    roles = [0] * len(text)
    for relation in relations:
        for index, name in enumerate(ROLES, 1):
            for start, end in relation.role(name):
                for position in range(max(start, 0), min(end, len(text))):
                    roles[position] = index
    return roles


def token_tags(roles: Sequence[int], offsets: Sequence[tuple[int, int]]) -> list[int]:
    """Turn per-character roles into one BIO tag index per token (tokens given by character offsets).

    A token takes the role of its first character; it begins a span when the
    character before it (ignoring spaces) has another role or lies outside any span.

    >>> from claimmine.attribution.relations import TAGS
    >>> [TAGS[t] for t in token_tags([1, 1, 0, 2, 2, 2, 2, 0, 3, 3, 0], [(0, 2), (3, 7), (8, 10), (10, 11)])]
    ['B-source', 'B-cue', 'B-content', 'O']
    """
    tags = []
    previous_role, previous_end = 0, -1
    for start, end in offsets:
        if end <= start:
            tags.append(0)
            continue
        role = roles[start]
        if role == 0:
            tags.append(0)
        else:
            joined = previous_role == role and all(roles[p] == role for p in range(previous_end, start))
            tags.append(2 * role if joined else 2 * role - 1)
        previous_role, previous_end = role, end
    return tags
