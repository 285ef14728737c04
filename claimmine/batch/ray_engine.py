"""Scoring beyond one machine on Ray Data: the same :class:`~claimmine.batch.scorer.Scorer`, run by an actor pool.

Needs ``pip install claimmine[ray]``. :func:`score_dataset` adds the result columns of ``claimmine score``'s
CSV and Parquet outputs (:data:`claimmine.batch.scorer.RESULT_COLUMNS`) to every row of a Ray dataset. Each actor
of the pool builds one :class:`ScoreActor`, so the model loads once per worker, not once per batch. Ray is
imported only when this module's functions run.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from claimmine.batch.scorer import RESULT_COLUMNS, Scorer
from claimmine.errors import ClaimmineError
from claimmine.labeling.labeler import Labeler

if TYPE_CHECKING:
    import pyarrow
    from ray.data import Dataset


class ScoreActor:
    """The callable each Ray actor holds: scores a batch (an Arrow table) and appends the result columns.

    >>> import pyarrow as pa
    >>> table = ScoreActor("rules")(pa.table({"id": ["a"], "text": ["Prices may rise."]}))
    >>> table.column_names[:3], table.column("speculation_segments").to_pylist()
    (['id', 'text', 'ok'], [1])
    """

    def __init__(self, model: str | os.PathLike[str] | Labeler | None = None, text_field: str = "text") -> None:
        self.scorer = Scorer(model, text_field=text_field)
        self.text_field = text_field

    def __call__(self, batch: pyarrow.Table) -> pyarrow.Table:
        """Return ``batch`` with the result columns appended, typed as in the Parquet output."""
        import pyarrow as pa

        from claimmine.batch.outputs import parquet_schema

        clash = sorted(set(RESULT_COLUMNS) & set(batch.column_names))
        if clash:
            raise ClaimmineError(f"the dataset already has result columns {clash}; rename or drop them first")
        columns = self.scorer({self.text_field: batch.column(self.text_field).to_pylist()})
        schema = parquet_schema()
        for name in RESULT_COLUMNS:
            field = schema.field(name)
            batch = batch.append_column(field, pa.array(columns[name], type=field.type))
        return batch


def score_dataset(
    dataset: Dataset,
    *,
    model: str | os.PathLike[str] | Labeler | None = None,
    text_field: str = "text",
    batch_size: int = 64,
    workers: int = 1,
    cpus_per_worker: float = 1.0,
) -> Dataset:
    """Return ``dataset`` with the result columns added, scored by a pool of ``workers`` actors.

    The model path must be readable on every node (a shared file system, or the same path everywhere).
    Leave CPUs for reading: ``workers * cpus_per_worker`` must stay below the cluster's CPUs, or the actors
    hold them all and the read tasks never run (seen with 2 actors on a 2-CPU local cluster). Like any
    Ray Data transform this is lazy: write or iterate the result to run it.

    >>> import ray  # doctest: +SKIP
    >>> scored = score_dataset(ray.data.read_parquet("articles/"), workers=8)  # doctest: +SKIP
    >>> scored.write_parquet("scored/")  # doctest: +SKIP
    """
    from ray.data import ActorPoolStrategy

    return dataset.map_batches(
        ScoreActor,
        fn_constructor_kwargs={"model": model, "text_field": text_field},
        batch_size=batch_size,
        batch_format="pyarrow",
        compute=ActorPoolStrategy(size=workers),
        num_cpus=cpus_per_worker,
    )
