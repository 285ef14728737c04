"""Gold annotation files: reading, validating and summarising them.

A gold file is JSONL, one document per line::

    {"id": "...", "domain": "...", "segments": [
        {"text": "...", "sep": " ", "kind": "claim", "certainty": "certain",
         "source": null, "source_type": null, "resolved": null, "cue": null, "direct": null}, ...]}

The document text is the concatenation of ``text + sep`` over its segments
(``sep`` is whitespace, default one space), so offsets are derived, never
typed by hand. ``source`` and ``cue`` are substrings of the segment text
(the first whole-word occurrence).

A *standoff* document (``seeds/real``) holds no text: it names a file of the
shared corpora and the SHA-256 of the text it was labelled on, and its
segments give character offsets into that text::

    {"id": "...", "domain": "...", "text_file": "polnear/dev/text/NAME.txt", "sha256": "...",
     "segments": [{"start": 0, "end": 57, "kind": "claim", "certainty": "certain",
                   "source": [12, 20], "source_type": "media", "cue": [21, 28], "direct": false}, ...]}

With ``"line": N`` the text is the ``text`` field of line ``N`` (from 0) of a
JSONL file. The text is read from the data folder at load time and must match
its hash; the segments must cover every non-space character of it.

``python -m training.gold FILE... [--data-dir DIR]`` validates files and
prints counts per kind x certainty cell.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimmine.types import Certainty, SegmentKind, SourceType, Span
from training import DEFAULT_DATA_DIR


class GoldFormatError(ValueError):
    """A gold file breaks the format; the message names the file, line and segment."""


@dataclass(frozen=True, slots=True)
class GoldSegment:
    """One gold segment with offsets into its document's text."""

    text: str
    start: int
    end: int
    kind: SegmentKind
    certainty: Certainty
    source: Span | None
    source_type: SourceType | None
    cue: Span | None
    direct: bool | None
    resolved: str | None


@dataclass(frozen=True, slots=True)
class GoldDocument:
    """A gold document: its text and segments."""

    id: str
    domain: str
    text: str
    segments: tuple[GoldSegment, ...]


def load_gold(paths: Path | Iterable[Path], data_dir: Path = DEFAULT_DATA_DIR) -> list[GoldDocument]:
    """Read gold documents from files or folders of ``*.jsonl`` files (sorted by name).

    Standoff documents read their text from ``data_dir`` (the shared corpora).

    >>> load_gold(Path("seeds/news/dev"))[0].segments[0].kind in SegmentKind
    True
    """
    files: list[Path] = []
    for path in [paths] if isinstance(paths, Path) else paths:
        if path.is_dir():
            files.extend(sorted(path.glob("*.jsonl")))
        elif path.exists():
            files.append(path)
        else:
            raise FileNotFoundError(f"no gold file or folder at {path}")
    documents = []
    for file in files:
        with file.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if line.strip():
                    record, where = json.loads(line), f"{file}:{number}"
                    if "text_file" in record:
                        documents.append(_standoff_document(record, where, data_dir))
                    else:
                        documents.append(_document(record, where))
    return documents


def text_sha256(text: str) -> str:
    """Return the hex SHA-256 of ``text`` as UTF-8 (what a standoff document records).

    >>> text_sha256("")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_source_text(data_dir: Path, text_file: str, line: int | None = None) -> str:
    """Read the text a standoff document points to: a whole file, or the ``text`` of one JSONL line."""
    path = data_dir / text_file
    if not path.resolve().is_relative_to(data_dir.resolve()):
        raise GoldFormatError(f"text_file {text_file!r} points outside the data folder {data_dir}")
    try:
        content = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{path} is missing: standoff gold reads its texts from the shared corpora; pass --data-dir"
        ) from None
    if line is None:
        return content
    rows = content.splitlines()
    if not 0 <= line < len(rows):
        raise GoldFormatError(f"{path} has no line {line}")
    text = json.loads(rows[line]).get("text")
    if not isinstance(text, str):
        raise GoldFormatError(f"{path} line {line} has no 'text' field")
    return text


def _standoff_document(record: dict[str, Any], where: str, data_dir: Path) -> GoldDocument:
    for key in ("id", "domain", "text_file", "sha256"):
        if not record.get(key):
            raise GoldFormatError(f"{where}: a standoff document needs {key!r}")
    text = read_source_text(data_dir, record["text_file"], record.get("line"))
    if text_sha256(text) != record["sha256"]:
        raise GoldFormatError(
            f"{where}: the text of {record['text_file']} does not match the hash it was labelled on; "
            "the corpus in the data folder differs from the one annotated"
        )
    segments = []
    position = 0
    for index, raw in enumerate(record.get("segments") or []):
        here = f"{where} ({record['id']} segment {index})"
        start, end = raw.get("start"), raw.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and position <= start < end <= len(text)):
            raise GoldFormatError(f"{here}: offsets {start}..{end} are out of order or outside the text")
        if text[position:start].strip():
            raise GoldFormatError(f"{here}: text before it belongs to no segment: {text[position:start][:40]!r}")
        part = text[start:end]
        if part != part.strip():
            raise GoldFormatError(f"{here}: segment has outer whitespace")
        kind, certainty, source_type = _labels(raw, here)
        source = _offset_span(text, start, end, raw.get("source"), here, "source")
        cue = _offset_span(text, start, end, raw.get("cue"), here, "cue")
        direct = _direct(raw, source, source_type, cue, here)
        segments.append(GoldSegment(part, start, end, kind, certainty, source, source_type, cue, direct, None))
        position = end
    if not segments:
        raise GoldFormatError(f"{where}: document {record['id']} has no segments")
    if text[position:].strip():
        raise GoldFormatError(f"{where}: the end of {record['id']} belongs to no segment")
    return GoldDocument(record["id"], record["domain"], text, tuple(segments))


def _offset_span(text: str, start: int, end: int, offsets: object, where: str, field: str) -> Span | None:
    if offsets is None:
        return None
    if not (
        isinstance(offsets, list)
        and len(offsets) == 2
        and all(isinstance(x, int) for x in offsets)
        and start <= offsets[0] < offsets[1] <= end
    ):
        raise GoldFormatError(f"{where}: {field} {offsets!r} is not a [start, end] inside the segment")
    return Span(text[offsets[0] : offsets[1]], offsets[0], offsets[1])


def _document(record: dict[str, Any], where: str) -> GoldDocument:
    if not record.get("id") or not record.get("domain"):
        raise GoldFormatError(f"{where}: a document needs 'id' and 'domain'")
    pieces: list[str] = []
    segments = []
    position = 0
    for index, raw in enumerate(record.get("segments") or []):
        segment = _segment(raw, position, f"{where} ({record['id']} segment {index})")
        segments.append(segment)
        sep = raw.get("sep", " ")
        pieces.extend([segment.text, sep])
        position = segment.end + len(sep)
    if not segments:
        raise GoldFormatError(f"{where}: document {record['id']} has no segments")
    return GoldDocument(record["id"], record["domain"], "".join(pieces), tuple(segments))


def _segment(raw: dict[str, Any], start: int, where: str) -> GoldSegment:
    text = raw.get("text", "")
    sep = raw.get("sep", " ")
    if not text or text != text.strip():
        raise GoldFormatError(f"{where}: segment text is empty or has outer whitespace")
    if not isinstance(sep, str) or sep.strip():
        raise GoldFormatError(f"{where}: 'sep' must be whitespace")
    kind, certainty, source_type = _labels(raw, where)
    source = _span(text, start, raw.get("source"), where, "source")
    cue = _span(text, start, raw.get("cue"), where, "cue")
    direct = _direct(raw, source, source_type, cue, where)
    return GoldSegment(
        text, start, start + len(text), kind, certainty, source, source_type, cue, direct, raw.get("resolved")
    )


def _labels(raw: dict[str, Any], where: str) -> tuple[SegmentKind, Certainty, SourceType | None]:
    try:
        kind, certainty = SegmentKind(raw["kind"]), Certainty(raw["certainty"])
        source_type = SourceType(raw["source_type"]) if raw.get("source_type") else None
    except (KeyError, ValueError) as error:
        raise GoldFormatError(f"{where}: bad or missing label ({error})") from None
    return kind, certainty, source_type


def _direct(
    raw: dict[str, Any], source: Span | None, source_type: SourceType | None, cue: Span | None, where: str
) -> bool | None:
    if (source is None) != (source_type is None):
        raise GoldFormatError(f"{where}: 'source' and 'source_type' go together")
    direct = raw.get("direct")
    if direct is not None and (not isinstance(direct, bool) or cue is None):
        raise GoldFormatError(f"{where}: 'direct' is a boolean and needs a 'cue'")
    if not isinstance(direct, bool | None):
        raise GoldFormatError(f"{where}: 'direct' is a boolean")
    return direct


def _span(text: str, offset: int, phrase: object, where: str, field: str) -> Span | None:
    if phrase is None:
        return None
    if not isinstance(phrase, str) or not phrase or phrase not in text:
        raise GoldFormatError(f"{where}: {field} {phrase!r} is not in the segment text")
    # Prefer a whole-word occurrence: the pronoun "he" also occurs inside "the".
    whole = re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text)
    index = whole.start() if whole else text.index(phrase)
    return Span(phrase, offset + index, offset + index + len(phrase))


def cell_counts(documents: Sequence[GoldDocument]) -> Counter[tuple[SegmentKind, Certainty]]:
    """Count gold segments per (kind, certainty) cell.

    >>> sum(cell_counts(load_gold(Path("seeds/news/dev"))).values()) >= 400
    True
    """
    return Counter((s.kind, s.certainty) for d in documents for s in d.segments)


def main(argv: Sequence[str] | None = None) -> None:
    """Validate gold files and print their cell counts."""
    parser = argparse.ArgumentParser(prog="python -m training.gold", description=__doc__)
    parser.add_argument("paths", nargs="+", type=Path, help="gold files or folders")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="the shared corpora (standoff texts)")
    args = parser.parse_args(argv)
    documents = load_gold(args.paths, args.data_dir)
    counts = cell_counts(documents)
    print(f"{len(documents)} documents, {sum(counts.values())} segments")
    print("kind".ljust(20) + "".join(c.value.rjust(10) for c in Certainty))
    for kind in SegmentKind:
        print(kind.value.ljust(20) + "".join(str(counts[(kind, c)]).rjust(10) for c in Certainty))


if __name__ == "__main__":
    main()
