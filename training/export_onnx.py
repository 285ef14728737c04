"""Export a claimmine model folder to ONNX and quantise it to int8 for the fast runtime.

``python -m training.export_onnx models/claimmine-minilm-v2 -o models/claimmine-minilm-v3-int8``
(or an attribution tagger folder: ``models/claimmine-attribution-v1``) writes
``model.int8.onnx``, the tokenizer files, a ``manifest.json`` (the
source's labels, temperature and heads, ``"backend": "onnx"``, and the
source's name, version and SHA-256 hashes of its weights and manifest, so a
stale export is detected) and a short ``MODEL_CARD.md``.

The network is exported with torch's TorchScript exporter
(``torch.onnx.export(dynamo=False)``, deprecated in torch 2.13) with dynamic
batch and sequence axes, from claimmine's plain-torch encoder. Then
``onnxruntime.quantization.quantize_dynamic`` quantises the weight matrix
multiplications to int8, per output channel; activations are quantised per
batch at run time. ``--keep-fp32 PATTERN`` leaves the matrix
multiplications and embedding tables of matching modules (e.g. ``layer.0.``)
in float32.

Why this exporter and no fusion (``benchmarks/onnx_speed.py``, model alone,
one thread, median of 5 alternating rounds): the int8 graph from
TorchScript ran at 184 sentences/s, the one from ``dynamo=True`` at 167, and
the TorchScript graph fused by onnxruntime's BERT optimizer (``--fuse``: one
``Attention`` node per layer, layer norms and GELUs joined with their
residuals and biases) at 168: onnxruntime's own run-time fusions of the int8
products already do that work.

``--check EXPORT`` only tells whether an existing export still matches the
source folder (exit status 1 when stale).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import sys
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from claimmine.attribution.tagging import TAGGER_TASK
from claimmine.labeling.inference import Manifest, read_manifest
from claimmine.labeling.onnx_model import OnnxLabeler
from claimmine.labeling.torch_model import ClaimModel, ModelLabeler, load_model
from claimmine.loading import FAST_MODEL

ONNX_FILE = "model.int8.onnx"
OPSET = 18
COPIED = ("tokenizer.json", "tokenizer_config.json")
# The first encoder layer stays float32: with every layer in int8 the shipped model agreed with torch on 98.4% of
# the news dev segments, with layer 0 in float32 on 99.0% (the model card's section "Fast runtime").
KEEP_FP32 = ("layer.0.",)
CHECK_TEXTS = (
    ("The ministry said talks would resume on Monday.", "official source: The ministry; cue: said"),
    ("Analysts expect prices may rise further next year.", "no source; hedges: expect (probable), may (possible)"),
    ("It rained.", "no source"),
)


class _Outputs(torch.nn.Module):
    """The model with its outputs as a tuple in a fixed order, as ONNX needs."""

    def __init__(self, model: ClaimModel) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, ...]:
        outputs = self.model(input_ids, attention_mask)
        return tuple(outputs[name] for name in ("certainty", "score", "kind") if name in outputs)


def sha256(path: Path) -> str:
    """Return the hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def source_facts(source: Path) -> dict[str, str]:
    """Return what identifies the source model: its name, version and the hashes of its weights and manifest."""
    raw = read_manifest(source, "model")
    return {
        "folder": source.name,
        "name": str(raw.get("name")),
        "version": str(raw.get("version")),
        "weights_sha256": sha256(source / "model.safetensors"),
        "manifest_sha256": sha256(source / "manifest.json"),
    }


def stale_reasons(export: Path, source: Path) -> list[str]:
    """Return why ``export`` no longer matches ``source`` (empty when it is current)."""
    recorded = Manifest.read(export).raw.get("source", {})
    current = source_facts(source)
    return [
        f"{key}: export has {recorded.get(key)!r}, source has {value!r}"
        for key, value in current.items()
        if key != "folder" and recorded.get(key) != value
    ]


def export_fp32(model: ClaimModel, path: Path, *, fused: bool = False) -> None:
    """Write ``model`` as a float32 ONNX graph with dynamic batch and sequence axes; ``fused`` runs :func:`fuse`."""
    wrapped = _Outputs(model).eval()
    names = ["certainty", "score", "kind"][: 3 if model.kind is not None else 2]
    # Example shapes other than 1 keep the exporter from specialising the axes.
    config: Any = model.encoder.config  # an EncoderConfig or a transformers BertConfig
    input_ids = torch.full((3, 17), min(1000, config.vocab_size - 1), dtype=torch.long)
    attention_mask = torch.ones_like(input_ids)
    axes = {0: "batch", 1: "sequence"}
    with tempfile.TemporaryDirectory() as scratch, warnings.catch_warnings():
        # The exporter's deprecation notes say nothing about this graph.
        warnings.simplefilter("ignore")
        traced = Path(scratch) / "traced.onnx"
        torch.onnx.export(
            wrapped,
            (input_ids, attention_mask),
            str(traced),
            input_names=["input_ids", "attention_mask"],
            output_names=names,
            dynamic_axes={"input_ids": axes, "attention_mask": axes},
            opset_version=OPSET,
            dynamo=False,
        )
        if fused:
            fuse(traced, model, path)
        else:
            shutil.copyfile(traced, path)


def fuse(traced: Path, model: ClaimModel, out: Path) -> None:
    """Fuse a traced BERT graph with onnxruntime's optimizer into ``out``; each ``Attention`` is named after its layer.

    Only the TorchScript exporter's graph matches the optimizer's attention patterns. Raises :class:`ValueError`
    when not every layer's attention was fused.
    """
    from onnxruntime.transformers.optimizer import optimize_model

    config: Any = model.encoder.config  # an EncoderConfig or a transformers BertConfig
    heads, width, layers = config.num_attention_heads, config.hidden_size, config.num_hidden_layers
    optimized = optimize_model(str(traced), model_type="bert", num_heads=heads, hidden_size=width, opt_level=0)
    nodes = optimized.model.graph.node
    attentions = [node for node in nodes if node.op_type == "Attention"]
    if len(attentions) != layers:
        raise ValueError(f"the optimizer fused {len(attentions)} attention blocks of {layers} layers")
    consumers = {name: node for node in nodes for name in node.input}
    for node in attentions:
        # Its output feeds the layer's output projection, whose name holds the layer (/model/encoder/layer.3/...).
        layer = re.match(r".*?/layer\.\d+/", consumers[node.output[0]].name)
        if layer is None:
            raise ValueError(f"cannot tell the layer of {node.name}")
        node.name = f"{layer.group()}attention/Attention"
    optimized.save_model_to_file(str(out))


def quantize(fp32: Path, out: Path, keep_fp32: Sequence[str] = ()) -> list[str]:
    """Quantise ``fp32``'s weight matrix multiplications and embedding tables to int8 per channel.

    Returns the nodes left in float32 (those whose name contains one of ``keep_fp32``).
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(fp32)).graph
    nodes = [n.name for n in graph.node if n.op_type in ("MatMul", "Attention", "Gather")]
    # Node names are module paths with slashes (/model/encoder/layer.0/...); patterns use dots (layer.0.).
    kept = [name for name in nodes if any(pattern in name.replace("/", ".") for pattern in keep_fp32)]
    # The heads (Gemm on the pooled vector) are a rounding error of the work; they stay float32.
    # The quantiser first rewrites a Gemm as a MatMul named after it, hence both names.
    heads = [name for n in graph.node if n.op_type == "Gemm" for name in (n.name, f"{n.name}_MatMul")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        quantize_dynamic(
            str(fp32),
            str(out),
            per_channel=True,
            weight_type=QuantType.QInt8,
            op_types_to_quantize=["MatMul", "Attention", "Gather"],
            nodes_to_exclude=kept + heads,
            # Activation x activation products stay float; the fused nodes have no inferred types, so say them.
            extra_options={"MatMulConstBOnly": True, "DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    return kept


def export(source: Path, out: Path, *, keep_fp32: Sequence[str] = (), fused: bool = False) -> dict[str, Any]:
    """Export and quantise the model folder ``source`` into ``out``; return the written manifest."""
    model, manifest = load_model(source)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        fp32 = Path(scratch) / "model.onnx"
        export_fp32(model, fp32, fused=fused)
        kept = quantize(fp32, out / ONNX_FILE, keep_fp32)
    for name in COPIED:
        if (source / name).is_file():
            shutil.copyfile(source / name, out / name)
    raw = dict(manifest.raw)
    raw.update(backend="onnx", variant="int8", onnx=_onnx_facts(keep_fp32, kept, fused), source=source_facts(source))
    _write_manifest(out, raw)
    return raw


def export_tagger(source: Path, out: Path, *, keep_fp32: Sequence[str] = ()) -> dict[str, Any]:
    """Export and quantise the attribution tagger folder ``source`` into ``out``; return the written manifest."""
    from claimmine.attribution.torch_tagger import AttributionTagger

    tagger = AttributionTagger(source)
    out.mkdir(parents=True, exist_ok=True)
    config: Any = tagger.network.encoder.config
    input_ids = torch.full((3, 17), min(1000, config.vocab_size - 1), dtype=torch.long)
    axes = {0: "batch", 1: "sequence"}
    with tempfile.TemporaryDirectory() as scratch, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fp32 = Path(scratch) / "tagger.onnx"
        torch.onnx.export(
            tagger.network.eval(),
            (input_ids, torch.ones_like(input_ids)),
            str(fp32),
            input_names=["input_ids", "attention_mask"],
            output_names=["tags"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "tags": axes},
            opset_version=OPSET,
            dynamo=False,
        )
        kept = quantize(fp32, out / ONNX_FILE, keep_fp32)
    for name in COPIED:
        if (source / name).is_file():
            shutil.copyfile(source / name, out / name)
    raw = dict(tagger.manifest.raw)
    raw.update(backend="onnx", variant="int8", onnx=_onnx_facts(keep_fp32, kept, False), source=source_facts(source))
    _write_manifest(out, raw)
    return raw


def _onnx_facts(keep_fp32: Sequence[str], kept: Sequence[str], fused: bool) -> dict[str, Any]:
    return {
        "file": ONNX_FILE,
        "opset": OPSET,
        "exporter": f"torch.onnx.export(dynamo=False), torch {torch.__version__}",
        "fusion": "onnxruntime.transformers.optimizer (bert): Attention, SkipLayerNormalization, BiasGelu"
        if fused
        else "none",
        "quantization": {
            "method": "onnxruntime.quantization.quantize_dynamic",
            "weights": "int8, symmetric, per output channel",
            "activations": "uint8, asymmetric, per tensor, computed per batch at run time",
            "ops": ["MatMul with constant weights", "Attention (its weights)", "Gather (the embedding tables)"],
            "kept_fp32": "the heads, and the patterns below",
            "kept_fp32_patterns": list(keep_fp32),
            "kept_fp32_nodes": len(kept),
        },
    }


def _write_manifest(out: Path, raw: dict[str, Any]) -> None:
    (out / "manifest.json").write_text(json.dumps(raw, indent=2) + "\n", encoding="utf-8")
    (out / "MODEL_CARD.md").write_text(_card(raw), encoding="utf-8")


def check_outputs(source: Path, out: Path) -> float:
    """Return the largest absolute difference between the two models' certainty logits on a few sentences."""
    texts = [t for t, _ in CHECK_TEXTS]
    hints = [h for _, h in CHECK_TEXTS]
    if not Manifest.read(source).attribution_hint:
        hints = []
    torch_out = ModelLabeler(source).outputs(texts, hints or None)
    onnx_out = OnnxLabeler(out).outputs(texts, hints or None)
    return float(np.abs(torch_out["certainty"] - onnx_out["certainty"]).max())


def _card(raw: dict[str, Any]) -> str:
    source = raw["source"]
    quantization = raw["onnx"]["quantization"]
    kept = ", ".join(f"`{p}`" for p in quantization["kept_fp32_patterns"]) or "none"
    name = f"{source['folder']}-int8"
    tagger = raw.get("task") == "attribution-tagger"
    use = f'Analyzer("{FAST_MODEL}", attribution="{name}")' if tagger else f'Analyzer("{name}")'
    section = "*Fast runtime (ONNX int8)*" if not tagger else "*Fast path (int8)*"
    return (
        f"# {name}\n\n"
        f"The int8 ONNX export of [{source['folder']}](../{source['folder']}/MODEL_CARD.md), for claimmine's fast "
        f"runtime (`pip install 'claimmine[fast]'`, then `{use}`). Intended use, training data, figures and failure "
        f"cases are the source model's; its model card's section {section} gives this export's agreement with the "
        "source.\n\n"
        f"- Made by `python -m training.export_onnx models/{source['folder']} -o models/{name}`.\n"
        f"- Weights: int8 per output channel for the encoder's matrix multiplications with constant weights and "
        f"its embedding tables; the heads and {kept} stay float32. Activations are quantised per batch at run "
        "time, so a label can change with the other texts in its batch when the model is close to a tie.\n"
        f"- Source: {source['name']} v{source['version']}, weights SHA-256 `{source['weights_sha256'][:16]}...`; "
        "`python -m training.export_onnx --check` tells whether the export is stale.\n"
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Export (or with ``--check``, check) an int8 ONNX copy of a model folder."""
    parser = argparse.ArgumentParser(prog="python -m training.export_onnx", description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="a torch model folder, e.g. models/claimmine-minilm-v1")
    parser.add_argument("-o", "--out", type=Path, help="the folder to write (default: SOURCE-int8)")
    parser.add_argument(
        "--keep-fp32",
        action="append",
        metavar="PATTERN",
        help="leave the weights of modules whose name contains PATTERN in float32 (repeatable; "
        f"default: {' '.join(KEEP_FP32)}; 'none' quantises them all)",
    )
    parser.add_argument(
        "--fuse", action="store_true", help="fuse attention and layer norms with onnxruntime's BERT optimizer"
    )
    parser.add_argument("--check", action="store_true", help="only check that OUT matches SOURCE")
    args = parser.parse_args(argv)
    out = args.out or args.source.with_name(args.source.name + "-int8")
    if args.check:
        reasons = stale_reasons(out, args.source)
        print(f"{out} is stale:\n  " + "\n  ".join(reasons) if reasons else f"{out} matches {args.source}")
        sys.exit(1 if reasons else 0)
    keep = [p for p in (args.keep_fp32 or KEEP_FP32) if p != "none"]
    if read_manifest(args.source, "model").get("task") == TAGGER_TASK:
        export_tagger(args.source, out, keep_fp32=keep)
        print(f"wrote {out / ONNX_FILE} ({(out / ONNX_FILE).stat().st_size / 2**20:.1f} MiB)")
        return
    export(args.source, out, keep_fp32=keep, fused=args.fuse)
    size = (out / ONNX_FILE).stat().st_size / 2**20
    print(f"wrote {out / ONNX_FILE} ({size:.1f} MiB)")
    difference = check_outputs(args.source, out)
    print(f"largest certainty-logit difference from torch on {len(CHECK_TEXTS)} sentences: {difference:.4f}")


if __name__ == "__main__":
    main()
