"""The shipped model: it loads offline from the package and labels clear sentences correctly."""

from __future__ import annotations

import pytest

from claimmine import Analyzer, Certainty, SegmentKind
from claimmine.loading import DEFAULT_MODEL, shipped_model
from tests.optional import needs_onnxruntime

CLEAR = [
    ("The central bank raised its key rate by a quarter point on Thursday.", "claim", "certain"),
    ("The health ministry said 14 people had died in the outbreak.", "official_statement", "certain"),
    ("There is speculation that the striker may leave the club in January.", "speculation", "possible"),
    ("The prevailing view among traders is that the currency will weaken further.", "speculation", "probable"),
    ("Police said the driver was probably speeding.", "official_statement", "probable"),
    ("It is unclear whether the ceasefire will hold.", "speculation", "possible"),
    ("The company declined to comment.", "claim", "certain"),
    (
        "Dr. Maria Lopez, an epidemiologist at Lund University, said the virus could spread faster in winter.",
        "claim",
        "possible",
    ),
    ("“We will not raise taxes this year,” the finance minister told parliament.", "official_statement", "certain"),
    ("The strike is expected to last at least a week.", "speculation", "probable"),
    ("The army denied that its troops had crossed the border.", "official_statement", "certain"),
    ("The bridge collapsed at 4 p.m., killing three people.", "claim", "certain"),
]


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    folder = shipped_model()
    assert folder is not None and folder.name == DEFAULT_MODEL, "the shipped model is missing from models/"
    return Analyzer(folder)


def test_the_default_analyzer_uses_the_shipped_model(analyzer: Analyzer) -> None:
    assert Analyzer().labeler.name == analyzer.labeler.name == "claimmine-minilm-v3"


@pytest.mark.parametrize("text, kind, certainty", CLEAR)
def test_clear_sentences_are_labelled_correctly(analyzer: Analyzer, text: str, kind: str, certainty: str) -> None:
    (segment,) = analyzer.analyze(text).segments
    assert (segment.kind, segment.certainty) == (SegmentKind(kind), Certainty(certainty))
    assert Certainty.from_score(segment.certainty_score) is segment.certainty


def test_batch_and_single_results_agree(analyzer: Analyzer) -> None:
    texts = [text for text, _, _ in CLEAR]
    batch = analyzer.analyze_batch(texts)
    assert [a.segments for a in batch] == [analyzer.analyze(t).segments for t in texts]


@pytest.mark.parametrize("model", [None, pytest.param("claimmine-minilm-v3-int8", marks=needs_onnxruntime)])
def test_lone_surrogates_get_the_labels_and_offsets_of_a_replacement_character(model: str | None) -> None:
    analyzer = Analyzer(model) if model else Analyzer()
    text = 'The minister said: "He \ud800said it." Prices may rise \udfff today.'
    got = analyzer.analyze(text)
    replaced = analyzer.analyze(text.replace("\ud800", "\ufffd").replace("\udfff", "\ufffd"))
    assert [s.text for s in got.segments] == [text[s.start : s.end] for s in got.segments]
    assert [(s.start, s.end, s.kind, s.certainty) for s in got.segments] == [
        (s.start, s.end, s.kind, s.certainty) for s in replaced.segments
    ]
    assert [s.attribution.source.text if s.attribution and s.attribution.source else None for s in got.segments] == [
        s.attribution.source.text if s.attribution and s.attribution.source else None for s in replaced.segments
    ]
