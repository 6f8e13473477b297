"""docs/screenshots/<page>-<width>.png: every reader page type of the demo newsroom, on a phone and a laptop,
the moderators' desk (bench/desk_screenshots.py) and the editors' and reporters' (editor_screenshots.py).

    python -m bench.screenshots [--out docs/screenshots]     # `make screenshots`

The site is bench/demo_site.py's (a fresh demo database, served as in production);
Playwright drives Debian's Chromium (CHROMIUM, default /usr/bin/chromium). At 390×844 the
whole page is taken (at most MAX_PHONE_HEIGHT px of it); at 1366×768 the first screen and
a half. Each PNG is reduced to a 256-colour palette, which keeps the folder to a few
megabytes. Pictures of page types that were not taken this time are removed.
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path

from PIL import Image

from bench.demo_site import PAGE_TYPES, DemoSite
from bench.desk_screenshots import take_desk
from bench.editor_screenshots import take_editors, take_story_desk
from bench.stack import ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
SIZES = {390: 844, 1366: 768}
MAX_PHONE_HEIGHT = 5000
LAPTOP_SCREENS = 1.5
OUT = ROOT / "docs" / "screenshots"


def compact_png(png: bytes) -> bytes:
    """The screenshot as a palette PNG: a quarter of the bytes, and text stays sharp."""
    with Image.open(io.BytesIO(png)) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE)
        buffer = io.BytesIO()
        small.save(buffer, "PNG", optimize=True)
        return buffer.getvalue()


def show_everything(page) -> None:
    """Scroll to the bottom and back, so lazily loaded pictures are there, and wait for them."""
    height = page.evaluate("document.scrollingElement.scrollHeight")
    for y in range(0, min(height, MAX_PHONE_HEIGHT) + 1, 600):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(50)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("[...document.images].every((img) => img.complete)")


def take(page, url: str, width: int) -> bytes:
    page.goto(url)
    show_everything(page)
    height = page.evaluate("document.scrollingElement.scrollHeight")
    limit = MAX_PHONE_HEIGHT if width < 1024 else int(SIZES[width] * LAPTOP_SCREENS)
    clip = {"x": 0, "y": 0, "width": width, "height": min(height, limit)}
    return page.screenshot(full_page=True, clip=clip, animations="disabled", caret="hide")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    args.out.mkdir(parents=True, exist_ok=True)
    written = set()
    with DemoSite() as site, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for width, height in SIZES.items():
            context = browser.new_context(base_url=site.url, viewport={"width": width, "height": height})
            page = context.new_page()
            for name in PAGE_TYPES:
                if name not in site.pages:
                    print(f"no {name} page in the demo: skipped", file=sys.stderr)
                    continue
                path = args.out / f"{name}-{width}.png"
                path.write_bytes(compact_png(take(page, site.pages[name], width)))
                written.add(path.name)
                print(f"{path}: {path.stat().st_size // 1024} KB", flush=True)
            context.close()
        written |= take_desk(browser, site, args.out, compact_png)
        written |= take_editors(browser, site, args.out, compact_png)
        written |= take_story_desk(browser, site, args.out, compact_png)
        browser.close()
    for stale in args.out.glob("*.png"):
        if stale.name not in written:
            stale.unlink()
    total = sum(path.stat().st_size for path in args.out.glob("*.png"))
    print(f"{len(written)} screenshots, {total / 1e6:.1f} MB, in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
