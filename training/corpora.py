"""Loaders that map public (un)certainty corpora onto claimmine's certainty scheme.

Every corpus becomes a ``datasets.Dataset`` with the columns ``text``,
``certainty`` ("certain"/"probable"/"possible", or "" when only a binary
uncertain flag is known), ``score`` (certainty in [0, 1], or -1.0 when the
corpus gives no graded value), ``corpus`` and ``binary_uncertain`` (1/0 for
binary certain-vs-uncertain corpora, else -1).  The mapping decisions are
documented in ``training/README.md`` ("Corpus mappings").

Run ``python -m training.corpora --data-dir ../shared/data`` for counts.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import datasets  # type: ignore[import-untyped, unused-ignore]

from training import DEFAULT_DATA_DIR

Polarity = Literal["magnitude", "signed"]

CERTAIN_MIN = 0.80
PROBABLE_MIN = 0.45
SPLITS: tuple[str, ...] = ("train", "dev")
FEATURES = datasets.Features(
    {
        "text": datasets.Value("string"),
        "certainty": datasets.Value("string"),
        "score": datasets.Value("float64"),
        "corpus": datasets.Value("string"),
        "binary_uncertain": datasets.Value("int64"),
    }
)

_PTB_ESCAPES = {"LRB": "(", "RRB": ")", "LSB": "[", "RSB": "]", "LCB": "{", "RCB": "}"}
_PTB_RE = re.compile(r"-(L[RSC]B)-\s*|\s*-(R[RSC]B)-")


@dataclass(frozen=True)
class Row:
    """One mapped example (the ``corpus`` column is added when the Dataset is built)."""

    text: str
    certainty: str
    score: float
    binary_uncertain: int


@dataclass(frozen=True)
class LoadStats:
    """How many rows were read, merged as duplicates and dropped for dev overlap."""

    read: int
    duplicates_merged: int
    dev_overlap_dropped: int


Reader = Callable[[str, Path, Polarity], list[Row]]


@dataclass(frozen=True)
class _Spec:
    read: Reader
    family: str


def certainty_band(score: float) -> str:
    """Certainty label of a score in [0, 1] (bands of ANNOTATION.md)."""
    if not 0.0 <= score <= 1.0:
        raise ValueError(f"certainty score {score} is outside [0, 1]")
    if score >= CERTAIN_MIN:
        return "certain"
    if score >= PROBABLE_MIN:
        return "probable"
    return "possible"


def rating_to_score(rating: float) -> float:
    """Pei & Jurgens 1-6 certainty rating -> score (r - 1) / 5."""
    if not 1.0 <= rating <= 6.0:
        raise ValueError(f"certainty rating {rating} is outside [1, 6]")
    return round((rating - 1.0) / 5.0, 6)


def factuality_to_score(value: float, polarity: Polarity = "magnitude") -> float:
    """-3..+3 factuality/commitment value -> score.

    ``magnitude`` gives |v| / 3: a firm "did not happen" (-3) is as certain as a
    firm "happened" (+3), since negation is not uncertainty.  ``signed`` gives
    (v + 3) / 6, the plain rescaling that treats -3 as least certain.
    """
    if not -3.0 <= value <= 3.0:
        raise ValueError(f"factuality value {value} is outside [-3, 3]")
    raw = abs(value) / 3.0 if polarity == "magnitude" else (value + 3.0) / 6.0
    return round(raw, 6)


def clean_text(text: str) -> str:
    """Undo PTB bracket escapes (-LRB- ...) and collapse whitespace runs."""
    unescaped = _PTB_RE.sub(lambda m: _PTB_ESCAPES[m.group(1) or m.group(2)], text)
    return " ".join(unescaped.split())


def text_key(text: str) -> str:
    """Matching key for duplicates: case-folded alphanumerics only."""
    key = "".join(ch for ch in text.casefold() if ch.isalnum())
    return key or text


def _scored(text: str, score: float) -> Row:
    return Row(clean_text(text), certainty_band(score), score, -1)


def _binary(text: str, uncertain: bool) -> Row:
    if uncertain:
        return Row(clean_text(text), "", -1.0, 1)
    return Row(clean_text(text), "certain", -1.0, 0)


def _require(path: Path) -> Path:
    if not path.is_file():
        raise FileNotFoundError(
            f"corpus file not found: {path}. Pass the folder that holds the corpus "
            "folders (pei_certainty/, bioscope/, ...) with --data-dir "
            "(data_dir= in load_corpus)."
        )
    return path


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with _require(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError(f"{path}:{number}: expected a JSON object")
            yield record


def _read_pei(split: str, data_dir: Path, polarity: Polarity) -> list[Row]:
    name = "val" if split == "dev" else split
    path = data_dir / "pei_certainty" / "sentence-level-certainty" / f"{name}.jsonl"
    return [_scored(r["finding"], rating_to_score(float(r["sentence-level-certainty"]))) for r in _jsonl(path)]


def _factuality_reader(subset: str) -> Reader:
    def read(split: str, data_dir: Path, polarity: Polarity) -> list[Row]:
        path = data_dir / "factuality_jiang2021" / subset / f"{split}.jsonl"
        rows: list[Row] = []
        for record in _jsonl(path):
            scores = [factuality_to_score(float(t["label"]), polarity) for t in record["targets"]]
            if scores:
                rows.append(_scored(record["text"], min(scores)))
        return rows

    return read


def _read_commitmentbank(split: str, data_dir: Path, polarity: Polarity) -> list[Row]:
    path = _require(data_dir / "commitmentbank" / f"{split}.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"Target", "Mean"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing column(s) {sorted(missing)}")
        return [_scored(r["Target"], factuality_to_score(float(r["Mean"]), polarity)) for r in reader]


def _szeged_reader(parts: dict[str, tuple[str, ...]]) -> Reader:
    def read(split: str, data_dir: Path, polarity: Polarity) -> list[Row]:
        rows: list[Row] = []
        for part in parts[split]:
            path = data_dir / "szeged_uncertainty" / f"{part}.{split}.jsonl"
            rows.extend(_binary(r["text"], r["label"] == "uncertain") for r in _jsonl(path))
        return rows

    return read


def _conll_reader(part: str) -> Reader:
    def read(split: str, data_dir: Path, polarity: Polarity) -> list[Row]:
        path = data_dir / "conll2010_task1" / f"{part}.{split}.jsonl"
        return [_binary(r["text"], r["label"] == "uncertain") for r in _jsonl(path)]

    return read


def _speculation_reader(folder: str) -> Reader:
    def read(split: str, data_dir: Path, polarity: Polarity) -> list[Row]:
        path = data_dir / folder / f"{split}.jsonl"
        return [_binary(r["text"], bool(r["speculation"])) for r in _jsonl(path)]

    return read


_SPECS: dict[str, _Spec] = {
    "pei_certainty": _Spec(_read_pei, "pei"),
    "factuality_uw": _Spec(_factuality_reader("UW"), "factbank_news"),
    "factuality_meantime": _Spec(_factuality_reader("MEANTIME"), "meantime"),
    "commitmentbank": _Spec(_read_commitmentbank, "commitmentbank"),
    "szeged_wiki": _Spec(_szeged_reader({"train": ("wiki",), "dev": ("wiki",)}), "wiki"),
    "szeged_factbank": _Spec(_szeged_reader({"train": ("factbank",), "dev": ("factbank",)}), "factbank_news"),
    "szeged_bio": _Spec(
        _szeged_reader({"train": ("bio_bmc", "bio_fly", "bio_hbc"), "dev": ("bio_hbc",)}),
        "bio",
    ),
    "conll2010_wiki": _Spec(_conll_reader("wiki"), "wiki"),
    "conll2010_bio": _Spec(_conll_reader("bio"), "bio"),
    "sfu_review_negspec": _Spec(_speculation_reader("sfu_review_negspec"), "sfu"),
    "bioscope": _Spec(_speculation_reader("bioscope"), "bio"),
}

CORPORA: tuple[str, ...] = tuple(_SPECS)


def _merge(first: Row, other: Row) -> Row:
    if first.binary_uncertain >= 0:
        uncertain = max(first.binary_uncertain, other.binary_uncertain)
        return Row(first.text, "" if uncertain else "certain", -1.0, uncertain)
    score = min(first.score, other.score)
    return Row(first.text, certainty_band(score), score, -1)


def _merge_duplicates(rows: Sequence[Row]) -> list[Row]:
    merged: dict[str, Row] = {}
    for row in rows:
        key = text_key(row.text)
        merged[key] = _merge(merged[key], row) if key in merged else row
    return list(merged.values())


def _check_args(name: str, split: str) -> None:
    if name not in _SPECS:
        raise ValueError(f"unknown corpus {name!r}; expected one of {', '.join(CORPORA)}")
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {', '.join(SPLITS)}")


def load_rows(
    name: str,
    split: str,
    data_dir: Path,
    *,
    polarity: Polarity = "magnitude",
    dev_guard: bool = True,
) -> tuple[list[Row], LoadStats]:
    """Mapped rows of one corpus split, with counts of what was merged or dropped.

    Rows with the same text key are merged into one, keeping the least certain
    reading.  With ``dev_guard``, train rows whose text occurs in the dev split
    of any corpus built from the same source texts (same family) are dropped.
    """
    _check_args(name, split)
    if polarity not in get_args(Polarity):
        raise ValueError(f"unknown polarity {polarity!r}; expected magnitude or signed")
    data_dir = Path(data_dir)
    raw = [row for row in _SPECS[name].read(split, data_dir, polarity) if row.text]
    rows = _merge_duplicates(raw)
    deduped = len(rows)
    if split == "train" and dev_guard:
        family = _SPECS[name].family
        dev_keys = {
            text_key(row.text)
            for spec in _SPECS.values()
            if spec.family == family
            for row in spec.read("dev", data_dir, polarity)
        }
        rows = [row for row in rows if text_key(row.text) not in dev_keys]
    return rows, LoadStats(len(raw), len(raw) - deduped, deduped - len(rows))


def load_corpus(
    name: str,
    split: str,
    data_dir: Path,
    *,
    polarity: Polarity = "magnitude",
    dev_guard: bool = True,
) -> datasets.Dataset:
    """Load one corpus split as a Dataset with claimmine's certainty columns."""
    rows, _ = load_rows(name, split, data_dir, polarity=polarity, dev_guard=dev_guard)
    return datasets.Dataset.from_dict(
        {
            "text": [r.text for r in rows],
            "certainty": [r.certainty for r in rows],
            "score": [r.score for r in rows],
            "corpus": [name] * len(rows),
            "binary_uncertain": [r.binary_uncertain for r in rows],
        },
        features=FEATURES,
    )


_COLUMNS = (
    "corpus",
    "split",
    "rows",
    "certain",
    "probable",
    "possible",
    "unknown",
    "bin_unc=1",
    "bin_unc=0",
    "mean score",
    "read",
    "dup merged",
    "dev overlap",
)


def summary_table(
    data_dir: Path,
    names: Sequence[str] = CORPORA,
    *,
    polarity: Polarity = "magnitude",
    dev_guard: bool = True,
) -> str:
    """Markdown table of row counts and label distribution per corpus and split."""
    lines = ["| " + " | ".join(_COLUMNS) + " |", "|" + "---|" * len(_COLUMNS)]
    for name in names:
        for split in SPLITS:
            rows, stats = load_rows(name, split, data_dir, polarity=polarity, dev_guard=dev_guard)
            labels = [r.certainty for r in rows]
            scores = [r.score for r in rows if r.score >= 0.0]
            binary = [r.binary_uncertain for r in rows]
            cells = [
                name,
                split,
                len(rows),
                labels.count("certain"),
                labels.count("probable"),
                labels.count("possible"),
                labels.count(""),
                binary.count(1),
                binary.count(0),
                f"{sum(scores) / len(scores):.3f}" if scores else "-",
                stats.read,
                stats.duplicates_merged,
                stats.dev_overlap_dropped,
            ]
            lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: print counts and label distributions for every corpus and split."""
    parser = argparse.ArgumentParser(prog="python -m training.corpora", description=__doc__)
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DEFAULT_DATA_DIR,
        help="folder holding the corpus folders (default: ../shared/data next to the repo)",
    )
    parser.add_argument("--corpus", action="append", choices=CORPORA, help="only this corpus (repeatable)")
    parser.add_argument("--polarity", choices=get_args(Polarity), default="magnitude")
    parser.add_argument("--no-dev-guard", action="store_true", help="keep train rows that occur in a dev split")
    args = parser.parse_args(argv)
    try:
        table = summary_table(
            args.data_dir,
            args.corpus or CORPORA,
            polarity=args.polarity,
            dev_guard=not args.no_dev_guard,
        )
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
