"""``claimmine score --resume``: after a crash, a kill or Ctrl-C the output ends up as an uninterrupted run's."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from claimmine.batch.outputs import Existing, open_output
from claimmine.batch.scorer import Scorer
from claimmine.cli import score as score_command
from claimmine.cli.main import main
from claimmine.labeling.labeler import Draft, Labels, RuleLabeler
from tests.score_corpus import corpus, read_jsonl, write_input


def score(*args: str) -> int:
    return main(["score", *args, "--model", "rules", "--batch-size", "3"])


def sidecar(output: Path) -> Path:
    return output.with_name(output.name + ".claimmine.json")


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
    shutil.copy(sidecar(reference), sidecar(target))  # the crashed run had recorded itself when it began
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


# Runs `claimmine score ARGS...` with the rules, sending the process SIGNAL from inside its CALL-th labelling
# call: the signal lands mid-run at the same place every time (a timed signal may come after the run is over).
INTERRUPTED = """
import os, signal, sys
from claimmine.cli.main import main
from claimmine.labeling.labeler import RuleLabeler

name, call = sys.argv[1], int(sys.argv[2])
label = RuleLabeler.label
calls = 0

def interrupted(self, drafts):
    global calls
    calls += 1
    if calls == call:
        os.kill(os.getpid(), getattr(signal, name))
    return label(self, drafts)

RuleLabeler.label = interrupted
sys.exit(main(["score", *sys.argv[3:], "--model", "rules", "--batch-size", "3"]))
"""


def interrupted_score(name: str, call: int, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-c", INTERRUPTED, name, str(call), *args], capture_output=True)


def test_a_killed_run_resumes_without_loss_or_duplicates(tmp_path: Path) -> None:
    source = write_input(tmp_path / "in.jsonl", corpus(400))
    reference = tmp_path / "reference.jsonl"
    assert score(str(source), "-o", str(reference)) == 0
    target = tmp_path / "out.jsonl"
    process = interrupted_score("SIGKILL", 40, str(source), "-o", str(target), "--quiet")
    assert process.returncode == -signal.SIGKILL
    written = target.read_bytes()
    assert written.count(b"\n") == 39 * 3, "the run did not stop at its 40th batch"
    assert score(str(source), "-o", str(target), "--resume") == 0
    assert target.read_bytes() == reference.read_bytes()


def test_ctrl_c_stops_after_a_whole_batch_and_resume_goes_on(tmp_path: Path) -> None:
    source = write_input(tmp_path / "in.jsonl", corpus(400))
    reference = tmp_path / "reference.csv"
    assert score(str(source), "-o", str(reference)) == 0
    target = tmp_path / "out.csv"
    process = interrupted_score("SIGINT", 40, str(source), "-o", str(target))
    assert process.returncode == 130
    assert b"rerun with --resume" in process.stderr
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
    monkeypatch.setattr("claimmine.batch.outputs.PART_ROWS", 4)
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
    assert "does not start as the input the output was scored from" in capsys.readouterr().err
    (tmp_path / "gappy.jsonl").write_text("\n" + source.read_text(encoding="utf-8"), encoding="utf-8")
    assert score(str(tmp_path / "gappy.jsonl"), "-o", str(target), "--resume") == 2
    assert "does not start as the input" in capsys.readouterr().err
    assert target.read_bytes() == before
    (tmp_path / "foreign.jsonl").write_text('{"some": "thing"}\n')
    assert score(str(source), "-o", str(tmp_path / "foreign.jsonl"), "--resume") == 2
    assert "has no record of the run that wrote it" in capsys.readouterr().err
    assert (tmp_path / "foreign.jsonl").read_text() == '{"some": "thing"}\n'
    assert not sidecar(tmp_path / "foreign.jsonl").exists()


def test_resume_without_an_output_starts_from_the_beginning(tmp_path: Path, source: Path) -> None:
    assert score(str(source), "-o", str(tmp_path / "reference.jsonl")) == 0
    assert score(str(source), "-o", str(tmp_path / "out.jsonl"), "--resume") == 0
    assert (tmp_path / "out.jsonl").read_bytes() == (tmp_path / "reference.jsonl").read_bytes()
    assert len(read_jsonl(tmp_path / "out.jsonl")) == 20


def test_resume_refuses_another_model_or_other_fields(
    tmp_path: Path, source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.jsonl"
    assert score(str(source), "-o", str(target)) == 0
    before = target.read_bytes()
    for changed, message in [
        (["--model", "claimmine-minilm-v3-int8"], "labeler 'rules' -> 'claimmine-minilm-v3-int8'"),
        (["--model", "rules", "--text-field", "body"], "text_field 'text' -> 'body'"),
        (["--model", "rules", "--id-field", "key"], "id_field 'id' -> 'key'"),
        (["--model", "rules", "--max-chars", "10"], "max_chars 1000000 -> 10"),
    ]:
        assert main(["score", str(source), "-o", str(target), "--resume", *changed]) == 2
        assert message in capsys.readouterr().err
        assert target.read_bytes() == before


def test_two_runs_on_one_output_the_second_stops(
    tmp_path: Path, source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from claimmine.batch.provenance import RunLock

    target = tmp_path / "out.jsonl"
    held = RunLock(target)  # a run that is writing the output now
    try:
        assert score(str(source), "-o", str(target)) == 2
        assert "another claimmine score run is writing" in capsys.readouterr().err
        assert not target.exists()
    finally:
        held.release()
    assert score(str(source), "-o", str(target)) == 0
    assert len(read_jsonl(target)) == 20
