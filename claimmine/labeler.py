"""The labeler interface: what turns drafted segments into kind and certainty labels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from claimmine.labels import Certainty, SegmentKind
from claimmine.results import Attribution
from claimmine.rules import RuleLabels


@dataclass(frozen=True, slots=True)
class Draft:
    """A segment before labelling: its text and offsets, its attribution and the rules' view of it."""

    text: str
    start: int
    end: int
    attribution: Attribution | None
    rules: RuleLabels


@dataclass(frozen=True, slots=True)
class Labels:
    """The labels a labeler gives one segment."""

    kind: SegmentKind
    certainty: Certainty
    certainty_score: float


class Labeler(Protocol):
    """Anything that labels a batch of drafts, in order (the rules or a trained model)."""

    @property
    def name(self) -> str:
        """A short name of the labeler and its version, written into each Analysis."""
        ...

    def label(self, drafts: Sequence[Draft]) -> list[Labels]:
        """Return one :class:`Labels` per draft, in the same order."""
        ...


class RuleLabeler:
    """The rule baseline as a labeler.

    >>> RuleLabeler().name
    'rules'
    """

    name = "rules"

    def label(self, drafts: Sequence[Draft]) -> list[Labels]:
        """Return the rules' labels of each draft.

        >>> RuleLabeler().label([])
        []
        """
        return [Labels(d.rules.kind, d.rules.certainty, d.rules.certainty_score) for d in drafts]
