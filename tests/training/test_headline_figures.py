"""The rule baseline's headline figures, to the third decimal: a silent change in the rules shows here.

The figures are those the README and the model cards quote for the rule baseline on the in-house news dev set
(``python -m training.benchmarks``). A change that moves them is a change in behaviour: if it is meant, update
the figures here and wherever they are quoted.
"""

from __future__ import annotations

from pathlib import Path

from claimmine import RuleLabeler
from training.benchmarks import news_scores

ROOT = Path(__file__).resolve().parents[2]


def test_the_rules_score_on_news_dev_as_quoted() -> None:
    scores = news_scores(RuleLabeler(), ROOT / "seeds" / "news" / "dev", "news dev", ROOT)
    assert round(scores["news dev: kind macro-F1"], 3) == 0.781
    assert round(scores["news dev: certainty macro-F1"], 3) == 0.917
