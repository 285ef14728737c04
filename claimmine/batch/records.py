"""Reading the input of ``claimmine score``: JSONL, CSV or Parquet, streamed one record at a time.

A reader yields one :class:`InputRecord` per record, in order, holding either the record's text value or
the reason it could not be read. Nothing is read ahead beyond a small buffer (a Parquet batch), so memory
does not grow with the input. ``line`` is where the record is: its line in a JSONL file, the line its row
starts on in a CSV file (the header is line 1), its 1-based row in a Parquet file. Blank lines hold no
record and are skipped (they still count as lines).
"""

from __future__ import annotations

import csv
import json
import math
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from claimmine.batch.scorer import json_type
from claimmine.errors import InputFormatError, MissingDependencyError

FORMATS = ("jsonl", "csv", "parquet")
EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
# A CSV field holds a whole article; the csv module's default limit (131,072 characters) is too small.
CSV_FIELD_LIMIT = 2**31 - 1


@dataclass(frozen=True, slots=True)
class InputRecord:
    """One input record: where it is, its id, and its text value, or why it could not be read.

    ``id`` is the record's id field, else its ``line``; ``None`` when the record could not be parsed.
    ``text`` is the raw value of the text field (not yet checked to be a string).
    """

    line: int
    id: Any
    text: object = None
    error: tuple[str, str] | None = None


def format_of(name: str, given: str | None, role: str) -> str:
    """Return the format of a file: ``given`` if set, else the one its extension says (``-`` means JSONL).

    >>> format_of("corpus.csv", None, "input"), format_of("-", None, "output"), format_of("x.txt", "jsonl", "input")
    ('csv', 'jsonl', 'jsonl')
    """
    if given is not None:
        return given
    if name == "-":
        return "jsonl"
    fmt = EXTENSIONS.get(Path(name).suffix.lower())
    if fmt is None:
        raise InputFormatError(
            f"cannot tell the format of {name} from its extension "
            f"(.jsonl, .ndjson, .csv, .parquet); pass --{role}-format {{{','.join(FORMATS)}}}"
        )
    return fmt


class RecordReader:
    """Reads records from a JSONL, CSV or Parquet file, or JSONL/CSV from standard input (``-``).

    ``consumed`` counts what was read so far in ``unit`` (bytes, or rows for Parquet); ``total`` is the
    whole size when it is known (a file, not a stream), for a progress bar.

    >>> import tempfile; folder = tempfile.mkdtemp()
    >>> _ = Path(folder, "in.jsonl").write_text('{"id": "a", "text": "It rained."}\\n{"text": 3}\\n')
    >>> with RecordReader(f"{folder}/in.jsonl", "jsonl") as reader:
    ...     [(r.line, r.id, r.text) for r in reader]
    [(1, 'a', 'It rained.'), (2, 2, 3)]
    """

    def __init__(
        self, name: str, fmt: str, *, text_field: str = "text", id_field: str = "id", batch_rows: int = 1024
    ) -> None:
        self.name = name
        self.fmt = fmt
        self.text_field = text_field
        self.id_field = id_field
        self.batch_rows = batch_rows
        self.consumed = 0
        self.total: int | None = None
        self.unit = "rows" if fmt == "parquet" else "B"
        self._stream: IO[bytes] | None = None
        self._lines_read = 0
        self._records: Iterator[InputRecord]
        if fmt == "parquet":
            self._records = self._parquet()
            return
        if name == "-":
            self._stream = sys.stdin.buffer
        else:
            self._stream = open(name, "rb")  # noqa: SIM115 (closed by close(); the reader outlives this call)
            size = os.fstat(self._stream.fileno()).st_size
            self.total = size or None
        try:
            self._records = self._jsonl(self._stream) if fmt == "jsonl" else self._csv(self._stream)
        except BaseException:
            self.close()
            raise

    def __iter__(self) -> Iterator[InputRecord]:
        return self._records

    def __enter__(self) -> RecordReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the input file (standard input stays open)."""
        if self._stream is not None and self._stream is not sys.stdin.buffer:
            self._stream.close()

    def _jsonl(self, stream: IO[bytes]) -> Iterator[InputRecord]:
        for number, raw in enumerate(self._jsonl_lines(stream), 1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            elif number == 1 and raw.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise InputFormatError(
                    f"{self._where()} is UTF-16; convert it to UTF-8 first (iconv -f UTF-16 -t UTF-8)"
                )
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                yield InputRecord(number, None, error=("undecodable", f"line is not UTF-8 (byte {error.start})"))
                continue
            try:
                value = json.loads(line, parse_constant=_non_standard, parse_float=_finite_float)
            except json.JSONDecodeError as error:
                # Some of json's messages end in "at" ("Invalid control character at").
                message = f"{error.msg.removesuffix(' at')} at column {error.colno}"
                yield InputRecord(number, None, error=("malformed_json", message))
                continue
            except RecursionError:
                yield InputRecord(number, None, error=("malformed_json", "the line nests too deeply to read"))
                continue
            except ValueError as error:  # an integer of over 4,300 digits, NaN, Infinity, 1e400
                yield InputRecord(number, None, error=("malformed_json", str(error)))
                continue
            if not isinstance(value, dict):
                message = f"the line holds {json_type(value)}, not a JSON object"
                yield InputRecord(number, None, error=("not_an_object", message))
                continue
            yield self._record(number, value)

    def _jsonl_lines(self, stream: IO[bytes]) -> Iterator[bytes]:
        """Yield the lines of a JSONL stream, ended by LF, CRLF or a lone CR (old Mac files).

        JSON text holds no raw CR, so a CR inside a line can only end one.
        """
        for raw in stream:
            self.consumed += len(raw)
            body = raw.rstrip(b"\r\n")
            if b"\r" in body:
                yield from body.split(b"\r")
            else:
                yield raw

    def _csv(self, stream: IO[bytes]) -> Iterator[InputRecord]:
        csv.field_size_limit(CSV_FIELD_LIMIT)
        reader = csv.reader(self._csv_lines(stream), strict=True)  # bad quoting is an error, not a merged row
        try:
            header = next(reader, None)
        except csv.Error as error:
            raise InputFormatError(f"{self._where()}: the CSV header cannot be read: {error}") from None
        if header is None:
            return iter(())
        header[0] = header[0].removeprefix("\ufeff")
        if self.text_field not in header:
            raise InputFormatError(
                f"{self._where()} has no column {self.text_field!r} (columns: {', '.join(header)}); "
                "choose one with --text-field"
            )
        id_at = header.index(self.id_field) if self.id_field in header else None
        return self._csv_rows(reader, len(header), header.index(self.text_field), id_at)

    def _csv_lines(self, stream: IO[bytes]) -> Iterator[str]:
        for raw in stream:
            self.consumed += len(raw)
            self._lines_read += 1
            # Undecodable bytes become lone surrogates here and an error record later, not a crash.
            yield raw.decode("utf-8", "surrogateescape")

    def _csv_rows(self, reader: Any, width: int, text_at: int, id_at: int | None) -> Iterator[InputRecord]:
        while True:
            start = self._lines_read + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                where = f"line {start}" if self._lines_read <= start else f"lines {start}-{self._lines_read}"
                yield InputRecord(start, None, error=("malformed_csv", f"{error} ({where})"))
                continue
            if not row:
                continue
            ident: Any = start
            if id_at is not None:
                ident = row[id_at] if id_at < len(row) else None
                if ident is not None and not _is_unicode(ident):
                    yield InputRecord(start, None, error=("undecodable", "the id is not UTF-8 text"))
                    continue
            if text_at >= len(row):
                message = f"the row has {len(row)} fields, the header {width}: no {self.text_field!r}"
                yield InputRecord(start, ident, error=("missing_field", message))
                continue
            yield InputRecord(start, ident, row[text_at])

    def _parquet(self) -> Iterator[InputRecord]:
        if self.name == "-":
            raise InputFormatError("Parquet input needs a file, not standard input (its index is at the end)")
        parquet = _pyarrow_parquet()
        try:
            source = parquet.ParquetFile(self.name)
        except FileNotFoundError:
            raise
        except Exception as error:  # pyarrow raises ArrowInvalid (a ValueError) and others on a bad file
            raise InputFormatError(f"{self.name} is not a readable Parquet file: {error}") from None
        names = source.schema_arrow.names
        if self.text_field not in names:
            raise InputFormatError(
                f"{self.name} has no column {self.text_field!r} (columns: {', '.join(names)}); "
                "choose one with --text-field"
            )
        self.total = source.metadata.num_rows
        has_id = self.id_field in names and self.id_field != self.text_field
        columns = [self.text_field, self.id_field] if has_id else [self.text_field]
        return self._parquet_rows(source, columns, has_id)

    def _parquet_rows(self, source: Any, columns: list[str], has_id: bool) -> Iterator[InputRecord]:
        row = 0
        for batch in source.iter_batches(batch_size=self.batch_rows, columns=columns):
            texts = batch.column(0).to_pylist()
            ids = batch.column(1).to_pylist() if has_id else [None] * len(texts)
            for text, ident in zip(texts, ids, strict=True):
                row += 1
                self.consumed += 1
                yield InputRecord(row, _json_ready(ident) if has_id else row, text)

    def _record(self, number: int, value: dict[str, Any]) -> InputRecord:
        ident = value.get(self.id_field, number) if self.id_field in value else number
        if not _is_unicode(ident):
            return InputRecord(number, None, error=("undecodable", "the id holds a lone surrogate, not Unicode"))
        if self.text_field not in value:
            fields = ", ".join(value) or "none"
            return InputRecord(
                number, ident, error=("missing_field", f"no field {self.text_field!r} (fields: {fields})")
            )
        return InputRecord(number, ident, value[self.text_field])

    def _where(self) -> str:
        return "standard input" if self.name == "-" else self.name


def _is_unicode(value: object) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, TypeError, ValueError):
        return False
    return True


def _json_ready(value: object) -> Any:
    """Keep JSON scalars as they are; write anything else (a date, bytes, a NaN) as its ``str``."""
    if value is None or isinstance(value, (str, int, bool)) or (isinstance(value, float) and math.isfinite(value)):
        return value
    return str(value)


def _non_standard(name: str) -> Any:
    raise ValueError(f"{name} is not standard JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:40]} is too large for a float")
    return value


def _pyarrow_parquet() -> Any:
    try:
        import pyarrow.parquet as parquet
    except ImportError:
        raise MissingDependencyError("Parquet needs pyarrow: pip install 'claimmine[parquet]'") from None
    return parquet
