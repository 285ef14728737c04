"""The attribution tagger exported to ONNX (int8) and run with onnxruntime, for the fast path without torch.

A folder made by ``python -m training.export_onnx models/claimmine-attribution-v1 -o FOLDER`` holds the
``.onnx`` file, ``tokenizer.json`` and the source tagger's manifest with ``"backend": "onnx"``. Windows and votes
are :mod:`claimmine.tagging`'s, as for torch.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from claimmine.errors import ModelFormatError, ModelNotFoundError
from claimmine.inference import Array, file_in_folder, thread_count
from claimmine.onnx_model import import_onnxruntime
from claimmine.tagging import TaggerManifest, WindowedTagger


class OnnxTagger(WindowedTagger):
    """Finds attribution relations with an exported ONNX tagger on onnxruntime's CPU provider."""

    def __init__(self, folder: Path, *, batch_size: int = 16, threads: int | None = None) -> None:
        onnxruntime = import_onnxruntime()
        manifest = TaggerManifest.read(folder)
        if manifest.backend != "onnx":
            raise ModelFormatError(f"{folder} holds a {manifest.backend} tagger, not an ONNX one")
        onnx = manifest.raw.get("onnx")
        path = file_in_folder(folder, onnx.get("file") if isinstance(onnx, dict) else None, "ONNX file")
        if not path.is_file():
            raise ModelNotFoundError(f"{folder}: the ONNX file its manifest names ({path.name!r}) is missing")
        options = onnxruntime.SessionOptions()
        threads = thread_count(threads)
        if threads is not None:
            options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        super().__init__(folder, manifest, batch_size=batch_size)

    def run_batch(self, input_ids: Array, attention_mask: Array) -> Array:
        """Run one padded batch of windows through the session."""
        (logits,) = self.session.run(["tags"], {"input_ids": input_ids, "attention_mask": attention_mask})
        return np.asarray(logits)
