"""docs/screenshots/desk-*.png: the moderators' desk as the demo moderator sees it (docs/moderators.md).

Taken by bench/screenshots.py (`make screenshots`) on the same demo site, signed in as the
demo `moderator`. Some shots press keys first, as a moderator would: `?` for the keys,
`o` to open a comment in context, `r` for the removal reasons.
"""

from demo.accounts import demo_password

# (file name, page, width, keys pressed after loading): the laptop first screen, the queue on a phone.
SHOTS = [
    ("desk-queue", "desk-queue", 1366, ""),
    ("desk-queue", "desk-queue", 390, ""),
    ("desk-keys", "desk-queue", 1366, "?"),
    ("desk-context", "desk-queue", 1366, "o"),
    ("desk-remove", "desk-queue", 1366, "r"),
    ("desk-story-queue", "desk-story-queue", 1366, ""),
    ("desk-thread", "desk-thread", 1366, ""),
    ("desk-commenter", "desk-commenter", 1366, ""),
    ("desk-ban", "desk-ban", 1366, ""),
    ("desk-reply", "desk-reply", 1366, ""),
    ("desk-story", "desk-story", 1366, ""),
    ("desk-log", "desk-log", 1366, ""),
    ("desk-index", "desk-index", 1366, ""),
]
HEIGHTS = {1366: 768, 390: 844}


def sign_in(page, username: str = "moderator") -> None:
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(demo_password(username))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def save_shot(page, out, name: str, width: int, compact_png) -> str:
    """The page's first screen as out/<name>-<width>.png; the file name."""
    path = out / f"{name}-{width}.png"
    path.write_bytes(compact_png(page.screenshot(animations="disabled", caret="hide")))
    print(f"{path}: {path.stat().st_size // 1024} KB", flush=True)
    return path.name


def take_desk(browser, site, out, compact_png) -> set[str]:
    """Every shot of SHOTS whose page the demo has; the file names written."""
    written = set()
    for width in sorted({width for *_, width, _ in SHOTS}, reverse=True):
        context = browser.new_context(base_url=site.url, viewport={"width": width, "height": HEIGHTS[width]})
        page = context.new_page()
        sign_in(page)
        for name, key, shot_width, keys in SHOTS:
            if shot_width != width or key not in site.desk:
                continue
            page.goto(site.desk[key])
            page.wait_for_load_state("networkidle")
            for press in keys:
                page.keyboard.press(press)
                page.wait_for_timeout(400)
            written.add(save_shot(page, out, name, width, compact_png))
        context.close()
    return written
