"""What several browser tests do the same way."""

from playwright.sync_api import expect

PASSWORD = "a-long-test-password"  # every UserFactory user's


def sign_in(page, username: str, password: str = PASSWORD):
    """Sign in at the admin's login page and wait for the admin's front page."""
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="The newsroom")).to_be_visible()


REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`);
});
"""


def watched_page(browser, base_url: str, width: int = 1366, height: int = 768):
    """A fresh context's page at that size whose console errors, script errors and CSP refusals
    are collected in `page.problems`; close it with `page.context.close()`."""
    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": height})
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.problems = []
    page.on("console", lambda m: page.problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))
    return page
