"""Damaged and tampered model folders fail early and typed: a ModelFormatError that names what is wrong."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from claimmine import Analyzer
from claimmine.attribution.attributors import TaggerAttributor, shipped_tagger
from claimmine.cli.main import main
from claimmine.errors import ClaimmineError, ModelFormatError
from claimmine.labeling.inference import thread_count
from claimmine.loading import shipped_model
from tests.optional import needs_onnxruntime

MODELS = Path(__file__).resolve().parents[1] / "models"


def copy_folder(source: Path | None, target: Path, *, weights: bytes | None = None) -> Path:
    """Copy a model folder; ``weights`` replaces its weights file (the big one is not copied then)."""
    assert source is not None
    target.mkdir()
    for file in source.iterdir():
        if weights is not None and file.suffix in (".safetensors", ".onnx"):
            (target / file.name).write_bytes(weights)
        else:
            shutil.copy(file, target / file.name)
    return target


def edit_manifest(folder: Path, change: Callable[[dict[str, Any]], Any]) -> Path:
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    changed = change(manifest)
    (folder / "manifest.json").write_text(json.dumps(manifest if changed is None else changed), "utf-8")
    return folder


@pytest.mark.parametrize(
    "model", ["claimmine-minilm-v2", pytest.param("claimmine-minilm-v3-int8", marks=needs_onnxruntime)]
)
def test_random_bytes_as_weights_are_a_model_format_error(tmp_path: Path, model: str) -> None:
    folder = copy_folder(shipped_model(model), tmp_path / "m", weights=b"\x13\x07 not weights " * 64)
    with pytest.raises(ModelFormatError, match="cannot be loaded"):
        Analyzer(folder, attribution="rules").analyze("It rained.")


def test_score_with_a_damaged_model_exits_2_before_making_an_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_folder(shipped_model(), tmp_path / "m", weights=b"garbage" * 100)
    (tmp_path / "in.jsonl").write_text("".join(json.dumps({"text": f"It rained {i} times."}) + "\n" for i in range(5)))
    status = main(["score", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl"), "--model", str(folder),
                   "--attribution", "rules"])
    assert status == 2
    assert "cannot be loaded" in capsys.readouterr().err
    assert not (tmp_path / "out.jsonl").exists()
    assert not (tmp_path / "out.jsonl.claimmine.json").exists()


def test_analyze_with_a_damaged_model_prints_a_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_folder(shipped_model(), tmp_path / "m", weights=b"garbage" * 100)
    (tmp_path / "a.txt").write_text("It rained.")
    assert main(["analyze", str(tmp_path / "a.txt"), "--model", str(folder), "--attribution", "rules"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("claimmine: error:") and "Traceback" not in err


MANIFEST_DAMAGE: list[tuple[str, Callable[[dict[str, Any]], Any], str]] = [
    ("not an object", lambda m: [], "must hold a JSON object"),
    ("labels as a string", lambda m: m.update(labels="certain"), "labels must be a JSON object"),
    ("certainty labels as a string", lambda m: m["labels"].update(certainty="cpp"), "labels.certainty must be"),
    ("no name", lambda m: m.pop("name") and None, "name must be a non-empty string"),
    ("max_length 0", lambda m: m.update(max_length=0), "max_length must be a whole number from 8 to 512"),
    ("max_length 100000", lambda m: m.update(max_length=100000), "max_length must be a whole number"),
    ("temperature 0", lambda m: m.update(temperature=0), "temperature must be a positive number"),
    ("negative temperature", lambda m: m.update(temperature=-1.0), "temperature must be a positive number"),
    ("temperature NaN", lambda m: m.update(temperature=float("nan")), "temperature must be a finite number"),
    ("temperature a string", lambda m: m.update(temperature="1"), "temperature must be a finite number"),
    ("hint flag a string", lambda m: m.update(attribution_hint="yes"), "attribution_hint must be a JSON boolean"),
]


@pytest.mark.parametrize(("change", "message"), [d[1:] for d in MANIFEST_DAMAGE], ids=[d[0] for d in MANIFEST_DAMAGE])
def test_a_damaged_manifest_names_the_wrong_field(
    tmp_path: Path, change: Callable[[dict[str, Any]], Any], message: str
) -> None:
    folder = edit_manifest(copy_folder(shipped_model("claimmine-minilm-v3-int8"), tmp_path / "m"), change)
    with pytest.raises(ModelFormatError, match=message):
        Analyzer(folder).analyze("It rained.")


@needs_onnxruntime
@pytest.mark.parametrize("name", ["/etc/hostname", "../../outside.onnx", "", 7])
def test_an_onnx_file_outside_its_folder_is_never_opened(tmp_path: Path, name: object) -> None:
    folder = copy_folder(shipped_model("claimmine-minilm-v3-int8"), tmp_path / "m")
    edit_manifest(folder, lambda m: m["onnx"].update(file=name))
    with pytest.raises(ModelFormatError, match="is not a file inside"):
        Analyzer(folder).analyze("It rained.")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"window": 0}, "window must be a whole number from 8 to 510"),
        ({"stride": 0}, "stride must be a whole number from 1 to"),
        ({"window": "254"}, "window must be a whole number"),
        ({"name": None}, "name must be a non-empty string"),
    ],
)
def test_a_damaged_tagger_manifest_names_the_wrong_field(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    folder = copy_folder(shipped_tagger(), tmp_path / "t", weights=b"not read")
    edit_manifest(folder, lambda m: m.update(change))
    with pytest.raises(ModelFormatError, match=message):
        TaggerAttributor(folder).link(["He said so."], [[]])


@needs_onnxruntime
def test_damaged_tagger_weights_are_a_model_format_error(tmp_path: Path) -> None:
    folder = copy_folder(shipped_tagger(), tmp_path / "t", weights=b"garbage" * 10)
    with pytest.raises(ModelFormatError, match="cannot be loaded"):
        Analyzer("claimmine-minilm-v3-int8", attribution=folder).analyze("He said so.")


def test_more_threads_than_the_machine_has_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMMINE_THREADS", "100000")
    with pytest.raises(ClaimmineError, match="more than this machine's"):
        thread_count()
