"""Importing claimmine stays light, and the fast path runs without torch or transformers."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from claimmine.loading import FAST_MODEL, shipped_model

HEAVY = ("torch", "transformers", "onnxruntime", "onnx", "training", "datasets", "sklearn")


def _imported_after(code: str) -> list[str]:
    probe = f"import sys\n{code}\nprint(__import__('json').dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    loaded: list[str] = json.loads(output.strip().splitlines()[-1])
    return [name for name in HEAVY if name in loaded]


def test_import_claimmine_loads_no_model_runtime() -> None:
    assert _imported_after("import claimmine") == []


def test_the_fast_path_needs_neither_torch_nor_transformers() -> None:
    pytest.importorskip("onnxruntime", reason="the fast runtime needs claimmine[fast]")
    assert shipped_model(FAST_MODEL) is not None
    code = (
        "from claimmine import Analyzer\n"
        f"a = Analyzer({FAST_MODEL!r}, attribution='rules').analyze('The ministry said talks would resume.')\n"
        "assert a.segments[0].kind.value == 'official_statement', a"
    )
    assert _imported_after(code) == ["onnxruntime"]


def test_the_default_path_with_the_tagger_never_imports_transformers() -> None:
    code = (
        "from claimmine import analyze\n"
        "a = analyze('Foreign Minister Anna Berger arrived. She said talks would resume.')\n"
        "assert a.segments[1].attribution.resolved == 'Foreign Minister Anna Berger', a"
    )
    loaded = _imported_after(code)
    assert "torch" in loaded and "transformers" not in loaded


def test_the_fast_path_with_its_int8_tagger_needs_neither_torch_nor_transformers() -> None:
    pytest.importorskip("onnxruntime", reason="the fast runtime needs claimmine[fast]")
    code = (
        "from claimmine import Analyzer\n"
        f"an = Analyzer({FAST_MODEL!r})\n"
        "a = an.analyze('Foreign Minister Anna Berger arrived. She said talks would resume.')\n"
        "assert an.attributor.name == 'claimmine-attribution-v1-int8', an.attributor.name\n"
        "assert a.segments[1].attribution.resolved == 'Foreign Minister Anna Berger', a"
    )
    assert _imported_after(code) == ["onnxruntime"]
