"""The HTML view in a real browser: Debian's Chromium, headless, driven by Playwright.

Skipped when ``/usr/bin/chromium`` (or the browser named by ``CLAIMMINE_CHROMIUM``) or Playwright is missing, unless
``CLAIMMINE_REQUIRE_BROWSER=1`` (as CI sets it), which turns the skip into a failure. Screenshots go to ``tmp_path``
and, when ``CLAIMMINE_SCREENSHOT_DIR`` is set, there as well.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from claimmine import Analysis, Analyzer, SegmentKind

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_b13b75026e8a9805.txt"
CHROMIUM = Path(os.environ.get("CLAIMMINE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BORDER_STYLES = {"claim": "solid", "speculation": "dashed", "official_statement": "double"}


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y --no-install-recommends chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed: pip install -e '.[dev]'"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    missing = _missing()
    if missing is not None:
        if os.environ.get("CLAIMMINE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"CLAIMMINE_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def seed_analysis() -> Analysis:
    return Analyzer("rules").analyze(SEED.read_text(encoding="utf-8"))


@pytest.fixture
def open_page(browser: Browser, tmp_path: Path) -> Iterator[OpenPage]:
    opened = OpenPage(browser, tmp_path)
    yield opened
    opened.close()


class OpenPage:
    """Opens rendered analyses via file:// and records dialogs, errors and every request the page makes."""

    def __init__(self, browser: Browser, folder: Path) -> None:
        self.folder = folder
        self.page: Page = browser.new_page(viewport={"width": 1100, "height": 900})
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", self._console)
        self.page.on("request", lambda request: self.requests.append(request.url))

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":  # a Content Security Policy violation is reported here
            self.errors.append(message.text)

    def show(self, analysis: Analysis, name: str = "view.html") -> Page:
        path = self.folder / name
        path.write_text(analysis.to_html(), encoding="utf-8")
        self.page.goto(path.as_uri())
        return self.page

    def close(self) -> None:
        self.page.close()


def test_every_segment_is_highlighted_with_its_kind(open_page: OpenPage, seed_analysis: Analysis) -> None:
    page = open_page.show(seed_analysis)
    assert page.eval_on_selector("#cm-text", "e => e.textContent") == seed_analysis.text
    marks = page.query_selector_all("#cm-text mark.cm-seg")
    assert len(marks) == len(seed_analysis.segments)
    assert {s.kind for s in seed_analysis.segments} == set(SegmentKind)
    for mark, segment in zip(marks, seed_analysis.segments, strict=True):
        classes = (mark.get_attribute("class") or "").split()
        assert f"k-{segment.kind.value}" in classes and f"c-{segment.certainty.value}" in classes
        assert mark.text_content() == segment.text
        style = mark.evaluate("e => [getComputedStyle(e).borderBottomStyle, getComputedStyle(e).backgroundColor]")
        assert style[0] == BORDER_STYLES[segment.kind.value]
        assert style[1] != "rgba(0, 0, 0, 0)"
    # Certainty shades differ: the three bands of one kind get three different backgrounds.
    backgrounds = page.evaluate(
        """() => ['certain', 'probable', 'possible'].map(c =>
             getComputedStyle(document.querySelector('#cm-legend .k-claim.c-' + c)).backgroundColor)"""
    )
    assert len(set(backgrounds)) == 3
    cue = page.query_selector("#cm-text .cm-cue")
    assert cue is not None and cue.evaluate("e => getComputedStyle(e).textDecorationLine") == "underline"
    assert page.query_selector_all("#cm-text .cm-src")
    assert open_page.errors == []
    assert all(url.startswith(("file:", "data:")) for url in open_page.requests), open_page.requests


def test_hover_shows_the_segment_tooltip(open_page: OpenPage, seed_analysis: Analysis) -> None:
    page = open_page.show(seed_analysis)
    index, segment = next((i, s) for i, s in enumerate(seed_analysis.segments) if s.kind is SegmentKind.SPECULATION)
    tip = page.locator(f"#cm-tip-{index}")
    assert not tip.is_visible()
    page.hover(f'mark[data-index="{index}"]')
    assert tip.is_visible()
    assert tip.get_attribute("role") == "tooltip"
    assert page.get_attribute(f'mark[data-index="{index}"]', "aria-describedby") == f"cm-tip-{index}"
    text = tip.inner_text()
    assert "Speculation" in text
    assert f"{segment.certainty.value} · score {segment.certainty_score:.2f}" in text
    assert segment.cues[0].text in text
    page.mouse.move(5, 5)
    assert not tip.is_visible()
    attributed = next(i for i, s in enumerate(seed_analysis.segments) if s.attribution and s.attribution.resolved)
    page.hover(f'mark[data-index="{attributed}"]')
    shown = page.locator(f"#cm-tip-{attributed}").inner_text()
    attribution = seed_analysis.segments[attributed].attribution
    assert attribution is not None and attribution.resolved is not None and attribution.source_type is not None
    assert attribution.resolved in shown and attribution.source_type.value in shown


def test_keyboard_tab_reaches_segments_and_shows_their_tooltips(open_page: OpenPage, seed_analysis: Analysis) -> None:
    page = open_page.show(seed_analysis)
    focused = None
    for _ in range(5):  # a scrollable sources list may take the first stop
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement.dataset.index ?? null")
        if focused is not None:
            break
    assert focused == "0"
    assert page.locator("#cm-tip-0").is_visible()
    assert seed_analysis.segments[0].kind.value.split("_")[0] in page.locator("#cm-tip-0").inner_text().lower()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.dataset.index") == "1"
    assert page.locator("#cm-tip-1").is_visible() and not page.locator("#cm-tip-0").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#cm-tip-1").is_visible()
    screenshot(page, open_page.folder, "seed-view-keyboard.png")


def test_script_in_the_text_does_not_run(open_page: OpenPage) -> None:
    text = (
        'Officials said <script>alert(1)</script> may follow. <img src=x onerror="alert(2)"> '
        "The \"minister's\" aide </mark><b>said</b> it was fine.\r\nNext line."
    )
    analysis = Analyzer("rules").analyze(text)
    page = open_page.show(analysis, "injection.html")
    assert page.eval_on_selector("#cm-text", "e => e.textContent") == text
    assert page.evaluate("() => document.scripts.length") == 1
    assert page.query_selector_all("#cm-text img, #cm-text b, #cm-text script") == []
    page.hover("mark[data-index='0']")
    assert open_page.dialogs == []
    assert open_page.errors == []


def test_screenshot_of_the_seed_view(open_page: OpenPage, seed_analysis: Analysis) -> None:
    page = open_page.show(seed_analysis)
    page.focus('mark[data-index="5"]')
    path = screenshot(page, open_page.folder, "seed-view.png", full_page=True)
    assert path.stat().st_size > 20_000


def screenshot(page: Page, folder: Path, name: str, *, full_page: bool = False) -> Path:
    path = folder / name
    page.screenshot(path=str(path), full_page=full_page)
    target = os.environ.get("CLAIMMINE_SCREENSHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / name)
    return path
