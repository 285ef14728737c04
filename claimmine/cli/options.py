"""Command-line options shared by the subcommands."""

from __future__ import annotations

import argparse

from claimmine.pipeline import MAX_TEXT_CHARS


def add_model_options(command: argparse.ArgumentParser) -> None:
    """Add ``--model``, ``--attribution`` and ``--threads`` to a subcommand.

    >>> parser = argparse.ArgumentParser(); add_model_options(parser)
    >>> parser.parse_args(["--attribution", "rules", "--threads", "2"]).threads
    2
    """
    command.add_argument(
        "--model",
        default=None,
        help="model folder, or 'rules' (default: $CLAIMMINE_MODEL, else the shipped model)",
    )
    command.add_argument(
        "--attribution",
        default=None,
        help="attribution tagger folder, or 'rules' (default: $CLAIMMINE_TAGGER, else the shipped tagger)",
    )
    command.add_argument(
        "--threads",
        type=_positive,
        default=None,
        metavar="N",
        help="the models' intra-op threads (default: $CLAIMMINE_THREADS, else one per core)",
    )


def add_limit_option(command: argparse.ArgumentParser) -> None:
    """Add ``--max-chars`` (the longest text analysed; 0 = no limit) to a subcommand.

    >>> parser = argparse.ArgumentParser(); add_limit_option(parser)
    >>> parser.parse_args([]).max_chars, parser.parse_args(["--max-chars", "0"]).max_chars
    (1000000, None)
    """
    command.add_argument(
        "--max-chars",
        type=_limit,
        default=MAX_TEXT_CHARS,
        metavar="N",
        help=f"the longest text analysed, in characters (default: {MAX_TEXT_CHARS:,}; 0 = no limit)",
    )


def _limit(value: str) -> int | None:
    return _whole(value, "characters", 0, "0 (no limit)") or None


def _positive(value: str) -> int:
    return _whole(value, "threads", 1, "1")


def _whole(value: str, unit: str, least: int, wording: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of {unit}, got {value!r}") from None
    if number < least:
        raise argparse.ArgumentTypeError(f"expected {wording} or more {unit}, got {number}")
    return number
