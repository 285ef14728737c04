"""``claimmine score --resume``: after a crash, a kill or Ctrl-C the output ends up as an uninterrupted run's."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from claimmine import score_command
from claimmine.cli import main
from claimmine.labeler import Draft, Labels, RuleLabeler
from claimmine.outputs import Existing, open_output
from claimmine.scoring import Scorer
from tests.score_corpus import corpus, read_jsonl, write_input


def score(*args: str) -> int:
    return main(["score", *args, "--model", "rules", "--batch-size", "3"])


@pytest.fixture
def source(tmp_path: Path) -> Path:
    records = corpus(20)
    records[7]["text"] = None  # an error record among them
    records[3]["id"] = 'a "quoted",\nmulti-line id'  # a CSV row over two lines
    return write_input(tmp_path / "in.jsonl", records)


@pytest.mark.parametrize("suffix", ["jsonl", "csv"])
@pytest.mark.parametrize("cut", [0.0, 0.1, 0.37, 0.5, 0.93, 1.0])
def test_resume_after_a_cut_mid_record_gives_the_uninterrupted_output(
    tmp_path: Path, source: Path, suffix: str, cut: float
) -> None:
    reference = tmp_path / f"reference.{suffix}"
    assert score(str(source), "-o", str(reference)) == 0
    data = reference.read_bytes()
    target = tmp_path / f"out.{suffix}"
    target.write_bytes(data[: int(len(data) * cut)])  # a crash mid-write: whole batches and a partial record
    assert score(str(source), "-o", str(target), "--resume") == 0
    assert target.read_bytes() == data


def test_resume_counts_what_is_there(tmp_path: Path, source: Path) -> None:
    reference = tmp_path / "reference.csv"
    assert score(str(source), "-o", str(reference)) == 0
    data = reference.read_bytes()
    lines = data.splitlines(keepends=True)
    (tmp_path / "out.csv").write_bytes(b"".join(lines[:5]) + lines[5][:40])
    writer, existing = open_output(str(tmp_path / "out.csv"), "csv", resume=True)
    writer.close(complete=False)
    # Header, 3 rows, then the 4th row cut: its quoted id spans two lines, and the cut falls after the first.
    assert existing == Existing(3, 3)
    assert (tmp_path / "out.csv").read_bytes() == b"".join(lines[:4])


def test_a_killed_run_resumes_without_loss_or_duplicates(tmp_path: Path) -> None:
    source = write_input(tmp_path / "in.jsonl", corpus(400))
    reference = tmp_path / "reference.jsonl"
    assert score(str(source), "-o", str(reference)) == 0
    target = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "claimmine", "score", str(source), "-o", str(target), "--model", "rules",
               "--batch-size", "3", "--quiet"]
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while (not target.exists() or target.stat().st_size < 20_000) and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    written = target.read_bytes()
    assert 0 < written.count(b"\n") < 400, "the run was not interrupted mid-file"
    assert score(str(source), "-o", str(target), "--resume") == 0
    assert target.read_bytes() == reference.read_bytes()


def test_ctrl_c_stops_after_a_whole_batch_and_resume_goes_on(tmp_path: Path) -> None:
    source = write_input(tmp_path / "in.jsonl", corpus(400))
    reference = tmp_path / "reference.csv"
    assert score(str(source), "-o", str(reference)) == 0
    target = tmp_path / "out.csv"
    command = [sys.executable, "-m", "claimmine", "score", str(source), "-o", str(target), "--model", "rules",
               "--batch-size", "3"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while (not target.exists() or target.stat().st_size < 20_000) and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    _, error = process.communicate()
    assert process.returncode == 130
    assert b"rerun with --resume" in error
    written = target.read_bytes()
    assert written.endswith(b"\n") and written.count(b"\n") < reference.read_bytes().count(b"\n")
    assert score(str(source), "-o", str(target), "--resume") == 0
    assert target.read_bytes() == reference.read_bytes()


class Crash(BaseException):
    """Stands for the process dying: nothing in claimmine catches it."""


class FailingLabeler(RuleLabeler):
    """The rules, until the ``fail_at``-th call, which raises ``error``."""

    def __init__(self, fail_at: int, error: type[BaseException]) -> None:
        self.calls = 0
        self.fail_at = fail_at
        self.error = error

    def label(self, drafts: Sequence[Draft]) -> list[Labels]:
        self.calls += 1
        if self.calls == self.fail_at:
            raise self.error()
        return super().label(drafts)


@pytest.mark.parametrize("error", [Crash, KeyboardInterrupt])
def test_parquet_resumes_from_its_whole_parts(
    tmp_path: Path, source: Path, monkeypatch: pytest.MonkeyPatch, error: type[BaseException]
) -> None:
    monkeypatch.setattr("claimmine.outputs.PART_ROWS", 4)
    reference = tmp_path / "reference.parquet"
    assert score(str(source), "-o", str(reference)) == 0
    target = tmp_path / "out.parquet"
    labeler = FailingLabeler(6, error)  # the 6th batch fails: 12 rows are in whole parts, 3 in an open one

    def failing_scorer(model: Any, **options: Any) -> Scorer:
        return Scorer(labeler, **{**options, "attribution": "rules"})

    monkeypatch.setattr(score_command, "Scorer", failing_scorer)
    if error is Crash:
        with pytest.raises(Crash):
            score(str(source), "-o", str(target))
    else:
        assert score(str(source), "-o", str(target)) == 130
    parts = tmp_path / "out.parquet.parts"
    whole = sorted(p.name for p in parts.glob("part-*.parquet"))
    assert not target.exists()
    if error is Crash:
        assert whole == ["part-000000.parquet", "part-000001.parquet"]
        assert (parts / "part-000002.parquet.tmp").exists()
    else:  # Ctrl-C closes the open part properly, so nothing is scored twice
        assert whole == ["part-000000.parquet", "part-000001.parquet", "part-000002.parquet"]
    monkeypatch.undo()
    assert score(str(source), "-o", str(target), "--resume") == 0
    assert not parts.exists()
    assert pq.read_table(target).equals(pq.read_table(reference))


def test_a_finished_parquet_output_resumes_as_its_first_part(tmp_path: Path) -> None:
    records = corpus(10)
    write_input(tmp_path / "all.jsonl", records)
    write_input(tmp_path / "head.jsonl", records[:6])
    assert score(str(tmp_path / "all.jsonl"), "-o", str(tmp_path / "reference.parquet")) == 0
    target = tmp_path / "out.parquet"
    assert score(str(tmp_path / "head.jsonl"), "-o", str(target)) == 0
    assert score(str(tmp_path / "all.jsonl"), "-o", str(target), "--resume") == 0
    assert pq.read_table(target).equals(pq.read_table(tmp_path / "reference.parquet"))


def test_resume_refuses_an_output_made_from_another_input(
    tmp_path: Path, source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.jsonl"
    assert score(str(source), "-o", str(target)) == 0
    before = target.read_bytes()
    write_input(tmp_path / "short.jsonl", corpus(5))
    assert score(str(tmp_path / "short.jsonl"), "-o", str(target), "--resume") == 2
    assert "made from another input" in capsys.readouterr().err
    (tmp_path / "gappy.jsonl").write_text("\n" + source.read_text(encoding="utf-8"), encoding="utf-8")
    assert score(str(tmp_path / "gappy.jsonl"), "-o", str(target), "--resume") == 2
    assert "is on line 21" in capsys.readouterr().err
    assert target.read_bytes() == before
    (tmp_path / "foreign.jsonl").write_text('{"some": "thing"}\n')
    assert score(str(source), "-o", str(tmp_path / "foreign.jsonl"), "--resume") == 2
    assert "does not end with a claimmine score record" in capsys.readouterr().err


def test_resume_without_an_output_starts_from_the_beginning(tmp_path: Path, source: Path) -> None:
    assert score(str(source), "-o", str(tmp_path / "reference.jsonl")) == 0
    assert score(str(source), "-o", str(tmp_path / "out.jsonl"), "--resume") == 0
    assert (tmp_path / "out.jsonl").read_bytes() == (tmp_path / "reference.jsonl").read_bytes()
    assert len(read_jsonl(tmp_path / "out.jsonl")) == 20
