"""Real-news annotation rounds: task files for annotators, and their labels turned into standoff gold.

``python -m training.annotation tasks --out DIR`` picks the articles (a seeded
sample of PolNeAR train and dev articles of at most 9,000 characters, a tenth
of them for a second, independent annotator) and the other-genre news
sentences (FactBank, MEANTIME, UW), cuts the articles into candidate segments
with claimmine's sentence and quote-turn splitter (no labels are involved) and
writes numbered task files. Annotators return one TSV per task file (the
format is in ``seeds/README.md``); ``python -m training.annotation build
LABELS... --out seeds/real`` turns them into the standoff gold files that
:func:`training.gold.load_gold` reads, checking every span it copies.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from claimmine.text.clauses import segment_spans
from claimmine.types import Certainty, SegmentKind, Span
from training import DEFAULT_DATA_DIR
from training.gold import GoldDocument, GoldSegment, load_gold, read_source_text, text_sha256

MAX_ARTICLE_CHARS = 9000
SEED = 12
ARTICLES = {"dev": 60, "train": 250}
SECOND = {"dev": 6, "train": 26}
# Other-genre sentences per split and corpus: (file under the data folder, how many).
SENTENCES = {
    "dev": {
        "szeged_uncertainty/factbank.dev.jsonl": 308,
        "factuality_jiang2021/MEANTIME/dev.jsonl": 65,
        "factuality_jiang2021/UW/dev.jsonl": 200,
    },
    "train": {
        "szeged_uncertainty/factbank.train.jsonl": 600,
        "factuality_jiang2021/MEANTIME/train.jsonl": 292,
        "factuality_jiang2021/UW/train.jsonl": 320,
    },
}
# Annotators retype what they copy: curly quotes and unusual spaces come back plain (one character for one).
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "`": "'", "\xa0": " ", "\u2009": " ", "\u202f": " "})


def candidate_spans(text: str) -> list[tuple[int, int]]:
    """Cut an article into sentences, headline lines and quote turns (never into labelled clauses).

    >>> candidate_spans("Rain fell. It stopped.")
    [(0, 10), (11, 22)]
    """
    return segment_spans(text, lambda part, offset: 0)


def selected_articles(data_dir: Path) -> dict[str, list[str]]:
    """Return the sampled article names per split (``dev``, ``train``) and the ``second`` ones (``split/name``)."""
    chosen: dict[str, list[str]] = {}
    for split, count in ARTICLES.items():
        folder = data_dir / "polnear" / split / "text"
        # Ordered by file name (not stem), as the first round's selection was.
        files = sorted(folder.glob("*.txt"))
        names = [f.stem for f in files if len(f.read_text(encoding="utf-8")) <= MAX_ARTICLE_CHARS]
        chosen[split] = sorted(random.Random(SEED).sample(names, count), key=lambda name: name + ".txt")
    rng = random.Random(SEED + 1)
    chosen["second"] = [
        f"{split}/{name}" for split in ("dev", "train") for name in rng.sample(chosen[split], SECOND[split])
    ]
    return chosen


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def selected_sentences(data_dir: Path) -> dict[str, list[tuple[str, int]]]:
    """Return the sampled other-genre sentences per split as ``(file, line)``; no text repeats across splits."""
    seen: set[str] = set()
    chosen: dict[str, list[tuple[str, int]]] = {}
    for split, files in SENTENCES.items():
        picked: list[tuple[str, int]] = []
        for name, count in files.items():
            rows = [
                (i, json.loads(line)["text"])
                for i, line in enumerate((data_dir / name).read_text(encoding="utf-8").splitlines())
                if line.strip()
            ]
            random.Random(SEED).shuffle(rows)
            taken = 0
            for index, text in rows:
                key = _normal(text)
                if taken == count or key in seen or len(text.split()) < 4:
                    continue
                seen.add(key)
                picked.append((name, index))
                taken += 1
        chosen[split] = sorted(picked)
    return chosen


def write_tasks(data_dir: Path, out: Path, batch_segments: int = 560) -> list[Path]:
    """Write the task files: articles (in batches of about ``batch_segments`` segments) and sentence sets."""
    out.mkdir(parents=True, exist_ok=True)
    chosen = selected_articles(data_dir)
    written: list[Path] = []

    def flush(name: str, blocks: list[str]) -> None:
        path = out / f"{name}.txt"
        path.write_text("".join(blocks), encoding="utf-8")
        written.append(path)

    groups = [
        ("dev", [f"dev/{n}" for n in chosen["dev"]]),
        ("second", chosen["second"]),
        ("train", [f"train/{n}" for n in chosen["train"]]),
    ]
    number = 0
    for tag, articles in groups:
        blocks: list[str] = []
        size = 0
        for article in articles:
            text = read_source_text(data_dir, _article_file(article))
            spans = candidate_spans(text)
            lines = [f"=== ARTICLE {article}"]
            lines += [f"{i}| " + text[a:b].replace("\n", " ⏎ ") for i, (a, b) in enumerate(spans, 1)]
            blocks.append("\n".join(lines) + "\n")
            size += len(spans)
            if size >= batch_segments:
                number += 1
                flush(f"b{number:02d}-{tag}", blocks)
                blocks, size = [], 0
        if blocks:
            number += 1
            flush(f"b{number:02d}-{tag}", blocks)
    for split, sentences in selected_sentences(data_dir).items():
        lines = [f"=== SET {split}"]
        for i, (name, index) in enumerate(sentences, 1):
            lines.append(f"{i}| " + read_source_text(data_dir, name, index))
        flush(f"sentences-{split}", ["\n".join(lines) + "\n"])
    return written


def _article_file(article: str) -> str:
    split, name = article.split("/", 1)
    return f"polnear/{split}/text/{name}.txt"


@dataclass
class Problems:
    """What a build could not use, counted by reason, with a few examples each."""

    counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, reason: str, example: str) -> None:
        self.counts[reason] += 1
        self.examples.setdefault(reason, [])
        if len(self.examples[reason]) < 3:
            self.examples[reason].append(example)


def find_phrase(text: str, phrase: str) -> int | None:
    """Find an annotator's copy of a phrase in a segment: whole word first, then with quotes and case normalised.

    >>> find_phrase("O’Neill said so; he left.", "O'Neill")
    0
    >>> find_phrase("the chair: he said", "he")
    11
    """
    for haystack, needle in ((text, phrase), (text.translate(_QUOTES), phrase.translate(_QUOTES))):
        for flags in (0, re.IGNORECASE):
            whole = re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack, flags)
            if whole:
                return whole.start()
            index = haystack.lower().find(needle.lower()) if flags else haystack.find(needle)
            if index >= 0:
                return index
    return None


def _blocks(lines: Sequence[str]) -> Iterator[tuple[str, list[list[str]]]]:
    header: str | None = None
    rows: list[list[str]] = []
    for line in lines:
        if line.startswith("#"):
            if header is not None:
                yield header, rows
            header, rows = line[1:].strip(), []
        elif line.strip() and header is not None:
            rows.append(line.rstrip("\n").split("\t"))
    if header is not None:
        yield header, rows


def _labels(row: list[str], text: str, start: int, problems: Problems, where: str) -> dict[str, Any]:
    labels: dict[str, Any] = {
        "kind": row[1].strip(),
        "certainty": row[2].strip(),
        "source": None,
        "source_type": None,
        "cue": None,
        "direct": None,
    }
    if len(row) >= 7 and (row[3].strip() not in ("", "-") or row[5].strip() not in ("", "-")):
        source, source_type, cue, direct = (cell.strip() for cell in row[3:7])
        labels["source"] = _phrase_offsets(text, start, source, problems, f"{where}: source")
        if labels["source"]:
            labels["source_type"] = source_type if source_type not in ("", "-") else "other"
        labels["cue"] = _phrase_offsets(text, start, cue, problems, f"{where}: cue")
        if labels["cue"]:
            labels["direct"] = direct.lower() == "true"
    return labels


def _phrase_offsets(text: str, start: int, phrase: str, problems: Problems, where: str) -> list[int] | None:
    """Return the document offsets of an annotator's phrase in a segment; ``None`` (and a problem) if not there."""
    if phrase in ("", "-"):
        return None
    found = find_phrase(text, phrase)
    if found is None:
        problems.add("phrase not in segment", f"{where} {phrase!r}")
        return None
    return [start + found, start + found + len(phrase)]


def build_article(text: str, rows: list[list[str]], problems: Problems, where: str) -> list[dict[str, Any]] | None:
    """Turn one article's label rows into standoff segments; ``None`` (and a problem) when rows are missing."""
    spans = candidate_spans(text)
    by_number: dict[str, list[str]] = {row[0].strip(): row for row in rows if row and row[0].strip()}
    segments: list[dict[str, Any]] = []
    for number, (start, end) in enumerate(spans, 1):
        key = str(number)
        if key in by_number and len(by_number[key]) > 1 and by_number[key][1].strip().upper() == "JOIN":
            if not segments:
                problems.add("JOIN on the first segment", where)
                return None
            segments[-1]["end"] = end
            continue
        if key in by_number:
            segments.append({"start": start, "end": end, "row": by_number[key]})
        elif f"{key}.1" in by_number and f"{key}.2" in by_number:
            second = by_number[f"{key}.2"]
            cut = find_phrase(text[start:end], second[-1].strip()) if len(second) >= 8 else None
            if not cut:
                problems.add("split words not found", f"{where} {key}")
                segments.append({"start": start, "end": end, "row": by_number[f"{key}.1"]})
                continue
            left_end = start + len(text[start : start + cut].rstrip())
            segments.append({"start": start, "end": left_end, "row": by_number[f"{key}.1"]})
            segments.append({"start": start + cut, "end": end, "row": second[:7]})
        else:
            problems.add("segment without a row", f"{where} {key}")
            return None
    result = []
    for segment in segments:
        row, start, end = segment["row"], segment["start"], segment["end"]
        if len(row) < 3:
            problems.add("row without labels", f"{where} {row[0]}")
            return None
        labels = _labels(row, text[start:end], start, problems, f"{where} {row[0]}")
        result.append({"start": start, "end": end, **labels})
    return result


def build(label_files: Sequence[Path], data_dir: Path) -> tuple[dict[str, list[dict[str, Any]]], Problems]:
    """Read TSV label files into standoff documents, keyed by output name (``dev/polnear`` and the like)."""
    problems = Problems()
    out: dict[str, list[dict[str, Any]]] = {}
    chosen = selected_articles(data_dir)
    second = set(chosen["second"])
    sentences = selected_sentences(data_dir)
    for path in label_files:
        lines = path.read_text(encoding="utf-8").splitlines()
        annotator = path.stem
        is_second = "second" in annotator or "double" in annotator
        for header, rows in _blocks(lines):
            # The first round named its sentence sets og1-dev, og2-train and og3-train (train cut in two halves).
            if header.startswith("sentences-") or header in ("og1-dev", "og2-train", "og3-train"):
                split = "dev" if header.endswith("dev") else "train"
                offset = 0 if header != "og3-train" else len(sentences["train"]) // 2
                for row in rows:
                    if len(row) < 3 or not row[0].strip().isdigit():
                        problems.add("bad sentence row", f"{path.name}: {row}")
                        continue
                    name, index = sentences[split][offset + int(row[0]) - 1]
                    text = read_source_text(data_dir, name, index)
                    start = len(text) - len(text.lstrip())
                    corpus = name.split("/")[-2] if "jiang" in name else "factbank"
                    out.setdefault(f"{split}/other", []).append(
                        {
                            "id": f"{corpus}-{split}-{index}",
                            "domain": "news",
                            "text_file": name,
                            "line": index,
                            "sha256": text_sha256(text),
                            "annotator": annotator,
                            "segments": [
                                {
                                    "start": start,
                                    "end": len(text.rstrip()),
                                    "kind": row[1].strip(),
                                    "certainty": row[2].strip(),
                                }
                            ],
                        }
                    )
                continue
            article = header
            if article not in second and is_second:
                problems.add("second annotation of an article not chosen for it", article)
                continue
            text_file = _article_file(article)
            text = read_source_text(data_dir, text_file)
            segments = build_article(text, rows, problems, f"{path.name} {article}")
            if segments is None:
                continue
            split = article.split("/", 1)[0]
            key = "second/polnear" if is_second else f"{split}/polnear"
            out.setdefault(key, []).append(
                {
                    "id": f"polnear-{article.replace('/', '-')}",
                    "domain": "politics",
                    "text_file": text_file,
                    "sha256": text_sha256(text),
                    "annotator": annotator,
                    "segments": segments,
                }
            )
    for documents in out.values():
        documents.sort(key=lambda d: d["id"])
    return out, problems


def adjudicate(documents: dict[str, list[dict[str, Any]]], settled: Sequence[dict[str, Any]]) -> int:
    """Where a disagreement between the two annotators was settled for the second, take its labels; return how many.

    ``settled`` rows name a document ``id`` and a segment's ``start`` and ``end`` (standoff, no text).
    """
    second = {(d["id"], s["start"], s["end"]): s for d in documents.get("second/polnear", []) for s in d["segments"]}
    wanted = {(row["id"], row["start"], row["end"]) for row in settled}
    taken = 0
    for key in ("dev/polnear", "train/polnear"):
        for document in documents.get(key, []):
            for index, segment in enumerate(document["segments"]):
                place = (document["id"], segment["start"], segment["end"])
                if place in wanted:
                    document["segments"][index] = second[place]
                    taken += 1
    if taken != len(settled):
        raise ValueError(f"{len(settled) - taken} settled disagreements match no segment of both annotations")
    return taken


def agreement(
    first: Sequence[GoldDocument], second: Sequence[GoldDocument], settled: Sequence[dict[str, Any]] = ()
) -> dict[str, float]:
    """Compare two independent annotations of the same articles, on the segments both cut the same way.

    Returns the share of segments with the same boundaries, Cohen's kappa and raw agreement for kind,
    certainty and whether a source is named, and how often two named sources overlap. ``settled`` rows carry
    the first annotator's own labels of segments whose disagreement was settled for the second: agreement is
    measured before settling.
    """
    before = {(row["id"], row["start"], row["end"]): row["first"] for row in settled}
    from sklearn.metrics import cohen_kappa_score

    by_id = {d.id: d for d in first}
    pairs: list[tuple[GoldSegment, GoldSegment]] = []
    total = 0
    for document in second:
        other = by_id.get(document.id)
        if other is None:
            continue
        spans = {(s.start, s.end): _unsettled(s, before.get((document.id, s.start, s.end))) for s in other.segments}
        total += len(document.segments)
        pairs.extend((spans[(s.start, s.end)], s) for s in document.segments if (s.start, s.end) in spans)
    figures: dict[str, float] = {
        "articles": float(sum(d.id in by_id for d in second)),
        "segments": float(len(pairs)),
        "same boundaries": len(pairs) / total if total else 0.0,
    }
    for name, value in (
        ("kind", lambda g: g.kind.value),
        ("certainty", lambda g: g.certainty.value),
        ("source named", lambda g: g.source is not None),
    ):
        a, b = [value(x) for x, _ in pairs], [value(y) for _, y in pairs]
        figures[f"{name} kappa"] = float(cohen_kappa_score(a, b))
        figures[f"{name} agreement"] = sum(x == y for x, y in zip(a, b, strict=True)) / len(pairs)
    both = [(x.source, y.source) for x, y in pairs if x.source and y.source]
    overlap = sum(a.start < b.end and b.start < a.end for a, b in both if a and b)
    figures["both name a source: spans overlap"] = overlap / len(both) if both else 0.0
    return figures


def _unsettled(segment: GoldSegment, first: dict[str, Any] | None) -> GoldSegment:
    if first is None:
        return segment
    source = first["source"]
    return replace(
        segment,
        kind=SegmentKind(first["kind"]),
        certainty=Certainty(first["certainty"]),
        source=Span("", source[0], source[1]) if source else None,
    )


def read_settled(path: Path) -> list[dict[str, Any]]:
    """Read the settled disagreements (JSONL); none when the file is absent."""
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: Sequence[str] | None = None) -> None:
    """Write task files, or build standoff gold from label files."""
    parser = argparse.ArgumentParser(prog="python -m training.annotation", description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="the shared corpora")
    commands = parser.add_subparsers(dest="command", required=True)
    tasks = commands.add_parser("tasks", help="write the annotators' task files")
    tasks.add_argument("--out", type=Path, required=True)
    built = commands.add_parser("build", help="turn TSV label files into standoff gold")
    built.add_argument("labels", nargs="+", type=Path)
    built.add_argument("--out", type=Path, default=Path("seeds/real"))
    built.add_argument(
        "--settled", type=Path, default=Path("seeds/real/settled.jsonl"), help="disagreements settled for the second"
    )
    agree = commands.add_parser("agreement", help="kappa between the first and the second annotation")
    agree.add_argument("--first", type=Path, nargs="+", default=[Path("seeds/real/dev"), Path("seeds/real/train")])
    agree.add_argument("--second", type=Path, default=Path("seeds/real/second"))
    agree.add_argument("--settled", type=Path, default=Path("seeds/real/settled.jsonl"))
    args = parser.parse_args(argv)
    if args.command == "agreement":
        first, second = load_gold(args.first, args.data_dir), load_gold(args.second, args.data_dir)
        figures = agreement(first, second, read_settled(args.settled))
        for name, value in figures.items():
            print(f"{name}: {value:.3f}" if value < 1.5 else f"{name}: {int(value)}")
        return
    if args.command == "tasks":
        for path in write_tasks(args.data_dir, args.out):
            print(path)
        return
    documents, problems = build(args.labels, args.data_dir)
    settled = read_settled(args.settled)
    if settled:
        print(f"{adjudicate(documents, settled)} segments take the settled second annotation")
    for key, records in sorted(documents.items()):
        path = args.out / f"{key}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        print(f"{path}: {len(records)} documents, {sum(len(r['segments']) for r in records)} segments")
    for reason, count in problems.counts.most_common():
        print(f"skipped or dropped: {reason}: {count}  e.g. {problems.examples[reason]}")


if __name__ == "__main__":
    main()
