"""Writing the output of ``claimmine score`` batch by batch, so that an interrupted run can resume.

JSONL and CSV: a batch is encoded first, then written with one ``write``, flushed and fsynced, so a crash
leaves whole records plus at most one partial record at the end. Resuming cuts that partial record and
counts the whole ones.

Parquet keeps its index (the footer) at the end of the file, so a file cut by a crash cannot be read at all.
Its output is therefore written as part files in ``OUTPUT.parts/``: a part is written under a ``.tmp`` name,
one row group per batch, and renamed to ``part-NNNNNN.parquet`` once it holds :data:`PART_ROWS` rows (or when
the run stops on Ctrl-C), so a part is whole or absent. At the end the parts are joined into ``OUTPUT`` and
the folder is removed. Resuming deletes a ``.tmp`` part (a crash loses at most its rows, which are scored
again), counts the rows of the whole parts and goes on; a finished ``OUTPUT`` is resumed by moving it into
the folder as its first part.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from claimmine.batch.records import _pyarrow_parquet
from claimmine.batch.scorer import RESULT_COLUMNS, RESULT_TYPES, flatten
from claimmine.errors import ClaimmineError, OutputExistsError, ResumeError

COLUMNS = ("id", "line", *RESULT_COLUMNS)
# Rows per Parquet part file: what a hard crash can cost (they are scored again), and the row group size.
PART_ROWS = 1024


@dataclass(frozen=True, slots=True)
class Existing:
    """What an earlier run left in the output: how many whole records, and the input line of the last one."""

    records: int = 0
    last_line: int | None = None


class OutputWriter(Protocol):
    """Appends batches of output records; ``close(complete=False)`` leaves a resumable output."""

    def write(self, records: Sequence[Mapping[str, Any]]) -> None:
        """Write a batch of records, all of it or (after a crash) a part that resuming can cut."""
        ...

    def close(self, *, complete: bool) -> None:
        """Finish the output (``complete``), or leave it ready to resume after an interruption."""
        ...


def flat_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """Return an output record as the flat row of the CSV and Parquet outputs (the id as text).

    >>> flat_record({"id": 7, "line": 2, "ok": False, "error": {"type": "t", "message": "m"}})["id"]
    '7'
    """
    ident = record["id"]
    text = ident if ident is None or isinstance(ident, str) else json.dumps(ident, ensure_ascii=False)
    return {"id": text, "line": record["line"], **flatten(record)}


def holds_data(path: Path, fmt: str) -> bool:
    """Whether an earlier run left records (or Parquet parts) at the output ``path``.

    >>> holds_data(Path("/no/such/out.jsonl"), "jsonl")
    False
    """
    if fmt == "parquet" and path.with_name(path.name + ".parts").is_dir():
        return True
    return path.is_file() and path.stat().st_size > 0


def open_output(name: str, fmt: str, *, resume: bool = False, overwrite: bool = False) -> tuple[OutputWriter, Existing]:
    """Open the output for writing; with ``resume``, first find what an earlier run left there.

    Without ``resume`` or ``overwrite``, an output that already holds data is an error. ``-`` is standard
    output (JSONL or CSV, never resumed).

    >>> import tempfile; path = Path(tempfile.mkdtemp(), "out.jsonl"); _ = path.write_text('{"line": 1}\\n')
    >>> open_output(str(path), "jsonl")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    claimmine.errors.OutputExistsError: ... already holds data; pass --resume to go on where it stopped, ...
    """
    if name == "-":
        if fmt == "parquet":
            raise ClaimmineError("Parquet output needs a file, not standard output; pass -o FILE.parquet")
        if resume:
            raise ResumeError("--resume needs an output file, not standard output")
        return _StreamWriter(sys.stdout.buffer, fmt, header=fmt == "csv"), Existing()
    path = Path(name)
    if path.is_dir():
        raise ClaimmineError(f"the output {path} is a folder; name a file in it, e.g. {path / ('scores.' + fmt)}")
    if fmt == "parquet":
        return _open_parquet(path, resume=resume, overwrite=overwrite)
    existing = Existing()
    if resume and path.exists():
        existing = _resume_jsonl(path) if fmt == "jsonl" else _resume_csv(path)
    elif not overwrite and path.exists() and path.stat().st_size > 0:
        raise _exists(path)
    stream = open(path, "ab" if resume else "wb")  # noqa: SIM115 (the writer owns and closes it)
    header = fmt == "csv" and stream.tell() == 0
    return _StreamWriter(stream, fmt, header=header), existing


class _StreamWriter:
    def __init__(self, stream: IO[bytes], fmt: str, *, header: bool) -> None:
        self.stream = stream
        self.fmt = fmt
        mode = os.fstat(stream.fileno()).st_mode
        self.sync = stat.S_ISREG(mode)
        if header:
            self._put(_csv_bytes([list(COLUMNS)]))

    def write(self, records: Sequence[Mapping[str, Any]]) -> None:
        if self.fmt == "jsonl":
            data = "".join(json.dumps(r, ensure_ascii=False, allow_nan=False) + "\n" for r in records).encode("utf-8")
        else:
            data = _csv_bytes([[_csv_cell(v) for v in flat_record(r).values()] for r in records])
        self._put(data)

    def close(self, *, complete: bool) -> None:
        if self.stream is not sys.stdout.buffer:
            self.stream.close()

    def _put(self, data: bytes) -> None:
        self.stream.write(data)
        self.stream.flush()
        if self.sync:
            os.fsync(self.stream.fileno())


def _csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _exists(path: Path) -> OutputExistsError:
    return OutputExistsError(
        f"{path} already holds data; pass --resume to go on where it stopped, or --overwrite to replace it"
    )


def _resume_jsonl(path: Path) -> Existing:
    count = end = position = 0
    first = last = b""
    with open(path, "rb") as stream:
        for raw in stream:
            position += len(raw)
            if raw.endswith(b"\n"):
                count, end, last = count + 1, position, raw
                first = first or raw
    # Checked before anything is cut: a file that is not claimmine's output stays as it is.
    if count and _record_line(first) is None:
        raise ResumeError(f"{path} does not start with a claimmine score record; cannot resume it")
    line = _record_line(last) if count else None
    if count and line is None:
        raise ResumeError(f"{path} does not end with a claimmine score record; cannot resume it")
    _truncate(path, end)
    return Existing(count, line) if count else Existing()


def _record_line(raw: bytes) -> int | None:
    """The input line of a JSONL output record, or ``None`` if ``raw`` is not one."""
    try:
        record = json.loads(raw)
        line = record["line"]
    except (ValueError, KeyError, TypeError, RecursionError):
        return None
    return line if isinstance(line, int) and isinstance(record.get("ok"), bool) else None


def _resume_csv(path: Path) -> Existing:
    size = path.stat().st_size
    position = 0
    newline = True

    def lines(stream: IO[bytes]) -> Any:
        nonlocal position, newline
        for raw in stream:
            position += len(raw)
            newline = raw.endswith(b"\n")
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                if position < size:  # only the last line may be cut inside a character
                    raise ResumeError(f"{path} is not UTF-8 text; cannot resume it") from None
                return

    count = end = 0
    last: list[str] = []
    with open(path, "rb") as stream:
        reader = csv.reader(lines(stream), strict=True)
        try:
            for row in reader:
                if not newline:
                    break  # the file ends inside this row: a partial record
                if end == 0 and row != list(COLUMNS):
                    raise ResumeError(f"{path} is not the CSV output of claimmine score (its header differs)")
                if end:
                    count += 1
                    last = row
                end = position
        except csv.Error:
            pass  # the file ends inside a quoted field: a partial record
    _truncate(path, end)
    if not count:
        return Existing()
    try:
        return Existing(count, int(last[COLUMNS.index("line")]))
    except (ValueError, IndexError):
        raise ResumeError(f"{path} does not end with a claimmine score row; cannot resume it") from None


def _truncate(path: Path, size: int) -> None:
    if path.stat().st_size == size:
        return
    with open(path, "r+b") as stream:
        stream.truncate(size)
        os.fsync(stream.fileno())


def parquet_schema() -> Any:
    """Return the Arrow schema of the Parquet output (the id as text; figures null in error rows).

    >>> parquet_schema().names[:4]
    ['id', 'line', 'ok', 'error_type']
    """
    import pyarrow as pa

    types = {"id": "string", "line": "int64", **RESULT_TYPES}
    return pa.schema([(column, pa.type_for_alias(types[column])) for column in COLUMNS])


def _open_parquet(path: Path, *, resume: bool, overwrite: bool) -> tuple[OutputWriter, Existing]:
    parquet = _pyarrow_parquet()
    parts = path.with_name(path.name + ".parts")
    if overwrite and not resume:
        shutil.rmtree(parts, ignore_errors=True)
        path.unlink(missing_ok=True)
    if not resume:
        if parts.exists() or (path.exists() and path.stat().st_size > 0):
            raise _exists(path)
        parts.mkdir()
        return _ParquetWriter(path, parts, 0), Existing()
    if not parts.exists() and path.exists():
        parts.mkdir()
        os.replace(path, parts / _part_name(0))  # a finished output becomes the first part
    parts.mkdir(exist_ok=True)
    for temporary in parts.glob("*.tmp"):
        temporary.unlink()
    names = sorted(p.name for p in parts.glob("part-*.parquet"))
    if names != [_part_name(i) for i in range(len(names))]:
        raise ResumeError(f"{parts} holds unexpected files; cannot resume (pass --overwrite to start again)")
    count = 0
    last = None
    for name in names:
        try:
            source = parquet.ParquetFile(parts / name)
            if source.schema_arrow.names != list(COLUMNS):
                raise ResumeError(f"{parts / name} is not claimmine score output; cannot resume it")
            count += source.metadata.num_rows
            if source.metadata.num_rows:
                last = source.read_row_group(source.num_row_groups - 1, columns=["line"]).column(0)[-1].as_py()
        except ResumeError:
            raise
        except Exception as error:
            raise ResumeError(f"{parts / name} cannot be read ({error}); cannot resume it") from None
    return _ParquetWriter(path, parts, len(names)), Existing(count, last)


def _part_name(index: int) -> str:
    return f"part-{index:06d}.parquet"


class _ParquetWriter:
    def __init__(self, path: Path, parts: Path, index: int) -> None:
        self.path = path
        self.parts = parts
        self.index = index
        self.schema = parquet_schema()
        self._writer: Any = None
        self._rows = 0

    def write(self, records: Sequence[Mapping[str, Any]]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as parquet

        table = pa.Table.from_pylist([flat_record(r) for r in records], schema=self.schema)
        if self._writer is None:
            self._writer = parquet.ParquetWriter(self._temporary(), self.schema)
        self._writer.write_table(table)
        self._rows += len(records)
        if self._rows >= PART_ROWS:
            self._seal()

    def close(self, *, complete: bool) -> None:
        if self._writer is not None:
            self._seal()
        if complete:
            self._join()

    def _temporary(self) -> Path:
        return self.parts / (_part_name(self.index) + ".tmp")

    def _seal(self) -> None:
        self._writer.close()
        _fsync(self._temporary())
        os.replace(self._temporary(), self.parts / _part_name(self.index))
        _fsync(self.parts)
        self._writer = None
        self._rows = 0
        self.index += 1

    def _join(self) -> None:
        import pyarrow.parquet as parquet

        joined = self.path.with_name(self.path.name + ".tmp")
        with parquet.ParquetWriter(joined, self.schema) as writer:
            for index in range(self.index):
                writer.write_table(parquet.read_table(self.parts / _part_name(index), schema=self.schema))
            if self.index == 0:
                writer.write_table(self.schema.empty_table())
        _fsync(joined)
        os.replace(joined, self.path)
        _fsync(self.path.parent)
        shutil.rmtree(self.parts)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
