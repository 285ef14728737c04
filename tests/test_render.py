"""The HTML view, checked without a browser: escaping, exact text and offsets, nesting, figures, legend, CLI."""

from __future__ import annotations

import itertools
import math
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from claimmine import (
    Analysis,
    Analyzer,
    Attribution,
    Certainty,
    Cue,
    CueType,
    InputFormatError,
    Segment,
    SegmentKind,
    SourceType,
    Span,
)
from claimmine.cli.main import main
from claimmine.render.figures import HISTOGRAM_BINS, document_figures
from claimmine.render.html import render_html

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_b13b75026e8a9805.txt"
VOID = {"meta", "br", "rect", "line", "img", "input", "link"}


class Page(HTMLParser):
    """Parses a rendered page: checks that tags nest, collects the article's text and each segment's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.article = ""
        self.segments: list[tuple[dict[str, str], str]] = []
        self.marks: list[tuple[str, str]] = []  # (class, text) of cue and source spans
        self.scripts = 0
        self.tooltips: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "script":
            self.scripts += 1
        if tag in VOID:
            return
        self.stack.append((tag, attributes))
        if tag == "mark" and self._in_article():
            self.segments.append((attributes, ""))
        if tag == "span" and self._in_article():
            self.marks.append((attributes["class"], ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        assert self.stack, f"</{tag}> closes nothing"
        opened, _ = self.stack.pop()
        assert opened == tag, f"</{tag}> closes <{opened}>"

    def handle_data(self, data: str) -> None:
        if self._in_article():
            self.article += data
            if any(tag == "mark" for tag, _ in self.stack):
                attributes, text = self.segments[-1]
                self.segments[-1] = (attributes, text + data)
            if self.stack[-1][0] == "span":
                css, text = self.marks[-1]
                self.marks[-1] = (css, text + data)
        tip = next((a["id"] for _, a in reversed(self.stack) if a.get("role") == "tooltip"), None)
        if tip is not None:
            self.tooltips[tip] = self.tooltips.get(tip, "") + data

    def _in_article(self) -> bool:
        return any(attributes.get("id") == "cm-text" for _, attributes in self.stack)


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    assert [tag for tag, _ in parser.stack] == [], "unclosed tags"
    return parser


def one_segment(text: str, **fields: object) -> Analysis:
    segment = Segment(text, 0, len(text), SegmentKind.OFFICIAL_STATEMENT, Certainty.PROBABLE, 0.6)
    values = {
        "text": segment.text,
        "start": segment.start,
        "end": segment.end,
        "kind": segment.kind,
        "certainty": segment.certainty,
        "certainty_score": segment.certainty_score,
        "attribution": None,
        "cues": (),
    }
    values.update(fields)
    return Analysis(text, (Segment(**values),), "test")  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def seed_analysis() -> Analysis:
    return Analyzer("rules").analyze(SEED.read_text(encoding="utf-8"))


def test_markup_in_the_text_is_escaped_everywhere() -> None:
    source = 'Mr "X" & <b>Y</b>'
    text = f"{source} said <script>alert(1)</script> may happen's."
    cue = text.index("said")
    analysis = one_segment(
        text,
        attribution=Attribution(
            Span(source, 0, len(source)), Span("said", cue, cue + 4), SourceType.OFFICIAL, False
        ),
    )
    page = render_html(analysis, title="<script>alert(2)</script>")
    parsed = parse(page)
    assert "<script>alert" not in page and "<b>Y</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert parsed.scripts == 1  # only the view's own script
    assert parsed.article == text
    attributes, segment_text = parsed.segments[0]
    assert segment_text == text
    assert attributes["data-source"] == source
    assert ("cm-src", source) in parsed.marks
    assert 'Mr "X" &amp; <b>Y</b>' not in page and "Mr &quot;X&quot; &amp; &lt;b&gt;Y&lt;/b&gt;" in page
    assert source in parsed.tooltips["cm-tip-0"]


def test_seed_text_and_every_segment_offset_survive_exactly(seed_analysis: Analysis) -> None:
    parsed = parse(render_html(seed_analysis))
    assert parsed.article == seed_analysis.text
    assert len(parsed.segments) == len(seed_analysis.segments)
    for (attributes, text), segment in zip(parsed.segments, seed_analysis.segments, strict=True):
        assert text == segment.text
        assert (int(attributes["data-start"]), int(attributes["data-end"])) == (segment.start, segment.end)
        assert f"k-{segment.kind.value}" in attributes["class"].split()
        assert f"c-{segment.certainty.value}" in attributes["class"].split()
        assert attributes["data-score"] == f"{segment.certainty_score:.4f}"
    cues = [(c.type.value, c.text) for s in seed_analysis.segments for c in s.cues]
    marked = [(css.split()[1].removeprefix("cm-cue-"), text) for css, text in parsed.marks if "cm-cue" in css]
    assert len(cues) > 10
    for cue in cues:
        assert cue in marked


def test_whitespace_and_line_ends_are_kept() -> None:
    text = "Title\r\n\n  Prices  may\trise.\n\n"
    analysis = Analyzer("rules").analyze(text)
    page = render_html(analysis)
    assert "\r" not in page and "&#13;\n" in page  # a raw CR would be folded into LF by the HTML parser
    assert parse(page).article == text
    assert "white-space: pre-wrap" in page


def test_a_cue_overlapping_a_source_nests_properly() -> None:
    text = "Officials probably said so."
    analysis = one_segment(
        text,
        cues=(Cue("ls probably", 7, 18, CueType.HEDGE, Certainty.PROBABLE),),
        attribution=Attribution(Span("Officials", 0, 9), None, SourceType.OFFICIAL, False),
    )
    parsed = parse(render_html(analysis))
    assert parsed.article == text
    assert parsed.marks == [
        ("cm-src", "Officia"),
        ("cm-cue cm-cue-hedge cm-src", "ls"),
        ("cm-cue cm-cue-hedge", " probably"),
    ]


def test_marks_are_clipped_to_the_segment_they_fall_in() -> None:
    text = "“No,” he said. Rain fell."
    first = Segment("“No,”", 0, 5, SegmentKind.OFFICIAL_STATEMENT, Certainty.CERTAIN, 0.9,
                    Attribution(Span("he", 6, 8), Span("said", 9, 13), SourceType.OFFICIAL, True, "Mr Li"))
    second = Segment("he said.", 6, 14, SegmentKind.CLAIM, Certainty.CERTAIN, 0.9)
    # A cue reaching past the end of the text (a hand-made result) is clipped, not a crash.
    third = Segment("Rain fell.", 15, 25, SegmentKind.CLAIM, Certainty.CERTAIN, 0.9,
                    cues=(Cue("fell.", 20, 40, CueType.HEDGE, Certainty.POSSIBLE),))
    parsed = parse(render_html(Analysis(text, (first, second, third), "test")))
    assert parsed.article == text
    assert parsed.marks == [("cm-src", "he"), ("cm-cue cm-cue-reporting", "said"), ("cm-cue cm-cue-hedge", "fell.")]
    assert [t for _, t in parsed.segments] == ["“No,”", "he said.", "Rain fell."]
    assert "Mr Li (as “he”)" in parsed.tooltips["cm-tip-0"]


@pytest.mark.parametrize(
    ("segments", "message"),
    [
        ((Segment("It", 1, 3, SegmentKind.CLAIM, Certainty.CERTAIN, 0.9),), "does not match"),
        ((Segment("It rained. More", 0, 15, SegmentKind.CLAIM, Certainty.CERTAIN, 0.9),), "outside the text"),
        (
            (
                Segment("It rained.", 0, 10, SegmentKind.CLAIM, Certainty.CERTAIN, 0.9),
                Segment("rained.", 3, 10, SegmentKind.CLAIM, Certainty.CERTAIN, 0.9),
            ),
            "must not overlap",
        ),
    ],
)
def test_an_inconsistent_analysis_is_a_typed_error(segments: tuple[Segment, ...], message: str) -> None:
    with pytest.raises(InputFormatError, match=message):
        render_html(Analysis("It rained.", segments, "test"))
    with pytest.raises(ValueError):
        Analysis("Is rained.", segments, "test").to_html()


def test_header_figures_match_the_analysis(seed_analysis: Analysis) -> None:
    figures = document_figures(seed_analysis)
    for kind in SegmentKind:
        assert figures.kind_counts[kind] == sum(s.kind is kind for s in seed_analysis.segments)
    speculative = sum(len(s.text) for s in seed_analysis.segments if s.kind is SegmentKind.SPECULATION)
    total = sum(len(s.text) for s in seed_analysis.segments)
    assert figures.speculative_share == pytest.approx(speculative / total)
    assert 0 < speculative < total
    assert sum(figures.histogram) == len(seed_analysis.segments)
    names = [source.name for source in figures.official_sources]
    assert "President Yoon Seok-yeol" in names
    assert len({name.casefold().removeprefix("the ") for name in names}) == len(names)
    page = render_html(seed_analysis)
    for kind, count in figures.kind_counts.items():
        assert f'data-kind="{kind.value}">{count}</span>' in page
    assert f"{speculative / total:.0%}" in page
    assert "President Yoon Seok-yeol" in page


def test_official_sources_are_deduplicated_and_use_resolved_names() -> None:
    def said(source: str, start: int, resolved: str | None = None) -> Segment:
        return Segment(source + " said so.", start, start + len(source) + 9, SegmentKind.OFFICIAL_STATEMENT,
                       Certainty.CERTAIN, 0.9,
                       Attribution(Span(source, start, start + len(source)), None, SourceType.OFFICIAL, False,
                                   resolved))

    parts = [said("The ministry", 0), said("the ministry", 22), said("He", 44, "Minister Ana Ruiz"),
             said("Minister Ana Ruiz", 56)]
    text = " ".join(s.text for s in parts)
    figures = document_figures(Analysis(text, tuple(parts), "test"))
    assert [(s.name, s.segments) for s in figures.official_sources] == [
        ("The ministry", 2), ("Minister Ana Ruiz", 2)
    ]


def test_histogram_bins_cover_zero_to_one() -> None:
    scores = [0.0, 0.05, 0.45, 0.8, 0.999, 1.0]
    text = " ".join("x." for _ in scores)
    segments = tuple(Segment("x.", 3 * i, 3 * i + 2, SegmentKind.CLAIM, Certainty.from_score(s), s)
                     for i, s in enumerate(scores))
    histogram = document_figures(Analysis(text, segments, "test")).histogram
    assert len(histogram) == HISTOGRAM_BINS
    assert histogram[0] == 2 and histogram[4] == 1 and histogram[8] == 1 and histogram[9] == 2


def test_legend_names_every_kind_and_certainty_with_its_look() -> None:
    page = render_html(Analyzer("rules").analyze("It rained."))
    legend = page[page.index('id="cm-legend"') : page.index("</section>", page.index('id="cm-legend"'))]
    for words in ("Claim", "Speculation", "Official statement", "certain", "probable", "possible",
                  "solid underline", "dashed underline", "double underline", "reporting cue", "Source"):
        assert words in legend
    for kind in SegmentKind:
        for certainty in Certainty:
            assert f'class="cm-kind k-{kind.value} c-{certainty.value}"' in legend
    # Kinds differ by more than hue: underline styles are set in the CSS.
    for name, style in (("claim", "solid"), ("speculation", "dashed"), ("official_statement", "double")):
        assert f".k-{name} {{ border-bottom-style: {style};" in page


def test_an_empty_analysis_renders() -> None:
    analysis = Analyzer("rules").analyze("")
    page = render_html(analysis)
    assert parse(page).segments == []
    assert '<p class="cm-none">none</p>' in page
    assert document_figures(analysis).speculative_share is None  # as summarize() says: no share of nothing
    assert '<p class="cm-big">—</p>' in page


def test_no_network_is_needed() -> None:
    page = render_html(Analyzer("rules").analyze("See https://example.com for more."))
    assert "default-src 'none'" in page
    assert "src=" not in page and "href=" not in page and "@import" not in page


def test_cli_render_writes_a_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "seed.html"
    assert main(["render", str(SEED), "-o", str(out), "--model", "rules", "--title", "Seed"]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<title>Seed</title>" in page
    assert parse(page).article == SEED.read_text(encoding="utf-8")
    assert main(["render", str(tmp_path / "missing.txt"), "-o", str(out), "--model", "rules"]) == 2
    assert "No such file" in capsys.readouterr().err
    assert main(["render", str(SEED), "-o", str(tmp_path / "no" / "dir.html"), "--model", "rules"]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_cli_render_reads_standard_input_and_writes_standard_output() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "claimmine", "render", "-", "--model", "rules"],
        input=b"Prices may rise.",
        capture_output=True,
        check=True,
    )
    page = result.stdout.decode("utf-8")
    assert parse(page).article == "Prices may rise."
    assert "<title>Prices may rise.</title>" in page


# Machado, Oliveira & Fernandes (2009) dichromacy simulation matrices (severity 1), applied to linear RGB.
DICHROMACY = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
    "typical": ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)),
}


def _lab(rgb: tuple[float, float, float], matrix: tuple[tuple[float, ...], ...]) -> tuple[float, float, float]:
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (v / 255 for v in rgb)]
    r, g, b = (min(1.0, max(0.0, sum(m * c for m, c in zip(row, linear, strict=True)))) for row in matrix)
    xyz = (
        (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
        0.2126 * r + 0.7152 * g + 0.0722 * b,
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883,
    )
    fx, fy, fz = (t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in xyz)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def test_kind_tints_stay_apart_for_colour_blind_readers() -> None:
    css = render_html(Analyzer("rules").analyze(""))
    base = {name: tuple(float(v) for v in rgb.split(",")) for name, rgb in re.findall(r"--(\w+): ([\d, ]+);", css)}
    certain = r"\.k-(\w+)\.c-certain \{ background: rgba\(var\(--\w+\), ([\d.]+)\)"
    alpha = {kind: float(a) for kind, a in re.findall(certain, css)}
    variable = {"claim": "claim", "speculation": "speculation", "official_statement": "official"}
    tints = {kind: tuple(255 * (1 - alpha[kind]) + c * alpha[kind] for c in base[variable[kind]]) for kind in variable}
    for vision, matrix in DICHROMACY.items():
        labs = {kind: _lab(tint, matrix) for kind, tint in tints.items()}  # type: ignore[arg-type]
        for first, second in itertools.combinations(labs, 2):
            # CIE76 distance of the certain-band tints: above 10 is plain to see side by side.
            assert math.dist(labs[first], labs[second]) > 10, (vision, first, second)
