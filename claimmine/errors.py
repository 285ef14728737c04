"""The exceptions claimmine raises.

Every error derives from :class:`ClaimmineError` and from the built-in it
refines, so callers can catch either::

    ClaimmineError
    ├── ModelNotFoundError (FileNotFoundError)
    ├── ModelFormatError (ValueError)
    ├── MissingDependencyError (ImportError)
    ├── InputFormatError (ValueError)
    ├── TextTooLongError (ValueError)
    ├── OutputExistsError (FileExistsError)
    ├── OutputLockedError (BlockingIOError)
    └── ResumeError (ValueError)
"""

from __future__ import annotations


class ClaimmineError(Exception):
    """Base class of all claimmine errors."""


class ModelNotFoundError(ClaimmineError, FileNotFoundError):
    """A model folder was asked for and is not there."""


class ModelFormatError(ClaimmineError, ValueError):
    """A model folder exists but its files or manifest do not fit this version."""


class MissingDependencyError(ClaimmineError, ImportError):
    """An optional package that a feature needs is not installed; the message names the extra to install."""


class InputFormatError(ClaimmineError, ValueError):
    """An input file or record cannot be read as text to analyse."""


class TextTooLongError(ClaimmineError, ValueError):
    """A text is longer than the analyzer's ``max_chars``; the message says how to lift the limit."""


class OutputExistsError(ClaimmineError, FileExistsError):
    """An output file already holds data and neither resuming nor overwriting was asked for."""


class OutputLockedError(ClaimmineError, BlockingIOError):
    """Another ``claimmine score`` run is writing the same output."""


class ResumeError(ClaimmineError, ValueError):
    """An output cannot be resumed: it is not claimmine's output, or it does not match the input."""
