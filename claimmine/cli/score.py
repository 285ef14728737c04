"""``claimmine score INPUT -o OUTPUT``: score a corpus record by record, streamed, resumable.

Every input record gives exactly one output record, in order: a result, or an error record that says
where the record is and why it could not be scored. Records are read, scored and written a batch at a time,
so memory does not grow with the input. Exit status: 0, also when some records are errors (1 with
``--strict``); 2 when the command cannot run (bad arguments, unreadable input, existing output); 130 on Ctrl-C,
after the last whole batch is written (``--resume`` goes on from there).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimmine.batch.outputs import Existing, OutputWriter, holds_data, open_output
from claimmine.batch.provenance import Provenance, RunLock
from claimmine.batch.records import FORMATS, InputRecord, RecordReader, format_of
from claimmine.batch.scorer import Scorer, error_result
from claimmine.cli.options import add_limit_option, add_model_options
from claimmine.errors import ClaimmineError, ResumeError


@dataclass
class Tally:
    """What a run did: records written now, how many were errors, and the first error's line."""

    written: int = 0
    errors: int = 0
    skipped: int = 0
    first_error: tuple[int, str] | None = None
    started: float = field(default_factory=time.perf_counter)


def add_parser(commands: Any) -> None:
    """Add the ``score`` subcommand to the ``claimmine`` parser's subcommands.

    >>> parser = argparse.ArgumentParser(); add_parser(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["score", "in.jsonl", "-o", "out.csv"]).batch_size
    64
    """
    score = commands.add_parser(
        "score",
        help="score a corpus (JSONL, CSV or Parquet) into one output record per input record",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    score.add_argument("input", help="a .jsonl, .csv or .parquet file, or - for standard input (JSONL or CSV)")
    score.add_argument("-o", "--output", required=True, help="the output file, or - for standard output")
    score.add_argument("--input-format", choices=FORMATS, help="the input's format (default: from its extension)")
    score.add_argument("--output-format", choices=FORMATS, help="the output's format (default: from its extension)")
    score.add_argument("--text-field", default="text", help="the field or column holding the text (default: text)")
    score.add_argument(
        "--id-field", default="id", help="the id field, copied to the output (default: id; else the line number)"
    )
    score.add_argument("--batch-size", type=_positive, default=64, help="records per batch (default: 64)")
    add_model_options(score)
    add_limit_option(score)
    score.add_argument("--resume", action="store_true", help="go on after an interrupted run, skipping what it wrote")
    score.add_argument("--overwrite", action="store_true", help="replace an output that already holds data")
    score.add_argument("--strict", action="store_true", help="exit with status 1 if any record is an error")
    score.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")


def run(args: argparse.Namespace) -> int:
    """Run ``claimmine score`` with parsed arguments; return the exit status.

    >>> run(argparse.Namespace(input="/no/such.jsonl", output="-", input_format=None, output_format=None,
    ...     text_field="text", id_field="id", batch_size=8, model="rules", attribution=None, threads=None,
    ...     resume=False, overwrite=False, strict=False, quiet=True, max_chars=None))
    2
    """
    try:
        reader, writer, existing, scorer, lock = _open(args)
    except (ClaimmineError, OSError) as error:
        print(f"claimmine score: error: {error}", file=sys.stderr)
        return 2
    try:
        return _run(args, reader, writer, existing, scorer)
    finally:
        if lock is not None:
            lock.release()


def _run(
    args: argparse.Namespace, reader: RecordReader, writer: OutputWriter, existing: Existing, scorer: Scorer
) -> int:
    tally = Tally(skipped=existing.records)
    try:
        with reader:
            _score(reader, writer, existing, scorer, args.batch_size, tally, quiet=args.quiet)
    except KeyboardInterrupt:
        writer.close(complete=False)
        print(
            f"\nclaimmine score: interrupted after {tally.skipped + tally.written} records; "
            "rerun with --resume to go on",
            file=sys.stderr,
        )
        return 130
    except BrokenPipeError:
        # The reader of standard output went away (`... -o - | head`); stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except (ClaimmineError, OSError) as error:
        writer.close(complete=False)
        print(f"claimmine score: error: {error}", file=sys.stderr)
        return 2
    writer.close(complete=True)
    if not args.quiet:
        print(_summary(tally), file=sys.stderr)
    return 1 if args.strict and tally.errors else 0


def _open(args: argparse.Namespace) -> tuple[RecordReader, OutputWriter, Existing, Scorer, RunLock | None]:
    if args.resume and args.overwrite:
        raise ClaimmineError("pass --resume or --overwrite, not both")
    in_format = format_of(args.input, args.input_format, "input")
    out_format = format_of(args.output, args.output_format, "output")
    if "-" not in (args.input, args.output) and _same_file(Path(args.input), Path(args.output)):
        raise ClaimmineError("the output is the input file (or a link to it); choose another output")
    scorer = Scorer(args.model, attribution=args.attribution, threads=args.threads, max_chars=args.max_chars)
    scorer.analyzer.load()  # a model that cannot load fails here, once, before an output file is made
    provenance = Provenance.of_input(
        args.input,
        labeler=scorer.analyzer.labeler.name,
        attribution=scorer.analyzer.attributor.name,
        input_format=in_format,
        text_field=args.text_field,
        id_field=args.id_field,
        max_chars=args.max_chars,
    )
    output = Path(args.output)
    lock = None if args.output == "-" or output.is_dir() else RunLock(output)
    try:
        resuming = args.resume and holds_data(output, out_format)
        if resuming and lock is not None:
            lock.check(provenance, args.input, output)  # before anything in the output is cut
        reader = RecordReader(
            args.input, in_format, text_field=args.text_field, id_field=args.id_field, batch_rows=args.batch_size
        )
        try:
            writer, existing = open_output(args.output, out_format, resume=args.resume, overwrite=args.overwrite)
        except BaseException:
            reader.close()
            raise
        if lock is not None and not resuming:
            lock.record(provenance)
    except BaseException:
        if lock is not None:
            lock.release(discard=True)
        raise
    return reader, writer, existing, scorer, lock


def _score(
    reader: RecordReader,
    writer: OutputWriter,
    existing: Existing,
    scorer: Scorer,
    batch_size: int,
    tally: Tally,
    *,
    quiet: bool,
) -> None:
    records = iter(reader)
    _skip(records, existing)
    bar = _progress(reader, quiet=quiet)
    try:
        for batch in _batches(records, batch_size):
            outputs = _score_batch(scorer, batch)
            writer.write(outputs)
            for output in outputs:
                if not output["ok"]:
                    tally.errors += 1
                    if tally.first_error is None:
                        tally.first_error = (output["line"], output["error"]["type"])
            tally.written += len(outputs)
            if bar is not None:
                bar.update(reader.consumed - bar.n)
                bar.set_postfix_str(f"{tally.skipped + tally.written:,} records, {tally.errors:,} errors")
    finally:
        if bar is not None:
            bar.close()


def _skip(records: Iterator[InputRecord], existing: Existing) -> None:
    """Pass over the records an earlier run wrote, checking that the last of them is where its output says."""
    record = None
    for _ in range(existing.records):
        record = next(records, None)
        if record is None:
            raise ResumeError(
                f"the output holds {existing.records} records but the input has fewer; "
                "it was made from another input (pass --overwrite to start again)"
            )
    if record is not None and record.line != existing.last_line:
        raise ResumeError(
            f"the output's last record comes from line {existing.last_line}, but record {existing.records} "
            f"of the input is on line {record.line}; it was made from another input (pass --overwrite)"
        )


def _batches(records: Iterator[InputRecord], size: int) -> Iterator[list[InputRecord]]:
    batch: list[InputRecord] = []
    for record in records:
        batch.append(record)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _score_batch(scorer: Scorer, batch: Sequence[InputRecord]) -> list[dict[str, Any]]:
    readable = [record for record in batch if record.error is None]
    results = iter(scorer.score([record.text for record in readable]))
    outputs = []
    for record in batch:
        result = error_result(*record.error) if record.error is not None else next(results)
        outputs.append({"id": record.id, "line": record.line, **result})
    return outputs


def _progress(reader: RecordReader, *, quiet: bool) -> Any:
    if quiet or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(
        total=reader.total,
        initial=reader.consumed,
        unit=reader.unit,
        unit_scale=True,
        unit_divisor=1024 if reader.unit == "B" else 1000,
        file=sys.stderr,
        desc="scoring",
        dynamic_ncols=True,
    )


def _summary(tally: Tally) -> str:
    elapsed = time.perf_counter() - tally.started
    rate = tally.written / elapsed if elapsed > 0 else 0.0
    parts = [f"{tally.written:,} records ({tally.written - tally.errors:,} ok, {tally.errors:,} errors)"]
    if tally.skipped:
        parts.append(f"{tally.skipped:,} already written")
    parts.append(f"{elapsed:.1f} s, {rate:,.1f} records/s")
    text = "claimmine score: " + "; ".join(parts)
    if tally.first_error is not None:
        text += f"; first error on line {tally.first_error[0]} ({tally.first_error[1]})"
    return text


def _same_file(source: Path, output: Path) -> bool:
    """Whether two paths name one file: the same path, a symbolic link or a hard link (device and inode)."""
    try:
        return output.exists() and os.path.samefile(source, output)
    except OSError:
        return output.resolve() == source.resolve()


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number
