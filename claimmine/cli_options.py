"""Command-line options shared by the subcommands."""

from __future__ import annotations

import argparse


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
