"""The fast runtime: the fine-tuned model exported to ONNX (int8) and run with onnxruntime.

An ONNX model folder (made by ``python -m training.export_onnx``) holds the
``.onnx`` file, the tokenizer files and a ``manifest.json`` with ``"backend":
"onnx"``, the same labels and temperature as the model it was exported from,
and that model's name, version and weight hash. Install the runtime with
``pip install 'claimmine[fast]'``; torch is not needed to run it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from claimmine.errors import MissingDependencyError, ModelFormatError, ModelNotFoundError
from claimmine.labeling.inference import Array, BatchedLabeler, Manifest, Outputs, file_in_folder, thread_count

INSTALL_HINT = "the fast runtime needs onnxruntime: pip install 'claimmine[fast]'"
OUTPUTS = ("certainty", "score", "kind")


def import_onnxruntime() -> Any:
    """Return the ``onnxruntime`` module, or raise :class:`MissingDependencyError` saying how to install it."""
    try:
        import onnxruntime
    except ImportError as error:
        raise MissingDependencyError(INSTALL_HINT) from error
    return onnxruntime


def onnx_session(folder: Path, facts: object, threads: int | None) -> Any:
    """Open the ONNX file that a manifest's ``onnx`` facts name (inside ``folder``) on the CPU provider.

    ``threads`` (else ``CLAIMMINE_THREADS``, else onnxruntime's default of one per core) sets its intra-op
    threads.
    """
    onnxruntime = import_onnxruntime()
    path = file_in_folder(folder, facts.get("file") if isinstance(facts, dict) else None, "ONNX file")
    if not path.is_file():
        raise ModelNotFoundError(f"{folder}: the ONNX file its manifest names ({path.name!r}) is missing")
    options = onnxruntime.SessionOptions()
    threads = thread_count(threads)
    if threads is not None:
        options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # Idle threads sleep instead of spinning: on a busy machine, spinning cost a third of the throughput.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3  # errors only: the CPU provider's notes would go to stderr
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


class OnnxLabeler(BatchedLabeler):
    """Labels drafts with an exported ONNX model on onnxruntime's CPU provider.

    ``threads`` (else ``CLAIMMINE_THREADS``, else onnxruntime's default of one
    per core) sets the session's intra-op threads. Pre- and post-processing
    are :class:`~claimmine.labeling.inference.BatchedLabeler`'s, as for torch.
    """

    def __init__(self, folder: Path, *, batch_size: int = 64, threads: int | None = None) -> None:
        import_onnxruntime()  # before the folder: a missing runtime says what to install
        if not folder.is_dir():
            raise ModelNotFoundError(f"no model folder at {folder}; make one with `python -m training.export_onnx`")
        manifest = Manifest.read(folder)
        if manifest.backend != "onnx":
            raise ModelFormatError(f"{folder} holds a {manifest.backend} model, not an ONNX one")
        self.session = onnx_session(folder, manifest.raw.get("onnx"), threads)
        self.output_names = [o.name for o in self.session.get_outputs()]
        expected = [o for o in OUTPUTS if o != "kind" or manifest.kind_labels is not None]
        if self.output_names != expected:
            raise ModelFormatError(
                f"{folder}: the ONNX model has outputs {self.output_names}; its manifest needs {expected}"
            )
        super().__init__(folder, manifest, batch_size=batch_size)

    def run_batch(self, input_ids: Array, attention_mask: Array) -> Outputs:
        """Run one padded batch through the session."""
        results = self.session.run(None, {"input_ids": input_ids, "attention_mask": attention_mask})
        return {name: np.asarray(value) for name, value in zip(self.output_names, results, strict=True)}
