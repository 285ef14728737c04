"""Finding and loading models: one resolver for classifiers and taggers, weights loaded once and shared.

Both are chosen the same way (:func:`find_model`): an explicit argument (a
folder, the name of a model shipped with the package, or ``"rules"``), else
the environment variable (``CLAIMMINE_MODEL`` for the classifier,
``CLAIMMINE_TAGGER`` for the tagger, read when the :class:`~claimmine.Analyzer`
is built), else the model shipped with the package, else the rules. A model
folder's ``manifest.json`` says which backend runs it: torch for
``claimmine-minilm-v3``, onnxruntime for its int8 export
``claimmine-minilm-v3-int8`` (``pip install 'claimmine[fast]'``).

Weights load on first use, under one process-wide lock, so threads that ask
for one model at once load it once. Holders of the same folder share one copy
(ONNX sessions also per thread setting); each holder's ``close()`` gives its
share back, and the last one frees the weights. A name is read from the
manifest, without loading.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar, cast

from claimmine.errors import ClaimmineError, MissingDependencyError, ModelFormatError, ModelNotFoundError
from claimmine.labeling.inference import BatchedLabeler, Manifest, thread_count, versioned_name
from claimmine.labeling.labeler import Draft, Labeler, Labels, RuleLabeler

DEFAULT_MODEL = "claimmine-minilm-v3"
FAST_MODEL = "claimmine-minilm-v3-int8"
ENVIRONMENT_VARIABLE = "CLAIMMINE_MODEL"
RULES = "rules"

T = TypeVar("T")


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


def find_model(
    choice: str | os.PathLike[str] | None, *, variable: str, default: str, what: str, trainer: str
) -> Path | None:
    """Return the folder that ``choice`` names, or ``None`` for the rules: the one resolver of every model.

    ``None`` reads the environment variable ``variable``, else takes the shipped
    model ``default``, else the rules. A name without a path separator that is
    not a folder names a shipped model. ``what`` and ``trainer`` word the error.

    >>> find_model("rules", variable="CLAIMMINE_MODEL", default=DEFAULT_MODEL, what="model", trainer="train") is None
    True
    >>> find_model(DEFAULT_MODEL, variable="X", default=DEFAULT_MODEL, what="model", trainer="train").name
    'claimmine-minilm-v3'
    """
    if choice is None:
        choice = os.environ.get(variable) or shipped_model(default) or RULES
    if str(choice) == RULES:
        return None
    folder = Path(choice).expanduser().resolve()
    if not folder.is_dir() and isinstance(choice, str) and os.sep not in choice:
        folder = shipped_model(choice) or folder
    if not folder.is_dir():
        raise ModelNotFoundError(
            f"no {what} folder at {folder}; pass a folder made by `python -m training.{trainer}` (or a shipped "
            f"{what}'s name, such as {default}), set {variable}, or use '{RULES}'"
        )
    return folder


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
    folder = find_model(model, variable=ENVIRONMENT_VARIABLE, default=DEFAULT_MODEL, what="model", trainer="train")
    return RuleLabeler() if folder is None else LazyModelLabeler(folder, threads=thread_count(threads))


class Shared(Generic[T]):
    """One holder's handle on weights shared in the process: loaded on first :meth:`get`, given back by :meth:`close`.

    >>> first, second = Shared(("doc", 1), lambda: ["weights"]), Shared(("doc", 1), lambda: ["other"])
    >>> second.get() is first.get(), first.loaded
    (True, True)
    >>> first.close(); second.close(); first.loaded
    False
    """

    def __init__(self, key: Hashable, load: Callable[[], T]) -> None:
        self.key = key
        self._load = load
        self._value: T | None = None

    @property
    def loaded(self) -> bool:
        """Whether this holder holds its share now."""
        return self._value is not None

    def get(self) -> T:
        """The weights, loaded (or shared from another holder) on first use; again after :meth:`close`."""
        value = self._value
        if value is None:
            with _LOADING:
                if self._value is None:
                    entry = _SHARED.get(self.key)
                    if entry is None:
                        entry = _SHARED[self.key] = _Entry(self._load())
                    entry.holders += 1
                    self._value = cast(T, entry.value)
                value = self._value
        return value

    def close(self) -> None:
        """Give this holder's share back; the last holder's close frees the weights."""
        with _LOADING:
            if self._value is None:
                return
            self._value = None
            entry = _SHARED[self.key]
            entry.holders -= 1
            if entry.holders == 0:
                del _SHARED[self.key]


def loaded_count() -> int:
    """How many models (classifiers and taggers) are loaded in this process now.

    >>> isinstance(loaded_count(), int)
    True
    """
    with _LOADING:
        return len(_SHARED)


# Loading runs under one lock, so threads that ask for a model at once load it once.
_LOADING = threading.Lock()


@dataclass
class _Entry:
    value: object
    holders: int = 0


_SHARED: dict[Hashable, _Entry] = {}


class LazyModelLabeler:
    """A model labeler that loads its weights on first use and frees its share on :meth:`close`.

    Its ``name`` comes from the manifest, without loading. torch's thread count
    is process-wide, so a torch model runs with the ``threads`` of the labeler
    that calls it; an ONNX session has its own, and one loads per setting.
    """

    def __init__(self, folder: Path, *, threads: int | None = None) -> None:
        manifest = Manifest.read(folder)
        if manifest.backend == "onnx" and importlib.util.find_spec("onnxruntime") is None:
            raise MissingDependencyError(
                f"{folder.name} runs on onnxruntime, which is not installed: pip install 'claimmine[fast]'"
            )
        self.folder = folder
        self.threads = threads
        self.backend = manifest.backend
        self.name = versioned_name(manifest.name, manifest.version, manifest.raw)
        key = ("model", folder, threads if self.backend == "onnx" else None)
        self._model: Shared[BatchedLabeler] = Shared(key, lambda: _load_model(folder, self.backend, threads))

    def load(self) -> None:
        """Load the weights now (a folder that cannot load raises :class:`ModelFormatError` here)."""
        self._model.get()

    def label(self, drafts: Sequence[Draft]) -> list[Labels]:
        """Label drafts with the model (loading it first if needed)."""
        model = self._model.get()
        if self.threads is not None and self.backend == "torch":
            import torch

            if torch.get_num_threads() != self.threads:
                torch.set_num_threads(self.threads)
        return model.label(drafts)

    def close(self) -> None:
        """Give back this labeler's share of the weights; it loads them again if used after."""
        self._model.close()


def _load_model(folder: Path, backend: str, threads: int | None) -> BatchedLabeler:
    with loading_errors(folder):
        if backend == "onnx":
            from claimmine.labeling.onnx_model import OnnxLabeler

            return OnnxLabeler(folder, threads=threads)
        from claimmine.labeling.torch_model import ModelLabeler

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
