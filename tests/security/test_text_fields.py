"""Hostile text in every field anybody can fill shows as text everywhere: never a 500, never invalid XML.

Every text field a reader, a reporter, an editor or an import can set (story, source,
author, section, tag, correction, page, comment, subscriber), found on the models by
tests/security/hostile_text.py, gets every payload of the XSS corpus and the control
characters, through the real way in (tests/security/ways_in.py): the admin's forms as
an editor, the comment form, the sign-up form, the WordPress importer; a model save
(the same pre_save cleaning) fills in what a form leaves out or refuses. Then every
page, feed, sitemap and mail that shows it is read: stored text has no control or
bidi-override characters, HTML runs nothing a payload brought and shows plain fields
as their words, XML parses, mails render with their own headers only. The comment
pages a moderator or a replying reader sees are tests/comments/test_xss.py's.
Counts are printed: pytest -s.
"""

import io
import math
from urllib.parse import urlsplit

import pytest
from django.contrib.flatpages.models import FlatPage
from django.core.management import call_command
from django.urls import reverse
from taggit.models import Tag

from articles import feeds
from articles.models import Article, Author, Section, Source
from comments import mail as comment_mail
from comments.models import Comment
from subscriptions import digest as digests
from subscriptions import services as subscriptions
from subscriptions.models import Subscriber
from tests.comments.conftest import form_data
from tests.comments.helpers import make_comment
from tests.comments.test_xss import refused_fields
from tests.factories import ArticleFactory
from tests.subscriptions.conftest import run_queued_tasks, signup_data

from .hostile_text import (
    PAYLOADS,
    Tally,
    check_html,
    check_mail,
    check_shown_as_text,
    check_stored,
    check_xml,
    store_the_rest,
    values_for,
    word_fields,
)
from .ways_in import EDITORS_MODELS, WXR_FIELDS, WXR_PAYLOADS, editor_round, wxr_export

pytestmark = pytest.mark.django_db

ROUNDS = len(PAYLOADS)  # round i puts payload i + j in field j of each object: every payload in every field
MAIL_HEADERS = {"content-type", "mime-version", "content-transfer-encoding", "subject", "from", "to", "date",
                "message-id", "list-unsubscribe", "list-unsubscribe-post", "list-id", "reply-to",
                "auto-submitted"}  # fmt: skip


class Reader:
    """Reads pages and feeds as an anonymous reader; counts what it read."""

    def __init__(self, client, tally: Tally):
        self.client, self.tally = client, tally

    def page(self, url: str, *shown: str, query: dict | None = None):
        response = self.client.get(url, query)
        assert response.status_code == 200, (url, query, response.status_code)
        html = response.content.decode()
        root = check_html(html, url)
        for value in shown:
            check_shown_as_text(root, html, value, url)
        self.tally["HTML pages read"] += 1
        return root, html

    def xml(self, url: str):
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        self.tally["feeds and sitemaps parsed"] += 1
        return check_xml(response.content, url)

    def everything_public(self, *, owners: bool = True, also_shown: dict | None = None) -> None:
        """Every story and the pages of its section, source, author and tags; their feeds; the site's.

        `also_shown`: more words each story's page shows (its comments), by story id.
        """
        for story in Article.objects.published().select_related("section", "source"):
            bylines = [author.name for author in story.authors.all()]
            tags = list(story.tags.all())
            corrections = [correction.text for correction in story.corrections.all()]
            attribution = [story.source.attribution] if story.source else []
            shown = [story.headline, story.standfirst, story.section.name, *bylines, *attribution]
            shown += [tag.name for tag in tags] + corrections + (also_shown or {}).get(story.pk, [])
            self.page(story.get_absolute_url(), *shown)
            for owner in [story.section, story.source, *story.authors.all(), *tags] if owners else []:
                if owner is None:
                    continue
                kind = "tag" if isinstance(owner, Tag) else owner._meta.model_name
                words = [getattr(owner, name, "") for name in ("name", "description", "bio")]
                self.page(reverse(f"articles:{kind}", args=[owner.slug]), *filter(None, words))
                self.xml(reverse(f"feeds:{kind}", args=[owner.slug]))
        for page in FlatPage.objects.all():
            self.page(page.url, page.title)
        self.page("/")
        self.page("/corrections/")
        for url in ["/feed/", "/feed/atom/", "/news-sitemap.xml", "/sitemap.xml"]:
            self.xml(url)
        for section in ["pages", "stories", "sections", "tags", "authors", "sources"]:
            self.xml(f"/sitemap-{section}.xml")


@pytest.fixture
def reader(client, monkeypatch):
    """The site feeds carry every story, so each one is read in RSS and in Atom."""
    monkeypatch.setattr(feeds, "FEED_LENGTH", 10 * ROUNDS)
    return Reader(client, Tally())


def test_what_editors_type_shows_as_text_on_every_page_feed_and_sitemap(editor_client, editor, reader):
    tally = reader.tally
    for i in range(ROUNDS):
        editor_round(editor_client, editor, i, tally)
    editor_client.logout()  # the same client reads as a reader from here on
    for model in EDITORS_MODELS:
        for obj in model.objects.all():
            check_stored(obj)
        tally[f"fields × payloads: {model._meta.model_name}"] = len(word_fields(model)) * ROUNDS

    reader.everything_public()
    for _, payload in PAYLOADS:  # what a reader searches for is shown back, as text
        reader.page(reverse("articles:search"), query={"q": payload})
    assert Article.objects.published().count() == ROUNDS
    print(f"\nEditors: {tally.line()}")


@pytest.fixture
def open_door(settings):
    """Comments publish once their address is confirmed (no hold, no rate limit)."""
    settings.COMMENTS_CONFIRM_EMAIL = True  # every reader confirms: the confirmation mail is read too
    settings.COMMENTS_HOLD_FIRST_TIME = False
    settings.COMMENTS_RATE_LIMIT = (100_000, 60)
    settings.COMMENTS_HOLD_RATE = (100_000, 3600)
    settings.COMMENTS_HOLD_MAX_LINKS = 1_000
    settings.COMMENTS_MAIL_ON_APPROVAL = True
    settings.NEWSLETTER_SIGNUP_RATE = (100_000, 3600)
    settings.NEWSLETTER_MAX_STORIES = ROUNDS
    return settings


def test_what_readers_send_shows_as_text_on_pages_and_in_every_mail(
    client, reader, open_door, mailoutbox, django_capture_on_commit_callbacks
):
    tally = reader.tally
    stories = [
        ArticleFactory(live=True, **{**values_for(Article, i), "body": f"<p>Story {i}.</p>"})
        for i in range(ROUNDS)
    ]
    for story, i in zip(stories, range(ROUNDS), strict=True):
        story.tags.add(Tag.objects.create(name=values_for(Tag, i)["name"]))

    # A comment that asks to hear of replies, then a hostile reply to it whose author confirms the address.
    hostile = []
    for i, story in enumerate(stories):
        parent_pk = make_comment(story, user_email=f"parent{i}@example.org", followup=True).pk
        values = values_for(Comment, i)
        sent = {"name": values["user_name"], "comment": values["comment"], "url": values["user_url"]}
        sent |= {"email": f"reader{i}@example.org", "reply_to": parent_pk}
        refused = refused_fields(story, sent)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/comments/post/", form_data(story, **sent))
            if refused:
                assert response.status_code == 400, response.status_code
                check_html(response.content.decode(), "comment refused")
                tally["comment forms refused (a control character in the name, NUL)"] += 1
                plain = {"name": f"Reader {i}", "comment": f"Comment {i}.", "url": ""}
                response = client.post(
                    "/comments/post/", form_data(story, **(sent | {f: plain[f] for f in refused}))
                )
        assert response.status_code == 302, (i, response.status_code)
        *_, confirmation = mailoutbox
        check_mail(confirmation, "comment confirmation", headers=MAIL_HEADERS)
        link = next(word for word in confirmation.body.split() if "/comments/confirm/" in word)
        reader.page(urlsplit(link).path)  # the comment waiting for its author, and a button
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(urlsplit(link).path).status_code == 302
        comment = Comment.objects.get(user_email=sent["email"])
        assert comment.is_visible, comment.hold_reasons
        tally["fields put in by model save"] += store_the_rest(comment, values)
        hostile.append(comment)
        tally["comments posted"] += 1
    for comment in hostile:
        check_stored(comment)
        assert comment_mail.approved(comment)
    for message in mailoutbox:
        check_mail(message, message.subject, headers=MAIL_HEADERS)
        tally["mails read (comment confirmations, replies, approvals)"] += 1
    tally["fields × payloads: comment"] = len(word_fields(Comment)) * ROUNDS

    # Sign-ups: the form, then the confirmation mail (from the task the form queues).
    mailoutbox.clear()
    for i in range(ROUNDS):
        name = values_for(Subscriber, i)["name"]
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/newsletter/", signup_data(email=f"sub{i}@example.org", name=name))
            if response.status_code == 400:
                check_html(response.content.decode(), "sign-up refused")
                tally["sign-up forms refused (a control character in the name)"] += 1
                response = client.post("/newsletter/", signup_data(email=f"sub{i}@example.org"))
        assert response.status_code == 302, (i, response.status_code)
    with django_capture_on_commit_callbacks(execute=True):
        run_queued_tasks()
    assert Subscriber.objects.count() == ROUNDS
    for i, subscriber in enumerate(Subscriber.objects.order_by("pk")):
        subscriptions.subscriber_confirm(subscriber=subscriber)
        tally["fields put in by model save"] += store_the_rest(subscriber, values_for(Subscriber, i))
        check_stored(subscriber)
    tally["fields × payloads: subscriber"] = len(word_fields(Subscriber)) * ROUNDS

    digest = subscriptions.digest_assemble()
    factory = digests.MessageFactory(digest)
    for subscriber in Subscriber.objects.all():
        message = factory.message_for(subscriber)
        check_mail(message, f"digest to {subscriber.email}", headers=MAIL_HEADERS)
        tally["digest mails read"] += 1
    html = message.alternatives[0].content
    root = check_html(html, "digest", mail=True)
    for story in stories:
        check_shown_as_text(root, html, story.headline, "digest")
    for message in mailoutbox:
        check_mail(message, message.subject, headers=MAIL_HEADERS)
        tally["mails read (sign-up confirmations)"] += 1

    comments = {int(comment.object_pk): [comment.user_name, comment.comment] for comment in hostile}
    reader.everything_public(owners=False, also_shown=comments)
    reader.page("/newsletter/")
    print(f"\nReaders: {tally.line()}")


def test_what_a_wordpress_export_carries_shows_as_text_everywhere(tmp_path, reader):
    tally = reader.tally
    items = 2 * math.ceil(len(WXR_PAYLOADS) / len(WXR_FIELDS))  # every payload twice, in different fields
    export, dealt = wxr_export(items)
    path = tmp_path / "hostile.xml"
    path.write_text(export, encoding="utf-8")
    call_command("import_wordpress", str(path), "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    assert Article.objects.count() == items == FlatPage.objects.filter(url__startswith="/page-").count()
    for model in [Article, Section, Tag, Author, Comment, FlatPage, Source]:
        for obj in model.objects.all():
            check_stored(obj)
            tally[f"imported rows checked: {model._meta.model_name}"] += 1
    tally["payloads × WXR fields dealt"] = dealt

    reader.everything_public()
    print(f"\nWordPress: {tally.line()}")
