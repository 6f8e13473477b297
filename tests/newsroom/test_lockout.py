"""Admin sign-in: five failures lock one account at one address for an hour, nothing more."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tests.factories import UserFactory

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "a-long-test-password"
ATTACKER = "203.0.113.7"
NEWSROOM = "198.51.100.20"


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", role="Editor")


def sign_in(username: str, password: str, ip: str, **headers):
    """One attempt from a fresh browser at `ip`; the response to the posted form."""
    client = Client(REMOTE_ADDR=ip, **headers)
    response = client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})
    response.client = client
    return response


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def locked_out(response) -> bool:
    return response.status_code == 429 and "Too many failed sign-ins" in response.content.decode()


def fail(times: int, username: str = "editor", ip: str = ATTACKER, **headers):
    return [sign_in(username, "wrong-password-1", ip, **headers) for _ in range(times)]


def test_four_failures_only_show_the_usual_error(editor):
    for response in fail(4):
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    assert signed_in(sign_in("editor", PASSWORD, ATTACKER))


def test_the_fifth_failure_locks_the_account_at_that_address_even_for_the_right_password(editor):
    *first, fifth = fail(5)
    assert all(r.status_code == 200 for r in first)
    assert locked_out(fifth)

    response = sign_in("editor", PASSWORD, ATTACKER)
    assert locked_out(response)
    page = " ".join(response.content.decode().split())
    assert "has failed 5 times, so it is paused for 1 hour" in page
    assert re.search(r'<body class="[^"]*\blogin\b', page)  # the admin's sign-in look, not a bare error
    assert "Username" not in page  # no form to keep guessing with
    assert "Traceback" not in page
    assert response["Retry-After"] == "3600"
    assert "sessionid" not in response.cookies


def test_the_same_account_from_another_address_still_signs_in(editor):
    fail(5)
    assert signed_in(sign_in("editor", PASSWORD, NEWSROOM))


def test_another_account_from_the_same_address_still_signs_in(editor):
    UserFactory(username="reporter", role="Reporter")
    fail(5, username="editor")
    assert signed_in(sign_in("reporter", PASSWORD, ATTACKER))


def test_after_the_hour_the_right_password_works_again(editor):
    """The hour runs from the fifth failure; trying again meanwhile does not make it longer."""
    fail(5)
    with time_machine.travel(timezone.now() + timedelta(minutes=59)):
        assert locked_out(sign_in("editor", PASSWORD, ATTACKER))
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        assert signed_in(sign_in("editor", PASSWORD, ATTACKER))


def test_a_success_forgets_the_earlier_failures(editor):
    fail(4)
    assert signed_in(sign_in("editor", PASSWORD, ATTACKER))
    assert all(r.status_code == 200 for r in fail(4))  # counting starts again from nothing
    assert signed_in(sign_in("editor", PASSWORD, ATTACKER))


def test_a_forged_x_forwarded_for_does_not_reset_the_count(editor):
    """No trusted proxy by default: the header a client sends proves nothing."""
    for n in range(5):
        last = sign_in("editor", "wrong-password-1", ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert locked_out(last)
    assert locked_out(sign_in("editor", PASSWORD, ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.99"))


def test_behind_a_trusted_proxy_the_forwarded_client_address_counts(editor, settings):
    settings.NEWSROOM_TRUSTED_PROXIES = ["127.0.0.1"]
    proxy = "127.0.0.1"
    # What nginx sends: whatever the client claimed, then the address it really came from.
    fail(5, ip=proxy, HTTP_X_FORWARDED_FOR=f"10.9.9.9, {ATTACKER}")
    assert locked_out(sign_in("editor", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=ATTACKER))
    assert locked_out(sign_in("editor", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=f"{NEWSROOM}, {ATTACKER}"))
    assert signed_in(sign_in("editor", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=NEWSROOM))
