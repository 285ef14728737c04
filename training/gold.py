"""Gold annotation files: reading, validating and summarising them.

A gold file is JSONL, one document per line::

    {"id": "...", "domain": "...", "segments": [
        {"text": "...", "sep": " ", "kind": "claim", "certainty": "certain",
         "source": null, "source_type": null, "resolved": null, "cue": null, "direct": null}, ...]}

The document text is the concatenation of ``text + sep`` over its segments
(``sep`` is whitespace, default one space), so offsets are derived, never
typed by hand. ``source`` and ``cue`` are substrings of the segment text
(the first whole-word occurrence). ``python -m training.gold FILE...`` validates files and
prints counts per kind x certainty cell.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimmine.labels import Certainty, SegmentKind, SourceType
from claimmine.results import Span


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


def load_gold(paths: Path | Iterable[Path]) -> list[GoldDocument]:
    """Read gold documents from files or folders of ``*.jsonl`` files (sorted by name).

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
                    documents.append(_document(json.loads(line), f"{file}:{number}"))
    return documents


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
    try:
        kind, certainty = SegmentKind(raw["kind"]), Certainty(raw["certainty"])
        source_type = SourceType(raw["source_type"]) if raw.get("source_type") else None
    except (KeyError, ValueError) as error:
        raise GoldFormatError(f"{where}: bad or missing label ({error})") from None
    source = _span(text, start, raw.get("source"), where, "source")
    cue = _span(text, start, raw.get("cue"), where, "cue")
    if (source is None) != (source_type is None):
        raise GoldFormatError(f"{where}: 'source' and 'source_type' go together")
    direct = raw.get("direct")
    if direct is not None and (not isinstance(direct, bool) or cue is None):
        raise GoldFormatError(f"{where}: 'direct' is a boolean and needs a 'cue'")
    return GoldSegment(
        text, start, start + len(text), kind, certainty, source, source_type, cue, direct, raw.get("resolved")
    )


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
    documents = load_gold(parser.parse_args(argv).paths)
    counts = cell_counts(documents)
    print(f"{len(documents)} documents, {sum(counts.values())} segments")
    print("kind".ljust(20) + "".join(c.value.rjust(10) for c in Certainty))
    for kind in SegmentKind:
        print(kind.value.ljust(20) + "".join(str(counts[(kind, c)]).rjust(10) for c in Certainty))


if __name__ == "__main__":
    main()
