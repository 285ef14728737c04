"""The attribution tagger exported to ONNX (int8) and run with onnxruntime, for the fast path without torch.

A folder made by ``python -m training.export_onnx models/claimmine-attribution-v1 -o FOLDER`` holds the
``.onnx`` file, ``tokenizer.json`` and the source tagger's manifest with ``"backend": "onnx"``. Windows and votes
are :mod:`claimmine.attribution.tagging`'s, as for torch.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from claimmine.attribution.tagging import TaggerManifest, WindowedTagger
from claimmine.errors import ModelFormatError
from claimmine.labeling.inference import Array
from claimmine.labeling.onnx_model import import_onnxruntime, onnx_session


class OnnxTagger(WindowedTagger):
    """Finds attribution relations with an exported ONNX tagger on onnxruntime's CPU provider."""

    def __init__(self, folder: Path, *, batch_size: int = 16, threads: int | None = None) -> None:
        import_onnxruntime()  # before the manifest: a missing runtime says what to install
        manifest = TaggerManifest.read(folder)
        if manifest.backend != "onnx":
            raise ModelFormatError(f"{folder} holds a {manifest.backend} tagger, not an ONNX one")
        self.session = onnx_session(folder, manifest.raw.get("onnx"), threads)
        super().__init__(folder, manifest, batch_size=batch_size)

    def run_batch(self, input_ids: Array, attention_mask: Array) -> Array:
        """Run one padded batch of windows through the session."""
        (logits,) = self.session.run(["tags"], {"input_ids": input_ids, "attention_mask": attention_mask})
        return np.asarray(logits)
