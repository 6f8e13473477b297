"""docs/screenshots/<role>-dashboard-<width>.png: the admin's front page as the demo editor's and reporter's.

Taken by bench/screenshots.py (`make screenshots`) on the same demo site, signed in as the
demo `editor` (Daniel Koh) and `reporter`: the first screen of their desk (articles/desk.py).
"""

from bench.desk_screenshots import HEIGHTS, sign_in

# (file name, account, width)
SHOTS = [
    ("editor-dashboard", "editor", 1366),
    ("editor-dashboard", "editor", 390),
    ("reporter-dashboard", "reporter", 1366),
]


def take_editors(browser, site, out, compact_png) -> set[str]:
    """Each shot of SHOTS, the first screen of /admin/; the file names written."""
    written = set()
    for name, username, width in SHOTS:
        context = browser.new_context(base_url=site.url, viewport={"width": width, "height": HEIGHTS[width]})
        page = context.new_page()
        sign_in(page, username)
        page.wait_for_load_state("networkidle")
        path = out / f"{name}-{width}.png"
        path.write_bytes(compact_png(page.screenshot(animations="disabled", caret="hide")))
        written.add(path.name)
        print(f"{path}: {path.stat().st_size // 1024} KB", flush=True)
        context.close()
    return written
