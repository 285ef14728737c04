"""Which labeler an :class:`~claimmine.Analyzer` uses: model resolution and lazy, cached loading.

Resolution reads like a sentence: an explicit path, else the
``CLAIMMINE_MODEL`` environment variable, else the model shipped with the
package, else (only when nothing was asked for) the rule baseline.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from claimmine.errors import ModelNotFoundError
from claimmine.labeler import Draft, Labeler, Labels, RuleLabeler

if TYPE_CHECKING:
    from claimmine.model import ModelLabeler

DEFAULT_MODEL = "claimmine-minilm-v1"
ENVIRONMENT_VARIABLE = "CLAIMMINE_MODEL"
RULES = "rules"


def shipped_model() -> Path | None:
    """Return the folder of the model shipped with the package, or ``None`` if it is absent.

    An installed wheel carries it as ``claimmine/_models``; a source checkout has it in ``models/``.

    >>> shipped_model() is None or shipped_model().name == DEFAULT_MODEL
    True
    """
    spec = importlib.util.find_spec("claimmine._models")  # an installed wheel
    places = [Path(p) for p in (spec.submodule_search_locations or [])] if spec else []
    places.append(Path(__file__).resolve().parents[1] / "models")  # a source checkout or editable install
    for place in places:
        folder = place / DEFAULT_MODEL
        if (folder / "model.safetensors").is_file():
            return folder
    return None


def resolve(model: str | os.PathLike[str] | Labeler | None) -> Labeler:
    """Return the labeler that ``model`` asks for.

    >>> resolve("rules").name
    'rules'
    """
    if model is not None and not isinstance(model, (str, os.PathLike)):
        return model
    if model is None:
        model = os.environ.get(ENVIRONMENT_VARIABLE) or shipped_model() or RULES
    if str(model) == RULES:
        return RuleLabeler()
    folder = Path(model).expanduser().resolve()
    if not folder.is_dir():
        raise ModelNotFoundError(
            f"no model folder at {folder}; pass a folder made by `python -m training.train`, "
            f"set {ENVIRONMENT_VARIABLE}, or use model='rules'"
        )
    return LazyModelLabeler(folder)


class LazyModelLabeler:
    """A model labeler that loads its weights on first use, once per folder in a process."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @property
    def name(self) -> str:
        """The loaded model's name and version."""
        return _load(self.folder).name

    def label(self, drafts: Sequence[Draft]) -> list[Labels]:
        """Label drafts with the model (loading it first if needed)."""
        return _load(self.folder).label(drafts)


@lru_cache(maxsize=8)
def _load(folder: Path) -> ModelLabeler:
    from claimmine.model import ModelLabeler

    return ModelLabeler(folder)
