"""Shared fixtures for the training tests: a tiny random BERT that stands in for the base model."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from transformers import BertConfig, BertModel, BertTokenizer

from tests.vocabulary import WORDS


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny-bert")
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ",", *WORDS]
    # transformers 5 takes the vocabulary itself; a vocab_file argument is silently ignored (every word -> [UNK]).
    BertTokenizer(vocab={token: index for index, token in enumerate(tokens)}).save_pretrained(str(folder))
    config = BertConfig(
        vocab_size=len(WORDS) + 7,
        hidden_size=16,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
    )
    torch.manual_seed(0)
    BertModel(config).save_pretrained(str(folder))
    return folder


