"""The TF-IDF + logistic regression baseline, trained on the same mix as the transformer.

Hedged sentences of unknown strength (the binary corpora) are taught as
``possible``; kind is learnt from the project's news train set alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from datasets import Dataset
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from claimmine.labeling.labeler import Draft, Labels
from claimmine.labeling.torch_model import certainty_score
from claimmine.types import Certainty, SegmentKind

_POSSIBLE = list(Certainty).index(Certainty.POSSIBLE)


def _pipeline() -> Pipeline:
    return make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        LogisticRegression(max_iter=2000, C=4.0),
    )


class TfidfLabeler:
    """A scikit-learn labeler that satisfies :class:`claimmine.labeling.labeler.Labeler`."""

    name = "tfidf-logreg"

    def __init__(self, mix: Dataset) -> None:
        texts, certainty = [], []
        for row in mix:
            if row["certainty"] >= 0 or row["uncertain"] == 1:
                texts.append(row["text"])
                certainty.append(row["certainty"] if row["certainty"] >= 0 else _POSSIBLE)
        self.certainty = _pipeline().fit(texts, certainty)
        news = mix.filter(lambda row: row["kind"] >= 0)
        self.kind = _pipeline().fit(news["text"], news["kind"])

    def label(self, drafts: Sequence[Draft]) -> list[Labels]:
        """Label drafts with the two logistic regressions."""
        if not drafts:
            return []
        texts = [d.text for d in drafts]
        probabilities = self.certainty.predict_proba(texts)
        classes = list(self.certainty.classes_)
        kinds = self.kind.predict(texts)
        labels = []
        for row, kind in zip(probabilities, kinds, strict=True):
            full = [float(row[classes.index(i)]) if i in classes else 0.0 for i in range(len(Certainty))]
            certainty, score = certainty_score(full, 0.0, "expected")
            labels.append(Labels(list(SegmentKind)[int(kind)], certainty, score))
        return labels
