"""Peak memory of ``claimmine score`` as the input grows: it should stay flat, because records stream.

For each size (default 10 MB, 100 MB and 1 GB) the script writes a JSONL corpus to a temporary folder (not
the repository), runs ``claimmine score`` on all of it in a subprocess, and reads the subprocess's peak
resident memory (``ru_maxrss`` from ``os.wait4``). Every record holds one sentence from the news dev set as
its text and a ``body_html`` field of ``--pad-kb`` kB that the scorer reads and parses but does not analyse:
scoring a gigabyte of real article text would take hours on two cores, while this corpus streams the whole
gigabyte through reading, JSON parsing, analysis and writing in minutes, with 100,000 records at 1 GB.
The rule labeler does the labelling; ``--model-mb`` adds one run of the shipped model on the smallest file,
for the model's own footprint.

    python benchmarks/score_memory.py                      # 10 MB, 100 MB, 1 GB with the rules
    python benchmarks/score_memory.py --sizes-mb 1 5       # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def sentences() -> list[str]:
    """The segment texts of the news dev set."""
    texts: list[str] = []
    for path in sorted((ROOT / "seeds" / "news" / "dev").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            texts.extend(segment["text"] for segment in json.loads(line)["segments"])
    return texts


def write_corpus(path: Path, size_mb: float, pad_kb: float, texts: list[str]) -> int:
    """Write records until the file reaches ``size_mb``; return how many."""
    padding = "<p>" + "x" * int(pad_kb * 1024) + "</p>"
    target = int(size_mb * 1024 * 1024)
    written = count = 0
    with open(path, "w", encoding="utf-8") as stream:
        while written < target:
            line = json.dumps({"id": f"r{count}", "text": texts[count % len(texts)], "body_html": padding}) + "\n"
            stream.write(line)
            written += len(line.encode("utf-8"))
            count += 1
    return count


def peak_rss(command: list[str]) -> tuple[float, float]:
    """Run ``command``; return its peak resident memory in MB and its wall time in seconds."""
    started = time.perf_counter()
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed with status {os.waitstatus_to_exitcode(status)}")
    return usage.ru_maxrss / 1024, elapsed  # ru_maxrss is in kB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes-mb", type=float, nargs="+", default=[10, 100, 1024], help="input sizes in MB")
    parser.add_argument("--pad-kb", type=float, default=10, help="size of each record's unanalysed field, kB")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument(
        "--model-mb", type=float, default=None, help="also run the shipped model on a file of this size (MB)"
    )
    args = parser.parse_args()

    texts = sentences()
    folder = Path(tempfile.mkdtemp(prefix="claimmine-score-memory-"))
    score = [sys.executable, "-m", "claimmine", "score"]
    rows = []
    try:
        floor, _ = peak_rss([sys.executable, "-c", "import claimmine.cli.main"])
        runs = [(size, "rules") for size in args.sizes_mb]
        if args.model_mb is not None:
            runs.append((args.model_mb, "shipped model"))
        for size, labeler in runs:
            source = folder / f"in-{size:g}.jsonl"
            records = write_corpus(source, size, args.pad_kb, texts)
            target = folder / "out.jsonl"
            target.unlink(missing_ok=True)
            model = ["--model", "rules"] if labeler == "rules" else []
            command = [*score, str(source), "-o", str(target), "--quiet", "--batch-size", str(args.batch_size)]
            rss, elapsed = peak_rss(command + model)
            with open(target, "rb") as stream:
                assert sum(1 for _ in stream) == records, "one output record per input record"
            rows.append(
                (
                    f"{source.stat().st_size / 2**20:,.0f} MB",
                    f"{records:,}",
                    labeler,
                    f"{elapsed:,.0f} s",
                    f"{records / elapsed:,.0f}",
                    f"{target.stat().st_size / 2**20:,.1f} MB",
                    f"{rss:,.0f} MB",
                )
            )
            print(f"done: {rows[-1]}", file=sys.stderr, flush=True)
            source.unlink()
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    header = ("input", "records", "labeler", "wall time", "records/s", "output", "peak RSS")
    print(f"Python + `import claimmine.cli.main` alone: peak RSS {floor:,.0f} MB; batch size {args.batch_size}")
    print()
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---"] * 3 + ["---:"] * 4) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
