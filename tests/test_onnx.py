"""The fast runtime: export to int8 ONNX, the onnxruntime labeler, backend choice by manifest, and clear errors.

A tiny random model is exported inside the test; the shipped int8 export is checked against the shipped torch
model (hashes, and labels on a dozen clear sentences).
"""

from __future__ import annotations

import builtins
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from claimmine import Analyzer, ClaimmineError, ModelFormatError
from claimmine.errors import MissingDependencyError
from claimmine.labeling.encoder import EncoderConfig
from claimmine.labeling.torch_model import ClaimModel, ModelLabeler
from claimmine.loading import DEFAULT_MODEL, FAST_MODEL, resolve, shipped_model
from claimmine.pipeline import draft_segments

pytest.importorskip("onnxruntime", reason="the fast runtime needs claimmine[fast]")
pytest.importorskip("onnx", reason="exporting needs claimmine[export]")

from claimmine.labeling.onnx_model import OnnxLabeler
from tests.vocabulary import WORDS
from training.export_onnx import export, stale_reasons

HINT_WORDS = ["official", "source", "no", "cue", "hedges", "possible", "probable", "collective"]
TEXTS = [
    "The ministry said talks would resume.",
    "Prices may rise.",
    "It could rain.",
    "Analysts expect prices rise.",
    "The police said it would rain, analysts said prices might rise.",
]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random ClaimModel folder with a tiny BERT, its tokenizer and manifest."""
    from transformers import BertTokenizer

    folder = tmp_path_factory.mktemp("tiny") / "tiny-v0"
    folder.mkdir()
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ",", ";", ":", "(", ")", *WORDS, *HINT_WORDS]
    BertTokenizer(vocab={token: i for i, token in enumerate(tokens)}).save_pretrained(str(folder))
    config = {
        "vocab_size": len(tokens),
        "hidden_size": 16,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "intermediate_size": 32,
        "max_position_embeddings": 64,
        "hidden_act": "gelu",
    }
    (folder / "config.json").write_text(json.dumps(config))
    torch.manual_seed(0)
    model = ClaimModel(EncoderConfig.read(folder / "config.json"), kind_head=True)
    weights = {k: v.detach().half().contiguous() for k, v in model.state_dict().items()}
    save_file(weights, str(folder / "model.safetensors"))
    manifest = {
        "format": 1,
        "name": "tiny",
        "version": "0",
        "labels": {
            "certainty": ["certain", "probable", "possible"],
            "kind": ["claim", "speculation", "official_statement"],
        },
        "max_length": 32,
        "temperature": 0.8,
        "score_source": "expected",
        "attribution_hint": True,
        "hint_version": 1,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


@pytest.fixture(scope="module")
def exported(tiny: Path) -> Path:
    out = tiny.with_name("tiny-v0-int8")
    export(tiny, out, keep_fp32=())
    return out


@pytest.fixture(scope="module")
def exported_fp32(tiny: Path) -> Path:
    """The same export with the whole encoder kept in float32: it must match torch closely."""
    out = tiny.with_name("tiny-v0-fp32")
    export(tiny, out, keep_fp32=["encoder."])
    return out


def test_export_writes_a_complete_folder_with_the_sources_identity(tiny: Path, exported: Path) -> None:
    assert {p.name for p in exported.iterdir()} >= {"model.int8.onnx", "tokenizer.json", "manifest.json"}
    manifest = json.loads((exported / "manifest.json").read_text())
    assert manifest["backend"] == "onnx" and manifest["variant"] == "int8"
    assert manifest["labels"] == json.loads((tiny / "manifest.json").read_text())["labels"]
    assert manifest["source"]["name"] == "tiny" and len(manifest["source"]["weights_sha256"]) == 64
    assert stale_reasons(exported, tiny) == []


def test_a_changed_source_makes_the_export_stale(tiny: Path, exported: Path, tmp_path: Path) -> None:
    source = tmp_path / "tiny-v0"
    shutil.copytree(tiny, source)
    manifest = json.loads((source / "manifest.json").read_text())
    manifest["temperature"] = 1.5
    (source / "manifest.json").write_text(json.dumps(manifest))
    assert [reason.split(":")[0] for reason in stale_reasons(exported, source)] == ["manifest_sha256"]


def assert_computes_what_torch_computes(tiny: Path, export_folder: Path) -> None:
    hints = ["official source: the ministry; cue: said", "no source", "no source", "collective source", "no source"]
    reference = ModelLabeler(tiny).outputs(TEXTS, hints)
    fast = OnnxLabeler(export_folder).outputs(TEXTS, hints)
    for key in ("certainty", "score", "kind"):
        np.testing.assert_allclose(fast[key], reference[key], atol=1e-4)


def test_the_onnx_graph_computes_what_torch_computes(tiny: Path, exported_fp32: Path) -> None:
    assert_computes_what_torch_computes(tiny, exported_fp32)


def test_the_fused_graph_computes_what_torch_computes(tiny: Path, tmp_path: Path) -> None:
    import onnx

    out = tmp_path / "tiny-v0-fused"
    export(tiny, out, keep_fp32=["encoder."], fused=True)
    nodes = onnx.load(str(out / "model.int8.onnx")).graph.node
    attentions = [node.name for node in nodes if node.op_type == "Attention"]
    assert attentions == ["/model/encoder/layer.0/attention/Attention", "/model/encoder/layer.1/attention/Attention"]
    assert_computes_what_torch_computes(tiny, out)


def test_int8_outputs_stay_close_to_torch(tiny: Path, exported: Path) -> None:
    reference = ModelLabeler(tiny).outputs(TEXTS)
    fast = OnnxLabeler(exported).outputs(TEXTS)
    assert np.abs(fast["certainty"] - reference["certainty"]).max() < 0.1
    assert not np.array_equal(fast["certainty"], reference["certainty"])  # it really is quantised


def test_both_backends_share_post_processing(tiny: Path, exported_fp32: Path) -> None:
    drafts = [d for text in TEXTS for d in draft_segments(text)]
    torch_labels = ModelLabeler(tiny).label(drafts)
    onnx_labels = OnnxLabeler(exported_fp32).label(drafts)
    assert [(x.kind, x.certainty) for x in onnx_labels] == [(x.kind, x.certainty) for x in torch_labels]
    pairs = zip(onnx_labels, torch_labels, strict=True)
    assert all(abs(x.certainty_score - y.certainty_score) <= 2e-4 for x, y in pairs)


def test_results_are_in_input_order_whatever_the_batch_size(exported_fp32: Path) -> None:
    texts = TEXTS * 3
    one = OnnxLabeler(exported_fp32, batch_size=1).outputs(texts)
    many = OnnxLabeler(exported_fp32, batch_size=4).outputs(texts)
    np.testing.assert_allclose(one["certainty"], many["certainty"], atol=1e-5)
    np.testing.assert_allclose(one["certainty"][:5], one["certainty"][5:10], atol=1e-5)


def test_the_manifest_chooses_the_backend(tiny: Path, exported: Path) -> None:
    analyzer = Analyzer(exported, attribution="rules")
    assert analyzer.labeler.name == "tiny-v0-int8"
    analysis = analyzer.analyze("The ministry said talks would resume. Prices may rise.")
    assert analysis.labeler == "tiny-v0-int8" and len(analysis.segments) == 2
    assert Analyzer(tiny, attribution="rules").labeler.name == "tiny-v0"


def test_threads_reach_the_session(exported: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert OnnxLabeler(exported, threads=1).session.get_session_options().intra_op_num_threads == 1
    monkeypatch.setenv("CLAIMMINE_THREADS", "2")
    assert OnnxLabeler(exported).session.get_session_options().intra_op_num_threads == 2
    monkeypatch.setenv("CLAIMMINE_THREADS", "many")
    with pytest.raises(ClaimmineError, match="CLAIMMINE_THREADS must be a positive integer"):
        OnnxLabeler(exported)


def test_a_torch_folder_is_not_loaded_as_onnx(tiny: Path) -> None:
    with pytest.raises(ModelFormatError, match="not an ONNX one"):
        OnnxLabeler(tiny)


def test_missing_onnxruntime_gives_a_clear_error(exported: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def refuse(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "onnxruntime" or name.startswith("onnxruntime."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "onnxruntime", raising=False)
    monkeypatch.setattr(builtins, "__import__", refuse)
    with pytest.raises(MissingDependencyError, match=r"pip install 'claimmine\[fast\]'") as error:
        OnnxLabeler(exported)
    assert isinstance(error.value, ClaimmineError) and isinstance(error.value, ImportError)
    monkeypatch.setattr("importlib.util.find_spec", lambda name, *args: None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'claimmine\[fast\]'"):
        resolve(exported)


def test_the_shipped_export_is_current() -> None:
    source, fast = shipped_model(DEFAULT_MODEL), shipped_model(FAST_MODEL)
    assert source is not None and fast is not None, "a shipped model is missing from models/"
    assert stale_reasons(fast, source) == [], "re-run python -m training.export_onnx models/claimmine-minilm-v2"


def test_the_shipped_export_labels_like_torch() -> None:
    from tests.test_shipped_model import CLEAR

    texts = [text for text, _, _ in CLEAR]
    torch_results = Analyzer(DEFAULT_MODEL, attribution="rules").analyze_batch(texts)
    fast_results = Analyzer(FAST_MODEL, attribution="rules").analyze_batch(texts)
    for torch_analysis, fast_analysis, (_, kind, certainty) in zip(torch_results, fast_results, CLEAR, strict=True):
        (a,), (b,) = torch_analysis.segments, fast_analysis.segments
        assert (b.kind.value, b.certainty.value) == (a.kind.value, a.certainty.value) == (kind, certainty)
        assert abs(a.certainty_score - b.certainty_score) < 0.05
