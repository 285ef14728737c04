"""Render the seed article's HTML view and save a screenshot of it with headless Chromium.

    python docs/make_screenshot.py                  # writes docs/seed-view.png (the default model)
    python docs/make_screenshot.py --model rules --out /tmp/view.png

Needs Debian's ``chromium`` (``/usr/bin/chromium``) and the ``playwright`` package (``pip install -e ".[dev]"``);
Playwright drives the system Chromium, so ``playwright install`` is never needed. The screenshot shows the top of
the page with the tooltip of one focused segment open.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from claimmine import Analyzer, SegmentKind
from claimmine.render.html import render_html

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_b13b75026e8a9805.txt"
CHROMIUM = "/usr/bin/chromium"
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None,
                        help="model folder or 'rules' (default: $CLAIMMINE_MODEL, else the shipped model)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "seed-view.png")
    parser.add_argument("--focus", type=int, default=None,
                        help="index of the segment whose tooltip is shown (default: the first speculation)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    analysis = Analyzer(args.model).analyze(SEED.read_text(encoding="utf-8"))
    focus = args.focus
    if focus is None:
        focus = next((i for i, s in enumerate(analysis.segments) if s.kind is SegmentKind.SPECULATION), 0)
    with tempfile.TemporaryDirectory() as folder:
        page_path = Path(folder) / "seed.html"
        page_path.write_text(render_html(analysis, title="Seed article: special envoy meets President Yoon"),
                             encoding="utf-8")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1100, "height": 1150}, device_scale_factor=1)
            page.goto(page_path.as_uri())
            page.focus(f'mark[data-index="{focus}"]')
            page.screenshot(path=str(args.out), type="png")
            browser.close()
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
