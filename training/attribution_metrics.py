"""Span F1 for attribution relations: cue, source and content, exact and overlap.

Predicted relations are first aligned one-to-one with gold relations (the
Hungarian method on the number of characters they share in the same roles).
Then, for each role, a predicted relation's span counts as correct when its
aligned gold relation has that role and the two overlap (``overlap``: at least
one shared non-space character) or cover the same characters (``exact``: equal
after trimming spaces and edge punctuation). A discontinuous content counts as
one unit, the union of its parts. Precision is over predicted relations that
have the role, recall over gold relations that have it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from claimmine.attribution.relations import ROLES
from training.polnear import Relation, Spans

_EDGE = " \t\n\r\u00a0,.;:"


@dataclass
class Counts:
    """True positives and totals for one role and one matching mode."""

    correct: int = 0
    predicted: int = 0
    gold: int = 0

    def f1(self) -> float:
        """Return F1 (0 when nothing was predicted or expected)."""
        precision = self.correct / self.predicted if self.predicted else 0.0
        recall = self.correct / self.gold if self.gold else 0.0
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    def precision(self) -> float:
        """Return precision."""
        return self.correct / self.predicted if self.predicted else 0.0

    def recall(self) -> float:
        """Return recall."""
        return self.correct / self.gold if self.gold else 0.0


@dataclass
class SpanScores:
    """Counts per (role, mode); add documents with :meth:`add`."""

    counts: dict[tuple[str, str], Counts] = field(default_factory=dict)

    def add(self, text: str, predicted: Sequence[Relation], gold: Sequence[Relation]) -> None:
        """Score one document's predicted relations against its gold relations.

        >>> scores = SpanScores()
        >>> gold = [Relation(((0, 2),), ((3, 7),), ((8, 16),))]
        >>> scores.add("He said it rains.", [Relation(((0, 2),), ((3, 7),), ((8, 13),))], gold)
        >>> round(scores.counts["content", "overlap"].f1(), 2), round(scores.counts["content", "exact"].f1(), 2)
        (1.0, 0.0)
        """
        pairs = align(text, predicted, gold)
        for role in ROLES:
            predicted_sets = [chars(text, p.role(role)) for p in predicted]
            gold_sets = [chars(text, g.role(role)) for g in gold]
            for mode in ("exact", "overlap"):
                counts = self.counts.setdefault((role, mode), Counts())
                counts.predicted += sum(1 for s in predicted_sets if s)
                counts.gold += sum(1 for s in gold_sets if s)
                for p, g in pairs:
                    mine, theirs = predicted_sets[p], gold_sets[g]
                    if mine and theirs and (mine == theirs if mode == "exact" else bool(mine & theirs)):
                        counts.correct += 1

    def table(self) -> list[dict[str, object]]:
        """Return one row per role and mode with precision, recall and F1."""
        return [
            {"role": role, "mode": mode, "precision": c.precision(), "recall": c.recall(), "f1": c.f1()}
            for (role, mode), c in sorted(self.counts.items(), key=lambda item: (ROLES.index(item[0][0]), item[0][1]))
        ]


def align(text: str, predicted: Sequence[Relation], gold: Sequence[Relation]) -> list[tuple[int, int]]:
    """Pair predicted with gold relations one-to-one, maximising shared characters in the same roles.

    >>> align("ab cd", [Relation((), ((3, 5),), ())], [Relation((), ((0, 2),), ()), Relation((), ((3, 5),), ())])
    [(0, 1)]
    """
    if not predicted or not gold:
        return []
    shared = np.zeros((len(predicted), len(gold)))
    for role in ROLES:
        mine = [chars(text, p.role(role)) for p in predicted]
        theirs = [chars(text, g.role(role)) for g in gold]
        for i, a in enumerate(mine):
            for j, b in enumerate(theirs):
                if a and b:
                    # The cue weighs most: it anchors the relation.
                    shared[i, j] += len(a & b) * (10 if role == "cue" else 1)
    rows, columns = linear_sum_assignment(-shared)
    return [(int(i), int(j)) for i, j in zip(rows, columns, strict=True) if shared[i, j] > 0]


def chars(text: str, spans: Spans) -> frozenset[int]:
    """Return the offsets of the spans' non-space characters, edge punctuation left out: what scoring compares.

    >>> sorted(chars("He said, yes.", ((0, 8),)))
    [0, 1, 3, 4, 5, 6]
    """
    positions: set[int] = set()
    for start, end in spans:
        while start < end and text[start] in _EDGE:
            start += 1
        while end > start and text[end - 1] in _EDGE:
            end -= 1
        positions.update(i for i in range(start, end) if not text[i].isspace())
    return frozenset(positions)
