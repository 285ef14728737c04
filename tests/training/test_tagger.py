"""The attribution tagger end to end on a tiny PolNeAR-shaped corpus and a tiny random BERT."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from claimmine import Analyzer, ModelFormatError
from claimmine.attribution.torch_tagger import AttributionTagger
from training.annotator_agreement import annotator_agreement, attributor_agreement, several_annotators
from training.annotator_agreement import main as agreement_main
from training.attribution_metrics import SpanScores
from training.evaluate_attribution import main as evaluate_main
from training.evaluate_attribution import score
from training.polnear import Relation, load_annotations, load_articles
from training.train_tagger import TaggerConfig, train

TEXT = "The ministry said talks would resume. Prices rise. The police said it would rain."


def _relation(text: str, source: str, cue: str, content: str) -> dict[str, object]:
    def span(part: str, after: int = 0) -> dict[str, object]:
        start = text.index(part, after)
        return {"start": start, "end": start + len(part), "text": part}

    source_span = span(source)
    return {
        "source": [source_span],
        "cue": [span(cue, int(source_span["end"]))],  # type: ignore[call-overload]
        "content": [span(content, int(source_span["end"]))],  # type: ignore[call-overload]
    }


@pytest.fixture(scope="module")
def polnear(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("data")
    folder = root / "polnear"
    relations = [
        _relation(TEXT, "The ministry", "said", "talks would resume"),
        _relation(TEXT, "The police", "said", "it would rain"),
    ]
    for split, count in (("train", 12), ("dev", 2)):
        (folder / split / "text").mkdir(parents=True)
        with (folder / f"attributions.{split}.jsonl").open("w", encoding="utf-8") as handle:
            for number in range(count):
                article = f"{split}-{number}"
                (folder / split / "text" / f"{article}.txt").write_text(TEXT, encoding="utf-8")
                # A second annotator who found nothing: the loader must keep the first annotator's file only.
                for annotator, found in (("b", []), ("a", relations)):
                    row = {"article": article, "annotator": annotator, "attributions": found}
                    handle.write(json.dumps(row) + "\n")
    return root


@pytest.fixture(scope="module")
def tagger_folder(polnear: Path, tiny_base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    config = TaggerConfig(
        base_model=str(tiny_base), window=12, stride=8, epochs=20, batch_size=8, learning_rate=5e-3, bf16="off"
    )
    return train(config, polnear, tmp_path_factory.mktemp("tagger"))


def test_loader_reads_one_annotator_per_article(polnear: Path) -> None:
    articles = load_articles(polnear, "dev")
    assert [a.name for a in articles] == ["dev-0", "dev-1"]
    assert all(len(a.relations) == 2 for a in articles)
    with pytest.raises(ValueError, match="unknown PolNeAR split"):
        load_articles(polnear, "test")
    with pytest.raises(FileNotFoundError, match="--data-dir"):
        load_articles(polnear / "nowhere", "dev")


def test_gold_relations_score_perfectly(polnear: Path) -> None:
    scores = SpanScores()
    for article in load_articles(polnear, "dev"):
        gold = [Relation(r.source, r.cue, r.content) for r in article.relations]
        scores.add(article.text, gold, gold)
    assert all(row["f1"] == 1.0 for row in scores.table())


def test_trained_tagger_finds_the_relations_it_learned(tagger_folder: Path, polnear: Path) -> None:
    relations = AttributionTagger(tagger_folder).relations(TEXT)
    assert [TEXT[slice(*r.cue)] for r in relations] == ["said", "said"]
    assert [TEXT[slice(*r.source)] if r.source else None for r in relations] == ["The ministry", "The police"]
    results = score(load_articles(polnear, "dev"), str(tagger_folder))
    assert results.counts["cue", "exact"].f1() == 1.0


def test_long_texts_are_read_in_windows(tagger_folder: Path) -> None:
    # Six copies of the text need many 12-token windows; every copy must get its own relations.
    long_text = " ".join([TEXT] * 6)
    relations = AttributionTagger(tagger_folder).relations(long_text)
    assert len(relations) == 12
    assert all(long_text[slice(*r.cue)] == "said" for r in relations)


def test_analyzer_uses_the_tagger_for_attributions(tagger_folder: Path) -> None:
    analysis = Analyzer("rules", attribution=tagger_folder).analyze(TEXT)
    assert [a.source.text for a in analysis.attributions if a.source] == ["The ministry", "The police"]
    governed = [s.attribution.cue.text if s.attribution and s.attribution.cue else None for s in analysis.segments]
    assert governed == ["said", None, "said"]
    assert analysis.segments[0].attribution is analysis.attributions[0]


def test_tagger_folder_is_checked(tagger_folder: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for path in tagger_folder.iterdir():
        (broken / path.name).write_bytes(path.read_bytes())
    manifest = json.loads((broken / "manifest.json").read_text())
    manifest["tags"] = manifest["tags"][:-1]
    (broken / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelFormatError, match="tags"):
        AttributionTagger(broken)


def test_evaluation_command_prints_a_table(
    polnear: Path, tagger_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    evaluate_main(["--data-dir", str(polnear), "--attribution", "rules", "--attribution", str(tagger_folder)])
    out = capsys.readouterr().out
    assert "PolNeAR dev: 2 articles, 4 gold relations" in out
    assert "| cue | exact |" in out
    with pytest.raises(SystemExit):
        evaluate_main(["--data-dir", str(polnear), "--split", "train"])


def test_error_analysis_accounts_for_every_relation(polnear: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from training.attribution_errors import main as errors_main

    errors_main(["--data-dir", str(polnear), "--attribution", "rules", "--examples", "1"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "PolNeAR dev, rules: 2 articles"
    counts = {line[8:]: int(line[:6]) for line in lines[1:] if line[:6].strip().isdigit()}
    aligned = sum(v for k, v in counts.items() if k.startswith(("source", "no source")))
    # Every gold relation is either aligned with a prediction or counted as found by none (or overlapped).
    assert 0 < aligned + counts.get("gold cue found by no prediction", 0) <= 4


def test_config_rejects_unknown_keys(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"epochs": 1, "nonsense": 2}))
    with pytest.raises(TypeError):
        TaggerConfig.from_json(path)
    assert replace(TaggerConfig(), epochs=1).epochs == 1


def test_agreement_is_measured_between_annotators_and_against_each(polnear: Path, tagger_folder: Path) -> None:
    shared = several_annotators(load_annotations(polnear, "dev"))
    assert sorted(shared) == ["dev-0", "dev-1"] and all(sorted(a) == ["a", "b"] for _, a in shared.values())
    # Annotator b found nothing, so the two never agree: a's relations count as predicted, then as gold.
    between = annotator_agreement(shared).counts["cue", "overlap"]
    assert (between.correct, between.predicted, between.gold) == (0, 4, 4)
    # The tagger finds a's four relations exactly and b's none, so half of what it meets is right.
    against = attributor_agreement(shared, str(tagger_folder)).counts["cue", "exact"]
    assert (against.correct, against.predicted, against.gold) == (4, 8, 4)


def test_agreement_report_prints_every_split(
    polnear: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = shutil.copytree(polnear, tmp_path / "data")
    (data / "polnear" / "attributions.annotator-training.jsonl").touch()
    agreement_main(["--data-dir", str(data), "--attribution", "rules"])
    out = capsys.readouterr().out
    assert "PolNeAR dev: 2 articles with several annotators, 4 ordered pairs" in out
    assert "rules vs annotators, held out" in out
