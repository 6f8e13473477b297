"""Signing up: the form and the call to action, double opt-in, asking again, and everything refused."""

import re
import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone
from taggit.models import Tag

from comments.forms import CommentForm
from subscriptions import services, tokens
from subscriptions.models import Subscriber
from tests.factories import ArticleFactory, SectionFactory, UserFactory
from tests.subscriptions.conftest import make_subscriber, run_queued_tasks, signup_data, text_of

pytestmark = pytest.mark.django_db

Status = Subscriber.Status


@pytest.fixture
def sign_up(client, django_capture_on_commit_callbacks):
    """Send the sign-up form as a browser would, then let the worker do what it asked.

    The page only enqueues the sign-up; mail goes out as the worker's transaction commits.
    """

    def _sign_up(follow=False, headers=None, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/newsletter/", signup_data(**fields), follow=follow, headers=headers)
        with django_capture_on_commit_callbacks(execute=True):
            run_queued_tasks()
        return response

    return _sign_up


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def token_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[1]


def link_in(mail, name: str) -> str:
    """The path of the first /newsletter/<name>/ link in a mail's body."""
    return path_of(re.search(rf"https?://\S+/newsletter/{name}/\S+/", mail.body).group(0))


class TestSubscribe:
    def test_a_new_address_gets_a_confirmation_mail_and_waits_for_it(self, sign_up, mailoutbox):
        response = sign_up(follow=True, name="Ada Reader")
        assert response.redirect_chain == [("/newsletter/sent/", 302)]
        page = text_of(response)
        assert "Check your inbox" in page and "Now check the inbox of ada@example.org" in page
        subscriber = Subscriber.objects.get()
        assert (subscriber.email, subscriber.name, subscriber.status) == (
            "ada@example.org",
            "Ada Reader",
            "pending",
        )
        assert not Subscriber.objects.receiving().exists()
        [mail] = mailoutbox
        assert mail.to == ["ada@example.org"]
        assert mail.subject == "Confirm your subscription to Newsroom"
        assert mail.body.startswith("Hello,\n") and "Ada Reader" not in mail.body
        assert tokens.read_confirm_token(token_of(link_in(mail, "confirm"))) == subscriber
        assert "The link works for 3 days" in mail.body

    def test_the_consent_is_stored_with_its_time_ip_and_wording(self, sign_up, client):
        before = timezone.now()
        with time_machine.travel(before, tick=False):
            sign_up(headers={"X-Forwarded-For": "203.0.113.9"})
        subscriber = Subscriber.objects.get()
        assert subscriber.consent_at == before
        assert subscriber.consent_ip == "127.0.0.1"  # REMOTE_ADDR; a header anyone can send is not trusted
        assert subscriber.consent_text == (
            "Send me Newsroom's daily newsletter. I can leave at any time with the link in every mail."
        )
        assert subscriber.consent_text in text_of(client.get("/newsletter/")).replace("&#x27;", "'")

    def test_the_wording_stored_is_the_one_the_form_showed(self, sign_up, settings):
        settings.NEWSLETTER_CONSENT_TEXT = "Yesterday's wording."
        stamp = signup_data()["stamp"]
        settings.NEWSLETTER_CONSENT_TEXT = "Today's wording for {site}."
        sign_up(stamp=stamp)
        assert Subscriber.objects.get().consent_text == "Yesterday's wording."

    def test_the_address_is_kept_in_lower_case(self, sign_up):
        sign_up(email="  Ada.Reader@Example.ORG ")
        assert Subscriber.objects.get().email == "ada.reader@example.org"

    def test_nothing_ticked_means_every_story(self, sign_up):
        sign_up()
        assert Subscriber.objects.get().follows_everything

    def test_the_sections_and_tags_chosen_are_saved(self, sign_up):
        ports, courts = SectionFactory(name="Ports"), SectionFactory(name="Courts")
        story = ArticleFactory(live=True, section=ports, tags=["Shipping", "Weather"])
        shipping = story.tags.get(name="Shipping")
        sign_up(sections=[str(ports.pk), str(courts.pk)], tags=[str(shipping.pk)])
        subscriber = Subscriber.objects.get()
        assert set(subscriber.sections.all()) == {ports, courts}
        assert list(subscriber.tags.all()) == [shipping]
        assert not subscriber.follows_everything

    def test_the_page_offers_every_section_and_the_30_most_used_tags_of_published_stories(self, client):
        section = SectionFactory(name="Harbour")
        stories = [ArticleFactory(live=True, section=section) for _ in range(31)]
        for n in range(31):  # tag-00 is on 31 stories, tag-30 on one: the least used drops off
            for story in stories[: 31 - n]:
                story.tags.add(f"tag-{n:02d}")
        ArticleFactory(section=section, tags=["draft-only"])
        page = client.get("/newsletter/").content.decode()
        offered = re.findall(r'name="tags" value="\d+" id="id_tags_\d+"> ([\w-]+)</label>', page)
        assert offered == [f"tag-{n:02d}" for n in range(30)]
        assert "draft-only" not in page
        assert re.search(r'name="sections" value="\d+" id="id_sections_\d+"> Harbour</label>', page)
        assert "tick nothing to get every story" in text_of(client.get("/newsletter/"))

    def test_the_signup_page_costs_a_fixed_number_of_queries(self, client, django_assert_max_num_queries):
        sections = [SectionFactory() for _ in range(12)]
        for n in range(40):
            ArticleFactory(live=True, section=sections[n % 12], tags=[f"topic {n}", f"topic {n + 1}"])
        with django_assert_max_num_queries(6):
            response = client.get("/newsletter/")
        assert response.content.decode().count('name="tags"') == 30
        assert response.content.decode().count('name="sections"') == 12

    def test_the_sent_page_and_the_form_page_keep_the_reader_s_own_words_out_of_the_cache(self, client):
        assert "no-cache" in client.get("/newsletter/")["Cache-Control"]
        assert "no-cache" in client.get("/newsletter/sent/")["Cache-Control"]

    def test_an_address_in_the_link_fills_the_form(self, client):
        page = client.get("/newsletter/?email=ada%2Bnews@example.org").content.decode()
        assert 'value="ada+news@example.org"' in page


class TestCallToAction:
    def stamp_on(self, html: str) -> str:
        form = html[html.index('<section class="newsletter-cta"') :]
        assert 'action="/newsletter/"' in form and 'method="post"' in form
        assert 'name="honeypot"' in form and 'name="email"' in form
        return re.search(r'name="stamp" value="([^"]+)"', form).group(1)

    @pytest.mark.parametrize("page", ["story", "home"])
    def test_the_call_to_action_signs_readers_up(
        self, page, client, django_capture_on_commit_callbacks, mailoutbox
    ):
        story = ArticleFactory(live=True)
        response = client.get(story.get_absolute_url() if page == "story" else "/")
        words = text_of(response)
        assert "Stay Updated on Newsroom." in words and "Receive our Daily Newsletter." in words
        assert "By pressing “Subscribe” you agree: Send me Newsroom" in words
        stamp = self.stamp_on(response.content.decode())
        with time_machine.travel(timezone.now() + timedelta(seconds=10)):
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(
                    "/newsletter/", {"email": "ada@example.org", "honeypot": "", "stamp": stamp}
                )
        with django_capture_on_commit_callbacks(execute=True):
            assert run_queued_tasks() == 1
        assert response.status_code == 302
        assert Subscriber.objects.get().status == Status.PENDING
        assert len(mailoutbox) == 1

    def test_a_cached_story_page_serves_the_same_form_to_everyone(self, client):
        story = ArticleFactory(live=True)
        first = client.get(story.get_absolute_url())
        assert "public" in first["Cache-Control"]
        assert "csrfmiddlewaretoken" not in first.content.decode()

    def test_a_signed_in_reader_gets_a_csrf_token_and_needs_it(self, sign_up):
        client = Client(enforce_csrf_checks=True)
        client.force_login(UserFactory(username="marta", is_staff=False))
        story = ArticleFactory(live=True)
        html = client.get(story.get_absolute_url()).content.decode()
        cta = html[html.index('<section class="newsletter-cta"') :]
        assert "csrfmiddlewaretoken" in cta
        assert client.post("/newsletter/", signup_data()).status_code == 403
        data = signup_data(csrfmiddlewaretoken=client.cookies["csrftoken"].value)
        assert client.post("/newsletter/", data).status_code == 302


class TestConfirm:
    @pytest.fixture
    def pending(self, sign_up, mailoutbox):
        sign_up(name="Ada Reader")
        return Subscriber.objects.get(), link_in(mailoutbox[0], "confirm")

    def test_opening_the_link_shows_a_button_and_confirms_nothing(self, pending, client):
        subscriber, link = pending
        response = client.get(link)
        assert response.status_code == 200
        page = text_of(response)
        assert "Confirm your subscription" in page and "ada@example.org" in page
        assert '<button type="submit">Confirm my subscription</button>' in response.content.decode()
        assert '<meta name="robots" content="noindex">' in response.content.decode()
        client.head(link)
        subscriber.refresh_from_db()
        assert subscriber.status == Status.PENDING and subscriber.confirmed_at is None

    def test_pressing_the_button_confirms(self, pending, client):
        subscriber, link = pending
        response = client.post(link, follow=True)
        [(landed, _)] = response.redirect_chain
        assert tokens.read_manage_token(token_of(landed)) == subscriber
        assert "You are subscribed: the next newsletter comes to you." in text_of(response)
        subscriber.refresh_from_db()
        assert subscriber.status == Status.CONFIRMED and subscriber.confirmed_at is not None
        assert list(Subscriber.objects.receiving()) == [subscriber]

    def test_confirming_twice_is_harmless(self, pending, client):
        subscriber, link = pending
        client.post(link)
        subscriber.refresh_from_db()
        first = subscriber.confirmed_at
        response = client.post(link, follow=True)
        assert "You were already subscribed: nothing changed." in text_of(response)
        assert "You are subscribed" in text_of(client.get(link))
        subscriber.refresh_from_db()
        assert (subscriber.status, subscriber.confirmed_at) == (Status.CONFIRMED, first)

    def test_an_expired_link_says_so_and_offers_a_new_start(self, pending, client):
        subscriber, link = pending
        with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
            for response in (client.get(link), client.post(link)):
                assert response.status_code == 400
                assert "This link has expired" in text_of(response)
                assert 'href="/newsletter/"' in response.content.decode()
        subscriber.refresh_from_db()
        assert subscriber.status == Status.PENDING

    @pytest.mark.parametrize("mangle", [lambda t: t[:-2] + "xx", lambda t: "x" + t, lambda t: "broken"])
    def test_a_tampered_link_shows_a_clear_page(self, pending, client, mangle):
        subscriber, link = pending
        bad = f"/newsletter/confirm/{mangle(token_of(link))}/"
        for response in (client.get(bad), client.post(bad)):
            assert response.status_code == 400
            assert "This link does not work" in text_of(response)
            assert "Start again from the newsletter page" in text_of(response)
        subscriber.refresh_from_db()
        assert subscriber.status == Status.PENDING

    def test_a_link_for_an_erased_subscriber_does_not_work(self, pending, client):
        subscriber, link = pending
        services.subscriber_erase(pks=[subscriber.pk])
        assert client.post(link).status_code == 400

    def test_a_link_older_than_the_unsubscription_subscribes_nobody(self, pending, client):
        subscriber, link = pending
        client.post(link)
        services.subscriber_unsubscribe(subscriber=subscriber)
        response = client.post(link, follow=True)
        assert "older than your unsubscription" in text_of(response)
        assert "This link cannot subscribe you" in text_of(client.get(link))
        subscriber.refresh_from_db()
        assert subscriber.status == Status.UNSUBSCRIBED
        assert not Subscriber.objects.receiving().exists()

    def test_the_confirm_button_needs_the_csrf_token(self, pending):
        subscriber, link = pending
        client = Client(enforce_csrf_checks=True)
        assert client.post(link).status_code == 403
        page = client.get(link)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
        assert client.post(link, {"csrfmiddlewaretoken": token}).status_code == 302


class TestAskingAgain:
    def outcome(self, sign_up, email):
        response = sign_up(follow=True, email=email)
        return response.status_code, response.redirect_chain, text_of(response).replace(email, "EMAIL")

    def test_every_address_gets_the_same_answer(self, sign_up):
        make_subscriber(email="pending@example.org", status=Status.PENDING)
        make_subscriber(email="confirmed@example.org")
        make_subscriber(email="left@example.org", status=Status.UNSUBSCRIBED)
        make_subscriber(email="bounced@example.org", status=Status.BOUNCING)
        new = self.outcome(sign_up, "new@example.org")
        assert new[0] == 200 and new[1] == [("/newsletter/sent/", 302)]
        for email in ("pending", "confirmed", "left", "bounced"):
            assert self.outcome(sign_up, f"{email}@example.org") == new

    def test_a_pending_address_gets_one_confirmation_an_hour(self, sign_up, mailoutbox):
        sign_up()
        sign_up()
        sign_up(email="ADA@example.org")
        assert len(mailoutbox) == 1 and Subscriber.objects.count() == 1
        with time_machine.travel(timezone.now() + timedelta(minutes=61)):
            sign_up()
        assert len(mailoutbox) == 2
        assert mailoutbox[1].subject == "Confirm your subscription to Newsroom"

    def test_a_confirmed_subscriber_is_told_and_stays_as_they_were(self, sign_up, mailoutbox):
        ports = SectionFactory(name="Ports")
        subscriber = make_subscriber(email="ada@example.org", name="Ada Reader", sections=[ports])
        confirmed_at, consent_at = subscriber.confirmed_at, subscriber.consent_at
        sign_up(name="Someone Else", sections=[])
        sign_up()
        [mail] = mailoutbox
        assert mail.subject == "You are already subscribed to Newsroom"
        assert tokens.read_manage_token(token_of(link_in(mail, "manage"))) == subscriber
        assert "confirm" not in mail.body.lower()
        subscriber.refresh_from_db()
        assert (subscriber.status, subscriber.name) == (Status.CONFIRMED, "Ada Reader")
        assert (subscriber.confirmed_at, subscriber.consent_at) == (confirmed_at, consent_at)
        assert list(subscriber.sections.all()) == [ports]
        assert list(Subscriber.objects.receiving()) == [subscriber]

    @pytest.mark.parametrize("status", [Status.UNSUBSCRIBED, Status.BOUNCING])
    def test_a_left_address_must_confirm_again_before_any_newsletter(
        self, status, sign_up, mailoutbox, client
    ):
        old = timezone.now() - timedelta(days=30)
        subscriber = make_subscriber(
            email="ada@example.org", status=status, consent_at=old, consent_text="Old words.", bounce_count=3
        )
        sign_up()
        subscriber.refresh_from_db()
        assert subscriber.status == Status.PENDING
        assert subscriber.consent_at > old and subscriber.consent_text == services.consent_text()
        assert not Subscriber.objects.receiving().exists()
        [mail] = mailoutbox
        assert mail.subject == "Confirm your subscription to Newsroom"
        client.post(link_in(mail, "confirm"))
        subscriber.refresh_from_db()
        assert (subscriber.status, subscriber.bounce_count) == (Status.CONFIRMED, 0)
        assert list(Subscriber.objects.receiving()) == [subscriber]

    def test_the_same_form_sent_twice_makes_one_subscriber(self, sign_up, mailoutbox):
        data = signup_data()
        sign_up(**data)
        sign_up(**data)
        assert Subscriber.objects.count() == 1 and len(mailoutbox) == 1

    @pytest.mark.django_db(transaction=True)
    @pytest.mark.parametrize("known", [None, Status.PENDING, Status.CONFIRMED, Status.UNSUBSCRIBED])
    def test_racing_duplicate_sign_ups_make_one_subscriber_and_one_mail(self, known, mailoutbox):
        if known:
            make_subscriber(email="ada@example.org", status=known)
        racers = 4
        barrier, errors = threading.Barrier(racers), []

        def sign_up_at_once():
            try:
                barrier.wait(timeout=10)
                services.subscriber_subscribe(email="ada@example.org", ip="192.0.2.1")
            except Exception as error:  # reported by the assertion below
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=sign_up_at_once) for _ in range(racers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert errors == []
        assert Subscriber.objects.count() == 1 and len(mailoutbox) == 1

    def test_a_mail_server_that_is_down_is_no_error_page(self, sign_up, monkeypatch, mailoutbox):
        def refuse(*args, **kwargs):
            raise ConnectionRefusedError("no mail server")

        monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
        assert sign_up().status_code == 302
        subscriber = Subscriber.objects.get()
        assert subscriber.last_mailed_at is None  # so asking again soon sends one
        monkeypatch.undo()
        sign_up()
        assert len(mailoutbox) == 1


class TestRefused:
    def refused(self, response, *words, status=400):
        assert response.status_code == status
        page = text_of(response)
        for word in words:
            assert word in page
        assert not Subscriber.objects.exists()
        return page

    def test_an_invalid_address(self, sign_up, mailoutbox):
        page = self.refused(sign_up(email="not-an-address"), "Email address : Enter a valid email address.")
        assert "You are not subscribed yet" in page
        assert 'role="alert"' in sign_up(email="").content.decode()
        self.refused(sign_up(email=""), "Enter your email address.")
        assert mailoutbox == []

    def test_the_reader_s_values_come_back_with_a_new_stamp(self, sign_up):
        old = signup_data(email="not-an-address", name="Ada Reader")
        html = sign_up(**old).content.decode()
        assert 'value="not-an-address"' in html and 'value="Ada Reader"' in html
        assert 'aria-invalid="true"' in html

    @pytest.mark.parametrize(
        "fields",
        [
            {"email": "ada@example.org\r\nBcc: victim@example.org"},
            {"email": "ada@example.org\nBcc: victim@example.org"},
            {"email": "ada@example.org%0d%0aBcc: victim@example.org"},
            {"email": '"ada\x01"@example.org'},
            {"email": "ada@example.org\u2028Bcc: victim@example.org"},
            {"name": "Ada\r\nBcc: victim@example.org"},
            {"name": "Ada\nReader"},
            {"name": "Ada\x0bReader"},
        ],
    )
    def test_a_name_or_address_carrying_mail_headers(self, sign_up, mailoutbox, fields):
        self.refused(sign_up(**fields), "You are not subscribed yet")
        assert mailoutbox == []

    def test_the_honeypot(self, sign_up, mailoutbox):
        self.refused(sign_up(honeypot="http://spam.example"), "a field that only automated programs fill in")
        assert mailoutbox == []

    def test_no_minimum_time_a_cached_page_could_not_keep(self, sign_up):
        """The stamp is when the page was made, for every reader of a cached page: no "too fast"."""
        assert sign_up(age=0).status_code == 302
        assert Subscriber.objects.get().status == Status.PENDING

    @pytest.mark.parametrize("stamp", ["", "garbage", "eyJ0IjoxfQ:1xxx:yyy"])
    def test_an_altered_stamp(self, sign_up, stamp):
        self.refused(sign_up(stamp=stamp), "This form was changed or has expired")

    def test_a_stamp_from_the_comment_form(self, sign_up):
        """Both forms share one guard; each signs its stamps with its own salt."""
        stamp = CommentForm(ArticleFactory(live=True)).initial["stamp"]
        self.refused(sign_up(stamp=stamp), "This form was changed or has expired")

    def test_a_form_older_than_a_day(self, sign_up):
        self.refused(sign_up(age=24 * 3600 + 60), "This form was changed or has expired")

    @pytest.mark.parametrize("field", ["email", "name", "honeypot", "stamp", "sections", "tags"])
    def test_nul_bytes(self, sign_up, field):
        response = sign_up(**{field: "ada\x00@example.org" if field == "email" else "1\x00"})
        assert response.status_code == 400
        assert not Subscriber.objects.exists()

    @pytest.mark.parametrize(
        "fields",
        [
            {"name": "A" * 100_000},
            {"email": "a" * 10_000 + "@example.org"},
            {"email": "ada@" + "a" * 300 + ".org"},
            {"sections": [str(n) for n in range(900)]},
        ],
    )
    def test_huge_input(self, sign_up, fields):
        self.refused(sign_up(**fields), "You are not subscribed yet")

    def test_a_body_over_the_upload_limit(self, sign_up):
        assert sign_up(name="A" * 6_000_000).status_code == 400

    @pytest.mark.parametrize(
        "fields",
        [
            {"sections": ["999999"]},
            {"sections": ["99999999999999999999999"]},
            {"sections": ["-1"]},
            {"sections": ["x"]},
            {"tags": ["999999"]},
            {"tags": ["99999999999999999999999"]},
            {"tags": ["ports"]},
        ],
    )
    def test_sections_or_tags_that_do_not_exist(self, sign_up, fields):
        self.refused(sign_up(**fields), "You are not subscribed yet")

    def test_a_tag_not_offered_is_refused(self, sign_up):
        tag = Tag.objects.create(name="Unused", slug="unused")
        self.refused(sign_up(tags=[str(tag.pk)]), "Topics : Choose from the list:")

    @pytest.mark.parametrize(
        "headers",
        [
            {"Origin": "https://evil.example"},
            {"Sec-Fetch-Site": "cross-site"},
            {"Sec-Fetch-Site": "same-site"},
            {"Origin": "null"},  # a sandboxed frame, a file, a privacy redirect: no site we can check
        ],
    )
    def test_a_post_from_another_site(self, sign_up, headers, mailoutbox):
        assert sign_up(headers=headers).status_code == 403
        assert not Subscriber.objects.exists() and mailoutbox == []

    def test_a_post_from_our_own_pages(self, sign_up):
        headers = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
        assert sign_up(headers=headers).status_code == 302

    def test_too_many_sign_ups_from_one_ip(self, sign_up, settings, client, mailoutbox):
        settings.NEWSLETTER_SIGNUP_RATE = (3, 3600)
        for n in range(3):
            assert sign_up(email=f"reader{n}@example.org").status_code == 302
        response = sign_up(email="reader4@example.org")
        assert response.status_code == 429
        page = text_of(response)
        assert "Several sign-ups came from your network in the last hour. Please try again in" in page
        assert 'value="reader4@example.org"' in response.content.decode()
        assert Subscriber.objects.count() == 3 and len(mailoutbox) == 3
        elsewhere = Client(REMOTE_ADDR="198.51.100.7")
        assert elsewhere.post("/newsletter/", signup_data(email="other@example.org")).status_code == 302

    def test_the_default_limit_is_ten_an_hour(self, sign_up):
        codes = [sign_up(email=f"reader{n}@example.org").status_code for n in range(11)]
        assert codes == [302] * 10 + [429]

    @pytest.mark.parametrize("method", ["put", "patch", "delete"])
    def test_other_methods(self, client, method):
        assert getattr(client, method)("/newsletter/").status_code == 405
        assert getattr(client, method)("/newsletter/sent/").status_code == 405

    def test_a_post_to_the_sent_page(self, client):
        assert client.post("/newsletter/sent/").status_code == 405
