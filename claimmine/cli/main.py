"""The ``claimmine`` command line: ``claimmine analyze FILE|-`` prints a table or JSON; ``render`` writes HTML;
``score`` scores a corpus."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from claimmine.cli.options import add_limit_option, add_model_options
from claimmine.cli.score import add_parser as add_score_parser
from claimmine.cli.score import run as run_score
from claimmine.errors import ClaimmineError, InputFormatError, TextTooLongError
from claimmine.pipeline import Analyzer
from claimmine.types import Analysis

_COLUMNS = ("#", "kind", "certainty", "score", "source", "text")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    >>> main(["analyze", "/no/such/file.txt"])
    2
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "score":
        return run_score(args)
    try:
        text = read_text(args.file, max_chars=args.max_chars)
        analysis = Analyzer(
            args.model, attribution=args.attribution, threads=args.threads, max_chars=args.max_chars
        ).analyze(text)
    except (ClaimmineError, OSError, ValueError) as error:
        print(f"claimmine: error: {error}", file=sys.stderr)
        return 2
    if args.command == "render":
        return write_html(analysis, args.output, title=args.title)
    try:
        if args.json:
            print(analysis.to_json(indent=2))
        else:
            write_table(analysis, sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`claimmine analyze f | head`); stop quietly, as the Python docs advise.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0


def _parser() -> argparse.ArgumentParser:
    from claimmine import __version__

    parser = argparse.ArgumentParser(prog="claimmine", description=__doc__)
    parser.add_argument("--version", action="version", version=f"claimmine {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    analyze = commands.add_parser("analyze", help="analyse one text file ('-' reads standard input)")
    analyze.add_argument("file", help="a UTF-8 text file, or - for standard input")
    analyze.add_argument("--json", action="store_true", help="print the analysis as JSON")
    render = commands.add_parser("render", help="write the analysis as one self-contained HTML page")
    render.add_argument("file", help="a UTF-8 text file, or - for standard input")
    render.add_argument("-o", "--output", default="-", help="the HTML file to write (default: standard output)")
    render.add_argument("--title", default=None, help="the page title (default: the text's first line)")
    for command in (analyze, render):
        add_model_options(command)
        add_limit_option(command)
    add_score_parser(commands)
    return parser


def write_html(analysis: Analysis, output: str, *, title: str | None = None) -> int:
    """Write ``analysis`` as an HTML page to the file ``output`` (``-``: standard output); return the exit status.

    >>> from claimmine import Analyzer
    >>> write_html(Analyzer("rules").analyze("It rained."), "/no/such/folder/out.html")  # message on stderr
    2
    """
    page = analysis.to_html(title=title)
    try:
        if output == "-":
            sys.stdout.write(page)
            sys.stdout.flush()
        else:
            Path(output).write_text(page, encoding="utf-8")
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as error:
        print(f"claimmine: error: cannot write {output}: {error.strerror or error}", file=sys.stderr)
        return 2
    return 0


def read_text(name: str, *, max_chars: int | None = None) -> str:
    """Read a UTF-8 text file, or standard input for ``-``; a UTF-8 byte order mark is dropped.

    With ``max_chars``, at most what that many characters can take is read, so an endless input
    (``/dev/zero``) is refused instead of filling memory.

    >>> read_text("/no/such/file")
    Traceback (most recent call last):
    ...
    FileNotFoundError: [Errno 2] No such file or directory: '/no/such/file'
    """
    where = "standard input" if name == "-" else name
    limit = -1 if max_chars is None else 4 * max_chars + 1  # a character takes at most 4 bytes in UTF-8
    if name == "-":
        data = sys.stdin.buffer.read(limit)
    else:
        with open(name, "rb") as stream:
            data = stream.read(limit)
    if max_chars is not None and len(data) == limit:
        raise TextTooLongError(
            f"{where} holds more than {max_chars:,} characters (--max-chars); pass a larger --max-chars, or 0 for "
            "no limit"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputFormatError(f"{where} is UTF-16 text; convert it to UTF-8 first (iconv -f UTF-16 -t UTF-8)")
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise InputFormatError(f"{where} is not UTF-8 text (byte {error.start}); convert it first") from None


def write_table(analysis: Analysis, out: TextIO) -> None:
    """Write one row per segment: index, kind, certainty, score, source and text.

    >>> import io; from claimmine import Analyzer
    >>> buffer = io.StringIO(); write_table(Analyzer("rules").analyze("It rained."), buffer)
    >>> buffer.getvalue().splitlines()[1].split()
    ['1', 'claim', 'certain', '0.90', '-', 'It', 'rained.']
    """
    rows = [_COLUMNS]
    for index, segment in enumerate(analysis.segments, 1):
        source = "-"
        if segment.attribution is not None:
            attribution = segment.attribution
            source = attribution.resolved or (attribution.source.text if attribution.source else "(none)")
        rows.append(
            (
                str(index),
                segment.kind.value,
                segment.certainty.value,
                f"{segment.certainty_score:.2f}",
                _shorten(source, 32),
                " ".join(segment.text.split()),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        out.write("  ".join([*cells, row[-1]]) + "\n")


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


if __name__ == "__main__":
    sys.exit(main())
