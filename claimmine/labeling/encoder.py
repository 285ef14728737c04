"""A BERT encoder for inference in plain torch, so that running a model does not import transformers.

It computes what ``transformers.BertModel`` (absolute positions, GELU, no
pooler) computes, with the same parameter names, so a model folder trained
with transformers loads into it unchanged. Importing transformers costs
seconds; this keeps the torch path's first result fast. Training still builds
the transformers model (:class:`claimmine.labeling.torch_model.ClaimModel` takes either).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import torch
from torch import nn

from claimmine.errors import ModelFormatError

if TYPE_CHECKING:
    from transformers import BertConfig


@dataclass(frozen=True)
class EncoderConfig:
    """The fields of a BERT ``config.json`` that inference needs."""

    vocab_size: int
    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    intermediate_size: int
    max_position_embeddings: int
    type_vocab_size: int = 2
    layer_norm_eps: float = 1e-12
    hidden_dropout_prob: float = 0.1

    @classmethod
    def read(cls, path: Path) -> EncoderConfig:
        """Read a BERT ``config.json``, refusing settings this encoder does not implement."""
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("hidden_act", "gelu") != "gelu" or raw.get("position_embedding_type", "absolute") != "absolute":
            raise ModelFormatError(f"{path}: only BERT with GELU and absolute positions is supported")
        try:
            return cls(**{name: raw[name] for name in cls.__dataclass_fields__ if name in raw})
        except TypeError as error:
            raise ModelFormatError(f"{path} lacks BERT settings: {error}") from None


class _Embeddings(nn.Module):
    def __init__(self, config: EncoderConfig) -> None:
        super().__init__()
        self.word_embeddings = nn.Embedding(config.vocab_size, config.hidden_size)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, config.hidden_size)
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)
        # The models are run without token type ids, which BERT then takes as all zero.
        words: torch.Tensor = self.word_embeddings(input_ids)
        summed = words + self.position_embeddings(positions) + self.token_type_embeddings.weight[0]
        normed: torch.Tensor = self.LayerNorm(summed)
        return normed


class _SelfAttention(nn.Module):
    def __init__(self, config: EncoderConfig) -> None:
        super().__init__()
        self.heads = config.num_attention_heads
        self.query = nn.Linear(config.hidden_size, config.hidden_size)
        self.key = nn.Linear(config.hidden_size, config.hidden_size)
        self.value = nn.Linear(config.hidden_size, config.hidden_size)

    def forward(self, hidden: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        batch, length, width = hidden.shape
        size = width // self.heads

        def split(x: torch.Tensor) -> torch.Tensor:
            return x.view(batch, length, self.heads, size).transpose(1, 2)

        query, key, value = split(self.query(hidden)), split(self.key(hidden)), split(self.value(hidden))
        scores = query @ key.transpose(-1, -2) / math.sqrt(size) + bias
        context = torch.softmax(scores, dim=-1) @ value
        return context.transpose(1, 2).reshape(batch, length, width)


class _Output(nn.Module):
    def __init__(self, inner: int, config: EncoderConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(inner, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, hidden: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        normed: torch.Tensor = self.LayerNorm(self.dense(hidden) + residual)
        return normed


class _Attention(nn.Module):
    def __init__(self, config: EncoderConfig) -> None:
        super().__init__()
        self.self = _SelfAttention(config)
        self.output = _Output(config.hidden_size, config)


class _Intermediate(nn.Module):
    def __init__(self, config: EncoderConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.intermediate_size)


class _Layer(nn.Module):
    def __init__(self, config: EncoderConfig) -> None:
        super().__init__()
        self.attention = _Attention(config)
        self.intermediate = _Intermediate(config)
        self.output = _Output(config.intermediate_size, config)

    def forward(self, hidden: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        attended = self.attention.output(self.attention.self(hidden, bias), hidden)
        inner = nn.functional.gelu(self.intermediate.dense(attended))
        output: torch.Tensor = self.output(inner, attended)
        return output


class _Stack(nn.Module):
    def __init__(self, config: EncoderConfig) -> None:
        super().__init__()
        self.layer = nn.ModuleList(_Layer(config) for _ in range(config.num_hidden_layers))


class Encoder(nn.Module):
    """BERT's embeddings and layers; returns the last hidden states, shape (batch, tokens, hidden)."""

    def __init__(self, config: EncoderConfig) -> None:
        super().__init__()
        self.config = config
        self.embeddings = _Embeddings(config)
        self.encoder = _Stack(config)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Encode a padded batch; padding keys get no attention."""
        hidden: torch.Tensor = self.embeddings(input_ids)
        # Added to the attention scores: 0 for real tokens, the lowest float for padding.
        bias = (1.0 - attention_mask[:, None, None, :].to(hidden.dtype)) * torch.finfo(hidden.dtype).min
        for layer in self.encoder.layer:
            hidden = layer(hidden, bias)
        return hidden


def build_encoder(config: BertConfig | EncoderConfig) -> nn.Module:
    """The plain-torch :class:`Encoder` for an :class:`EncoderConfig` (running), else transformers' BertModel
    without its pooler (training), with the same parameter names either way."""
    if isinstance(config, EncoderConfig):
        return Encoder(config)
    from transformers import BertModel

    return BertModel(config, add_pooling_layer=False)
