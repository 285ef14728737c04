"""One self-contained HTML page for an analysis: highlighted text, tooltips, document figures and a legend.

The page needs no network: its CSS and JavaScript are inline (from
``claimmine/render/render.css`` and ``render.js``), and a Content Security
Policy allows no other script, style source or request. The article's text
content in the page is exactly ``analysis.text`` (apart from NUL and lone
surrogates, which HTML cannot carry and which become U+FFFD).
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import html
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from claimmine.errors import InputFormatError
from claimmine.render.figures import HISTOGRAM_BINS, Figures, document_figures, source_name
from claimmine.types import CERTAIN_MIN, PROBABLE_MIN, Analysis, Certainty, Segment, SegmentKind

KIND_NAMES = {
    SegmentKind.CLAIM: "Claim",
    SegmentKind.SPECULATION: "Speculation",
    SegmentKind.OFFICIAL_STATEMENT: "Official statement",
}
_KIND_LOOKS = {
    SegmentKind.CLAIM: "solid underline, badge C",
    SegmentKind.SPECULATION: "dashed underline, badge S",
    SegmentKind.OFFICIAL_STATEMENT: "double underline, badge O",
}
_CERTAINTY_BANDS = {
    Certainty.CERTAIN: f"score ≥ {CERTAIN_MIN:.2f}",
    Certainty.PROBABLE: f"{PROBABLE_MIN:.2f}–{CERTAIN_MIN:.2f}",
    Certainty.POSSIBLE: f"< {PROBABLE_MIN:.2f}",
}
_UNSAFE = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class _Mark:
    start: int
    end: int
    classes: tuple[str, ...]


def render_html(analysis: Analysis, *, title: str | None = None) -> str:
    """Return ``analysis`` as one self-contained HTML page.

    ``title`` defaults to the text's first non-blank line. Raises
    :class:`claimmine.InputFormatError` when a segment's offsets do not fit the
    text, or segments overlap or are out of order (``analyze`` never gives such).

    >>> from claimmine import Analyzer
    >>> page = render_html(Analyzer("rules").analyze("Prices may rise <soon>."))
    >>> page.startswith("<!DOCTYPE html>"), 'Prices <span class="cm-cue cm-cue-hedge">may</span>' in page
    (True, True)
    >>> "&lt;soon&gt;" in page and "<soon>" not in page
    True
    """
    _check(analysis)
    if title is None:
        title = next((line.strip() for line in analysis.text.splitlines() if line.strip()), "claimmine analysis")
        title = _shorten(title, 100)
    script = _resource("render.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    policy = f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; img-src data:"
    figures = document_figures(analysis)
    parts = [
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f'<meta name="generator" content="claimmine {_escape(_version())}">\n',
        f"<title>{_escape(title)}</title>\n<style>\n{_resource('render.css')}</style>\n</head>\n<body>\n",
        '<div class="cm-page">\n<header>\n',
        f"<h1>{_escape(title)}</h1>\n",
        f'<p class="cm-meta">Labels by <b>{_escape(analysis.labeler)}</b> · '
        f"{_count(len(analysis.segments), 'segment')} · {_count(len(analysis.text), 'character')} · "
        f"made with claimmine {_escape(_version())}</p>\n",
        _figures_html(figures, analysis),
        _legend_html(),
        "</header>\n<main>\n",
        f'<article id="cm-text" class="cm-text">{_article_html(analysis)}</article>\n',
        "</main>\n</div>\n",
        '<div id="cm-tips">\n',
        *(_tooltip_html(segment, index, len(analysis.segments)) for index, segment in enumerate(analysis.segments)),
        "</div>\n",
        f"<script>{script}</script>\n</body>\n</html>\n",
    ]
    return "".join(parts)


def _check(analysis: Analysis) -> None:
    previous_end = 0
    for index, segment in enumerate(analysis.segments):
        if not 0 <= segment.start <= segment.end <= len(analysis.text):
            raise InputFormatError(
                f"segment {index} spans {segment.start}-{segment.end}, outside the text "
                f"({len(analysis.text)} characters); render an Analysis made by claimmine.analyze"
            )
        if analysis.text[segment.start : segment.end] != segment.text:
            raise InputFormatError(
                f"segment {index}'s text does not match analysis.text[{segment.start}:{segment.end}]; "
                "render an Analysis made by claimmine.analyze"
            )
        if segment.start < previous_end:
            raise InputFormatError(
                f"segment {index} starts at {segment.start}, before the previous one ends ({previous_end}); "
                "segments must be in text order and must not overlap"
            )
        previous_end = segment.end


def _escape(text: str) -> str:
    # CR would be folded into LF by the HTML parser, so it goes in as a character reference.
    return html.escape(_UNSAFE.sub("\ufffd", text)).replace("\r", "&#13;")


def _version() -> str:
    from claimmine import __version__

    return __version__


@cache
def _resource(name: str) -> str:
    return resources.files("claimmine.render").joinpath(name).read_text(encoding="utf-8")


def _marks(analysis: Analysis) -> list[list[_Mark]]:
    """The cue and source marks of each segment, clipped to the segment, whichever segment they came from."""
    found: list[_Mark] = []
    for segment in analysis.segments:
        for cue in segment.cues:
            found.append(_Mark(cue.start, cue.end, ("cm-cue", f"cm-cue-{cue.type.value}")))
    relations = list(analysis.attributions) or [s.attribution for s in analysis.segments if s.attribution]
    for attribution in relations:
        if attribution.cue is not None:
            found.append(_Mark(attribution.cue.start, attribution.cue.end, ("cm-cue", "cm-cue-reporting")))
        if attribution.source is not None:
            found.append(_Mark(attribution.source.start, attribution.source.end, ("cm-src",)))
    ends = [segment.end for segment in analysis.segments]
    per_segment: list[list[_Mark]] = [[] for _ in analysis.segments]
    for mark in found:
        index = bisect.bisect_right(ends, mark.start)
        while index < len(analysis.segments) and analysis.segments[index].start < mark.end:
            segment = analysis.segments[index]
            start, end = max(mark.start, segment.start), min(mark.end, segment.end)
            if start < end:
                per_segment[index].append(_Mark(start, end, mark.classes))
            index += 1
    return per_segment


def _article_html(analysis: Analysis) -> str:
    text = analysis.text
    out: list[str] = []
    position = 0
    for index, (segment, marks) in enumerate(zip(analysis.segments, _marks(analysis), strict=True)):
        out.append(_escape(text[position : segment.start]))
        out.append(_segment_open(segment, index))
        out.extend(_marked_text(text, segment.start, segment.end, marks))
        out.append("</mark>")
        position = segment.end
    out.append(_escape(text[position:]))
    return "".join(out)


def _segment_open(segment: Segment, index: int) -> str:
    attributes = {
        "class": f"cm-seg cm-kind k-{segment.kind.value} c-{segment.certainty.value}",
        "tabindex": "0",
        "aria-describedby": f"cm-tip-{index}",
        "data-index": str(index),
        "data-kind": segment.kind.value,
        "data-certainty": segment.certainty.value,
        "data-score": f"{segment.certainty_score:.4f}",
        "data-start": str(segment.start),
        "data-end": str(segment.end),
    }
    source = source_name(segment)
    if source is not None:
        attributes["data-source"] = source
    rendered = " ".join(f'{name}="{_escape(value)}"' for name, value in attributes.items())
    return f"<mark {rendered}>"


def _marked_text(text: str, start: int, end: int, marks: list[_Mark]) -> Iterable[str]:
    """Cut ``text[start:end]`` at every mark boundary; each piece carries the classes of the marks that cover it.

    Overlapping marks (a source that is also a cue) therefore never produce crossing tags.
    """
    cuts = sorted({start, end, *(m.start for m in marks), *(m.end for m in marks)})
    pieces: list[tuple[str, tuple[str, ...]]] = []
    for left, right in itertools.pairwise(cuts):
        classes = tuple(sorted({c for m in marks if m.start <= left and right <= m.end for c in m.classes}))
        if pieces and pieces[-1][1] == classes:
            pieces[-1] = (pieces[-1][0] + text[left:right], classes)
        else:
            pieces.append((text[left:right], classes))
    for piece, classes in pieces:
        if classes:
            yield f'<span class="{" ".join(classes)}">{_escape(piece)}</span>'
        else:
            yield _escape(piece)


def _tooltip_html(segment: Segment, index: int, total: int) -> str:
    rows = [
        ("Kind", f'<span class="cm-tip-kind">{KIND_NAMES[segment.kind]}</span>'),
        ("Certainty", f"{segment.certainty.value} · score {segment.certainty_score:.2f}"),
    ]
    attribution = segment.attribution
    if attribution is None:
        rows.append(("Source", "none"))
    else:
        name = source_name(segment)
        written = attribution.source.text if attribution.source is not None else None
        shown = _escape(name) if name is not None else "unnamed"
        if written is not None and name is not None and " ".join(written.split()) != name:
            shown += f" (as “{_escape(written)}”)"
        rows.append(("Source", shown))
        rows.append(("Source type", attribution.source_type.value if attribution.source_type else "unknown"))
        rows.append(("Quote", attribution.quote.value))
    cues = [
        f"“{_escape(cue.text)}” {cue.type.value.replace('_', ' ')}"
        + (f" ({cue.certainty.value})" if cue.certainty is not None else "")
        for cue in segment.cues
    ]
    if attribution is not None and attribution.cue is not None and all(
        (c.start, c.end) != (attribution.cue.start, attribution.cue.end) for c in segment.cues
    ):
        cues.append(f"“{_escape(attribution.cue.text)}” reporting")
    rows.append(("Cues", "; ".join(cues) if cues else "none"))
    rows.append(("Segment", f"{index + 1} of {total} · characters {segment.start}–{segment.end}"))
    body = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows)
    return f'<div class="cm-tip" role="tooltip" id="cm-tip-{index}" hidden><dl>{body}</dl></div>\n'


def _figures_html(figures: Figures, analysis: Analysis) -> str:
    kinds = "".join(
        f'<li><span class="cm-kind k-{kind.value} c-certain">{KIND_NAMES[kind]}</span>'
        f'<span class="cm-n" data-kind="{kind.value}">{count}</span></li>'
        for kind, count in figures.kind_counts.items()
    )
    total = sum(len(segment.text) for segment in analysis.segments)
    fraction = figures.speculative_share or 0.0
    speculative = round(fraction * total)
    share = "—" if figures.speculative_share is None else f"{fraction:.0%}"
    if figures.official_sources:
        sources = "".join(
            f'<li><span title="{_escape(source.name)}">{_escape(_shorten(source.name, 40))}</span>'
            f'<span class="cm-n">{source.segments}</span></li>'
            for source in figures.official_sources
        )
        sources_html = f'<ol class="cm-sources">{sources}</ol>'
    else:
        sources_html = '<p class="cm-none">none</p>'
    return (
        '<div class="cm-figures">\n'
        f'<section class="cm-fig" id="cm-kinds"><h2>Segments by kind</h2><ul>{kinds}</ul></section>\n'
        f'<section class="cm-fig" id="cm-speculative"><h2>Speculative text</h2><p class="cm-big">{share}</p>'
        f'<p class="cm-small">of the characters in segments ({speculative:,} of {total:,}) is speculation</p>'
        f'<div class="cm-bar" aria-hidden="true"><span style="width: {fraction * 100:.1f}%">'
        "</span></div></section>\n"
        f'<section class="cm-fig" id="cm-sources"><h2>Official sources quoted</h2>{sources_html}'
        f'<p class="cm-small">segments per source · {_count(len(figures.official_sources), "source")}</p>'
        "</section>\n"
        f'<section class="cm-fig" id="cm-histogram"><h2>Certainty scores</h2>{_histogram_svg(figures.histogram)}'
        "</section>\n</div>\n"
    )


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _histogram_svg(histogram: tuple[int, ...]) -> str:
    left, width, top, height = 8.0, 200.0, 14.0, 60.0
    step = width / HISTOGRAM_BINS
    peak = max(histogram) or 1
    label = ", ".join(
        f"{i / HISTOGRAM_BINS:.1f}–{(i + 1) / HISTOGRAM_BINS:.1f}: {count}" for i, count in enumerate(histogram)
    )
    out = [
        f'<svg class="cm-hist" viewBox="0 0 216 102" role="img" aria-label="Segments per certainty score: {label}">',
        f"<title>Segments per certainty score: {label}</title>",
    ]
    bands = ((0.0, PROBABLE_MIN, "#f4f4f6", "possible"), (PROBABLE_MIN, CERTAIN_MIN, "#e9e9ee", "probable"),
             (CERTAIN_MIN, 1.0, "#dcdce4", "certain"))
    for low, high, fill, name in bands:
        x = left + low * width
        out.append(f'<rect x="{x:.1f}" y="{top:.1f}" width="{(high - low) * width:.1f}" height="{height:.1f}" '
                   f'fill="{fill}"/>')
        out.append(f'<text x="{x + (high - low) * width / 2:.1f}" y="100" text-anchor="middle">{name}</text>')
    for i, count in enumerate(histogram):
        if not count:
            continue
        bar = height * count / peak
        x = left + i * step + 2
        out.append(f'<rect class="cm-hist-bar" x="{x:.1f}" y="{top + height - bar:.1f}" width="{step - 4:.1f}" '
                   f'height="{bar:.1f}" fill="#3b3b45"/>')
        out.append(f'<text x="{x + (step - 4) / 2:.1f}" y="{top + height - bar - 3:.1f}" '
                   f'text-anchor="middle">{count}</text>')
    out.append(f'<line x1="{left}" y1="{top + height}" x2="{left + width}" y2="{top + height}" stroke="#888"/>')
    for tick in (0.0, PROBABLE_MIN, CERTAIN_MIN, 1.0):
        x = left + tick * width
        out.append(f'<text x="{x:.1f}" y="{top + height + 11:.1f}" text-anchor="middle">{tick:g}</text>')
    out.append("</svg>")
    return "".join(out)


def _legend_html() -> str:
    head = "".join(
        f"<th scope=\"col\">{certainty.value}<br>{_CERTAINTY_BANDS[certainty]}</th>" for certainty in Certainty
    )
    rows = "".join(
        f'<tr><th scope="row">{KIND_NAMES[kind]}<br><span class="cm-small">{_KIND_LOOKS[kind]}</span></th>'
        + "".join(
            f'<td><span class="cm-kind k-{kind.value} c-{certainty.value}">{kind.value.split("_")[0]}</span></td>'
            for certainty in Certainty
        )
        + "</tr>"
        for kind in SegmentKind
    )
    return (
        '<section class="cm-legend" id="cm-legend" aria-label="Legend">\n'
        f'<table><thead><tr><th scope="col">kind \\ certainty</th>{head}</tr></thead><tbody>{rows}</tbody></table>\n'
        "<ul>"
        '<li><span class="cm-cue cm-cue-hedge">may</span> hedge or speculation frame: weakens the statement</li>'
        '<li><span class="cm-cue cm-cue-reporting">said</span> reporting cue</li>'
        '<li><span class="cm-src">Source</span> who the statement comes from</li>'
        '<li class="cm-hint">Hover over a segment, or reach it with Tab, to see its labels; Escape hides them.</li>'
        "</ul>\n</section>\n"
    )
