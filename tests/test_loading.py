"""Choosing and loading models: one resolver for classifiers and taggers, shared weights, explicit freeing."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import pytest

from claimmine import (
    Analyzer,
    Attributor,
    Certainty,
    ClaimmineError,
    Labels,
    ModelNotFoundError,
    SegmentKind,
    SourceType,
)
from claimmine.attribution.attributors import Linked, RuleAttributor
from claimmine.labeling.labeler import Draft
from claimmine.loading import loaded_count
from claimmine.pipeline import draft_segments
from tests.optional import needs_onnxruntime

MODELS = Path(__file__).resolve().parents[1] / "models"
# Most cases here load the int8 models, the cheapest to load: without onnxruntime the module skips.
pytestmark = needs_onnxruntime
VARIABLES = ("CLAIMMINE_MODEL", "CLAIMMINE_TAGGER", "CLAIMMINE_THREADS")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("environment", "labeler", "attributor"),
    [
        ({"CLAIMMINE_MODEL": "rules"}, "rules", "rules"),
        ({"CLAIMMINE_MODEL": "claimmine-minilm-v3-int8"}, "claimmine-minilm-v3-int8", "claimmine-attribution-v1-int8"),
        ({"CLAIMMINE_TAGGER": "rules"}, "claimmine-minilm-v3", "rules"),
        ({"CLAIMMINE_TAGGER": "claimmine-attribution-v1"}, "claimmine-minilm-v3", "claimmine-attribution-v1"),
        ({"CLAIMMINE_MODEL": "rules", "CLAIMMINE_TAGGER": "claimmine-attribution-v1"}, "rules",
         "claimmine-attribution-v1"),
        ({"CLAIMMINE_TAGGER": str(MODELS / "claimmine-attribution-v1-int8")}, "claimmine-minilm-v3",
         "claimmine-attribution-v1-int8"),
    ],
)
def test_environment_variables_choose_as_the_arguments_do(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], labeler: str, attributor: str
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    analyzer = Analyzer()
    assert (analyzer.labeler.name, analyzer.attributor.name) == (labeler, attributor)


@pytest.mark.parametrize(
    ("model", "attribution", "labeler", "attributor"),
    [
        ("rules", None, "rules", "rules"),
        ("rules", "rules", "rules", "rules"),
        ("claimmine-minilm-v3", None, "claimmine-minilm-v3", "claimmine-attribution-v1"),
        ("claimmine-minilm-v3", "rules", "claimmine-minilm-v3", "rules"),
        ("claimmine-minilm-v3-int8", None, "claimmine-minilm-v3-int8", "claimmine-attribution-v1-int8"),
        ("claimmine-minilm-v3-int8", "claimmine-attribution-v1", "claimmine-minilm-v3-int8",
         "claimmine-attribution-v1"),
        (MODELS / "claimmine-minilm-v3", MODELS / "claimmine-attribution-v1-int8", "claimmine-minilm-v3",
         "claimmine-attribution-v1-int8"),
        (str(MODELS / "claimmine-minilm-v3-int8"), str(MODELS / "claimmine-attribution-v1"),
         "claimmine-minilm-v3-int8", "claimmine-attribution-v1"),
    ],
)
def test_arguments_shipped_names_and_paths_choose_models_and_taggers_alike(
    model: str | Path, attribution: str | Path | None, labeler: str, attributor: str
) -> None:
    analyzer = Analyzer(model, attribution=attribution)
    assert (analyzer.labeler.name, analyzer.attributor.name) == (labeler, attributor)


def test_an_argument_wins_over_its_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMMINE_MODEL", "no-such-model")
    monkeypatch.setenv("CLAIMMINE_TAGGER", "no-such-tagger")
    analyzer = Analyzer("rules", attribution="claimmine-attribution-v1-int8")
    assert (analyzer.labeler.name, analyzer.attributor.name) == ("rules", "claimmine-attribution-v1-int8")


@pytest.mark.parametrize(("variable", "what"), [("CLAIMMINE_MODEL", "model"), ("CLAIMMINE_TAGGER", "tagger")])
def test_an_unknown_name_is_the_same_clear_error_for_models_and_taggers(
    monkeypatch: pytest.MonkeyPatch, variable: str, what: str
) -> None:
    monkeypatch.setenv(variable, "no-such-model")
    with pytest.raises(ModelNotFoundError, match=f"no {what} folder at .*no-such-model.*set {variable}"):
        Analyzer()


def test_names_are_read_without_loading_and_close_frees_the_weights() -> None:
    before = loaded_count()
    analyzer = Analyzer("claimmine-minilm-v3-int8")
    assert (analyzer.labeler.name, analyzer.attributor.name) == (
        "claimmine-minilm-v3-int8",
        "claimmine-attribution-v1-int8",
    )
    assert loaded_count() == before
    with analyzer:
        analyzer.analyze("The ministry said the bridge would reopen.")
        assert loaded_count() == before + 2
    assert loaded_count() == before
    # Used again after close, it loads again rather than failing.
    assert analyzer.analyze("It rained.").labeler == "claimmine-minilm-v3-int8"
    analyzer.close()
    assert loaded_count() == before


def test_analyzers_of_one_folder_share_its_weights_until_the_last_closes() -> None:
    before = loaded_count()
    first, second = Analyzer("claimmine-minilm-v3-int8", attribution="rules"), Analyzer(
        "claimmine-minilm-v3-int8", attribution="rules"
    )
    first.analyze("It rained.")
    second.analyze("It rained.")
    assert loaded_count() == before + 1
    first.close()
    assert loaded_count() == before + 1
    second.close()
    assert loaded_count() == before


def test_threads_that_ask_for_one_model_at_once_load_it_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from claimmine.labeling.onnx_model import OnnxLabeler

    loads = []
    original = OnnxLabeler.__init__

    def slow_init(self: OnnxLabeler, *args: Any, **kwargs: Any) -> None:
        loads.append(1)
        time.sleep(0.2)  # widens the window in which unguarded threads would all start a load
        original(self, *args, **kwargs)

    monkeypatch.setattr(OnnxLabeler, "__init__", slow_init)
    analyzers = [Analyzer("claimmine-minilm-v3-int8", attribution="rules") for _ in range(4)]
    drafts = draft_segments("It rained.")
    labels: list[object] = []
    threads = [threading.Thread(target=lambda a=a: labels.append(a.labeler.label(drafts))) for a in analyzers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for analyzer in analyzers:
        analyzer.close()
    assert len(labels) == 4 and len(loads) == 1


def test_an_attributor_that_returns_equal_copies_keeps_the_source_retyping() -> None:
    class Copying:
        """The rules' relations, but each segment gets an equal copy rather than the same object."""

        name = "copying"

        def link(self, texts: Sequence[str], drafted: Sequence[Sequence[Draft]]) -> list[Linked]:
            linked = RuleAttributor().link(texts, drafted)
            return [(relations, [r and replace(r) for r in per_draft]) for relations, per_draft in linked]

    class Official:
        """Labels every segment an official statement, as a model that knows the company would."""

        name = "official"

        def label(self, drafts: Sequence[Draft]) -> list[Labels]:
            return [Labels(SegmentKind.OFFICIAL_STATEMENT, Certainty.CERTAIN, 0.95) for _ in drafts]

    text = "Skyvia said fares would rise in May."
    assert RuleAttributor().link([text], [draft_segments(text)])[0][0][0].source_type is SourceType.OTHER
    plain = Analyzer(Official(), attribution="rules").analyze(text)
    copied = Analyzer(Official(), attribution=cast(Attributor, Copying())).analyze(text)
    assert plain.attributions[0].source_type is SourceType.OFFICIAL
    assert copied.attributions == plain.attributions
    assert copied.segments[0].attribution == plain.segments[0].attribution


def test_pipe_streams_in_order_and_agrees_with_a_batch() -> None:
    texts = ["Prices rose.", "", "Analysts say more may come.", "The ministry said so."] * 3
    pulled: list[str] = []

    def stream() -> Any:
        for text in texts:
            pulled.append(text)
            yield text

    analyzer = Analyzer("rules")
    results = analyzer.pipe(stream(), batch_size=4)
    first = next(results)
    assert len(pulled) == 4  # one batch read, not the whole stream
    assert [first, *results] == analyzer.analyze_batch(texts)


@pytest.mark.parametrize("batch_size", [0, -1, 1.5, True])
def test_pipe_refuses_a_batch_size_that_is_not_a_positive_int(batch_size: Any) -> None:
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        list(Analyzer("rules").pipe(["It rained."], batch_size=batch_size))


def test_the_thread_variable_reaches_the_models(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMMINE_THREADS", "1")
    analyzer = Analyzer("claimmine-minilm-v3-int8")
    assert cast(Any, analyzer.labeler).threads == 1
    monkeypatch.setenv("CLAIMMINE_THREADS", "zero")
    with pytest.raises(ClaimmineError, match="CLAIMMINE_THREADS"):
        Analyzer("claimmine-minilm-v3-int8")
