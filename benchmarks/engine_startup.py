"""What a distributed engine costs on one machine: install size, import time, local start-up, a first job.

Used to choose between Ray Data and Apache Spark for ``claimmine.batch.ray_engine``. Each engine that is
installed in this Python is measured in a fresh subprocess, ``--repeat`` times: the import, starting a
2-CPU local instance (``ray.init`` / a ``local[2]`` SparkSession), a first job on 20 rows through the same
kind of stateful transform claimmine uses (a Ray actor pool with ``map_batches``; a pandas UDF), and the
shutdown. Install size is the size of the engine's own package folder (shared dependencies such as pyarrow,
pandas and numpy are left out).

    pip install "ray[data]" pyspark pandas pyarrow   # in a scratch virtual environment
    python benchmarks/engine_startup.py --repeat 2
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

RAY = """
import json, time
t0 = time.perf_counter()
import ray, ray.data
t1 = time.perf_counter()
ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
t2 = time.perf_counter()
class Length:
    def __call__(self, batch):
        batch["n"] = [len(t) for t in batch["text"]]
        return batch
rows = ray.data.from_items([{"text": f"t{i}"} for i in range(20)]).map_batches(
    Length, compute=ray.data.ActorPoolStrategy(size=1), batch_size=10).take_all()
t3 = time.perf_counter()
ray.shutdown()
t4 = time.perf_counter()
assert len(rows) == 20
print(json.dumps({"import": t1 - t0, "start": t2 - t1, "first job": t3 - t2, "stop": t4 - t3}))
"""

SPARK = """
import json, time
t0 = time.perf_counter()
from pyspark.sql import SparkSession
from pyspark.sql.functions import pandas_udf
import pandas as pd
t1 = time.perf_counter()
spark = SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false").getOrCreate()
spark.sparkContext.setLogLevel("ERROR")
t2 = time.perf_counter()
@pandas_udf("long")
def length(texts: pd.Series) -> pd.Series:
    return texts.str.len()
rows = spark.createDataFrame([(f"t{i}",) for i in range(20)], ["text"]).select(length("text")).collect()
t3 = time.perf_counter()
spark.stop()
t4 = time.perf_counter()
assert len(rows) == 20
print(json.dumps({"import": t1 - t0, "start": t2 - t1, "first job": t3 - t2, "stop": t4 - t3}))
"""

ENGINES = {"ray": ("ray", RAY), "spark": ("pyspark", SPARK)}


def folder_mb(package: str) -> float:
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.submodule_search_locations
    folder = Path(next(iter(spec.submodule_search_locations)))
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    environment = {**os.environ, "PYSPARK_PYTHON": sys.executable, "RAY_USAGE_STATS_ENABLED": "0"}
    print("| engine | package size | import | local start | first job | stop | total |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, (package, code) in ENGINES.items():
        if importlib.util.find_spec(package) is None:
            print(f"| {name} | not installed | | | | | |")
            continue
        size = folder_mb(package)
        for _ in range(args.repeat):
            result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment)
            if result.returncode != 0:
                print(f"| {name} | failed: {result.stderr.strip().splitlines()[-1]} | | | | | |")
                break
            times = json.loads(result.stdout.strip().splitlines()[-1])
            cells = [f"{times[k]:.1f} s" for k in ("import", "start", "first job", "stop")]
            print(f"| {name} | {size:,.0f} MB | " + " | ".join(cells) + f" | {sum(times.values()):.1f} s |")


if __name__ == "__main__":
    main()
