"""Marks for tests that need an optional package: they skip, naming the extra, where it is not installed."""

from __future__ import annotations

import importlib.util

import pytest

EXTRAS = {"onnxruntime": "fast", "pyarrow": "parquet", "pandas": "pandas", "datasets": "train", "ray": "ray"}


def needs(*packages: str) -> pytest.MarkDecorator:
    """Skip unless every package is installed.

    >>> needs("json").mark.args
    (False,)
    """
    missing = [name for name in packages if importlib.util.find_spec(name) is None]
    extras = ", ".join(f"claimmine[{EXTRAS.get(name, name)}]" for name in missing)
    return pytest.mark.skipif(bool(missing), reason=f"needs {', '.join(missing)} ({extras})")


needs_onnxruntime = needs("onnxruntime")
