"""docs/screenshots/<role>-dashboard-<width>.png: the admin's front page as the demo editor's and reporter's.

Taken by bench/screenshots.py (`make screenshots`) on the same demo site, signed in as the
demo `editor` (Daniel Koh) and `reporter`: the first screen of their desk (articles/desk.py).
"""

from bench.desk_screenshots import HEIGHTS, save_shot, sign_in

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
        written.add(save_shot(page, out, name, width, compact_png))
        context.close()
    return written


def take_story_desk(browser, site, out, compact_png) -> set[str]:
    """The story list and a story's form (laptop and phone), then what two editors on one story see:
    the other's presence, a save refused with what changed, and unsaved words offered back."""
    if "editor-story" not in site.desk:
        return set()
    written = set()

    def shot(page, name: str, width: int) -> None:
        page.wait_for_load_state("networkidle")
        written.add(save_shot(page, out, name, width, compact_png))

    def signed_in(username: str, width: int = 1366):
        context = browser.new_context(base_url=site.url, viewport={"width": width, "height": HEIGHTS[width]})
        page = context.new_page()
        sign_in(page, username)
        return context, page

    story = site.desk["editor-story"]
    for width in (1366, 390):
        context, page = signed_in("editor", width)
        page.goto(site.desk["editor-list"])
        shot(page, "editor-list", width)
        page.goto(story)
        shot(page, "editor-story", width)
        if width == 1366:
            page.locator("fieldset", has=page.locator("#id_tags")).scroll_into_view_if_needed()
            shot(page, "editor-tags", width)
        page.goto(site.desk["editor-readership"])
        shot(page, "editor-readership", width)
        context.close()

    admin_context, colleague = signed_in("admin")
    colleague.goto(story)
    context, page = signed_in("editor")
    page.goto(story)
    shot(page, "editor-presence", 1366)
    colleague.get_by_label("Headline:").press("End")
    colleague.keyboard.type(", the harbour master says")
    colleague.get_by_role("button", name="Save and continue editing").click()
    colleague.wait_for_load_state("networkidle")
    page.locator(".field-body .ProseMirror[contenteditable=true]").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" The editor added this sentence while a colleague saved.")
    page.get_by_role("button", name="Save and continue editing").click()
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "editor-conflict", 1366)

    # Words typed and never saved: the tab is closed (its leaving prompt accepted), the story reopened.
    typing = context.new_page()
    typing.goto(story)
    typing.locator(".field-body .ProseMirror[contenteditable=true]").click()
    typing.keyboard.press("Control+End")
    typing.keyboard.type(" A paragraph nobody saved.")
    typing.on("dialog", lambda dialog: dialog.accept())
    typing.close(run_before_unload=True)
    page.wait_for_timeout(1000)
    page.goto(story)
    shot(page, "editor-autosave", 1366)
    context.close()
    admin_context.close()
    return written
