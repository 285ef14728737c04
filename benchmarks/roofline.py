"""How far the classifier runs from this machine's limit: its multiply-adds against matmul rates measured here.

``encoder_macs`` counts the multiply-adds of a BERT encoder over sequences of given lengths (projections,
feed-forward and attention; embeddings, norms and heads are left out, a few percent). The machine's own rates
come from one large matrix product timed in this process: float32 in torch, int8 as onnxruntime runs a
dynamically quantised model (``MatMulInteger``, uint8 by int8). ``throughput.py`` prints them beside the rate
each model path achieves on its segments.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROWS, INNER, COLUMNS = 2048, 384, 1536  # one feed-forward product of a 2,048-token batch of MiniLM


def encoder_macs(lengths: Sequence[int], config: dict[str, Any]) -> int:
    """Multiply-adds of the encoder over sequences of ``lengths`` tokens.

    >>> encoder_macs([10], {"hidden_size": 4, "intermediate_size": 8, "num_hidden_layers": 1})
    1440
    """
    hidden, inner, layers = config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]
    per_token = 4 * hidden * hidden + 2 * hidden * inner  # Q, K, V and output projections; the feed-forward
    return sum(layers * (n * per_token + 2 * n * n * hidden) for n in lengths)  # attention scores and context


def model_config(folder: Path) -> dict[str, Any]:
    """The encoder config of a model folder (an ONNX folder names its source's in the manifest, else torch's)."""
    path = folder / "config.json"
    if not path.is_file():
        raise FileNotFoundError(f"{folder} has no config.json")
    return dict(json.loads(path.read_text(encoding="utf-8")))


def _best_seconds(run: Any, repeats: int = 20) -> float:
    run()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def fp32_rate(threads: int | None = None) -> float:
    """Multiply-adds per second of a float32 matrix product in torch."""
    import torch

    if threads:
        torch.set_num_threads(threads)
    a, b = torch.randn(ROWS, INNER), torch.randn(INNER, COLUMNS)
    return ROWS * INNER * COLUMNS / _best_seconds(lambda: torch.matmul(a, b))


def int8_rate(threads: int | None = None) -> float | None:
    """Multiply-adds per second of onnxruntime's ``MatMulInteger`` (uint8 by int8), or ``None`` without onnx."""
    try:
        import onnxruntime
        from onnx import TensorProto, helper
    except ImportError:
        return None
    graph = helper.make_graph(
        [helper.make_node("MatMulInteger", ["a", "b"], ["c"])],
        "matmul",
        [
            helper.make_tensor_value_info("a", TensorProto.UINT8, [ROWS, INNER]),
            helper.make_tensor_value_info("b", TensorProto.INT8, [INNER, COLUMNS]),
        ],
        [helper.make_tensor_value_info("c", TensorProto.INT32, [ROWS, COLUMNS])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    options = onnxruntime.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
    session = onnxruntime.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    feeds = {
        "a": rng.integers(0, 255, (ROWS, INNER), dtype=np.uint8),
        "b": rng.integers(-127, 127, (INNER, COLUMNS), dtype=np.int8),
    }
    return ROWS * INNER * COLUMNS / _best_seconds(lambda: session.run(None, feeds))
