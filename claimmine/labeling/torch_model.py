"""The fine-tuned transformer on torch: its network, loading a model folder, and the labeler that runs it.

A model folder holds ``model.safetensors`` (fp16 weights, loaded as fp32),
the encoder's ``config.json``, the tokenizer files and ``manifest.json``
(labels, heads, temperature, training facts). Weights load with safetensors
only; nothing is unpickled. torch is imported here (transformers only when
training builds a model), so ``import claimmine`` stays light until a model
is used. Tokenisation,
batching and the step from outputs to labels are shared with the onnxruntime
backend (:mod:`claimmine.labeling.inference`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import torch
from safetensors.torch import load_file
from torch import nn

from claimmine.errors import ModelFormatError, ModelNotFoundError
from claimmine.labeling.encoder import EncoderConfig, build_encoder
from claimmine.labeling.inference import (
    ANCHORS,
    BANDS,
    MANIFEST_FORMAT,
    SCORE_DECIMALS,
    Array,
    BatchedLabeler,
    Manifest,
    Outputs,
    certainty_score,
    thread_count,
)
from claimmine.labeling.labeler import Draft
from claimmine.types import Certainty, SegmentKind

if TYPE_CHECKING:
    from transformers import BertConfig

# Re-exported: training code and older callers import these from here.
__all__ = [
    "ANCHORS",
    "BANDS",
    "MANIFEST_FORMAT",
    "SCORE_DECIMALS",
    "ClaimModel",
    "Manifest",
    "ModelLabeler",
    "certainty_score",
    "load_model",
]


class ClaimModel(nn.Module):
    """A BERT encoder, mean-pooled, with a 3-class certainty head, a score head and an optional kind head.

    A transformers ``BertConfig`` builds transformers' ``BertModel`` (for training); an
    :class:`~claimmine.labeling.encoder.EncoderConfig` builds the plain-torch encoder with the same parameters (for
    inference, without importing transformers).
    """

    def __init__(self, config: BertConfig | EncoderConfig, *, kind_head: bool) -> None:
        super().__init__()
        self.encoder = build_encoder(config)
        hidden = config.hidden_size
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.certainty = nn.Linear(hidden, len(Certainty))
        self.score = nn.Linear(hidden, 1)
        self.kind = nn.Linear(hidden, len(SegmentKind)) if kind_head else None

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> dict[str, torch.Tensor]:
        """Return ``certainty`` logits, ``score`` in (0, 1) and, with a kind head, ``kind`` logits."""
        encoded = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        hidden = encoded if isinstance(encoded, torch.Tensor) else encoded.last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = self.dropout((hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0))
        outputs = {
            "certainty": self.certainty(pooled),
            "score": torch.sigmoid(self.score(pooled)).squeeze(-1),
        }
        if self.kind is not None:
            outputs["kind"] = self.kind(pooled)
        return outputs


def load_model(folder: Path) -> tuple[ClaimModel, Manifest]:
    """Load a model folder for inference (fp32, eval mode).

    Raises :class:`ModelNotFoundError` when the folder or its weights are
    missing and :class:`ModelFormatError` when its files do not fit.
    """
    if not folder.is_dir():
        raise ModelNotFoundError(f"no model folder at {folder}; pass a folder made by `python -m training.train`")
    weights = folder / "model.safetensors"
    if not weights.is_file():
        raise ModelNotFoundError(f"{folder} has no model.safetensors")
    manifest = Manifest.read(folder)
    if manifest.backend != "torch":
        raise ModelFormatError(f"{folder} holds a {manifest.backend} model; load it with claimmine.loading.resolve")
    config = EncoderConfig.read(folder / "config.json")
    # Built on the CPU: a meta-device build would skip the random initialisation but imports torch._dynamo (seconds).
    model = ClaimModel(config, kind_head=manifest.kind_labels is not None)
    state = {key: tensor.float() for key, tensor in load_file(str(weights)).items()}
    try:
        model.load_state_dict(state, strict=True, assign=True)
    except RuntimeError as error:
        raise ModelFormatError(f"{weights} does not fit the model its manifest describes: {error}") from None
    model.eval()
    return model, manifest


class ModelLabeler(BatchedLabeler):
    """Labels drafts with a fine-tuned model on torch; kind comes from the rules when the model has no kind head.

    ``threads`` (else ``CLAIMMINE_THREADS``) sets torch's intra-op threads, which is a process-wide setting.
    """

    def __init__(self, folder: Path, *, batch_size: int = 64, threads: int | None = None) -> None:
        threads = thread_count(threads)
        if threads is not None:
            torch.set_num_threads(threads)
        self.model, manifest = load_model(folder)
        super().__init__(folder, manifest, batch_size=batch_size)

    def run_batch(self, input_ids: Array, attention_mask: Array) -> Outputs:
        """Run one padded batch under ``torch.inference_mode``."""
        with torch.inference_mode():
            outputs = self.model(torch.from_numpy(input_ids), torch.from_numpy(attention_mask))
        return {key: value.numpy() for key, value in outputs.items()}

    def predict(self, texts: Sequence[str], hints: Sequence[str] | None = None) -> dict[str, torch.Tensor]:
        """Return the raw outputs (uncalibrated logits, score, kind logits) for ``texts`` as tensors, in input order.

        ``hints`` (one per text) are the attribution hints of :func:`~claimmine.labeling.labeler.rule_hint`,
        for models trained with them. Texts run in batches sorted by length, so results do not depend on batch size.
        """
        return {key: torch.from_numpy(value) for key, value in self.outputs(texts, hints).items()}

    def predict_drafts(self, drafts: Sequence[Draft]) -> dict[str, torch.Tensor]:
        """Return the raw outputs for drafted segments as tensors, with attribution hints where the model uses them."""
        return {key: torch.from_numpy(value) for key, value in self.draft_outputs(drafts).items()}


