"""The digest: which stories, for whom, and the mail each reader gets."""

import re
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from subscriptions import clicks, services, tokens
from subscriptions import digest as digests
from subscriptions.models import Delivery, Digest, Subscriber
from tests.factories import ArticleFactory, SectionFactory, SourceFactory

Status = Subscriber.Status
pytestmark = pytest.mark.usefixtures("public_site_url")


def reader(email, *, status=Status.CONFIRMED, sections=(), tags=(), **fields) -> Subscriber:
    subscriber = Subscriber.objects.create(email=email, status=status, **fields)
    subscriber.sections.set(sections)
    subscriber.tags.set(tags)
    return subscriber


def story(hours_ago: float = 1, **fields):
    published_at = timezone.now() - timedelta(hours=hours_ago)
    return ArticleFactory(status="published", published_at=published_at, **fields)


@pytest.fixture
def desk(db):
    """Two sections, a tag, and three stories: one in Business, one in Sport tagged 'port', one in Sport."""
    business = SectionFactory(name="Business", slug="business")
    sport = SectionFactory(name="Sport", slug="sport")
    port = Tag.objects.create(name="port", slug="port")
    return {
        "business": business,
        "sport": sport,
        "port": port,
        "b1": story(3, section=business, headline="Shipping rates fall"),
        "s1": story(2, section=sport, headline="Harbour regatta returns", tags=[port]),
        "s2": story(1, section=sport, headline="Cup final tickets sold out"),
    }


def links_in(text: str) -> dict[str, Subscriber]:
    """The subscribers that the manage and unsubscribe links in `text` are for (tokens carry a time)."""
    found = {}
    for name in ("manage", "unsubscribe"):
        prefix = "https://news.example.org" + reverse(f"subscriptions:{name}", args=["T"]).removesuffix("T/")
        for token in re.findall(re.escape(prefix) + r"([^/\s\"<>]+)/", text):
            subscriber = tokens.read_manage_token(token)
            assert found.setdefault(name, subscriber) == subscriber
    return found


def recipients(digest: Digest) -> set[str]:
    return set(Delivery.objects.filter(digest=digest).values_list("subscriber__email", flat=True))


class TestStories:
    def test_lead_is_the_featured_story_then_the_newest(self, desk):
        featured = story(5, headline="Featured but older", is_featured=True)
        start = timezone.now() - timedelta(hours=24)
        found = digests.stories_since(start, timezone.now())
        assert [a.headline for a in found] == [
            "Featured but older",
            "Cup final tickets sold out",
            "Harbour regatta returns",
            "Shipping rates fall",
        ]
        assert found[0] == featured

    def test_only_public_stories_in_the_period_and_at_most_the_maximum(self, desk, settings):
        ArticleFactory(headline="A draft")
        ArticleFactory(scheduled=True, headline="Scheduled for tomorrow")
        story(30, headline="Too old")
        start = timezone.now() - timedelta(hours=24)
        headlines = [a.headline for a in digests.stories_since(start, timezone.now())]
        assert headlines == ["Cup final tickets sold out", "Harbour regatta returns", "Shipping rates fall"]
        settings.NEWSLETTER_MAX_STORIES = 2
        assert len(digests.stories_since(start, timezone.now())) == 2


class TestAssemble:
    def test_each_reader_gets_a_delivery_per_their_preferences(self, desk):
        reader("all@example.org")
        reader("business@example.org", sections=[desk["business"]])
        reader("port@example.org", tags=[desk["port"]])
        reader("both@example.org", sections=[desk["business"]], tags=[desk["port"]])
        reader("pending@example.org", status=Status.PENDING)
        reader("left@example.org", status=Status.UNSUBSCRIBED)
        reader("bouncing@example.org", status=Status.BOUNCING)
        reader("paused@example.org", paused=True)
        digest = services.digest_assemble()
        assert recipients(digest) == {
            "all@example.org",
            "business@example.org",
            "port@example.org",
            "both@example.org",
        }
        assert set(Delivery.objects.filter(digest=digest).values_list("state", flat=True)) == {"queued"}
        assert digest.story_ids == [desk["s2"].pk, desk["s1"].pk, desk["b1"].pk]
        assert digest.kind == Digest.Kind.DAILY and digest.edition == timezone.localdate()

    def test_a_reader_with_fewer_than_the_minimum_gets_nothing(self, desk, settings):
        settings.NEWSLETTER_MIN_STORIES = 2
        reader("business@example.org", sections=[desk["business"]])  # 1 story
        reader("sport@example.org", sections=[desk["sport"]])  # 2 stories
        reader("port@example.org", tags=[desk["port"]])  # 1 story
        assert recipients(services.digest_assemble()) == {"sport@example.org"}

    def test_a_reader_whose_sections_had_nothing_gets_nothing(self, desk):
        quiet = SectionFactory(name="Obituaries", slug="obituaries")
        reader("quiet@example.org", sections=[quiet])
        reader("all@example.org")
        assert recipients(services.digest_assemble()) == {"all@example.org"}

    def test_no_stories_no_digest(self, db):
        reader("all@example.org")
        story(30)  # before the period
        assert services.digest_assemble() is None
        assert not Digest.objects.exists() and not Delivery.objects.exists()

    def test_the_next_digest_starts_where_the_last_ended(self, desk):
        now = timezone.now()
        first = services.digest_assemble(now=now - timedelta(minutes=90), kind=Digest.Kind.MANUAL)
        assert first.period_start == now - timedelta(minutes=90) - timedelta(hours=24)
        assert set(first.story_ids) == {desk["b1"].pk, desk["s1"].pk}
        later = story(0.5, headline="After the first digest")
        second = services.digest_assemble(now=now)
        assert second.period_start == first.period_end
        assert second.story_ids == [later.pk, desk["s2"].pk]

    def test_the_daily_digest_is_made_once_a_day(self, desk):
        reader("all@example.org")
        now = timezone.now()
        midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        earlier = max(now - timedelta(minutes=30), midnight + timedelta(seconds=1))  # the same local day
        first = services.digest_assemble(now=earlier)
        ArticleFactory(status="published", published_at=earlier + (now - earlier) / 2)
        again = services.digest_assemble(now=now)
        assert again.pk == first.pk and again.story_ids == first.story_ids
        assert Digest.objects.count() == 1 and Delivery.objects.count() == 1
        manual = services.digest_assemble(kind=Digest.Kind.MANUAL)
        assert manual.pk != first.pk and len(manual.story_ids) == 1

    def test_a_daily_digest_made_meanwhile_by_another_process_is_returned(self, desk, monkeypatch):
        """The unique constraint settles a race: the loser returns the winner's digest."""
        real_next_period = digests.next_period
        winner = {}

        def racing(now):
            period = real_next_period(now)
            winner["digest"] = Digest.objects.create(
                edition=timezone.localdate(now), period_start=period[0], period_end=now, subject="The winner"
            )
            return period

        monkeypatch.setattr(digests, "next_period", racing)
        assert services.digest_assemble().pk == winner["digest"].pk
        assert Digest.objects.count() == 1

    def test_the_subject_has_the_date_and_the_lead_headline(self, desk, settings):
        digest = services.digest_assemble()
        edition = timezone.localdate()
        assert (
            digest.subject == f"Harbour Weekly daily, {edition.day} {edition:%B}: Cup final tickets sold out"
        )
        manual = digests.render_subject(edition=edition, lead=desk["b1"], kind=Digest.Kind.MANUAL)
        assert manual == f"Harbour Weekly, {edition.day} {edition:%B}: Shipping rates fall"

    def test_a_long_headline_makes_a_subject_of_200_characters_on_one_line(self, db):
        story(1, headline="Line one\nline two " + "x" * 180)  # with the site name and date: over 200
        subject = services.digest_assemble().subject
        assert len(subject) == 200 and "\n" not in subject and subject.endswith("…")

    def test_queries_do_not_grow_with_the_readers(self, desk):
        """Readers are grouped by what they follow: the same queries for 10 readers as for 200."""
        other = SectionFactory(name="Other", slug="other")
        choices = [
            {},
            {"sections": [desk["business"]]},
            {"sections": [desk["sport"]], "tags": [desk["port"]]},
            {"tags": [desk["port"]]},
            {"sections": [other]},
        ]

        def count_queries(n):
            Digest.objects.all().delete()
            Subscriber.objects.all().delete()
            for i in range(n):
                reader(f"r{i}@example.org", **choices[i % len(choices)])
            with CaptureQueriesContext(connection) as queries:
                digest = services.digest_assemble()
            return len(queries), Delivery.objects.filter(digest=digest).count()

        few, few_sent = count_queries(10)
        many, many_sent = count_queries(200)
        assert (few_sent, many_sent) == (8, 160)
        assert few == many


class TestMessage:
    @pytest.fixture
    def digest(self, desk):
        desk["s1"].source = SourceFactory(name="The Star Online", attribution="– The Star Online")
        desk["s1"].save()
        return services.digest_assemble()

    def test_both_parts_with_every_story_and_the_attribution(self, desk, digest):
        ana = reader("ana@example.org", name="Ana")
        message = digests.MessageFactory(digest).message_for(ana)
        html = message.alternatives[0].content
        assert message.alternatives[0].mimetype == "text/html"
        for part in (message.body, html):
            assert part.index("Cup final tickets sold out") < part.index("Harbour regatta returns")
            assert "Shipping rates fall" in part
            assert "– The Star Online" in part
            assert "Hello Ana," in part
            assert "The decision ends a year of talks." in part  # the standfirst
            # Each story through its address that counts a click, never straight (see test_clicks.py)
            assert clicks.click_url(digest_id=digest.pk, story_id=desk["s1"].pk) in part
            assert desk["s1"].get_absolute_url() not in part
            assert links_in(part) == {"manage": ana, "unsubscribe": ana}
            assert "ana@example.org" in part
        assert f'href="{clicks.click_url(digest_id=digest.pk, story_id=desk["s1"].pk)}"' in html
        assert part.count("– The Star Online") == 1  # only the syndicated story is attributed
        assert "SPORT" in message.body and ">Sport</p>" in html

    def test_the_headers_a_mailbox_needs(self, digest, mailoutbox, settings):
        ana = reader("ana@example.org", name="Ana Lima")
        digests.MessageFactory(digest).message_for(ana).send()
        (sent,) = mailoutbox
        parsed = message_from_bytes(sent.message().as_bytes(), policy=policy.default)
        unsubscribe = re.fullmatch(r"<(https://news\.example\.org/\S+)>", parsed["List-Unsubscribe"])[1]
        assert links_in(unsubscribe) == {"unsubscribe": ana}
        assert unsubscribe in sent.body  # the same link as the footer's
        assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert parsed["List-Id"] == "<newsletter.news.example.org>"
        assert parsed["Message-ID"] == f"<digest-{digest.pk}.{ana.pk}@news.example.org>"
        assert parsed["To"] == "Ana Lima <ana@example.org>"
        assert parsed["From"] == settings.DEFAULT_FROM_EMAIL
        assert parsed["Subject"] == digest.subject
        assert parsed.get_content_type() == "multipart/alternative"

    def test_a_name_beyond_ascii_is_encoded_in_the_header(self, digest):
        zoe = reader("zoe@example.org", name="Zoë Müller, Jr.")
        raw = digests.MessageFactory(digest).message_for(zoe).message(policy=policy.SMTP).as_bytes()
        (address,) = message_from_bytes(raw, policy=policy.default)["To"].addresses
        assert (address.display_name, address.addr_spec) == ("Zoë Müller, Jr.", "zoe@example.org")

    def test_the_message_id_is_the_same_every_time(self, digest):
        ana = reader("ana@example.org")
        first = digests.MessageFactory(digest).message_for(ana)
        second = digests.MessageFactory(digest).message_for(ana)
        assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]

    def test_a_name_with_a_line_break_stays_out_of_the_headers(self, digest):
        sly = reader("sly@example.org")
        # Saving cleans line breaks out of a name (newsroom.text); one stored before that still must not.
        Subscriber.objects.filter(pk=sly.pk).update(name="Sly\r\nBcc: everyone@example.org")
        sly.refresh_from_db()
        message = digests.MessageFactory(digest).message_for(sly)
        assert message.to == ["sly@example.org"]
        assert "Bcc" not in message.message().as_string().split("\n\n", 1)[0]

    def test_a_headline_and_a_name_are_escaped_in_html(self, db):
        story(1, headline="<script>alert('x')</script> & more", standfirst='"<b>bold</b>"')
        digest = services.digest_assemble()
        evil = reader("evil@example.org", name="<img src=x onerror=alert(1)>")
        message = digests.MessageFactory(digest).message_for(evil)
        html = message.alternatives[0].content
        assert (
            "<script>" not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in html
        )
        assert "<b>" not in html and "<img" not in html and "&lt;img src=x" in html
        assert "<script>alert('x')</script> & more" in message.body  # plain text is plain

    def test_the_html_is_ready_for_dark_mode_and_small_screens(self, digest):
        html = digests.MessageFactory(digest).message_for(reader("a@example.org")).alternatives[0].content
        assert '<meta name="color-scheme" content="light dark">' in html
        assert "@media (prefers-color-scheme: dark)" in html
        assert "max-width:600px" in html and 'role="presentation"' in html

    def test_a_reader_gets_only_their_stories(self, desk, digest):
        factory = digests.MessageFactory(digest)
        business = reader("business@example.org", sections=[desk["business"]])
        port = reader("port@example.org", tags=[desk["port"]])
        text = factory.message_for(business).body
        assert "Shipping rates fall" in text and "Harbour regatta" not in text and "Cup final" not in text
        text = factory.message_for(port).body
        assert "Harbour regatta returns" in text and "Shipping rates" not in text

    def test_none_when_preferences_changed_since_assembly(self, desk, digest, settings):
        reader_ = reader("r@example.org")
        quiet = SectionFactory(name="Obituaries", slug="obituaries")
        reader_.sections.set([quiet])
        assert digests.MessageFactory(digest).message_for(reader_) is None
        settings.NEWSLETTER_MIN_STORIES = 3
        reader_.sections.set([desk["sport"]])
        assert digests.MessageFactory(digest).message_for(reader_) is None

    def test_a_story_taken_off_the_site_since_is_left_out(self, desk, digest):
        desk["b1"].status = "draft"
        desk["b1"].save()
        text = digests.MessageFactory(digest).message_for(reader("a@example.org")).body
        assert "Shipping rates fall" not in text and "Cup final" in text

    def test_readers_with_the_same_stories_share_one_rendering_of_them(self, desk, digest, monkeypatch):
        readers = [reader(f"r{i}@example.org", name=f"Reader {i}") for i in range(5)]
        renders = []
        real = digests.render_to_string
        monkeypatch.setattr(
            digests, "render_to_string", lambda *a, **k: renders.append(a[0]) or real(*a, **k)
        )
        factory = digests.MessageFactory(digest)
        messages = [(s, factory.message_for(s)) for s in readers]
        stories = [name for name in renders if "/stories." in name]
        assert sorted(stories) == ["subscriptions/email/stories.html", "subscriptions/email/stories.txt"]
        assert len({m.body for _, m in messages}) == 5
        assert all(f"Hello {s.name}," in m.body and s.email in m.body for s, m in messages)
        assert all("Cup final" in m.body and "Cup final" in m.alternatives[0].content for _, m in messages)

    def test_a_batch_reads_preferences_in_two_queries(self, desk, digest, django_assert_num_queries):
        for i in range(20):
            reader(f"r{i}@example.org", sections=[desk["business"]] if i % 2 else [])
        factory = digests.MessageFactory(digest)
        subscribers = list(Subscriber.objects.all())
        with django_assert_num_queries(2):
            factory.load_preferences(subscribers)
            messages = [factory.message_for(s) for s in subscribers]
        assert sum(1 for m in messages if m and "Cup final" in m.body) == 10

    def test_a_test_message_has_no_unsubscribe_header_and_says_test(self, digest):
        message = digests.MessageFactory(digest).test_message(to="editor@example.org", name="Ed")
        assert message.subject == f"[Test] {digest.subject}" and message.to == ["editor@example.org"]
        assert "List-Unsubscribe" not in message.extra_headers
        assert "Hello Ed," in message.body

    def test_links_are_those_of_the_tokens_module(self, digest):
        ana = reader("ana@example.org")
        with time_machine.travel(timezone.now(), tick=False):
            message = digests.MessageFactory(digest).message_for(ana)
            assert message.extra_headers["List-Unsubscribe"] == f"<{tokens.unsubscribe_url(ana)}>"
            assert tokens.manage_url(ana) in message.body
            assert tokens.unsubscribe_url(ana) in message.body
