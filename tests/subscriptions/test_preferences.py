"""After subscribing: preferences, pausing, leaving (also in one click from the mail), being forgotten."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from subscriptions import services, tokens
from subscriptions.models import Delivery, Digest, Subscriber
from tests.factories import ArticleFactory, SectionFactory
from tests.subscriptions.conftest import make_subscriber, text_of

pytestmark = pytest.mark.django_db

Status = Subscriber.Status


def manage_path(subscriber) -> str:
    return tokens.manage_url(subscriber).removeprefix(tokens.absolute(""))


def unsubscribe_path(subscriber) -> str:
    return tokens.unsubscribe_url(subscriber).removeprefix(tokens.absolute(""))


@pytest.fixture
def newsroom(db):
    """Two sections and two tags used on published stories, so the page has something to offer."""
    ports, courts = SectionFactory(name="Ports"), SectionFactory(name="Courts")
    story = ArticleFactory(live=True, section=ports, tags=["Shipping", "Weather"])
    return {"ports": ports, "courts": courts, **{tag.name: tag for tag in story.tags.all()}}


def ticked(html: str, name: str) -> set[str]:
    """The labels of the ticked boxes of one group."""
    return set(re.findall(rf'name="{name}" value="\d+" id="id_{name}_\d+" checked> ([^<]+)</label>', html))


class TestPreferencesPage:
    def test_it_shows_the_address_and_what_it_follows(self, client, newsroom):
        subscriber = make_subscriber(
            email="ada@example.org", sections=[newsroom["ports"]], tags=[newsroom["Weather"]]
        )
        response = client.get(manage_path(subscriber))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Newsroom's daily newsletter goes to ada@example.org" in text_of(response).replace(
            "&#x27;", "'"
        )
        assert ticked(html, "sections") == {"Ports"} and ticked(html, "tags") == {"Weather"}
        assert "Courts" in html and "Shipping" in html
        assert '<meta name="robots" content="noindex">' in html
        assert "no-cache" in response["Cache-Control"]

    def test_a_followed_tag_that_is_no_longer_popular_still_shows(self, client, newsroom):
        from taggit.models import Tag

        old = Tag.objects.create(name="Old topic", slug="old-topic")
        subscriber = make_subscriber(tags=[old])
        assert ticked(client.get(manage_path(subscriber)).content.decode(), "tags") == {"Old topic"}

    def test_the_page_costs_a_fixed_number_of_queries(self, client, newsroom, django_assert_max_num_queries):
        sections = [SectionFactory() for _ in range(10)]
        for n in range(40):
            ArticleFactory(live=True, section=sections[n % 10], tags=[f"topic {n}"])
        subscriber = make_subscriber(
            sections=sections[:5], tags=list(newsroom["ports"].articles.get().tags.all())
        )
        with django_assert_max_num_queries(7):
            client.get(manage_path(subscriber))

    def test_choices_are_saved(self, client, newsroom):
        subscriber = make_subscriber(sections=[newsroom["ports"]])
        data = {"action": "save", "sections": [newsroom["courts"].pk], "tags": [newsroom["Shipping"].pk]}
        path = manage_path(subscriber)
        response = client.post(path, data, follow=True)
        assert response.redirect_chain == [(path, 302)]
        assert "Your choices are saved." in text_of(response)
        assert list(subscriber.sections.all()) == [newsroom["courts"]]
        assert list(subscriber.tags.all()) == [newsroom["Shipping"]]
        assert ticked(response.content.decode(), "sections") == {"Courts"}

    def test_ticking_nothing_means_every_story(self, client, newsroom):
        subscriber = make_subscriber(sections=[newsroom["ports"]], tags=[newsroom["Weather"]])
        client.post(manage_path(subscriber), {"action": "save"})
        assert subscriber.follows_everything

    @pytest.mark.parametrize(
        "data",
        [
            {"sections": ["999999"]},
            {"tags": ["99999999999999999999999"]},
            {"sections": ["1\x00"]},
            {"tags": ["x"]},
        ],
    )
    def test_choices_that_do_not_exist_are_refused(self, client, newsroom, data):
        subscriber = make_subscriber(sections=[newsroom["ports"]])
        response = client.post(manage_path(subscriber), {"action": "save", **data})
        assert response.status_code == 400
        assert "Your choices were not saved" in text_of(response) and "Choose from the list" in text_of(
            response
        )
        assert list(subscriber.sections.all()) == [newsroom["ports"]]

    def test_pause_and_resume(self, client, newsroom):
        subscriber = make_subscriber(email="ada@example.org")
        response = client.post(manage_path(subscriber), {"action": "pause"}, follow=True)
        assert "The newsletter is paused." in text_of(response)
        assert "but it is paused" in text_of(response)
        assert "Resume the newsletter" in text_of(response)
        subscriber.refresh_from_db()
        assert subscriber.paused and not Subscriber.objects.receiving().exists()
        response = client.post(manage_path(subscriber), {"action": "resume"}, follow=True)
        assert "The newsletter is back on" in text_of(response)
        subscriber.refresh_from_db()
        assert not subscriber.paused and list(Subscriber.objects.receiving()) == [subscriber]

    def test_unsubscribe_from_the_page(self, client, newsroom):
        subscriber = make_subscriber(email="ada@example.org")
        response = client.post(manage_path(subscriber), {"action": "unsubscribe"}, follow=True)
        page = text_of(response)
        assert "You are unsubscribed: no more newsletters will come to this address." in page
        assert "Subscribe again" in page and "Save my choices" not in page
        assert 'href="/newsletter/?email=ada%40example.org"' in response.content.decode()
        subscriber.refresh_from_db()
        assert subscriber.status == Status.UNSUBSCRIBED and subscriber.unsubscribed_at is not None
        assert not Subscriber.objects.receiving().exists()

    def test_a_stale_page_cannot_change_a_left_subscriber(self, client, newsroom):
        subscriber = make_subscriber(status=Status.UNSUBSCRIBED)
        for action in ("save", "pause", "resume"):
            data = {"action": action, "sections": [newsroom["ports"].pk]}
            assert client.post(manage_path(subscriber), data).status_code == 302
        subscriber.refresh_from_db()
        assert subscriber.status == Status.UNSUBSCRIBED and not subscriber.paused
        assert subscriber.follows_everything

    def test_a_bouncing_address_is_told_why(self, client):
        subscriber = make_subscriber(status=Status.BOUNCING)
        page = text_of(client.get(manage_path(subscriber)))
        assert "kept coming back undelivered" in page and "Subscribe again" in page

    def test_erase_forgets_the_address_and_keeps_delivery_counts(self, client, newsroom):
        subscriber = make_subscriber(email="ada@example.org")
        now = timezone.now()
        digest = Digest.objects.create(edition=now.date(), period_start=now, period_end=now, subject="Today")
        Delivery.objects.create(digest=digest, subscriber=subscriber, state=Delivery.State.SENT)
        path = manage_path(subscriber)
        response = client.post(path, {"action": "erase"}, follow=True)
        assert response.redirect_chain == [("/newsletter/", 302)]
        assert "We have deleted ada@example.org and everything we kept with it." in text_of(response)
        assert not Subscriber.objects.exists()
        assert digest.deliveries.get().subscriber is None
        assert client.get(path).status_code == 400

    def test_an_unknown_action(self, client):
        subscriber = make_subscriber()
        assert client.post(manage_path(subscriber), {"action": "explode"}).status_code == 400
        assert client.post(manage_path(subscriber)).status_code == 400

    def test_buttons_need_the_csrf_token(self):
        subscriber = make_subscriber()
        client = Client(enforce_csrf_checks=True)
        assert client.post(manage_path(subscriber), {"action": "unsubscribe"}).status_code == 403
        html = client.get(manage_path(subscriber)).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        data = {"action": "unsubscribe", "csrfmiddlewaretoken": token}
        assert client.post(manage_path(subscriber), data).status_code == 302
        subscriber.refresh_from_db()
        assert subscriber.status == Status.UNSUBSCRIBED

    @pytest.mark.parametrize("token", ["broken", "x" * 5000, "eyJzIjoxfQ:1abc:def"])
    def test_a_bad_link_shows_a_clear_page(self, client, token):
        make_subscriber()
        for response in (
            client.get(f"/newsletter/manage/{token}/"),
            client.post(f"/newsletter/manage/{token}/"),
        ):
            assert response.status_code == 400
            assert "This link does not work" in text_of(response)
            assert 'href="/newsletter/"' in response.content.decode()

    def test_a_link_made_for_an_old_address_does_not_work(self, client):
        subscriber = make_subscriber(email="old@example.org")
        path = manage_path(subscriber)
        Subscriber.objects.filter(pk=subscriber.pk).update(email="new@example.org")
        assert client.get(path).status_code == 400


class TestOneClickUnsubscribe:
    def test_the_mail_header_address_is_absolute_and_https_in_production(self, settings):
        settings.SITE_URL = "https://news.example.org"
        subscriber = make_subscriber()
        url = tokens.unsubscribe_url(subscriber)
        assert url.startswith("https://news.example.org/newsletter/unsubscribe/")

    def test_a_bare_post_unsubscribes_at_once(self):
        """What Gmail or Yahoo send (RFC 8058): no cookie, no CSRF token, no login."""
        subscriber = make_subscriber(email="ada@example.org")
        client = Client(enforce_csrf_checks=True)
        response = client.post(
            unsubscribe_path(subscriber),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
        assert "You are unsubscribed" in text_of(response) and "ada@example.org" in text_of(response)
        subscriber.refresh_from_db()
        assert subscriber.status == Status.UNSUBSCRIBED and subscriber.unsubscribed_at is not None
        assert not Subscriber.objects.receiving().exists()

    def test_a_post_from_anywhere_works(self, client):
        """Mail providers post from their servers; the token is what proves the request."""
        subscriber = make_subscriber()
        response = client.post(unsubscribe_path(subscriber), headers={"Origin": "https://mail.example"})
        assert response.status_code == 200

    def test_opening_the_address_shows_one_button_and_changes_nothing(self, client):
        subscriber = make_subscriber(email="ada@example.org")
        response = client.get(unsubscribe_path(subscriber))
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count("<button") == 2  # the site search and Unsubscribe
        assert '<button type="submit">Unsubscribe</button>' in html
        assert "Stop sending Newsroom" in text_of(response)
        assert '<meta name="robots" content="noindex">' in html
        client.head(unsubscribe_path(subscriber))
        subscriber.refresh_from_db()
        assert subscriber.status == Status.CONFIRMED

    def test_twice_is_harmless(self, client):
        subscriber = make_subscriber()
        client.post(unsubscribe_path(subscriber))
        subscriber.refresh_from_db()
        first = subscriber.unsubscribed_at
        assert client.post(unsubscribe_path(subscriber)).status_code == 200
        subscriber.refresh_from_db()
        assert subscriber.unsubscribed_at == first
        assert "You are unsubscribed" in text_of(client.get(unsubscribe_path(subscriber)))

    def test_a_paused_or_bouncing_subscriber_can_leave_too(self, client):
        for fields in ({"paused": True}, {"status": Status.BOUNCING}, {"status": Status.PENDING}):
            subscriber = make_subscriber(**fields)
            assert client.post(unsubscribe_path(subscriber)).status_code == 200
            subscriber.refresh_from_db()
            assert subscriber.status == Status.UNSUBSCRIBED

    @pytest.mark.parametrize("token", ["broken", "a\x00b"])
    def test_a_bad_link(self, client, token):
        subscriber = make_subscriber()
        for response in (
            client.get(f"/newsletter/unsubscribe/{token}/"),
            client.post(f"/newsletter/unsubscribe/{token}/"),
        ):
            assert response.status_code in (400, 404)
        subscriber.refresh_from_db()
        assert subscriber.status == Status.CONFIRMED

    def test_a_confirm_link_is_no_unsubscribe_link(self, client):
        subscriber = make_subscriber()
        token = tokens.confirm_token(subscriber)
        assert client.post(f"/newsletter/unsubscribe/{token}/").status_code == 400
        subscriber.refresh_from_db()
        assert subscriber.status == Status.CONFIRMED

    @pytest.mark.parametrize("method", ["put", "delete"])
    def test_other_methods(self, client, method):
        subscriber = make_subscriber()
        assert getattr(client, method)(unsubscribe_path(subscriber)).status_code == 405
        assert getattr(client, method)(manage_path(subscriber)).status_code == 405


class TestServices:
    def test_update_preferences_leaves_alone_what_it_is_not_given(self, newsroom):
        subscriber = make_subscriber(sections=[newsroom["ports"]], tags=[newsroom["Weather"]])
        services.preferences_update(subscriber=subscriber, paused=True)
        subscriber.refresh_from_db()
        assert subscriber.paused
        assert list(subscriber.sections.all()) == [newsroom["ports"]]
        assert list(subscriber.tags.all()) == [newsroom["Weather"]]

    def test_confirm_leaves_a_left_address_out(self):
        for status in (Status.UNSUBSCRIBED, Status.BOUNCING):
            subscriber = services.subscriber_confirm(subscriber=make_subscriber(status=status))
            assert subscriber.status == status
