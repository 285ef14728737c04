"""The command line, run as a user would run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from claimmine import Analyzer
from claimmine.cli.main import main

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_b13b75026e8a9805.txt"


def test_table_lists_every_segment(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(SEED), "--model", "rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["#", "kind", "certainty", "score", "source", "text"]
    segments = Analyzer("rules").analyze(SEED.read_text(encoding="utf-8")).segments
    assert len(lines) - 1 == len(segments)
    for number, (line, segment) in enumerate(zip(lines[1:], segments, strict=True), start=1):
        index, kind, certainty, score = line.split()[:4]
        assert (int(index), kind, certainty, score) == (
            number, segment.kind.value, segment.certainty.value, f"{segment.certainty_score:.2f}"
        )
        assert " ".join(segment.text.split())[:20] in line


def test_json_output_is_the_analysis(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("The ministry said talks would resume. Prices may rise.", encoding="utf-8")
    assert main(["analyze", str(path), "--json", "--model", "rules"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["kind"] for s in data["segments"]] == ["official_statement", "speculation"]


def test_standard_input_is_read_with_a_dash() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "claimmine", "analyze", "-", "--json", "--model", "rules"],
        input=b"It rained.",
        capture_output=True,
        check=True,
    )
    assert json.loads(result.stdout)["segments"][0]["text"] == "It rained."


def test_bad_files_give_a_message_and_exit_status_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["analyze", str(tmp_path / "missing.txt"), "--model", "rules"]) == 2
    assert "No such file" in capsys.readouterr().err
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Café crème".encode("latin-1"))
    assert main(["analyze", str(latin), "--model", "rules"]) == 2
    assert "is not UTF-8 text" in capsys.readouterr().err


def test_a_closed_pipe_does_not_print_a_traceback(tmp_path: Path) -> None:
    long = tmp_path / "long.txt"  # output well beyond a pipe's buffer, so writing outlives `head`
    long.write_text("\n\n".join([SEED.read_text(encoding="utf-8")] * 20), encoding="utf-8")
    command = f"{sys.executable} -m claimmine analyze {long} --model rules | head -1"
    result = subprocess.run(command, shell=True, capture_output=True, text=True, check=False)
    assert result.stdout.split() == ["#", "kind", "certainty", "score", "source", "text"]
    assert "Traceback" not in result.stderr


def test_an_endless_input_is_refused_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", "/dev/zero", "--model", "rules", "--max-chars", "1000"]) == 2
    assert "holds more than 1,000 characters" in capsys.readouterr().err


def test_a_byte_order_mark_is_dropped_and_utf16_is_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "bom.txt").write_bytes("\ufeffIt rained.".encode())
    assert main(["analyze", str(tmp_path / "bom.txt"), "--model", "rules", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["segments"][0]["start"] == 0
    (tmp_path / "u16.txt").write_bytes("It rained.".encode("utf-16"))
    assert main(["analyze", str(tmp_path / "u16.txt"), "--model", "rules"]) == 2
    assert "UTF-16" in capsys.readouterr().err


def test_threads_are_a_positive_whole_number(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Prices may rise.", encoding="utf-8")
    command = ["analyze", str(path), "--json", "--model", "claimmine-minilm-v3", "--attribution", "rules"]
    assert main([*command, "--threads", "1"]) == 0
    assert json.loads(capsys.readouterr().out)["labeler"] == "claimmine-minilm-v3"
    with pytest.raises(SystemExit) as exit_info:
        main(["analyze", str(path), "--threads", "0"])
    assert exit_info.value.code == 2
    assert "expected 1 or more threads" in capsys.readouterr().err
