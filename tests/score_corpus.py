"""A small news-like corpus and format helpers shared by the ``claimmine score`` tests."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from claimmine.batch.outputs import COLUMNS

SENTENCES = [
    "The ministry said talks would resume on Monday.",
    "Prices may rise further if the drought continues.",
    "The bridge reopened to traffic after repairs.",
    "Analysts expect the central bank to cut rates in March.",
    "“We will not back down,” the union leader told reporters.",
    "There are concerns that the dispute could spread to other ports.",
    "The court ruled the contract void.",
    "Officials said the fire was probably caused by a faulty cable.",
    "Château Léoville, in Saint-Julien, sold 40% of its crop.",
    "It rained.",
]


def corpus(count: int = 24) -> list[dict[str, Any]]:
    """``count`` records with string ids, texts of one to four sentences, one of them empty."""
    records = []
    for i in range(count):
        parts = [SENTENCES[(i + k) % len(SENTENCES)] for k in range(1 + i % 4)]
        text = "" if i == 5 else (" " if i % 3 else "\n\n").join(parts)
        records.append({"id": f"doc-{i:03d}", "text": text, "source": "wire"})
    return records


def write_input(path: Path, records: list[dict[str, Any]]) -> Path:
    """Write records as JSONL, CSV or Parquet, by the path's extension."""
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    elif path.suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
        path.write_text(buffer.getvalue(), encoding="utf-8")
    else:
        pq.write_table(pa.Table.from_pylist(records), path, row_group_size=7)
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def read_rows(path: Path) -> list[dict[str, str]]:
    """Any output as flat rows of text cells (as the CSV output writes them), for comparing formats."""
    from claimmine.batch.outputs import _csv_cell, flat_record

    if path.suffix == ".jsonl":
        rows = [flat_record(r) for r in read_jsonl(path)]
    elif path.suffix == ".csv":
        with open(path, encoding="utf-8", newline="") as stream:
            reader = csv.reader(stream)
            assert next(reader) == list(COLUMNS)
            return [dict(zip(COLUMNS, row, strict=True)) for row in reader]
    else:
        rows = pq.read_table(path).to_pylist()
    return [{k: _csv_cell(v) for k, v in row.items()} for row in rows]
