"""What every attribution tagger backend shares: the folder manifest, tokenising, windows and their votes.

A backend (:class:`~claimmine.attribution.torch_tagger.AttributionTagger` on torch,
:class:`~claimmine.attribution.onnx_tagger.OnnxTagger` on onnxruntime, int8) only turns one padded batch of
windows into tag logits; everything around that lives here, so both read a text the same way. A text longer
than one window is read in overlapping windows; each token keeps the tags of the window where it sits farthest
from an edge, so every token sees context on both sides. This module imports neither torch nor onnxruntime.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from claimmine.attribution.relations import TAGS, Grouped, group, spans_from_tags
from claimmine.errors import ModelFormatError
from claimmine.labeling.inference import (
    MAX_POSITIONS,
    Array,
    ManifestFields,
    load_tokenizer,
    read_manifest,
    tokenizable,
    versioned_name,
)

if TYPE_CHECKING:
    pass

TAGGER_FORMAT = 1
TAGGER_TASK = "attribution-tagger"
TAGGER_BACKENDS = ("torch", "onnx")


@dataclass(frozen=True)
class TaggerManifest:
    """What a tagger folder says about itself; ``backend`` is ``"torch"`` unless it names ``"onnx"``."""

    name: str
    version: str
    window: int
    stride: int
    raw: dict[str, Any]
    backend: str = "torch"

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
        backend = field.get("backend", str, default="torch")
        if backend not in TAGGER_BACKENDS:
            raise ModelFormatError(f"{path}: unknown backend {backend!r}; this claimmine runs {list(TAGGER_BACKENDS)}")
        return cls(field.name("name"), field.name("version"), window, stride, raw, backend)


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


class WindowedTagger(ABC):
    """Finds attribution relations by tagging windows of tokens; a backend supplies :meth:`run_batch`."""

    def __init__(self, folder: Path, manifest: TaggerManifest, *, batch_size: int = 16) -> None:
        self.folder = folder
        self.manifest = manifest
        self.batch_size = batch_size
        self.tokenizer = load_tokenizer(folder, None)
        self.cls_id, self.sep_id, self.pad_id = (self._token_id(t) for t in ("[CLS]", "[SEP]", "[PAD]"))

    @property
    def name(self) -> str:
        """The tagger's name, version and variant, e.g. ``claimmine-attribution-v1-int8``."""
        return versioned_name(self.manifest.name, self.manifest.version, self.manifest.raw)

    @abstractmethod
    def run_batch(self, input_ids: Array, attention_mask: Array) -> Array:
        """Return the tag logits, shape (batch, tokens, tags), of one padded int64 batch of windows."""

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
        votes = [np.zeros((len(ids), len(TAGS)), dtype=np.float32) for ids in token_ids]
        weights = [np.full(len(ids), -1.0, dtype=np.float32) for ids in token_ids]
        order = sorted(range(len(windows)), key=lambda w: windows[w][2] - windows[w][1])
        for begin in range(0, len(order), self.batch_size):
            chunk = [windows[w] for w in order[begin : begin + self.batch_size]]
            logits = self._run([token_ids[i][a:b] for i, a, b in chunk])
            for row, (i, a, b) in enumerate(chunk):
                positions = np.arange(a, b, dtype=np.float32)
                centrality = np.minimum(positions - a, b - 1 - positions)
                better = centrality > weights[i][a:b]
                votes[i][a:b][better] = logits[row, 1 : 1 + b - a][better]
                weights[i][a:b] = np.maximum(weights[i][a:b], centrality)
        results = []
        for index, text in enumerate(texts):
            tags = [TAGS[t] for t in votes[index].argmax(-1).tolist()]
            offsets = [(int(a), int(b)) for a, b in encodings[index].offsets]
            results.append(group(spans_from_tags(tags, offsets, text), text))
        return results

    def _run(self, pieces: list[list[int]]) -> Array:
        longest = max(len(p) for p in pieces) + 2
        ids = np.full((len(pieces), longest), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(pieces), longest), dtype=np.int64)
        for row, piece in enumerate(pieces):
            ids[row, : len(piece) + 2] = [self.cls_id, *piece, self.sep_id]
            mask[row, : len(piece) + 2] = 1
        return self.run_batch(ids, mask)

    def _token_id(self, token: str) -> int:
        found = self.tokenizer.token_to_id(token)
        if found is None:
            raise ModelFormatError(f"{self.folder / 'tokenizer.json'} has no {token} token")
        return int(found)
