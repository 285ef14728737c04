"""The ONNX model alone, several exports side by side: ``python benchmarks/onnx_speed.py FOLDER [FOLDER ...]``.

Each folder is an ONNX model folder (``python -m training.export_onnx``). The
segments are those of ``benchmarks/throughput.py`` (2,000 news sentences,
drafted once); each round runs every folder once, in turn, so that a change
in the machine's load hits them alike. Prints sentences/s per round and the
median; ``--threads`` sets onnxruntime's intra-op threads (default: one per
core).

Compare the shipped export with one fused by onnxruntime's BERT optimizer:

    python -m training.export_onnx models/claimmine-minilm-v1 -o /tmp/fused --fuse
    python benchmarks/onnx_speed.py models/claimmine-minilm-v3-int8 /tmp/fused --threads 1 --rounds 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from throughput import news_sentences  # noqa: E402

from claimmine import Analyzer  # noqa: E402
from claimmine.labeling.onnx_model import OnnxLabeler  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int)
    args = parser.parse_args()
    sentences = news_sentences(args.sentences)
    drafts = [d for document, _ in Analyzer("rules", attribution="rules").draft_batch(sentences) for d in document]
    labelers = {str(folder): OnnxLabeler(folder, threads=args.threads) for folder in args.folders}
    rates: dict[str, list[float]] = {name: [] for name in labelers}
    for labeler in labelers.values():
        labeler.label(drafts[:64])  # first-call allocations outside the timing
    for round_ in range(args.rounds):
        for name, labeler in labelers.items():
            start = time.perf_counter()
            labeler.label(drafts)
            rates[name].append(len(sentences) / (time.perf_counter() - start))
        print(f"round {round_ + 1}: " + ", ".join(f"{name} {rates[name][-1]:.0f}/s" for name in labelers))
    print(f"\n{len(sentences)} sentences ({len(drafts)} segments), threads {args.threads or 'default'}")
    print("| model folder | median sentences/s |\n|---|---:|")
    for name, values in rates.items():
        print(f"| {name} | {statistics.median(values):.0f} |")


if __name__ == "__main__":
    main()
