"""A reader subscribes on a story page, confirms from the mail, gets the digest, and leaves in one click.

Every mail goes through a real SMTP server on 127.0.0.1 (the aiosmtpd sink) and is
read back from it; the browser is Debian's Chromium.
"""

import re
from email import message_from_bytes, policy

import pytest
from django.core.management import call_command

from newsroom.settings.base import mailers_from_url
from subscriptions.models import Delivery, DigestClick, Subscriber
from tests.factories import ArticleFactory, SectionFactory, SourceFactory
from tests.readership.conftest import BROWSER
from tests.subscriptions.conftest import run_queued_tasks
from tests.subscriptions.smtp_sink import SmtpSink

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sink(settings):
    with SmtpSink(keep_content=True) as sink:
        settings.MAILERS = mailers_from_url(sink.url)
        yield sink


def mail_to(sink, address, index=-1):
    return message_from_bytes(sink.to(address)[index].content, policy=policy.default)


def part(message, subtype: str) -> str:
    return message.get_body(preferencelist=(subtype,)).get_content()


def test_subscribe_confirm_receive_the_digest_and_leave(
    page, browser, live_server, sink, settings, third_party_requests
):
    from django.core.cache import cache

    cache.clear()
    settings.SITE_URL = live_server.url  # links in the mail lead back to this server
    ports = SectionFactory(name="Ports", slug="ports")
    wire = SourceFactory(name="Harbour Wire", slug="harbour-wire", attribution="– Harbour Wire")
    story = ArticleFactory(live=True, section=ports, headline="Quay cranes arrive at Berth 4",
                           standfirst="Four new cranes lift the terminal's capacity by a third.")  # fmt: skip
    ArticleFactory(live=True, section=ports, source=wire, headline="Pilots vote to accept night shifts")

    # Subscribe from the call to action at the end of a story.
    page.goto(story.get_absolute_url())
    cta = page.locator(".newsletter-cta")
    cta.get_by_label("Email address").fill("reader@example.org")
    cta.get_by_role("button", name="Subscribe").click()
    page.get_by_role("heading", name="Check your inbox").wait_for()
    run_queued_tasks()  # what `manage.py db_worker` does beside the server
    assert Subscriber.objects.get(email="reader@example.org").status == "pending"

    # Confirm from the mail: the link shows a button; only pressing it confirms.
    assert sink.wait_for(1, timeout=10)
    confirmation = part(mail_to(sink, "reader@example.org"), "plain")
    link = re.search(rf"{re.escape(live_server.url)}/newsletter/confirm/\S+/", confirmation).group(0)
    page.goto(link)
    assert Subscriber.objects.get(email="reader@example.org").status == "pending"
    page.get_by_role("button", name="Confirm my subscription").click()
    page.get_by_role("heading", name="Your newsletter").wait_for()  # the preferences page
    assert "You are subscribed: the next newsletter comes to you." in page.content()
    assert Subscriber.objects.get(email="reader@example.org").status == "confirmed"

    # The digest arrives with the day's stories.
    call_command("send_digest", "--now")
    assert sink.wait_for(2, timeout=10)
    digest = mail_to(sink, "reader@example.org")
    html, text = part(digest, "html"), part(digest, "plain")
    for words in ("Quay cranes arrive at Berth 4", "Pilots vote to accept night shifts", "– Harbour Wire"):
        assert words in html and words in text
    unsubscribe = digest["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith(f"{live_server.url}/newsletter/unsubscribe/")
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The reader's mail programme shows the digest; its headline leads to the story, through the
    # address that counts a click (headless Chromium is a bot to it: not counted; a reader's is).
    page.set_content(html)
    headline = page.get_by_role("link", name="Quay cranes arrive at Berth 4")
    assert headline.get_attribute("href").startswith(f"{live_server.url}/newsletter/read/")
    with page.expect_navigation():
        headline.click()
    assert page.url == live_server.url + story.get_absolute_url()
    assert not DigestClick.objects.exists()
    reader = browser.new_context(user_agent=BROWSER)
    mail_programme = reader.new_page()
    mail_programme.set_content(html)
    with mail_programme.expect_navigation():
        mail_programme.get_by_role("link", name="Quay cranes arrive at Berth 4").click()
    assert mail_programme.url == live_server.url + story.get_absolute_url()
    assert DigestClick.objects.get(article=story).clicks == 1
    reader.close()

    # One click: the mail provider's unsubscribe button POSTs List-Unsubscribe=One-Click.
    response = page.request.post(unsubscribe, form={"List-Unsubscribe": "One-Click"})
    assert response.status == 200
    assert Subscriber.objects.get(email="reader@example.org").status == "unsubscribed"

    # Nothing more reaches them.
    ArticleFactory(live=True, section=ports, headline="A story after they left")
    call_command("send_digest", "--now")
    assert len(sink.to("reader@example.org")) == 2
    assert Delivery.objects.filter(subscriber__email="reader@example.org").count() == 1
