"""The whole training loop on a tiny random BERT: train, checkpoint, resume, export, load, calibrate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file
from torch.nn import functional

from claimmine import Analyzer, Certainty, ModelFormatError, SegmentKind
from claimmine.labeling.labeler import HINT_VERSION
from claimmine.labeling.torch_model import ModelLabeler
from claimmine.pipeline import draft_segments
from training.calibrate import calibrate_folder, gold_logits
from training.config import TrainConfig
from training.gold import load_gold
from training.reproduce import hint_fingerprint
from training.train import train

SEGMENTS = [
    ("The ministry said talks would resume.", "official_statement", "certain", "The ministry", "official", "said"),
    ("Prices may rise.", "speculation", "possible", None, None, None),
    ("It could rain.", "speculation", "possible", None, None, None),
    ("Analysts expect prices rise.", "speculation", "probable", "Analysts", "collective", "expect"),
    ("The police said it would rain.", "official_statement", "certain", "The police", "official", "said"),
    ("Prices rise.", "claim", "certain", None, None, None),
]


def _gold(path: Path, documents: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for number in range(documents):
            segments = []
            for text, kind, certainty, source, source_type, cue in SEGMENTS[number % 3 :] + SEGMENTS[: number % 3]:
                segments.append(
                    {
                        "text": text,
                        "kind": kind,
                        "certainty": certainty,
                        "source": source,
                        "source_type": source_type,
                        "cue": cue,
                        "direct": False if cue else None,
                    }
                )
            handle.write(json.dumps({"id": f"doc-{number}", "domain": "politics", "segments": segments}) + "\n")
    return path


def _config(base: Path, gold: Path, **changes: object) -> TrainConfig:
    settings: dict[str, object] = {
        "base_model": str(base),
        "corpora": {},
        "news_train": [str(gold)],
        "news_repeat": 2,
        "epochs": 2,
        "batch_size": 4,
        "checkpoint_every": 2,
        "bf16": "off",
        "learning_rate": 1e-3,
    }
    settings.update(changes)
    return TrainConfig.from_dict(settings)


@pytest.fixture(scope="module")
def trained(tiny_base: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("run")
    gold = _gold(work / "gold.jsonl", 4)
    folder = train(_config(tiny_base, gold), work, work / "run")
    return folder, gold


def test_training_exports_a_loadable_model_folder(trained: tuple[Path, Path]) -> None:
    folder, _ = trained
    assert {p.name for p in folder.iterdir()} >= {
        "model.safetensors",
        "config.json",
        "manifest.json",
        "train_config.json",
    }
    weights = load_file(str(folder / "model.safetensors"))
    assert all(t.dtype == torch.float16 for t in weights.values())
    analysis = Analyzer(folder).analyze("The ministry said talks would resume. Prices may rise.")
    assert analysis.labeler == "claimmine-minilm-v1"
    assert len(analysis.segments) == 2
    run = json.loads((folder / "manifest.json").read_text())["run"]
    assert run["command"] is None  # trained from Python, not from the command line
    assert (run["hint_version"], run["hint_fingerprint"]) == (HINT_VERSION, hint_fingerprint())
    assert run["commit"] is None or len(run["commit"].removesuffix("-dirty")) == 40
    for segment in analysis.segments:
        assert Certainty.from_score(segment.certainty_score) is segment.certainty


def test_resumed_training_ends_where_an_uninterrupted_run_ends(tiny_base: Path, tmp_path: Path) -> None:
    gold = _gold(tmp_path / "gold.jsonl", 4)
    config = _config(tiny_base, gold)
    whole = train(config, tmp_path, tmp_path / "whole")
    train(config, tmp_path, tmp_path / "halves", max_steps=3)
    resumed = train(config, tmp_path, tmp_path / "halves", resume=True)
    first, second = load_file(str(whole / "model.safetensors")), load_file(str(resumed / "model.safetensors"))
    assert first.keys() == second.keys()
    assert all(torch.equal(first[k], second[k]) for k in first)


def test_a_model_trained_with_attribution_hints_uses_them(tiny_base: Path, tmp_path: Path) -> None:
    gold = _gold(tmp_path / "gold.jsonl", 2)
    folder = train(_config(tiny_base, gold, attribution_hint=True, epochs=1), tmp_path, tmp_path / "run")
    assert json.loads((folder / "manifest.json").read_text())["attribution_hint"] is True
    labeler = ModelLabeler(folder)
    drafts = draft_segments("The ministry said talks would resume.")
    with_hint = labeler.predict_drafts(drafts)["certainty"]
    without = labeler.predict([d.text for d in drafts])["certainty"]
    assert not torch.allclose(with_hint, without)


def test_certainty_only_model_takes_kind_from_the_rules(tiny_base: Path, tmp_path: Path) -> None:
    gold = _gold(tmp_path / "gold.jsonl", 2)
    folder = train(_config(tiny_base, gold, heads="certainty", epochs=1), tmp_path, tmp_path / "run")
    assert json.loads((folder / "manifest.json").read_text())["labels"]["kind"] is None
    segment = Analyzer(folder).analyze("The ministry said talks would resume.").segments[0]
    assert segment.kind is SegmentKind.OFFICIAL_STATEMENT  # from the rules


def test_results_do_not_depend_on_batch_size(trained: tuple[Path, Path]) -> None:
    folder, _ = trained
    texts = ["Prices rise.", "The ministry said talks would resume and prices may rise.", "It could rain."] * 3
    one = ModelLabeler(folder, batch_size=1).predict(texts)
    many = ModelLabeler(folder, batch_size=64).predict(texts)
    assert torch.allclose(one["certainty"], many["certainty"], atol=1e-5)


def test_calibration_writes_temperature_and_ece(trained: tuple[Path, Path]) -> None:
    folder, gold = trained
    before = (folder / "manifest.json").read_bytes()
    dry = calibrate_folder(folder, gold, write=False)
    assert (folder / "manifest.json").read_bytes() == before  # a dry run leaves the folder as it was
    report = calibrate_folder(folder, gold)
    assert report == dry
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["temperature"] == report["temperature"] > 0
    assert manifest["calibration"]["segments"] == sum(len(d.segments) for d in load_gold(gold))
    # The fitted temperature minimises the gold's negative log-likelihood: a step either way raises it.
    logits, labels = gold_logits(ModelLabeler(folder), load_gold(gold))
    loss = [functional.cross_entropy(logits / (report["temperature"] * f), labels).item() for f in (0.8, 1, 1.25)]
    assert loss[1] <= min(loss[0], loss[2]) + 1e-6


def test_a_manifest_with_other_labels_is_refused(trained: tuple[Path, Path], tmp_path: Path) -> None:
    folder, _ = trained
    broken = tmp_path / "broken"
    broken.mkdir()
    for path in folder.iterdir():
        (broken / path.name).write_bytes(path.read_bytes())
    manifest = json.loads((broken / "manifest.json").read_text())
    manifest["labels"]["certainty"] = ["sure", "maybe", "unlikely"]
    (broken / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelFormatError, match="certainty labels"):
        ModelLabeler(broken)


def test_unknown_config_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown config keys"):
        TrainConfig.from_dict({"epoch": 3})


def test_a_not_speculation_target_lowers_only_the_speculation_probability() -> None:
    from training.examples import NOT_SPECULATION
    from training.train import losses

    speculation = list(SegmentKind).index(SegmentKind.SPECULATION)
    kind = torch.zeros(1, 3, requires_grad=True)
    outputs = {"certainty": torch.zeros(1, 3), "score": torch.zeros(1), "kind": kind}
    batch = {
        "certainty": torch.tensor([-1]),
        "uncertain": torch.tensor([-1]),
        "score": torch.tensor([-1.0]),
        "kind": torch.tensor([NOT_SPECULATION]),
    }
    loss = losses(outputs, batch, TrainConfig())
    (grad,) = torch.autograd.grad(loss, kind)
    assert loss.item() == pytest.approx(-torch.log(torch.tensor(2 / 3)).item())
    assert grad[0, speculation] > 0 and all(grad[0, i] < 0 for i in range(3) if i != speculation)
