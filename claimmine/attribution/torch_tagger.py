"""The learned attribution tagger on torch: a BERT encoder with one BIO tag per token over source, cue and content.

A tagger folder holds ``model.safetensors`` (fp16, loaded as fp32), the
encoder's ``config.json``, the tokenizer and ``manifest.json`` (``"task":
"attribution-tagger"`` and its tag list, checked against :data:`TAGS`).
Tokenising, windows and their votes are :mod:`claimmine.attribution.tagging`'s, shared
with the int8 ONNX backend. torch is imported here only; transformers only
when training builds the network from a transformers config.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import torch
from safetensors.torch import load_file
from torch import nn

from claimmine.attribution.relations import TAGS
from claimmine.attribution.tagging import TAGGER_FORMAT, TAGGER_TASK, TaggerManifest, WindowedTagger, token_windows
from claimmine.errors import ModelFormatError, ModelNotFoundError
from claimmine.labeling.encoder import EncoderConfig, build_encoder
from claimmine.labeling.inference import Array

if TYPE_CHECKING:
    from transformers import BertConfig

__all__ = ["TAGGER_FORMAT", "TAGGER_TASK", "AttributionTagger", "TaggerNetwork", "token_windows"]


class TaggerNetwork(nn.Module):
    """A BERT encoder with a linear tag head over every token.

    A transformers ``BertConfig`` builds transformers' ``BertModel`` (for training); an
    :class:`~claimmine.labeling.encoder.EncoderConfig` builds the plain-torch encoder with the same parameters (for
    inference, so that attribution never imports transformers).
    """

    def __init__(self, config: BertConfig | EncoderConfig) -> None:
        super().__init__()
        self.encoder = build_encoder(config)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.tags = nn.Linear(config.hidden_size, len(TAGS))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Return tag logits of shape (batch, tokens, tags)."""
        encoded = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        hidden = encoded if isinstance(encoded, torch.Tensor) else encoded.last_hidden_state
        logits: torch.Tensor = self.tags(self.dropout(hidden))
        return logits


class AttributionTagger(WindowedTagger):
    """Finds attribution relations in a text with a fine-tuned tagger on torch.

    >>> from claimmine.attribution.attributors import shipped_tagger
    >>> folder = shipped_tagger()
    >>> relations = AttributionTagger(folder).relations("The ministry said talks would resume.") if folder else []
    >>> folder is None or relations[0].cue == (13, 17)
    True
    """

    def __init__(self, folder: Path, *, batch_size: int = 16) -> None:
        if not (folder / "model.safetensors").is_file():
            raise ModelNotFoundError(f"no tagger weights at {folder / 'model.safetensors'}")
        manifest = TaggerManifest.read(folder)
        if manifest.backend != "torch":
            raise ModelFormatError(f"{folder} holds a {manifest.backend} tagger, not a torch one")
        self.network = TaggerNetwork(EncoderConfig.read(folder / "config.json"))
        state = {key: tensor.float() for key, tensor in load_file(str(folder / "model.safetensors")).items()}
        try:
            self.network.load_state_dict(state, strict=True)
        except RuntimeError as error:
            raise ModelFormatError(f"{folder} weights do not fit a tagger network: {error}") from None
        self.network.eval()
        super().__init__(folder, manifest, batch_size=batch_size)

    def run_batch(self, input_ids: Array, attention_mask: Array) -> Array:
        """Run one padded batch of windows under ``torch.inference_mode``."""
        with torch.inference_mode():
            logits: torch.Tensor = self.network(torch.from_numpy(input_ids), torch.from_numpy(attention_mask))
        return logits.numpy()
