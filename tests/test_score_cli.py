"""``claimmine score``: formats, standard streams, error records, exit status and overwrite protection."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from claimmine import Analyzer
from claimmine.batch.scorer import summarize
from claimmine.cli.main import main
from tests.score_corpus import corpus, read_jsonl, read_rows, write_input

FORMATS = ("jsonl", "csv", "parquet")


def score(*args: str) -> int:
    return main(["score", *args, "--model", "rules", "--batch-size", "5"])


def test_each_record_gets_its_analysis_and_summary_in_order(tmp_path: Path) -> None:
    records = corpus()
    source = write_input(tmp_path / "in.jsonl", records)
    assert score(str(source), "-o", str(tmp_path / "out.jsonl")) == 0
    output = read_jsonl(tmp_path / "out.jsonl")
    analyses = Analyzer("rules").analyze_batch([r["text"] for r in records])
    assert [o["id"] for o in output] == [r["id"] for r in records]
    assert [o["line"] for o in output] == list(range(1, len(records) + 1))
    for out, analysis in zip(output, analyses, strict=True):
        assert out["ok"] is True
        assert out["analysis"] == json.loads(analysis.to_json())
        assert out["summary"] == summarize(analysis)
    empty = output[5]["summary"]
    assert empty == {"segments": 0, "kinds": empty["kinds"], "speculative_share": None, "mean_certainty": None}


@pytest.mark.parametrize("source_format", FORMATS)
@pytest.mark.parametrize("target_format", FORMATS)
def test_every_format_pair_gives_the_same_rows(tmp_path: Path, source_format: str, target_format: str) -> None:
    records = corpus(12)
    write_input(tmp_path / "ref.jsonl", records)
    assert score(str(tmp_path / "ref.jsonl"), "-o", str(tmp_path / "ref-out.csv")) == 0
    reference = read_rows(tmp_path / "ref-out.csv")
    source = write_input(tmp_path / f"in.{source_format}", records)
    target = tmp_path / f"out.{target_format}"
    assert score(str(source), "-o", str(target)) == 0
    rows = read_rows(target)
    lines = list(range(1, len(records) + 1))
    if source_format == "csv":  # the header is line 1, and a quoted text's line breaks count too
        lines = [2 + sum(r["text"].count("\n") + 1 for r in records[:i]) for i in range(len(records))]
    assert [row["line"] for row in rows] == [str(line) for line in lines]
    strip = [{k: v for k, v in row.items() if k != "line"} for row in rows]
    assert strip == [{k: v for k, v in row.items() if k != "line"} for row in reference]


def test_parquet_output_is_typed_and_readable(tmp_path: Path) -> None:
    source = write_input(tmp_path / "in.jsonl", [{"id": 1, "text": "Prices may rise."}, {"id": 2, "text": None}])
    assert score(str(source), "-o", str(tmp_path / "out.parquet")) == 0
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.schema.field("speculation_segments").type == pa.int64()
    assert table.to_pylist()[0]["id"] == "1" and table.to_pylist()[0]["speculation_segments"] == 1
    assert table.to_pylist()[1]["segments"] is None and table.to_pylist()[1]["error_type"] == "not_a_string"
    assert not (tmp_path / "out.parquet.parts").exists()


def test_an_empty_input_gives_an_empty_output(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_bytes(b"")
    for target in ("out.jsonl", "out.csv", "out.parquet"):
        assert score(str(tmp_path / "in.jsonl"), "-o", str(tmp_path / target)) == 0
    assert (tmp_path / "out.jsonl").read_bytes() == b""
    assert read_rows(tmp_path / "out.csv") == []
    assert pq.read_table(tmp_path / "out.parquet").num_rows == 0


def test_without_an_id_field_the_line_number_is_the_id(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text('{"body": "It rained."}\n\n{"body": "Prices may rise."}\n')
    assert score(str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl"), "--text-field", "body") == 0
    assert [(r["id"], r["line"]) for r in read_jsonl(tmp_path / "out.jsonl")] == [(1, 1), (3, 3)]


def test_standard_input_and_output() -> None:
    command = [sys.executable, "-m", "claimmine", "score", "-", "-o", "-", "--model", "rules"]
    lines = b'{"id": "a", "text": "It rained."}\n{"id": "b", "text": "Prices may rise."}\n'
    result = subprocess.run(command, input=lines, capture_output=True, check=True)
    assert [r["id"] for r in map(json.loads, result.stdout.splitlines())] == ["a", "b"]
    assert "2 records (2 ok, 0 errors)" in result.stderr.decode()
    assert "scoring" not in result.stderr.decode()  # no progress bar when standard error is not a terminal
    csv_in = b"id,text\nx,It rained.\n"
    result = subprocess.run([*command, "--input-format", "csv", "--output-format", "csv"], input=csv_in,
                            capture_output=True, check=True)
    assert result.stdout.decode().splitlines()[1].startswith("x,2,true,,,1,1,0,0,")


def test_parquet_needs_files_not_streams(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_input(tmp_path / "in.jsonl", corpus(2))
    assert score(str(source), "-o", "-", "--output-format", "parquet") == 2
    assert "Parquet output needs a file" in capsys.readouterr().err
    assert score("-", "--input-format", "parquet", "-o", str(tmp_path / "o.jsonl")) == 2
    assert "Parquet input needs a file" in capsys.readouterr().err


def test_bad_jsonl_records_become_error_records_on_their_lines(tmp_path: Path) -> None:
    lines = [
        b'{"id": "ok1", "text": "It rained."}',
        b'{"id": "broken", "text": "It rai',
        b"",
        b'{"id": "no-text", "body": "x"}',
        b'{"id": "null", "text": null}',
        b'{"id": "number", "text": 42}',
        b'["not", "an", "object"]',
        b'{"id": "latin1", "text": "caf\xe9"}',
        b'{"id": "surrogate", "text": "bad \\ud800 text"}',
        b'{"id": "ok2", "text": "Prices may rise."}',
    ]
    (tmp_path / "in.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    assert score(str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl")) == 0
    output = read_jsonl(tmp_path / "out.jsonl")
    found = [(r["line"], r["id"], r["ok"], r["error"]["type"] if not r["ok"] else None) for r in output]
    assert found == [
        (1, "ok1", True, None),
        (2, None, False, "malformed_json"),
        (4, "no-text", False, "missing_field"),
        (5, "null", False, "not_a_string"),
        (6, "number", False, "not_a_string"),
        (7, None, False, "not_an_object"),
        (8, None, False, "undecodable"),
        (9, "surrogate", False, "undecodable"),
        (10, "ok2", True, None),
    ]
    messages = {r["line"]: r["error"]["message"] for r in output if not r["ok"]}
    assert messages[4] == "no field 'text' (fields: id, body)"
    assert messages[5] == "text is null, not a string"
    assert messages[8] == "line is not UTF-8 (byte 29)"


def test_bad_csv_rows_become_error_records_on_their_lines(tmp_path: Path) -> None:
    data = (
        b"id,text\n"
        b"a,It rained.\n"
        b'b,"A quoted\ntwo-line text."\n'
        b"short\n"
        b"c,caf\xe9\n"
        b"d,Prices may rise.\n"
    )
    (tmp_path / "in.csv").write_bytes(data)
    assert score(str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.jsonl")) == 0
    found = [(r["line"], r["id"], r.get("error", {}).get("type")) for r in read_jsonl(tmp_path / "out.jsonl")]
    assert found == [(2, "a", None), (3, "b", None), (5, "short", "missing_field"), (6, "c", "undecodable"),
                     (7, "d", None)]


def test_bad_csv_quoting_is_an_error_record_not_a_merged_row(tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_bytes(b'id,text\na,"q"x,y\nb,fine\nc,"never closed\nd,lost in the quote\n')
    assert score(str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.jsonl")) == 0
    found = [(r["line"], r["id"], r.get("error", {}).get("message")) for r in read_jsonl(tmp_path / "out.jsonl")]
    assert found == [
        (2, None, "',' expected after '\"' (line 2)"),
        (3, "b", None),
        (4, None, "unexpected end of data (lines 4-5)"),
    ]


def test_bad_parquet_values_become_error_records(tmp_path: Path) -> None:
    table = pa.table({"id": [10, 11, 12], "text": ["It rained.", None, "Prices may rise."]})
    pq.write_table(table, tmp_path / "in.parquet")
    assert score(str(tmp_path / "in.parquet"), "-o", str(tmp_path / "out.jsonl")) == 0
    found = [(r["line"], r["id"], r["ok"]) for r in read_jsonl(tmp_path / "out.jsonl")]
    assert found == [(1, 10, True), (2, 11, False), (3, 12, True)]
    pq.write_table(pa.table({"text": [1, 2]}), tmp_path / "numbers.parquet")
    assert score(str(tmp_path / "numbers.parquet"), "-o", str(tmp_path / "n.jsonl")) == 0
    assert {r["error"]["type"] for r in read_jsonl(tmp_path / "n.jsonl")} == {"not_a_string"}


def test_strict_exits_1_on_record_errors_and_still_writes_every_record(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text('{"text": "It rained."}\n{"text": 1}\n{"text": "Prices may rise."}\n')
    assert score(str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl"), "--strict") == 1
    assert [r["ok"] for r in read_jsonl(tmp_path / "out.jsonl")] == [True, False, True]
    assert score(str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "lax.jsonl")) == 0
    (tmp_path / "good.jsonl").write_text('{"text": "It rained."}\n')
    assert score(str(tmp_path / "good.jsonl"), "-o", str(tmp_path / "good-out.jsonl"), "--strict") == 0


@pytest.mark.parametrize("suffix", ["jsonl", "csv", "parquet"])
def test_an_existing_output_is_not_overwritten_unless_asked(
    tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_input(tmp_path / "in.jsonl", corpus(3))
    target = tmp_path / f"out.{suffix}"
    target.write_bytes(b"precious")
    assert score(str(source), "-o", str(target)) == 2
    assert "already holds data" in capsys.readouterr().err
    assert target.read_bytes() == b"precious"
    assert score(str(source), "-o", str(target), "--overwrite") == 0
    assert len(read_rows(target)) == 3


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["{in}", "-o", "{tmp}/out.txt"], "cannot tell the format of"),
        (["{tmp}/missing.jsonl", "-o", "{tmp}/out.jsonl"], "No such file"),
        (["{in}", "-o", "{tmp}/no/such/folder/out.jsonl"], "No such file"),
        (["{in}", "-o", "{in}", "--overwrite"], "the output is the input file"),
        (["{in}", "-o", "-", "--resume"], "--resume needs an output file"),
        (["{in}", "-o", "{tmp}/o.jsonl", "--resume", "--overwrite"], "not both"),
        (["{csv}", "-o", "{tmp}/o.jsonl", "--text-field", "body"], "has no column 'body' (columns: id, text)"),
        (["{in}", "-o", "{tmp}/o.jsonl", "--model", "{tmp}/no-model"], "no model folder"),
    ],
)
def test_usage_errors_exit_2_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    source = write_input(tmp_path / "in.jsonl", corpus(2))
    (tmp_path / "in.csv").write_text("id,text\na,It rained.\n")
    names = {"in": str(source), "tmp": str(tmp_path), "csv": str(tmp_path / "in.csv")}
    args = [a.format(**names) for a in arguments]
    assert main(["score", *args, *([] if "--model" in args else ["--model", "rules"])]) == 2
    assert message in capsys.readouterr().err
    assert source.read_text(encoding="utf-8").count("\n") == 2


def test_a_terminal_gets_a_progress_bar(tmp_path: Path) -> None:
    source = write_input(tmp_path / "in.jsonl", corpus(30))
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))  # a terminal 120 columns wide
    command = [sys.executable, "-m", "claimmine", "score", str(source), "-o", str(tmp_path / "o.jsonl"),
               "--model", "rules", "--batch-size", "4"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed when the command ended
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert process.wait() == 0
    text = shown.decode("utf-8", "replace")
    assert "scoring: 100%" in text and "B/s" in text and "30 records, 0 errors" in text
    assert "30 records (30 ok, 0 errors)" in text


def test_hostile_jsonl_records_are_error_records_and_the_output_stays_standard_json(tmp_path: Path) -> None:
    lines = [
        b'{"id": "deep", "text": "It rained.", "meta": ' + b"[" * 1000 + b"]" * 1000 + b"}",
        b'{"id": ' + b"9" * 5000 + b', "text": "It rained."}',
        b'{"id": NaN, "text": "It rained."}',
        b'{"id": -Infinity, "text": "It rained."}',
        b'{"id": 1e400, "text": "It rained."}',
        b'{"id": "control", "text": "a\x01b"}',
        b'{"id": 1.5, "text": "Prices may rise."}',
    ]
    (tmp_path / "in.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    assert score(str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl")) == 0
    raw = (tmp_path / "out.jsonl").read_text("utf-8").splitlines()
    output = [json.loads(line, parse_constant=lambda name: pytest.fail(f"{name} in the output")) for line in raw]
    found = [(r["line"], r["id"], r["error"]["type"] if not r["ok"] else None) for r in output]
    assert found == [(n, None, "malformed_json") for n in range(1, 7)] + [(7, 1.5, None)]
    messages = [r["error"]["message"] for r in output if not r["ok"]]
    assert messages[0] == "the line nests too deeply to read"
    assert "NaN is not standard JSON" in messages[2] and "-Infinity is not standard JSON" in messages[3]
    assert "too large" in messages[4]
    assert messages[5].startswith("Invalid control character at column") and " at at " not in messages[5]


def test_a_text_over_max_chars_is_a_text_too_long_record_and_the_run_goes_on(tmp_path: Path) -> None:
    records = [{"id": "long", "text": "x; " * 400}, {"id": "ok", "text": "It rained."}]
    source = write_input(tmp_path / "in.jsonl", records)
    assert score(str(source), "-o", str(tmp_path / "out.jsonl"), "--max-chars", "1000") == 0
    output = read_jsonl(tmp_path / "out.jsonl")
    assert [(r["id"], r["ok"]) for r in output] == [("long", False), ("ok", True)]
    assert output[0]["error"] == {
        "type": "text_too_long",
        "message": "text has 1,200 characters, more than the limit of 1,000 (--max-chars)",
    }
    assert score(str(source), "-o", str(tmp_path / "all.jsonl"), "--max-chars", "0") == 0
    assert all(r["ok"] for r in read_jsonl(tmp_path / "all.jsonl"))


def test_cr_only_line_endings_are_line_endings(tmp_path: Path) -> None:
    lines = [json.dumps({"id": i, "text": "It rained."}).encode() for i in range(5)]
    (tmp_path / "in.jsonl").write_bytes(b"\r".join(lines) + b"\r")
    assert score(str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl")) == 0
    assert [(r["line"], r["id"], r["ok"]) for r in read_jsonl(tmp_path / "out.jsonl")] == [
        (i + 1, i, True) for i in range(5)
    ]


def test_utf16_input_and_a_folder_output_get_precise_messages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "in.jsonl").write_bytes('{"text": "It rained."}\n'.encode("utf-16"))
    assert score(str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl")) == 2
    assert "is UTF-16; convert it to UTF-8" in capsys.readouterr().err
    source = write_input(tmp_path / "ok.jsonl", corpus(2))
    (tmp_path / "folder.jsonl").mkdir()
    assert score(str(source), "-o", str(tmp_path / "folder.jsonl")) == 2
    err = capsys.readouterr().err
    assert "is a folder" in err and "already holds data" not in err


def test_a_hard_link_to_the_input_is_the_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_input(tmp_path / "in.jsonl", corpus(3))
    before = source.read_bytes()
    os.link(source, tmp_path / "h.jsonl")
    assert score(str(source), "-o", str(tmp_path / "h.jsonl"), "--overwrite") == 2
    assert "the output is the input file" in capsys.readouterr().err
    assert source.read_bytes() == before
