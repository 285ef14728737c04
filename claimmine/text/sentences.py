"""Sentence boundaries with exact character offsets.

Lines are split first (headlines, datelines and bullet items stand on lines
of their own); each block of text is then cut into sentences by pysbd, whose
output is mapped back onto the input by counting non-space characters, so
offsets stay exact whatever pysbd does to whitespace.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import pysbd

# pysbd's run time grows faster than linearly with input length; blocks longer
# than this are cut at sentence-like boundaries before they reach it.
_CHUNK_CHARS = 3000
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_TERMINAL = re.compile(r"[.!?:;…\"”’)\]]\s*$")
# A line ending in a comma or a function word breaks off mid-sentence.
_OPEN_END = re.compile(
    r"(?:,|\b(?:in|on|at|of|to|the|a|an|and|or|but|with|for|by|from|that|which|who|as|after|before|than))\s*$"
)
_BULLET = re.compile(r"^\s*(?:[-*•–—]|\d{1,3}[.)])\s+")
_CHUNK_CUT = re.compile(r"[.!?][\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` of every sentence in ``text``, in order, without outer whitespace.

    >>> text = "Dr. Kim arrived at 3 p.m. in the U.S. capital. Talks began."
    >>> [text[a:b] for a, b in sentence_spans(text)]
    ['Dr. Kim arrived at 3 p.m. in the U.S. capital.', 'Talks began.']
    """
    spans: list[tuple[int, int]] = []
    for block_start, block_end in _blocks(text):
        for chunk_start, chunk_end in _chunks(text, block_start, block_end):
            spans.extend(_split_block(text, chunk_start, chunk_end))
    return spans


def _lines(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in _LINE_BREAK.finditer(text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


def _blocks(text: str) -> Iterator[tuple[int, int]]:
    """Yield stretches of consecutive lines that belong to one paragraph.

    A line break ends a block unless it only wraps a sentence: the line before
    lacks final punctuation and the next line starts in lower case.
    """
    current: tuple[int, int] | None = None
    for start, end in _lines(text):
        line = text[start:end]
        if not line.strip():
            if current:
                yield current
            current = None
            continue
        if current is None:
            current = (start, end)
            continue
        previous = text[current[0] : current[1]]
        stripped = line.lstrip()
        wraps = (
            not _TERMINAL.search(previous)
            and not _BULLET.match(line)
            and (stripped[:1].islower() or bool(_OPEN_END.search(previous)))
        )
        if wraps:
            current = (current[0], end)
        else:
            yield current
            current = (start, end)
    if current:
        yield current


def _chunks(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while end - start > _CHUNK_CHARS:
        window = text[start : start + _CHUNK_CHARS]
        cut = None
        for match in _CHUNK_CUT.finditer(window):
            cut = match.end()
        if cut is None:
            space = window.rfind(" ")
            cut = space + 1 if space > 0 else _CHUNK_CHARS
        yield start, start + cut
        start += cut
    yield start, end


def _split_block(text: str, start: int, end: int) -> list[tuple[int, int]]:
    block = text[start:end]
    if not block.strip():
        return []
    # pysbd ends a sentence at every line break; a block's breaks only wrap lines.
    flat = block.replace("\r", " ").replace("\n", " ")
    pieces = _pieces(flat)
    bounds = _align(block, pieces)
    if bounds is None:
        bounds = [(0, len(block))]
    spans = []
    for a, b in bounds:
        a, b = _strip(block, a, b)
        if a < b:
            spans.append((start + a, start + b))
    return spans


def _pieces(flat: str) -> list[str]:
    # pysbd's segment() would search the whole text again with a fresh regex per sentence to give back the
    # original whitespace; _align maps the pieces by their non-space characters anyway, so that step is skipped.
    return [p for p in _segmenter().processor(flat).process() if p.strip()]


def _align(block: str, pieces: list[str]) -> list[tuple[int, int]] | None:
    """Map pysbd's pieces onto ``block`` by their non-space characters.

    Returns ``None`` when the pieces do not hold exactly the block's
    non-space characters, in which case the caller keeps the block whole.
    """
    targets = [sum(1 for c in p if not c.isspace()) for p in pieces]
    bounds: list[tuple[int, int]] = []
    position = 0
    for need in targets:
        begin = position
        seen = 0
        while seen < need and position < len(block):
            if not block[position].isspace():
                seen += 1
            position += 1
        if seen < need:
            return None
        bounds.append((begin, position))
    if any(not c.isspace() for c in block[position:]):
        return None
    return bounds


def _strip(block: str, a: int, b: int) -> tuple[int, int]:
    while a < b and block[a].isspace():
        a += 1
    while b > a and block[b - 1].isspace():
        b -= 1
    return a, b
