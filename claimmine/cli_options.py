"""Command-line options shared by the subcommands."""

from __future__ import annotations

import argparse

from claimmine.analyzer import MAX_TEXT_CHARS


def add_model_options(command: argparse.ArgumentParser) -> None:
    """Add ``--model`` and ``--attribution`` to a subcommand.

    >>> parser = argparse.ArgumentParser(); add_model_options(parser)
    >>> parser.parse_args(["--attribution", "rules"]).attribution
    'rules'
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
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of characters, got {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"expected 0 (no limit) or more characters, got {number}")
    return number or None
