"""The batch API: :class:`claimmine.Scorer` on lists, ``datasets.Dataset.map`` and pandas."""

from __future__ import annotations

import json
from collections.abc import Sequence

import datasets
import pandas as pd
import pytest

from claimmine import Analyzer, Scorer
from claimmine.batch.scorer import RESULT_COLUMNS, flatten, summarize
from claimmine.labeling.labeler import Draft, Labels, RuleLabeler
from tests.score_corpus import corpus

TEXTS = [r["text"] for r in corpus(10)]


def test_score_gives_one_result_per_value_in_order() -> None:
    values: list[object] = [*TEXTS[:3], None, 7, "bad \ud800", *TEXTS[3:]]
    results = Scorer("rules").score(values)
    analyses = Analyzer("rules").analyze_batch(TEXTS)
    good = [r for r in results if r["ok"]]
    assert len(results) == len(values) and len(good) == len(TEXTS)
    assert [r["analysis"] for r in good] == [a.to_dict() for a in analyses]
    assert [r["summary"] for r in good] == [summarize(a) for a in analyses]
    assert [r["error"]["type"] for r in results[3:6]] == ["not_a_string", "not_a_string", "undecodable"]


def test_columns_match_the_flat_results() -> None:
    scorer = Scorer("rules")
    columns = scorer({"text": TEXTS, "other": list(range(len(TEXTS)))})
    assert tuple(columns) == RESULT_COLUMNS
    rows = [flatten(r) for r in scorer.score(TEXTS)]
    assert [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)] == rows
    with pytest.raises(KeyError, match="no column 'body'"):
        Scorer("rules", text_field="body")({"text": TEXTS})


def test_datasets_map_batched_adds_the_result_columns() -> None:
    texts: list[str | None] = [None, None, *TEXTS, None]  # the first batch holds only errors
    corpus_set = datasets.Dataset.from_dict({"id": list(range(len(texts))), "text": texts})
    scorer = Scorer("rules")
    scored = corpus_set.map(scorer, batched=True, batch_size=2, features=scorer.features(corpus_set.features))
    assert scored.column_names == ["id", "text", *RESULT_COLUMNS]
    expected = scorer({"text": texts})
    for name in RESULT_COLUMNS:
        assert scored[name][:] == expected[name]
    assert scored[2]["analysis"] is not None and json.loads(scored[2]["analysis"])["text"] == TEXTS[0]


def test_pandas_column_in_dataframe_out() -> None:
    frame = pd.DataFrame({"text": [TEXTS[0], None, TEXTS[1]]}, index=["a", "b", "c"])
    scored = Scorer("rules").frame(frame["text"])
    assert list(scored.index) == ["a", "b", "c"] and list(scored.columns) == list(RESULT_COLUMNS)
    assert scored["ok"].tolist() == [True, False, True]
    joined = frame.join(scored)
    assert joined.loc["c", "segments"] == len(Analyzer("rules").analyze(TEXTS[1]).segments)
    assert joined.loc["b", "error_type"] == "not_a_string"
    assert Scorer("rules").frame(pd.Series([float("nan")]))["error_message"][0] == (
        "text is NaN (a missing value), not a string"
    )


class Fussy(RuleLabeler):
    """The rules, except that any batch holding the segment ``Boom.`` raises."""

    def label(self, drafts: Sequence[Draft]) -> list[Labels]:
        if any(d.text == "Boom." for d in drafts):
            raise RuntimeError("cannot label Boom.")
        return super().label(drafts)


def test_a_text_that_breaks_the_analysis_only_fails_itself() -> None:
    results = Scorer(Fussy()).score(["It rained.", "Boom.", "Prices may rise."])
    assert [r["ok"] for r in results] == [True, False, True]
    assert results[1]["error"] == {"type": "analysis_failed", "message": "RuntimeError: cannot label Boom."}
