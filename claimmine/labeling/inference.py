"""What every model backend shares: the folder manifest, tokenisation, batching and turning outputs into labels.

A backend (:class:`claimmine.labeling.torch_model.ModelLabeler` for torch,
:class:`claimmine.labeling.onnx_model.OnnxLabeler` for onnxruntime) only runs one
padded batch of token ids; everything around that lives here, so both give
the same labels for the same network outputs. This module imports neither
torch nor onnxruntime.
"""

from __future__ import annotations

import json
import math
import os
import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from claimmine.errors import ClaimmineError, ModelFormatError, ModelNotFoundError
from claimmine.labeling.labeler import HINT_VERSION, Draft, Labels
from claimmine.types import CERTAIN_MIN, PROBABLE_MIN, Certainty, SegmentKind

if TYPE_CHECKING:
    from tokenizers import Tokenizer

MANIFEST_FORMAT = 1
BACKENDS = ("torch", "onnx")
THREADS_VARIABLE = "CLAIMMINE_THREADS"
# Commitment each certainty class stands for when the score is an expectation over classes.
ANCHORS = {Certainty.CERTAIN: 1.0, Certainty.PROBABLE: 0.62, Certainty.POSSIBLE: 0.2}
# Scores are rounded to 4 decimals so that float noise from padding never changes a result between batch sizes.
SCORE_DECIMALS = 4
BANDS = {
    Certainty.CERTAIN: (CERTAIN_MIN, 1.0),
    Certainty.PROBABLE: (PROBABLE_MIN, CERTAIN_MIN - 10**-SCORE_DECIMALS),
    Certainty.POSSIBLE: (0.0, PROBABLE_MIN - 10**-SCORE_DECIMALS),
}

Array = npt.NDArray[Any]
Outputs = dict[str, Array]


@dataclass(frozen=True)
class Manifest:
    """What a model folder says about itself; checked against the code's enums on load.

    ``backend`` is ``"torch"`` (``model.safetensors``) unless the manifest names
    another (``"onnx"``: the file in ``raw["onnx"]["file"]``).
    """

    name: str
    version: str
    certainty_labels: tuple[str, ...]
    kind_labels: tuple[str, ...] | None
    temperature: float
    score_source: str
    max_length: int
    attribution_hint: bool
    raw: dict[str, Any]
    backend: str = "torch"

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        """Read and check ``folder/manifest.json``; a missing or wrong field is a :class:`ModelFormatError`."""
        path = folder / "manifest.json"
        raw = read_manifest(folder, "model")
        field = ManifestFields(raw, path)
        if raw.get("format") != MANIFEST_FORMAT:
            raise ModelFormatError(f"{path} has format {raw.get('format')!r}; this claimmine reads {MANIFEST_FORMAT}")
        labels = field.get("labels", dict)
        certainty = tuple(ManifestFields(labels, path, "labels.").strings("certainty"))
        kind = tuple(ManifestFields(labels, path, "labels.").strings("kind")) if labels.get("kind") else None
        if certainty != tuple(c.value for c in Certainty):
            raise ModelFormatError(f"{path}: certainty labels {certainty} do not match {[c.value for c in Certainty]}")
        if kind is not None and kind != tuple(k.value for k in SegmentKind):
            raise ModelFormatError(f"{path}: kind labels {kind} do not match {[k.value for k in SegmentKind]}")
        if raw.get("score_source") not in ("expected", "regression", "blend"):
            raise ModelFormatError(f"{path}: unknown score_source {raw.get('score_source')!r}")
        attribution_hint = field.get("attribution_hint", bool, default=False)
        if attribution_hint and raw.get("hint_version") != HINT_VERSION:
            raise ModelFormatError(
                f"{path}: the model reads attribution hints of version {raw.get('hint_version')!r}, and this "
                f"claimmine builds version {HINT_VERSION}; use the claimmine it was trained with, or retrain it"
            )
        backend = field.get("backend", str, default="torch")
        if backend not in BACKENDS:
            raise ModelFormatError(f"{path}: unknown backend {backend!r}; this claimmine runs {list(BACKENDS)}")
        temperature = field.number("temperature", default=1.0)
        if not temperature > 0:  # 0 or less would give NaN or inverted scores
            raise ModelFormatError(f"{path}: temperature must be a positive number, got {temperature!r}")
        return cls(
            name=field.name("name"),
            version=field.name("version"),
            certainty_labels=certainty,
            kind_labels=kind,
            temperature=temperature,
            score_source=str(raw["score_source"]),
            max_length=field.integer("max_length", 8, MAX_POSITIONS, default=128),
            attribution_hint=attribution_hint,
            raw=raw,
            backend=backend,
        )


# BERT's position table: no model input is longer.
MAX_POSITIONS = 512


class ManifestFields:
    """Typed reads of a manifest's fields; each wrong one is a :class:`ModelFormatError` that names it.

    >>> ManifestFields({"window": 0}, Path("m/manifest.json")).integer("window", 8, 510)
    Traceback (most recent call last):
    ...
    claimmine.errors.ModelFormatError: m/manifest.json: window must be a whole number from 8 to 510, got 0
    """

    _MISSING = object()

    def __init__(self, raw: dict[str, Any], path: Path, prefix: str = "") -> None:
        self.raw = raw
        self.path = path
        self.prefix = prefix

    def get(self, key: str, kind: type, *, default: Any = _MISSING) -> Any:
        """The field ``key`` as a ``kind`` (``default`` when absent, if given)."""
        if key not in self.raw:
            if default is self._MISSING:
                raise ModelFormatError(f"{self.path}: the field {self.prefix}{key} is missing")
            return default
        value = self.raw[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self._wrong(key, f"a JSON {_JSON_NAMES.get(kind, kind.__name__)}", value)
        return value

    def name(self, key: str) -> str:
        """A non-empty name (a string, or a number as a version may be)."""
        value = self.raw.get(key)
        if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
            raise self._wrong(key, "a non-empty string", value)
        return str(value)

    def number(self, key: str, *, default: float) -> float:
        """A finite number."""
        value = self.raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self._wrong(key, "a finite number", value)
        return float(value)

    def integer(self, key: str, low: int, high: int, *, default: Any = _MISSING) -> int:
        """A whole number from ``low`` to ``high``."""
        value = self.get(key, object, default=default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self._wrong(key, f"a whole number from {low} to {high}", value)
        return value

    def strings(self, key: str) -> list[str]:
        """A list of strings."""
        value: list[Any] = self.get(key, list)
        if not all(isinstance(item, str) for item in value):
            raise self._wrong(key, "a list of strings", value)
        return [str(item) for item in value]

    def _wrong(self, key: str, expected: str, value: object) -> ModelFormatError:
        return ModelFormatError(f"{self.path}: {self.prefix}{key} must be {expected}, got {value!r}")


_JSON_NAMES = {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer"}


def file_in_folder(folder: Path, name: object, what: str) -> Path:
    """The path of a file a manifest names, which must lie inside the model folder.

    >>> file_in_folder(Path("/m"), "../../etc/passwd", "ONNX file")
    Traceback (most recent call last):
    ...
    claimmine.errors.ModelFormatError: /m/manifest.json: the ONNX file '../../etc/passwd' is not a file inside /m
    """
    if not isinstance(name, str) or not name or Path(name).is_absolute():
        raise ModelFormatError(f"{folder / 'manifest.json'}: the {what} {name!r} is not a file inside {folder}")
    path = (folder / name).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise ModelFormatError(f"{folder / 'manifest.json'}: the {what} {name!r} is not a file inside {folder}")
    return path


def read_manifest(folder: Path, what: str) -> dict[str, Any]:
    """Read a folder's ``manifest.json``; :class:`ModelFormatError` says what is wrong when it can't.

    >>> read_manifest(Path("/no/such/folder"), "tagger")
    Traceback (most recent call last):
    ...
    claimmine.errors.ModelFormatError: /no/such/folder has no manifest.json; is it a claimmine tagger folder?
    """
    path = folder / "manifest.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelFormatError(f"{folder} has no manifest.json; is it a claimmine {what} folder?") from None
    except (ValueError, RecursionError) as error:  # not JSON, or not UTF-8
        raise ModelFormatError(f"{path} is not valid JSON: {error}") from None
    if not isinstance(raw, dict):
        raise ModelFormatError(f"{path} must hold a JSON object, not {type(raw).__name__}")
    return raw


def certainty_score(probabilities: Sequence[float], regression: float, source: str) -> tuple[Certainty, float]:
    """Turn calibrated class probabilities (and the score head) into a label and a score in its band.

    The label is the most probable class; the score is an expectation of
    commitment, kept inside the label's band so that label and score agree.

    >>> label, score = certainty_score([0.1, 0.7, 0.2], 0.6, "expected")
    >>> label.value, round(score, 3)
    ('probable', 0.574)
    >>> certainty_score([0.49, 0.51, 0.0], 0.0, "expected")[1]
    0.7999
    """
    classes = list(Certainty)
    label = classes[max(range(len(classes)), key=lambda i: probabilities[i])]
    expected = sum(p * ANCHORS[c] for p, c in zip(probabilities, classes, strict=True))
    raw = {"expected": expected, "regression": regression, "blend": (expected + regression) / 2}[source]
    low, high = BANDS[label]
    return label, round(min(max(raw, low), high), SCORE_DECIMALS)


def versioned_name(name: str, version: str, raw: dict[str, Any]) -> str:
    """A model folder's name as results record it: name, version and the manifest's variant, if any.

    >>> versioned_name("claimmine-minilm", "3", {"variant": "int8"})
    'claimmine-minilm-v3-int8'
    """
    variant = raw.get("variant")
    return f"{name}-v{version}" + (f"-{variant}" if variant else "")


def thread_count(threads: int | None = None) -> int | None:
    """Return the thread count asked for: ``threads``, else ``CLAIMMINE_THREADS``, else ``None`` (the default).

    >>> thread_count(1)
    1
    >>> thread_count(0)
    Traceback (most recent call last):
    ...
    claimmine.errors.ClaimmineError: threads must be a positive integer, got 0
    """
    if threads is None:
        value = os.environ.get(THREADS_VARIABLE, "").strip()
        if not value:
            return None
        try:
            threads = int(value)
        except ValueError:
            raise ClaimmineError(f"{THREADS_VARIABLE} must be a positive integer, got {value!r}") from None
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ClaimmineError(f"threads must be a positive integer, got {threads!r}")
    cores = os.cpu_count() or 1
    if threads > cores:
        # Thread pools sized far beyond the machine crash inside torch and libgomp instead of running slowly.
        raise ClaimmineError(f"threads is {threads}, more than this machine's {cores} cores; use 1 to {cores}")
    return threads


def load_tokenizer(folder: Path, max_length: int | None) -> Tokenizer:
    """Load the folder's ``tokenizer.json`` (the Rust tokenizer), without padding.

    A classifier truncates pairs to ``max_length`` tokens, longest first, as the tokenizer it was trained with
    does; a tagger (``max_length=None``) tokenises texts whole and reads them in windows, so the encoder's
    512-piece limit does not apply to its tokenizer.
    """
    from tokenizers import Tokenizer

    path = folder / "tokenizer.json"
    if not path.is_file():
        raise ModelNotFoundError(f"{folder} has no tokenizer.json")
    tokenizer = Tokenizer.from_file(str(path))
    if max_length is None:
        tokenizer.no_truncation()
    else:
        tokenizer.enable_truncation(max_length, strategy="longest_first")
    tokenizer.no_padding()
    return tokenizer


class BatchedLabeler(ABC):
    """Labels drafts with a model in length-sorted batches; a backend supplies :meth:`run_batch`.

    Texts are tokenised in one call, sorted by token count and cut into
    batches of ``batch_size`` padded to their longest member, so little work
    goes to padding. Labels and scores do not depend on the batch size for a
    float32 backend: scores are rounded to 4 decimals.
    """

    def __init__(self, folder: Path, manifest: Manifest, *, batch_size: int = 64) -> None:
        if batch_size < 1:
            raise ClaimmineError(f"batch_size must be a positive integer, got {batch_size!r}")
        self.folder = folder
        self.manifest = manifest
        self.batch_size = batch_size
        self.tokenizer = load_tokenizer(folder, manifest.max_length)
        pad_id = self.tokenizer.token_to_id("[PAD]")
        self.pad_id = 0 if pad_id is None else pad_id

    @property
    def name(self) -> str:
        """The model's name, version and variant, e.g. ``claimmine-minilm-v3`` or ``claimmine-minilm-v3-int8``."""
        return versioned_name(self.manifest.name, self.manifest.version, self.manifest.raw)

    @abstractmethod
    def run_batch(self, input_ids: Array, attention_mask: Array) -> Outputs:
        """Return the raw outputs (``certainty`` logits, ``score``, ``kind`` logits) of one padded int64 batch."""

    def outputs(self, texts: Sequence[str], hints: Sequence[str] | None = None) -> Outputs:
        """Return the raw outputs (uncalibrated logits, score, kind logits) for ``texts``, in input order.

        ``hints`` (one per text) are the attribution hints of :func:`~claimmine.labeling.labeler.rule_hint`,
        for models trained with them.
        """
        if hints is not None and len(hints) != len(texts):
            raise ValueError(f"got {len(hints)} hints for {len(texts)} texts")
        texts = [tokenizable(t) for t in texts]
        inputs: list[Any] = list(zip(texts, map(tokenizable, hints), strict=True)) if hints is not None else texts
        encodings = self.tokenizer.encode_batch(inputs) if inputs else []
        ids = [encoding.ids for encoding in encodings]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        parts: dict[str, list[Array]] = {}
        for begin in range(0, len(order), self.batch_size):
            chunk = order[begin : begin + self.batch_size]
            width = len(ids[chunk[-1]])
            input_ids = np.full((len(chunk), width), self.pad_id, dtype=np.int64)
            attention_mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, i in enumerate(chunk):
                input_ids[row, : len(ids[i])] = ids[i]
                attention_mask[row, : len(ids[i])] = 1
            for key, value in self.run_batch(input_ids, attention_mask).items():
                parts.setdefault(key, []).append(value)
        inverse = np.empty(len(order), dtype=np.int64)
        inverse[np.asarray(order, dtype=np.int64)] = np.arange(len(order))
        return {key: np.concatenate(values)[inverse] for key, values in parts.items()}

    def draft_outputs(self, drafts: Sequence[Draft]) -> Outputs:
        """Return the raw outputs for drafted segments, with attribution hints where the model uses them."""
        hints = [d.hint for d in drafts] if self.manifest.attribution_hint else None
        return self.outputs([d.text for d in drafts], hints)

    def label(self, drafts: Sequence[Draft]) -> list[Labels]:
        """Label every draft, in input order."""
        if not drafts:
            return []
        return labels_from_outputs(self.draft_outputs(drafts), drafts, self.manifest)


_SURROGATE = re.compile("[\ud800-\udfff]")


def tokenizable(text: str) -> str:
    """Return ``text`` with each lone surrogate (not Unicode, which tokenizers reject) as U+FFFD.

    One code point stands for one, so offsets into the text still hold.

    >>> tokenizable("He \\ud800said.") == "He \\ufffdsaid."
    True
    """
    return _SURROGATE.sub("\ufffd", text)


def labels_from_outputs(outputs: Outputs, drafts: Sequence[Draft], manifest: Manifest) -> list[Labels]:
    """Turn raw outputs into labels: calibrated probabilities, banded score, kind (from the rules without a head)."""
    logits = outputs["certainty"].astype(np.float64) / manifest.temperature
    exponentials = np.exp(logits - logits.max(axis=-1, keepdims=True))
    probabilities = (exponentials / exponentials.sum(axis=-1, keepdims=True)).tolist()
    regression = outputs["score"].astype(np.float64).tolist()
    kinds = outputs["kind"].argmax(-1).tolist() if "kind" in outputs else None
    kind_labels = list(SegmentKind)
    labels = []
    for i, draft in enumerate(drafts):
        certainty, score = certainty_score(probabilities[i], regression[i], manifest.score_source)
        kind = kind_labels[kinds[i]] if kinds is not None else draft.rules.kind
        labels.append(Labels(kind, certainty, score))
    return labels
