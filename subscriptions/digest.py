"""The digest: which stories go out, to whom, and the mail each reader gets.

`queue_deliveries()` (run by `services.digest_assemble()`) queues one Delivery for
every receiving reader with enough of the digest's stories; `MessageFactory` turns a
digest into each reader's mail. Both work per *preference set* (the sections and tags
a reader follows) rather than per reader: 100,000 readers share a few hundred sets, so
matching is done once per set, and so is rendering the list of stories a set gets.
"""

import email.policy
import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import formataddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from articles.models import Article, TaggedArticle

from . import clicks, tokens
from .models import Delivery, Digest, Subscriber

BATCH_SIZE = 2_000
SUBJECT_MAX = 200

# What a reader follows: (section ids, tag ids). Two empty sets mean everything.
Preferences = tuple[frozenset[int], frozenset[int]]
EVERYTHING: Preferences = (frozenset(), frozenset())


@dataclass(frozen=True, slots=True)
class Story:
    """A story as the newsletter shows it, with what matching needs."""

    pk: int
    section_id: int | None
    tag_ids: frozenset[int]
    headline: str
    standfirst: str
    section: str
    url: str  # the story's address; in a reader's mail, its link that counts a click (clicks.py)
    attribution: str  # "– The Star Online" for a syndicated story, else ""


def minimum_stories() -> int:
    """Fewer matching stories than this for a reader: no mail. Never less than one."""
    return max(settings.NEWSLETTER_MIN_STORIES, 1)


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


# --- stories ---------------------------------------------------------------------------


def stories_since(start: datetime, end: datetime) -> list[Article]:
    """Public stories published in (start, end], the lead first: featured first, then the newest."""
    return list(
        Article.objects.published()
        .filter(published_at__gt=start, published_at__lte=end)
        .select_related("section", "source")
        .order_by("-is_featured", "-published_at", "-pk")[: settings.NEWSLETTER_MAX_STORIES]
    )


def next_period(now: datetime) -> tuple[datetime, datetime]:
    """The period the next digest covers: from the end of the last one (of any kind) to now."""
    last_end = Digest.objects.order_by("-period_end").values_list("period_end", flat=True).first()
    return (last_end or now - timedelta(hours=24)), now


def as_stories(articles: list[Article]) -> list[Story]:
    tags = defaultdict(set)
    rows = TaggedArticle.objects.filter(content_object_id__in=[a.pk for a in articles])
    for article_id, tag_id in rows.values_list("content_object_id", "tag_id"):
        tags[article_id].add(tag_id)
    return [
        Story(
            pk=article.pk,
            section_id=article.section_id,
            tag_ids=frozenset(tags[article.pk]),
            headline=article.headline,
            standfirst=article.standfirst,
            section=article.section.name if article.section_id else "",
            url=settings.SITE_URL + article.get_absolute_url(),
            attribution=f"– {article.source.attribution}" if article.source_id else "",
        )
        for article in articles
    ]


def digest_stories(digest: Digest) -> list[Story]:
    """The digest's stories in its order; one taken off the site since is left out."""
    articles = Article.objects.published().filter(pk__in=digest.story_ids).select_related("section", "source")
    by_pk = {article.pk: article for article in articles}
    return as_stories([by_pk[pk] for pk in digest.story_ids if pk in by_pk])


def matching(stories: list[Story], preferences: Preferences) -> tuple[int, ...]:
    """The positions of the stories a reader with these preferences gets."""
    sections, tags = preferences
    if not sections and not tags:
        return tuple(range(len(stories)))
    return tuple(
        i
        for i, story in enumerate(stories)
        if story.section_id in sections or (tags and not tags.isdisjoint(story.tag_ids))
    )


# --- preferences -----------------------------------------------------------------------


def preferences_of(subscribers) -> dict[int, Preferences]:
    """Each subscriber's (sections, tags), in two queries for the lot.

    `subscribers` is a queryset of subscribers (read in chunks) or a list of their ids; a
    subscriber following everything is absent from the result (read it as EVERYTHING).
    """
    chunked = isinstance(subscribers, QuerySet)
    found: dict[str, dict[int, set[int]]] = {}
    for relation, column in (("sections", "section_id"), ("tags", "tag_id")):
        rows = getattr(Subscriber, relation).through.objects.filter(subscriber__in=subscribers)
        rows = rows.values_list("subscriber_id", column)
        found[relation] = by_subscriber = defaultdict(set)
        for subscriber_id, item_id in rows.iterator(chunk_size=BATCH_SIZE) if chunked else rows:
            by_subscriber[subscriber_id].add(item_id)
    sections, tags = found["sections"], found["tags"]
    # Readers with the same preferences share one (interned) pair: a dict keyed by it stays small.
    interned: dict[Preferences, Preferences] = {}
    result = {}
    for subscriber_id in sections.keys() | tags.keys():
        pair = (frozenset(sections.get(subscriber_id, ())), frozenset(tags.get(subscriber_id, ())))
        result[subscriber_id] = interned.setdefault(pair, pair)
    return result


# --- assembly --------------------------------------------------------------------------


def render_subject(*, edition, lead: Story | Article, kind: str) -> str:
    """The subject line from templates/subscriptions/email/subject.txt: one line, at most 200 characters."""
    text = render_to_string(
        "subscriptions/email/subject.txt",
        {"site_name": settings.SITE_NAME, "edition": edition, "lead": lead, "kind": kind},
    )
    return Truncator(" ".join(text.split())).chars(SUBJECT_MAX)


def queue_deliveries(digest: Digest, stories: list[Story]) -> int:
    """One queued Delivery per receiving reader with enough matching stories; counts once per set."""
    receiving = Subscriber.objects.receiving()
    preferences = preferences_of(receiving)
    enough = minimum_stories()
    counts: dict[Preferences, int] = {}
    recipients = []
    for subscriber_id in (
        receiving.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=BATCH_SIZE)
    ):
        wanted = preferences.get(subscriber_id, EVERYTHING)
        count = counts.get(wanted)
        if count is None:
            count = counts[wanted] = len(matching(stories, wanted))
        if count >= enough:
            recipients.append(subscriber_id)
    for i in range(0, len(recipients), BATCH_SIZE):
        Delivery.objects.bulk_create(
            [Delivery(digest_id=digest.pk, subscriber_id=pk) for pk in recipients[i : i + BATCH_SIZE]],
            ignore_conflicts=True,
        )
    return len(recipients)


# --- messages --------------------------------------------------------------------------


class LongLines(email.policy.EmailPolicy):
    """The sending backend's policy with RFC 5322's line limit, 998, for the bodies and List-Unsubscribe.

    At Python's 78, a part with a longer line (most lines of the HTML) is written as
    quoted-printable, in pure Python: most of the cost of a digest mail. At 998 both parts
    go as they are: 7bit, or 8bit when they hold UTF-8, as Django's mail did before 6.0.
    And a header that cannot be folded at 78 is written as RFC 2047 encoded words, which
    turns List-Unsubscribe's one long URL into something no mail provider reads as a URL;
    at 998 it stays one plain line. The other headers are folded by the backend's policy,
    `folding`, as for any mail.
    """

    folding = email.policy.default

    def fold(self, name, value):
        if name.lower() == "list-unsubscribe":
            return super().fold(name, value)
        return self.folding.fold(name, value)

    def fold_binary(self, name, value):
        if name.lower() == "list-unsubscribe":
            return super().fold_binary(name, value)
        return self.folding.fold_binary(name, value)


@functools.lru_cache(maxsize=8)  # one per policy a backend passes: Django passes one
def long_lines(policy: email.policy.EmailPolicy) -> LongLines:
    return LongLines(**{**vars(policy), "max_line_length": 998, "folding": policy})


class DigestMail(EmailMultiAlternatives):
    """A digest's mail: Django's, written with `LongLines`."""

    def message(self, *, policy=email.policy.default):
        return super().message(policy=long_lines(policy))


@dataclass(frozen=True, slots=True)
class Rendered:
    """A subject and both bodies for one reader (a preview, or the parts of a mail)."""

    subject: str
    text: str
    html: str


def tidy_text(text: str) -> str:
    return _BLANK_LINES.sub("\n\n", text).strip() + "\n"


def tidy_html(html: str) -> str:
    """Without the templates' indentation: a smaller mail."""
    return "\n".join(filter(None, map(str.strip, html.splitlines())))


_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+\n")


class MessageFactory:
    """Builds each reader's mail of one digest; make one per digest per run of sending.

    A reader's mail is templates/subscriptions/email/digest.html and .txt rendered with
    their name, address and links. The list of stories, the same for every reader who
    follows the same things, is rendered once per preference set (email/stories.html and
    .txt) and shown by the outer templates as it is. Links count clicks (clicks.py) unless `counted=False`.
    """

    def __init__(self, digest: Digest, *, counted: bool = True):
        self.digest = digest
        self.stories = digest_stories(digest)
        if counted and digest.pk:  # links the same for every reader: a click tells nobody who
            self.stories = clicks.with_click_links(digest.pk, self.stories)
        self.minimum = minimum_stories()
        self.host = site_host()
        self.list_id = f"<newsletter.{self.host}>"
        self.context = {
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
            "subject": digest.subject,
            "edition": digest.edition,
            "daily": digest.kind == Digest.Kind.DAILY,
        }
        self._matches: dict[Preferences, tuple[int, ...]] = {}
        self._lists: dict[tuple[int, ...], dict[str, str]] = {}
        self._preferences: dict[int, Preferences] = {}

    # preferences

    def load_preferences(self, subscribers) -> None:
        """Read the preferences of a batch of subscribers (instances or ids) in two queries."""
        ids = [getattr(s, "pk", s) for s in subscribers]
        found = preferences_of(ids)
        for pk in ids:
            self._preferences[pk] = found.get(pk, EVERYTHING)

    def _match(self, subscriber: Subscriber | None) -> tuple[int, ...]:
        if subscriber is None:
            preferences = EVERYTHING
        else:
            if subscriber.pk not in self._preferences:
                self.load_preferences([subscriber.pk])
            preferences = self._preferences[subscriber.pk]
        picked = self._matches.get(preferences)
        if picked is None:
            picked = self._matches[preferences] = matching(self.stories, preferences)
        return picked

    # bodies

    def story_list(self, picked: tuple[int, ...]) -> dict[str, str]:
        """The rendered list of these stories, and the preheader: the part readers share."""
        found = self._lists.get(picked)
        if found is None:
            stories = [self.stories[i] for i in picked]
            context = {**self.context, "stories": stories}
            found = self._lists[picked] = {
                "stories_text": render_to_string("subscriptions/email/stories.txt", context),
                "stories_html": render_to_string("subscriptions/email/stories.html", context),
                "preheader": Truncator(" · ".join(s.headline for s in stories[1:4])).chars(140),
            }
        return found

    def render(self, picked, *, name: str, email: str, manage_url: str, unsubscribe_url: str) -> Rendered:
        context = {
            **self.context,
            **self.story_list(picked),
            "name": name,
            "email": email,
            "manage_url": manage_url,
            "unsubscribe_url": unsubscribe_url,
        }
        text = tidy_text(render_to_string("subscriptions/email/digest.txt", context))
        html = tidy_html(render_to_string("subscriptions/email/digest.html", context))
        return Rendered(subject=self.digest.subject, text=text, html=html)

    # mails

    def message_for(self, subscriber: Subscriber) -> DigestMail | None:
        """This reader's mail, or None if fewer than the minimum stories match them now."""
        picked = self._match(subscriber)
        if len(picked) < self.minimum:
            return None
        name = clean_name(subscriber.name)
        token = tokens.manage_token(subscriber)  # one signature for both links
        unsubscribe_url = tokens.absolute(reverse("subscriptions:unsubscribe", args=[token]))
        rendered = self.render(
            picked,
            name=name,
            email=subscriber.email,
            manage_url=tokens.absolute(reverse("subscriptions:manage", args=[token])),
            unsubscribe_url=unsubscribe_url,
        )
        headers = {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": self.list_id,
            "Message-ID": f"<digest-{self.digest.pk}.{subscriber.pk}@{self.host}>",
        }
        return DigestMail(
            subject=rendered.subject,
            body=rendered.text,
            to=[formataddr((name, subscriber.email)) if name else subscriber.email],
            headers=headers,
            alternatives=[(rendered.html, "text/html")],
        )

    def sample(self, *, name: str = "", email: str = "reader@example.org") -> Rendered | None:
        """What a reader following everything gets, with links that go nowhere (previews, tests)."""
        picked = self._match(None)
        if not picked:
            return None
        nowhere = settings.SITE_URL + "/"
        return self.render(
            picked, name=clean_name(name), email=email, manage_url=nowhere, unsubscribe_url=nowhere
        )

    def test_message(self, *, to: str, name: str = "") -> DigestMail | None:
        """The sample, marked as a test, to one editor. No Delivery, no unsubscribe header."""
        rendered = self.sample(name=name, email=to)
        if rendered is None:
            return None
        return DigestMail(
            subject=f"[Test] {rendered.subject}",
            body=rendered.text,
            to=[to],
            headers={"List-Id": self.list_id},
            alternatives=[(rendered.html, "text/html")],
        )


def clean_name(name: str) -> str:
    """A name safe for a header: none at all if it holds a line break or other control character."""
    name = (name or "").strip()
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return ""
    return name


def draft(*, now: datetime | None = None, kind: str = Digest.Kind.MANUAL) -> Digest | None:
    """The digest that would go out now, unsaved: for previews and tests before anything is created."""
    now = now or timezone.now()
    start, end = next_period(now)
    articles = stories_since(start, end)
    if not articles:
        return None
    edition = timezone.localdate(now)
    return Digest(
        kind=kind,
        edition=edition,
        period_start=start,
        period_end=end,
        story_ids=[a.pk for a in articles],
        subject=render_subject(edition=edition, lead=articles[0], kind=kind),
    )
