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
