"""The learned attribution tagger: a BERT encoder with one BIO tag per token over source, cue and content.

A tagger folder holds ``model.safetensors`` (fp16, loaded as fp32), the
encoder's ``config.json``, the tokenizer and ``manifest.json`` (``"task":
"attribution-tagger"`` and its tag list, checked against :data:`TAGS`). A text
longer than one window is read in overlapping windows; each token keeps the
tags of the window where it sits farthest from an edge, so every token sees
context on both sides. torch is imported here only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
from safetensors.torch import load_file
from torch import nn

from claimmine.encoder import Encoder, EncoderConfig
from claimmine.errors import ModelFormatError, ModelNotFoundError
from claimmine.inference import MAX_POSITIONS, ManifestFields, read_manifest, tokenizable
from claimmine.relations import TAGS, Grouped, group, spans_from_tags

if TYPE_CHECKING:
    from tokenizers import Tokenizer
    from transformers import BertConfig

TAGGER_FORMAT = 1
TAGGER_TASK = "attribution-tagger"


class TaggerNetwork(nn.Module):
    """A BERT encoder with a linear tag head over every token.

    A transformers ``BertConfig`` builds transformers' ``BertModel`` (for training); an
    :class:`~claimmine.encoder.EncoderConfig` builds the plain-torch encoder with the same parameters (for
    inference, so that attribution never imports transformers).
    """

    def __init__(self, config: BertConfig | EncoderConfig) -> None:
        super().__init__()
        self.encoder: nn.Module
        if isinstance(config, EncoderConfig):
            self.encoder = Encoder(config)
        else:
            from transformers import BertModel

            self.encoder = BertModel(config, add_pooling_layer=False)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.tags = nn.Linear(config.hidden_size, len(TAGS))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Return tag logits of shape (batch, tokens, tags)."""
        encoded = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        hidden = encoded if isinstance(encoded, torch.Tensor) else encoded.last_hidden_state
        logits: torch.Tensor = self.tags(self.dropout(hidden))
        return logits


@dataclass(frozen=True)
class TaggerManifest:
    """What a tagger folder says about itself."""

    name: str
    version: str
    window: int
    stride: int
    raw: dict[str, Any]

    @classmethod
    def read(cls, folder: Path) -> TaggerManifest:
        """Read and check ``folder/manifest.json``."""
        path = folder / "manifest.json"
        raw = read_manifest(folder, "tagger")
        if raw.get("task") != TAGGER_TASK or raw.get("format") != TAGGER_FORMAT:
            raise ModelFormatError(f"{path} does not describe a format-{TAGGER_FORMAT} {TAGGER_TASK}")
        if tuple(raw.get("tags", ())) != TAGS:
            raise ModelFormatError(f"{path}: tags {raw.get('tags')} do not match {list(TAGS)}")
        field = ManifestFields(raw, path)
        window = field.integer("window", 8, MAX_POSITIONS - 2)  # two places go to [CLS] and [SEP]
        stride = field.integer("stride", 1, window)
        return cls(field.name("name"), field.name("version"), window, stride, raw)


def load_tokenizer(folder: Path) -> Tokenizer:
    """Load a folder's word-piece tokenizer (``tokenizer.json``, the Rust tokenizer) for whole texts.

    Texts are tokenised whole, without special tokens or truncation, and then read in windows, so the
    encoder's 512-piece limit does not apply to the tokenizer.
    """
    from tokenizers import Tokenizer

    path = folder / "tokenizer.json"
    if not path.is_file():
        raise ModelNotFoundError(f"{folder} has no tokenizer.json")
    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def _token_id(tokenizer: Tokenizer, token: str, folder: Path) -> int:
    found = tokenizer.token_to_id(token)
    if found is None:
        raise ModelFormatError(f"{folder / 'tokenizer.json'} has no {token} token")
    return int(found)


class AttributionTagger:
    """Finds attribution relations in a text with a fine-tuned tagger.

    >>> from claimmine.attributor import shipped_tagger
    >>> folder = shipped_tagger()
    >>> relations = AttributionTagger(folder).relations("The ministry said talks would resume.") if folder else []
    >>> folder is None or relations[0].cue == (13, 17)
    True
    """

    def __init__(self, folder: Path, *, batch_size: int = 16) -> None:
        if not (folder / "model.safetensors").is_file():
            raise ModelNotFoundError(f"no tagger weights at {folder / 'model.safetensors'}")
        self.folder = folder
        self.manifest = TaggerManifest.read(folder)
        self.network = TaggerNetwork(EncoderConfig.read(folder / "config.json"))
        state = {key: tensor.float() for key, tensor in load_file(str(folder / "model.safetensors")).items()}
        try:
            self.network.load_state_dict(state, strict=True)
        except RuntimeError as error:
            raise ModelFormatError(f"{folder} weights do not fit a tagger network: {error}") from None
        self.network.eval()
        self.tokenizer = load_tokenizer(folder)
        self.cls_id, self.sep_id, self.pad_id = (
            _token_id(self.tokenizer, token, folder) for token in ("[CLS]", "[SEP]", "[PAD]")
        )
        self.batch_size = batch_size

    @property
    def name(self) -> str:
        """The tagger's name and version."""
        return f"{self.manifest.name}-v{self.manifest.version}"

    def relations(self, text: str) -> list[Grouped]:
        """Return the attribution relations in ``text``, one per cue, in text order."""
        return self.relations_batch([text])[0]

    def relations_batch(self, texts: list[str]) -> list[list[Grouped]]:
        """Return the relations of each text; windows of all texts run in shared, length-sorted batches."""
        encodings = self.tokenizer.encode_batch([tokenizable(text) for text in texts], add_special_tokens=False)
        token_ids = [encoding.ids for encoding in encodings]
        windows: list[tuple[int, int, int]] = []  # (text index, first token, last token)
        for index, ids in enumerate(token_ids):
            cuts = token_windows(len(ids), self.manifest.window, self.manifest.stride)
            windows.extend((index, a, b) for a, b in cuts)
        votes = [torch.zeros(len(ids), len(TAGS)) for ids in token_ids]
        weights = [torch.full((len(ids),), -1.0) for ids in token_ids]
        order = sorted(range(len(windows)), key=lambda w: windows[w][2] - windows[w][1])
        for begin in range(0, len(order), self.batch_size):
            chunk = [windows[w] for w in order[begin : begin + self.batch_size]]
            logits = self._run([token_ids[i][a:b] for i, a, b in chunk])
            for row, (i, a, b) in enumerate(chunk):
                positions = torch.arange(a, b, dtype=torch.float)
                centrality = torch.minimum(positions - a, b - 1 - positions)
                better = centrality > weights[i][a:b]
                votes[i][a:b][better] = logits[row, 1 : 1 + b - a][better]
                weights[i][a:b] = torch.maximum(weights[i][a:b], centrality)
        results = []
        for index, text in enumerate(texts):
            tags = [TAGS[t] for t in votes[index].argmax(-1).tolist()]
            offsets = [(int(a), int(b)) for a, b in encodings[index].offsets]
            results.append(group(spans_from_tags(tags, offsets, text), text))
        return results

    def _run(self, pieces: list[list[int]]) -> torch.Tensor:
        longest = max(len(p) for p in pieces) + 2
        ids = torch.full((len(pieces), longest), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(pieces), longest), dtype=torch.long)
        for row, piece in enumerate(pieces):
            full = [self.cls_id, *piece, self.sep_id]
            ids[row, : len(full)] = torch.tensor(full)
            mask[row, : len(full)] = 1
        with torch.inference_mode():
            logits: torch.Tensor = self.network(ids, mask)
        return logits


def token_windows(length: int, window: int, stride: int) -> list[tuple[int, int]]:
    """Cut ``length`` tokens into windows of at most ``window`` tokens that start every ``stride`` tokens.

    >>> token_windows(10, 4, 3)
    [(0, 4), (3, 7), (6, 10)]
    >>> token_windows(0, 4, 3)
    []
    """
    if length <= 0:
        return []
    starts = list(range(0, max(length - window, 0) + 1, stride))
    if starts[-1] + window < length:
        starts.append(length - window)
    return [(start, min(start + window, length)) for start in starts]
