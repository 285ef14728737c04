"""The Ray Data engine, in local mode: record by record the same output as ``claimmine score``."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from claimmine.batch.ray_engine import ScoreActor, score_dataset
from claimmine.batch.scorer import RESULT_COLUMNS
from claimmine.cli.main import main
from claimmine.errors import ClaimmineError
from tests.score_corpus import corpus, write_input

ray = pytest.importorskip("ray")

# Ray Data sets deprecated options on its own context objects; that is Ray's business, not a failure here.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")  # no usage report home from tests
    # A short folder: Ray puts Unix sockets in it, whose paths may not exceed 107 characters.
    folder = tempfile.mkdtemp(prefix="ray-")
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
        object_store_memory=100 * 1024 * 1024,
        _temp_dir=folder,
    )
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    yield
    ray.shutdown()
    monkeypatch.undo()
    shutil.rmtree(folder, ignore_errors=True)


def test_ray_output_equals_the_single_machine_output(tmp_path: Path, local_ray: None) -> None:
    records = corpus(20)
    records[4]["text"] = None  # an error row goes through the engine too
    source = write_input(tmp_path / "in.parquet", records)
    assert main(["score", str(source), "-o", str(tmp_path / "single.parquet"), "--model", "rules"]) == 0
    single = pq.read_table(tmp_path / "single.parquet").to_pylist()

    shards = tmp_path / "shards"  # the same records in 4 files, as an archive would be stored
    shards.mkdir()
    for index in range(4):
        write_input(shards / f"part-{index}.parquet", records[index * 5 : index * 5 + 5])
    # Two actors at half a CPU each leave a CPU of the two for the read tasks.
    scored = score_dataset(
        ray.data.read_parquet(str(shards), override_num_blocks=4).repartition(4),
        model="rules",
        batch_size=3,
        workers=2,
        cpus_per_worker=0.5,
    )
    rows = scored.take_all()

    assert [row["id"] for row in rows] == [row["id"] for row in single]
    for row, expected in zip(rows, single, strict=True):
        assert {name: row[name] for name in RESULT_COLUMNS} == {name: expected[name] for name in RESULT_COLUMNS}
    assert rows[4]["ok"] is False and rows[4]["mean_certainty"] is None
    assert rows[0]["source"] == "wire"  # the dataset's own columns stay


def test_a_dataset_with_result_columns_is_refused() -> None:
    import pyarrow as pa

    with pytest.raises(ClaimmineError, match=r"already has result columns \['ok'\]"):
        ScoreActor("rules")(pa.table({"text": ["It rained."], "ok": [True]}))
