"""The labeler interface: what turns drafted segments into kind and certainty labels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from claimmine.labeling.rules import RuleLabels
from claimmine.types import Attribution, Certainty, SegmentKind

# The form of the attribution hint a model reads beside the text; a model folder records the version it was
# trained on, and loading fails when it differs.
HINT_VERSION = 1


@dataclass(frozen=True, slots=True)
class Draft:
    """A segment before labelling: its text and offsets, its attribution and the rules' view of it.

    ``hint`` is :func:`rule_hint` of the *rules'* attribution, fixed when the rules draft the segment: a
    tagger that relinks the segment later changes ``attribution`` but not the hint, so a model reads the same
    hint in training (rules alone) and in ``analyze`` (rules, then the tagger).
    """

    text: str
    start: int
    end: int
    attribution: Attribution | None
    rules: RuleLabels
    hint: str


def rule_hint(attribution: Attribution | None, rules: RuleLabels) -> str:
    """Describe the rules' view of a segment in words, as a second input to the model.

    The hint names the attribution (who, their type, the cue) and the hedge and
    speculation-frame cues that the lexicon found, with the certainty each signals.

    >>> from claimmine.pipeline import draft_segments
    >>> draft_segments("The ministry said it would rain.")[0].hint
    'official source: The ministry; cue: said'
    >>> draft_segments("There are fears that it may rain.")[0].hint
    'no source; hedges: There are fears (possible), may (possible)'
    """
    if attribution is None:
        hint = "no source"
    else:
        named = attribution.resolved or (attribution.source.text if attribution.source else "none")
        who = " ".join(named.split()[:12])
        kind = attribution.source_type.value if attribution.source_type else "unnamed"
        cue = attribution.cue.text if attribution.cue else ""
        hint = f"{kind} source: {who}; cue: {cue}" + ("; direct quote" if attribution.direct else "")
    hedges = [f"{c.text} ({c.certainty.value})" for c in rules.cues if c.certainty is not None][:6]
    return hint + ("; hedges: " + ", ".join(hedges) if hedges else "")


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
