"""The TF-IDF + logistic regression baseline, trained on the same mix as the transformer.

Hedged sentences of unknown strength (the binary corpora) are taught as
``possible``; kind is learnt from the project's news train set alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from datasets import Dataset
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from claimmine.labeling.labeler import Draft, Labels
from claimmine.labeling.torch_model import certainty_score
from claimmine.types import Certainty, SegmentKind

_POSSIBLE = list(Certainty).index(Certainty.POSSIBLE)


@dataclass(frozen=True)
class TfidfConfig:
    """The baseline's settings: word n-grams, the least document frequency, and the regularisation."""

    ngram_range: tuple[int, int] = (1, 2)
    min_df: int = 2
    sublinear_tf: bool = True
    C: float = 4.0  # scikit-learn's name for the inverse regularisation strength
    max_iter: int = 2000


def _pipeline(config: TfidfConfig) -> Pipeline:
    return make_pipeline(
        TfidfVectorizer(ngram_range=config.ngram_range, min_df=config.min_df, sublinear_tf=config.sublinear_tf),
        LogisticRegression(max_iter=config.max_iter, C=config.C),
    )


class TfidfLabeler:
    """A scikit-learn labeler that satisfies :class:`claimmine.labeling.labeler.Labeler`."""

    name = "tfidf-logreg"

    def __init__(self, mix: Dataset, config: TfidfConfig = TfidfConfig()) -> None:
        self.config = config
        texts, certainty = [], []
        for row in mix:
            if row["certainty"] >= 0 or row["uncertain"] == 1:
                texts.append(row["text"])
                certainty.append(row["certainty"] if row["certainty"] >= 0 else _POSSIBLE)
        self.certainty = _pipeline(config).fit(texts, certainty)
        news = mix.filter(lambda row: row["kind"] >= 0)
        self.kind = _pipeline(config).fit(news["text"], news["kind"])

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
