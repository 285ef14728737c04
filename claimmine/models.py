"""Which labeler an :class:`~claimmine.Analyzer` uses: model resolution and lazy, cached loading.

Resolution reads like a sentence: an explicit path (or the name of a model
shipped with the package), else the ``CLAIMMINE_MODEL`` environment variable,
else the model shipped with the package, else (only when nothing was asked
for) the rule baseline. A model folder's ``manifest.json`` says which backend
runs it: torch for ``claimmine-minilm-v2``, onnxruntime for the int8 export
``claimmine-minilm-v3-int8`` (``pip install 'claimmine[fast]'``).
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from claimmine.errors import ClaimmineError, MissingDependencyError, ModelFormatError, ModelNotFoundError
from claimmine.inference import BatchedLabeler, Manifest, thread_count
from claimmine.labeler import Draft, Labeler, Labels, RuleLabeler

DEFAULT_MODEL = "claimmine-minilm-v3"
FAST_MODEL = "claimmine-minilm-v3-int8"
ENVIRONMENT_VARIABLE = "CLAIMMINE_MODEL"
RULES = "rules"


def shipped_model(name: str = DEFAULT_MODEL) -> Path | None:
    """Return the folder of the model ``name`` shipped with the package, or ``None`` if it is absent.

    An installed wheel carries shipped models as ``claimmine/_models``; a source checkout has them in ``models/``.

    >>> shipped_model() is None or shipped_model().name == DEFAULT_MODEL
    True
    >>> shipped_model("no-such-model") is None
    True
    """
    spec = importlib.util.find_spec("claimmine._models")  # an installed wheel
    places = [Path(p) for p in (spec.submodule_search_locations or [])] if spec else []
    places.append(Path(__file__).resolve().parents[1] / "models")  # a source checkout or editable install
    for place in places:
        folder = place / name
        if (folder / "manifest.json").is_file():
            return folder
    return None


def resolve(model: str | os.PathLike[str] | Labeler | None, *, threads: int | None = None) -> Labeler:
    """Return the labeler that ``model`` asks for; ``threads`` goes to a model backend's thread setting.

    >>> resolve("rules").name
    'rules'
    """
    if model is not None and not isinstance(model, (str, os.PathLike)):
        if not callable(getattr(model, "label", None)):
            raise TypeError(
                f"model must be a folder, a shipped model's name, 'rules' or a Labeler, got {type(model).__name__}"
            )
        return model
    if model is None:
        model = os.environ.get(ENVIRONMENT_VARIABLE) or shipped_model() or RULES
    if str(model) == RULES:
        return RuleLabeler()
    folder = Path(model).expanduser().resolve()
    if not folder.is_dir() and isinstance(model, str) and os.sep not in model:
        folder = shipped_model(model) or folder
    if not folder.is_dir():
        raise ModelNotFoundError(
            f"no model folder at {folder}; pass a folder made by `python -m training.train` (or a shipped model's "
            f"name: {DEFAULT_MODEL}, {FAST_MODEL}), set {ENVIRONMENT_VARIABLE}, or use model='rules'"
        )
    manifest = Manifest.read(folder)
    if manifest.backend == "onnx" and importlib.util.find_spec("onnxruntime") is None:
        raise MissingDependencyError(
            f"{folder.name} runs on onnxruntime, which is not installed: pip install 'claimmine[fast]'"
        )
    return LazyModelLabeler(folder, threads=thread_count(threads))


class LazyModelLabeler:
    """A model labeler that loads its weights on first use, once per folder (and thread setting) in a process."""

    def __init__(self, folder: Path, *, threads: int | None = None) -> None:
        self.folder = folder
        self.threads = threads
        self.backend = Manifest.read(folder).backend

    @property
    def name(self) -> str:
        """The loaded model's name and version."""
        return _load(self.folder, self.threads).name

    def label(self, drafts: Sequence[Draft]) -> list[Labels]:
        """Label drafts with the model (loading it first if needed)."""
        return _load(self.folder, self.threads).label(drafts)


# Loading runs under one lock, so threads that ask for a model at once load it once.
_LOADING = threading.Lock()


def _load(folder: Path, threads: int | None) -> BatchedLabeler:
    with _LOADING:
        return _loaded(folder, threads)


@lru_cache(maxsize=8)
def _loaded(folder: Path, threads: int | None) -> BatchedLabeler:
    with loading_errors(folder):
        if Manifest.read(folder).backend == "onnx":
            from claimmine.onnx_model import OnnxLabeler

            return OnnxLabeler(folder, threads=threads)
        from claimmine.model import ModelLabeler

        return ModelLabeler(folder, threads=threads)


@contextmanager
def loading_errors(folder: Path) -> Iterator[None]:
    """Turn what a dependency raises on a damaged model folder into a :class:`ModelFormatError`.

    >>> with loading_errors(Path("m")):  # doctest: +ELLIPSIS
    ...     raise IndexError("list index out of range")
    Traceback (most recent call last):
    ...
    claimmine.errors.ModelFormatError: m cannot be loaded (IndexError: list index out of range); its files ...
    """
    try:
        yield
    except (ClaimmineError, MemoryError, KeyboardInterrupt):
        raise
    except Exception as error:  # safetensors, tokenizers, onnxruntime, torch: each raises its own types
        raise ModelFormatError(
            f"{folder} cannot be loaded ({type(error).__name__}: {error}); its files are damaged or do not fit "
            "this claimmine"
        ) from None
