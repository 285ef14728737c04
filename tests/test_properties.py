"""Property tests: the Analysis invariants hold for any text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimmine import Analyzer, analyze
from tests.invariants import assert_invariants

# The invariants are the pipeline's, whatever labels it: the rules check them fast on many texts, and the
# default model and tagger on fewer, for the tagger's relations.
RULES = Analyzer("rules")

_NEWSY = st.lists(
    st.sampled_from(
        [
            "The ministry said",
            "“We will act,”",
            '"Prices may rise."',
            "Dr. Lee",
            "U.S.",
            "3.5%",
            "p.m.",
            "analysts expect",
            "there are concerns that",
            ",",
            ".",
            "?",
            "\n",
            "\n\n",
            "\r\n",
            " ",
            "- ",
            "he said.",
            "according to police,",
            "Although it rained,",
            "but",
            ";",
            "’",
            "“",
        ]
    ),
    max_size=40,
).map(" ".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_invariants_hold_on_arbitrary_text(text: str) -> None:
    assert_invariants(RULES.analyze(text))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_NEWSY)
def test_invariants_hold_on_news_like_text(text: str) -> None:
    assert_invariants(RULES.analyze(text))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_NEWSY)
def test_invariants_hold_with_the_shipped_model_and_tagger(text: str) -> None:
    assert_invariants(analyze(text))
