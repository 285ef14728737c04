"""The fine-tuned transformer: its network, its folder format, and the labeler that runs it.

A model folder holds ``model.safetensors`` (fp16 weights, loaded as fp32),
the encoder's ``config.json``, the tokenizer files and ``manifest.json``
(labels, heads, temperature, training facts). Weights load with safetensors
only; nothing is unpickled. torch and transformers are imported here, so
``import claimmine`` stays light until a model is used.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer

from claimmine.errors import ModelFormatError, ModelNotFoundError
from claimmine.labeler import Draft, Labels
from claimmine.labels import CERTAIN_MIN, PROBABLE_MIN, Certainty, SegmentKind

MANIFEST_FORMAT = 1
# Commitment each certainty class stands for when the score is an expectation over classes.
ANCHORS = {Certainty.CERTAIN: 1.0, Certainty.PROBABLE: 0.62, Certainty.POSSIBLE: 0.2}
# Scores are rounded to 4 decimals so that float noise from padding never changes a result between batch sizes.
SCORE_DECIMALS = 4
BANDS = {
    Certainty.CERTAIN: (CERTAIN_MIN, 1.0),
    Certainty.PROBABLE: (PROBABLE_MIN, CERTAIN_MIN - 10**-SCORE_DECIMALS),
    Certainty.POSSIBLE: (0.0, PROBABLE_MIN - 10**-SCORE_DECIMALS),
}


class ClaimModel(nn.Module):
    """A BERT encoder, mean-pooled, with a 3-class certainty head, a score head and an optional kind head."""

    def __init__(self, config: BertConfig, *, kind_head: bool) -> None:
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        hidden = config.hidden_size
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.certainty = nn.Linear(hidden, len(Certainty))
        self.score = nn.Linear(hidden, 1)
        self.kind = nn.Linear(hidden, len(SegmentKind)) if kind_head else None

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> dict[str, torch.Tensor]:
        """Return ``certainty`` logits, ``score`` in (0, 1) and, with a kind head, ``kind`` logits."""
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = self.dropout((hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0))
        outputs = {
            "certainty": self.certainty(pooled),
            "score": torch.sigmoid(self.score(pooled)).squeeze(-1),
        }
        if self.kind is not None:
            outputs["kind"] = self.kind(pooled)
        return outputs


@dataclass(frozen=True)
class Manifest:
    """What a model folder says about itself; checked against the code's enums on load."""

    name: str
    version: str
    certainty_labels: tuple[str, ...]
    kind_labels: tuple[str, ...] | None
    temperature: float
    score_source: str
    max_length: int
    attribution_hint: bool
    raw: dict[str, Any]

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        """Read and check ``folder/manifest.json``."""
        path = folder / "manifest.json"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelFormatError(f"{folder} has no manifest.json; is it a claimmine model folder?") from None
        except json.JSONDecodeError as error:
            raise ModelFormatError(f"{path} is not valid JSON: {error}") from None
        if raw.get("format") != MANIFEST_FORMAT:
            raise ModelFormatError(f"{path} has format {raw.get('format')!r}; this claimmine reads {MANIFEST_FORMAT}")
        labels = raw.get("labels", {})
        certainty = tuple(labels.get("certainty", ()))
        kind = tuple(labels["kind"]) if labels.get("kind") else None
        if certainty != tuple(c.value for c in Certainty):
            raise ModelFormatError(f"{path}: certainty labels {certainty} do not match {[c.value for c in Certainty]}")
        if kind is not None and kind != tuple(k.value for k in SegmentKind):
            raise ModelFormatError(f"{path}: kind labels {kind} do not match {[k.value for k in SegmentKind]}")
        if raw.get("score_source") not in ("expected", "regression", "blend"):
            raise ModelFormatError(f"{path}: unknown score_source {raw.get('score_source')!r}")
        return cls(
            name=str(raw["name"]),
            version=str(raw["version"]),
            certainty_labels=certainty,
            kind_labels=kind,
            temperature=float(raw.get("temperature", 1.0)),
            score_source=str(raw["score_source"]),
            max_length=int(raw.get("max_length", 128)),
            attribution_hint=bool(raw.get("attribution_hint", False)),
            raw=raw,
        )


def load_model(folder: Path) -> tuple[ClaimModel, BertTokenizer, Manifest]:
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
    config = BertConfig.from_json_file(str(folder / "config.json"))
    model = ClaimModel(config, kind_head=manifest.kind_labels is not None)
    state = {key: tensor.float() for key, tensor in load_file(str(weights)).items()}
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as error:
        raise ModelFormatError(f"{weights} does not fit the model its manifest describes: {error}") from None
    model.eval()
    tokenizer = BertTokenizer.from_pretrained(str(folder), local_files_only=True)
    return model, tokenizer, manifest


def certainty_score(probabilities: Sequence[float], regression: float, source: str) -> tuple[Certainty, float]:
    """Turn calibrated class probabilities (and the score head) into a label and a score in its band.

    The label is the most probable class; the score is an expectation of
    commitment, kept inside the label's band so that label and score agree.

    >>> label, score = certainty_score([0.1, 0.7, 0.2], 0.6, "expected")
    >>> label.value, round(score, 3)
    ('probable', 0.574)
    >>> certainty_score([0.49, 0.51, 0.0], 0.0, "expected")[1]
    0.7999
    """
    classes = list(Certainty)
    label = classes[max(range(len(classes)), key=lambda i: probabilities[i])]
    expected = sum(p * ANCHORS[c] for p, c in zip(probabilities, classes, strict=True))
    raw = {"expected": expected, "regression": regression, "blend": (expected + regression) / 2}[source]
    low, high = BANDS[label]
    return label, round(min(max(raw, low), high), SCORE_DECIMALS)


def attribution_hint(draft: Draft) -> str:
    """Describe the rules' view of a draft in words, as a second input to the model.

    The hint names the attribution (who, their type, the cue) and the hedge and
    speculation-frame cues that the lexicon found, with the certainty each signals.

    >>> from claimmine.analyzer import draft_segments
    >>> attribution_hint(draft_segments("The ministry said it would rain.")[0])
    'official source: The ministry; cue: said'
    >>> attribution_hint(draft_segments("There are fears that it may rain.")[0])
    'no source; hedges: There are fears (possible), may (possible)'
    """
    attribution = draft.attribution
    if attribution is None:
        hint = "no source"
    else:
        named = attribution.resolved or (attribution.source.text if attribution.source else "none")
        who = " ".join(named.split()[:12])
        kind = attribution.source_type.value if attribution.source_type else "unnamed"
        cue = attribution.cue.text if attribution.cue else ""
        hint = f"{kind} source: {who}; cue: {cue}" + ("; direct quote" if attribution.direct else "")
    hedges = [f"{c.text} ({c.certainty.value})" for c in draft.rules.cues if c.certainty is not None][:6]
    return hint + ("; hedges: " + ", ".join(hedges) if hedges else "")


class ModelLabeler:
    """Labels drafts with a fine-tuned model; kind comes from the rules when the model has no kind head."""

    def __init__(self, folder: Path, *, batch_size: int = 64, threads: int | None = None) -> None:
        if threads is not None:
            torch.set_num_threads(threads)
        self.folder = folder
        self.model, self.tokenizer, self.manifest = load_model(folder)
        self.batch_size = batch_size

    @property
    def name(self) -> str:
        """The model's name and version, e.g. ``claimmine-minilm-v1``."""
        return f"{self.manifest.name}-v{self.manifest.version}"

    def predict(self, texts: Sequence[str], hints: Sequence[str] | None = None) -> dict[str, torch.Tensor]:
        """Return the raw outputs (uncalibrated logits, score, kind logits) for ``texts``, in input order.

        ``hints`` (one per text) are the attribution hints of :func:`attribution_hint`, for models trained
        with them. Texts run in batches sorted by length, so results do not depend on batch size.
        """
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        parts: dict[str, list[torch.Tensor]] = {}
        for begin in range(0, len(order), self.batch_size):
            chunk = order[begin : begin + self.batch_size]
            pair = [hints[i] for i in chunk] if hints is not None else None
            encoded = self.tokenizer(
                [texts[i] for i in chunk],
                pair,
                padding=True,
                truncation=True,
                max_length=self.manifest.max_length,
                return_tensors="pt",
            )
            with torch.inference_mode():
                outputs = self.model(encoded["input_ids"], encoded["attention_mask"])
            for key, value in outputs.items():
                parts.setdefault(key, []).append(value)
        inverse = torch.empty(len(order), dtype=torch.long)
        inverse[torch.tensor(order, dtype=torch.long)] = torch.arange(len(order))
        return {key: torch.cat(values)[inverse] for key, values in parts.items()}

    def predict_drafts(self, drafts: Sequence[Draft]) -> dict[str, torch.Tensor]:
        """Return the raw outputs for drafted segments, with attribution hints where the model uses them."""
        hints = [attribution_hint(d) for d in drafts] if self.manifest.attribution_hint else None
        return self.predict([d.text for d in drafts], hints)

    def label(self, drafts: Sequence[Draft]) -> list[Labels]:
        """Label every draft, in input order."""
        if not drafts:
            return []
        outputs = self.predict_drafts(drafts)
        probabilities = torch.softmax(outputs["certainty"] / self.manifest.temperature, dim=-1).tolist()
        regression = outputs["score"].tolist()
        kinds = outputs["kind"].argmax(-1).tolist() if "kind" in outputs else None
        labels = []
        for i, draft in enumerate(drafts):
            certainty, score = certainty_score(probabilities[i], regression[i], self.manifest.score_source)
            kind = list(SegmentKind)[kinds[i]] if kinds is not None else draft.rules.kind
            labels.append(Labels(kind, certainty, score))
        return labels
