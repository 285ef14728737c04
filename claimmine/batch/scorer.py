"""Scoring documents in batches: the Python batch API behind ``claimmine score``.

A :class:`Scorer` turns texts into result records: the :class:`~claimmine.Analysis` as a dict plus
document-level figures (:func:`summarize`), or an error record for a value that is not text. It takes plain
lists (:meth:`Scorer.score`), column batches as ``datasets.Dataset.map(batched=True)`` and Ray Data pass them
(:meth:`Scorer.__call__`), and pandas columns (:meth:`Scorer.frame`). The flat columns are the ones the CSV and
Parquet outputs of ``claimmine score`` carry.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from claimmine.attribution.attributors import Attributor
from claimmine.errors import ClaimmineError
from claimmine.labeling.labeler import Labeler
from claimmine.pipeline import MAX_TEXT_CHARS, Analyzer
from claimmine.types import Analysis, SegmentKind

if TYPE_CHECKING:
    import datasets
    import pandas

KIND_COLUMNS = tuple(f"{kind.value}_segments" for kind in SegmentKind)
# The flat result columns and their Arrow types; figures are null in error rows.
RESULT_TYPES = {
    "ok": "bool",
    "error_type": "string",
    "error_message": "string",
    "segments": "int64",
    **dict.fromkeys(KIND_COLUMNS, "int64"),
    "speculative_share": "float64",
    "mean_certainty": "float64",
    "analysis": "string",
}
RESULT_COLUMNS = tuple(RESULT_TYPES)
# Figures are rounded so that they print cleanly and compare exactly between runs and engines.
DECIMALS = 4


def summarize(analysis: Analysis) -> dict[str, Any]:
    """Return the document-level figures of an analysis.

    ``kinds`` counts segments per kind; ``speculative_share`` is the share of segment characters in
    speculation segments; ``mean_certainty`` the mean ``certainty_score``. Both are ``None`` without segments.

    >>> from claimmine import Analyzer
    >>> summarize(Analyzer("rules").analyze("Prices rose. Analysts say more may come."))
    {'segments': 2, 'kinds': {'claim': 1, 'speculation': 1, 'official_statement': 0}, \
'speculative_share': 0.6923, 'mean_certainty': 0.575}
    """
    kinds = {kind.value: 0 for kind in SegmentKind}
    for segment in analysis.segments:
        kinds[segment.kind.value] += 1
    count = len(analysis.segments)
    mean = sum(s.certainty_score for s in analysis.segments) / count if count else None
    share = analysis.speculative_share
    return {
        "segments": count,
        "kinds": kinds,
        "speculative_share": round(share, DECIMALS) if share is not None else None,
        "mean_certainty": round(mean, DECIMALS) if mean is not None else None,
    }


def error_result(kind: str, message: str) -> dict[str, Any]:
    """Return the result record of a value that could not be scored.

    >>> error_result("not_a_string", "text is null, not a string")
    {'ok': False, 'error': {'type': 'not_a_string', 'message': 'text is null, not a string'}}
    """
    return {"ok": False, "error": {"type": kind, "message": message}}


def flatten(result: Mapping[str, Any]) -> dict[str, Any]:
    """Return the flat columns (:data:`RESULT_COLUMNS`) of a result record; the analysis becomes JSON text.

    >>> flatten(error_result("not_a_string", "text is null, not a string"))["error_type"]
    'not_a_string'
    """
    if not result["ok"]:
        return {
            **dict.fromkeys(RESULT_COLUMNS),
            "ok": False,
            "error_type": result["error"]["type"],
            "error_message": result["error"]["message"],
        }
    summary = result["summary"]
    return {
        "ok": True,
        "error_type": None,
        "error_message": None,
        "segments": summary["segments"],
        **{column: summary["kinds"][kind.value] for column, kind in zip(KIND_COLUMNS, SegmentKind, strict=True)},
        "speculative_share": summary["speculative_share"],
        "mean_certainty": summary["mean_certainty"],
        "analysis": json.dumps(result["analysis"], ensure_ascii=False),
    }


class Scorer:
    """Scores batches of texts; build one and reuse it (the model loads once, on first use).

    ``model``, ``attribution``, ``threads`` and ``max_chars`` are what :class:`~claimmine.Analyzer` takes; a text longer
    than ``max_chars`` gets a ``text_too_long`` error record. ``text_field`` names the column that
    :meth:`__call__` reads.

    >>> scorer = Scorer("rules")
    >>> [r["ok"] for r in scorer.score(["It rained.", None])]
    [True, False]
    >>> scorer({"text": ["Prices may rise."]})["speculation_segments"]
    [1]
    """

    def __init__(
        self,
        model: str | os.PathLike[str] | Labeler | None = None,
        *,
        attribution: str | os.PathLike[str] | Attributor | None = None,
        text_field: str = "text",
        threads: int | None = None,
        max_chars: int | None = MAX_TEXT_CHARS,
    ) -> None:
        self.analyzer = Analyzer(model, attribution=attribution, threads=threads, max_chars=max_chars)
        self.text_field = text_field

    def score(self, texts: Iterable[object]) -> list[dict[str, Any]]:
        """Return one result record per value, in order: ``{"ok": True, "analysis": ..., "summary": ...}``, or
        ``{"ok": False, "error": {"type": ..., "message": ...}}`` for a value that is not valid text.

        >>> Scorer("rules").score([3])[0]["error"]["message"]
        'text is a number, not a string'
        """
        values = list(texts)
        results: list[dict[str, Any] | None] = [_rejected(value, self.analyzer.max_chars) for value in values]
        good = [i for i, result in enumerate(results) if result is None]
        analyses = self._analyze([str(values[i]) for i in good])
        for i, analysis in zip(good, analyses, strict=True):
            if isinstance(analysis, Analysis):
                results[i] = {"ok": True, "analysis": analysis.to_dict(), "summary": summarize(analysis)}
            else:
                results[i] = analysis
        return [result for result in results if result is not None]

    def __call__(self, batch: Mapping[str, Any]) -> dict[str, list[Any]]:
        """Score the ``text_field`` column of a batch; return the :data:`RESULT_COLUMNS` as lists.

        The batch maps column names to lists, arrays or Series, as ``datasets.Dataset.map(batched=True)``
        and Ray Data's ``map_batches`` pass them; the returned columns are added to the dataset's own.

        >>> Scorer("rules")({"text": ["It rained.", ""]})["segments"]
        [1, 0]
        """
        if self.text_field not in batch:
            raise KeyError(f"the batch has no column {self.text_field!r} (columns: {', '.join(batch)})")
        columns: dict[str, list[Any]] = {name: [] for name in RESULT_COLUMNS}
        for result in self.score(batch[self.text_field]):
            for name, value in flatten(result).items():
                columns[name].append(value)
        return columns

    def frame(self, texts: Iterable[object]) -> pandas.DataFrame:
        """Score a column of texts (a pandas Series keeps its index) into a DataFrame of :data:`RESULT_COLUMNS`.

        Needs pandas (``pip install claimmine[pandas]``).

        >>> import pandas as pd
        >>> Scorer("rules").frame(pd.Series(["It rained."], index=["a"])).loc["a", "claim_segments"]
        np.int64(1)
        """
        import pandas

        values = list(texts)
        index = getattr(texts, "index", None)
        return pandas.DataFrame(self({self.text_field: values}), index=index)

    def features(self, base: Mapping[str, Any] | None = None) -> datasets.Features:
        """Return the ``datasets`` features of ``base`` plus the result columns, for ``Dataset.map(features=...)``.

        Pass them: without them ``datasets`` guesses a column's type from the first batch and fails when
        a batch holds only error rows (all figures null).

        >>> import datasets
        >>> corpus = datasets.Dataset.from_dict({"text": [None, "It rained."]})
        >>> scorer = Scorer("rules")
        >>> scored = corpus.map(scorer, batched=True, batch_size=1, features=scorer.features(corpus.features))
        >>> scored.select_columns(["ok", "segments"]).to_dict()
        {'ok': [False, True], 'segments': [None, 1]}
        """
        from datasets import Features, Value

        return Features({**(base or {}), **{name: Value(kind) for name, kind in RESULT_TYPES.items()}})

    def _analyze(self, texts: list[str]) -> list[Analysis | dict[str, Any]]:
        try:
            return list(self.analyzer.analyze_batch(texts))
        except ClaimmineError:
            raise
        except Exception:
            # One document that breaks the analysis must not sink its whole batch: redo it text by text.
            pass
        results: list[Analysis | dict[str, Any]] = []
        for text in texts:
            try:
                results.append(self.analyzer.analyze(text))
            except ClaimmineError:
                raise
            except Exception as error:
                results.append(error_result("analysis_failed", f"{type(error).__name__}: {error}"))
        return results


def _rejected(value: object, max_chars: int | None) -> dict[str, Any] | None:
    if not isinstance(value, str):
        return error_result("not_a_string", f"text is {json_type(value)}, not a string")
    if max_chars is not None and len(value) > max_chars:
        return error_result(
            "text_too_long", f"text has {len(value):,} characters, more than the limit of {max_chars:,} (--max-chars)"
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        return error_result(
            "undecodable", f"text is not valid Unicode at character {error.start} (undecodable bytes in the input)"
        )
    return None


def json_type(value: object) -> str:
    """Name the type of a value as JSON would (``a number``, ``null``, ...), else by its Python type.

    >>> json_type(None), json_type(2.5), json_type(["a"]), json_type(b"x")
    ('null', 'a number', 'an array', 'bytes')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, float) and value != value:
        return "NaN (a missing value)"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (list, tuple)):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
