"""Sending digests through a real SMTP server on 127.0.0.1 (tests/subscriptions/smtp_sink.py).

No mock of SMTP: the sink is aiosmtpd, and what it records is what went over the wire.
"""

import email
import email.policy
import io
from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from newsroom.settings.base import mailers_from_url
from subscriptions import sending, services, tokens
from subscriptions.models import Delivery, Digest, Subscriber
from tests.factories import ArticleFactory
from tests.subscriptions.conftest import add_subscribers, new_digest, progress, send_tasks, states
from tests.subscriptions.smtp_sink import SmtpSink

State = Delivery.State


# --- a normal send ----------------------------------------------------------------------


def test_every_subscriber_gets_exactly_one_message_over_one_connection(sink, story):
    readers = add_subscribers(250)  # three claims of 100, 100 and 50
    digest = new_digest()

    outcome = services.digest_send(digest=digest)

    assert outcome.done and outcome.sent == 250
    assert sink.counts() == Counter({r.email: 1 for r in readers})
    assert sink.connections == 1  # one connection for the whole run, reused across batches
    assert states(digest) == {State.SENT: 250}
    digest.refresh_from_db()
    assert digest.status == Digest.Status.DONE and digest.finished_at is not None
    assert not digest.deliveries.filter(sent_at=None).exists()
    assert progress(digest) == {
        "total": 250, "queued": 0, "sending": 0, "sent": 250, "failed": 0, "cancelled": 0, "unknown": 0,
    }  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_each_delivery_is_committed_and_nothing_is_left_open(sink, story):
    """As the worker and the command run: every mark committed on its own."""
    readers = add_subscribers(250)
    out = io.StringIO()

    call_command("send_digest", "--now", stdout=out, stderr=io.StringIO())

    assert sink.counts() == Counter({r.email: 1 for r in readers})
    assert states(Digest.objects.get()) == {State.SENT: 250}
    assert "250 sent, 0 failed, 0 cancelled" in out.getvalue()
    if connection.vendor == "postgresql":
        from psycopg import pq

        assert connection.connection.pgconn.transaction_status == pq.TransactionStatus.IDLE


def test_the_headers_and_both_parts_are_on_the_wire(settings, story, public_site_url):
    readers = add_subscribers(2)  # one with a name, one without
    digest = new_digest()

    with SmtpSink(keep_content=True) as sink:
        settings.MAILERS = mailers_from_url(sink.url)
        services.digest_send(digest=digest)

    assert sink.counts() == Counter({r.email: 1 for r in readers})
    for reader in readers:
        (received,) = sink.to(reader.email)
        assert received.rcpt_tos == (reader.email,)
        message = email.message_from_bytes(received.content, policy=email.policy.default)
        # The link is signed with the time it was made (a second may pass before this line):
        # it must be the reader's own unsubscribe link, with a token that reads back as them.
        prefix = "https://news.example.org" + reverse("subscriptions:unsubscribe", args=["TOKEN"])
        before, _, after = prefix.partition("TOKEN")
        header = message["List-Unsubscribe"]
        assert header.startswith(f"<{before}") and header.endswith(f"{after}>"), header
        token = header.removeprefix(f"<{before}").removesuffix(f"{after}>")
        assert tokens.read_manage_token(token) == reader
        unsubscribe = f"{before}{token}{after}"
        # On one line as it is, not RFC 2047 encoded words: what a mail provider reads for its button.
        assert f"\r\nList-Unsubscribe: <{unsubscribe}>\r\n".encode() in received.content
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["Message-ID"] == f"<digest-{digest.pk}.{reader.pk}@news.example.org>"
        assert message["From"] == settings.DEFAULT_FROM_EMAIL
        assert message["To"].addresses[0].addr_spec == reader.email
        assert message["To"].addresses[0].display_name == reader.name
        assert message["Subject"] == digest.subject
        assert message.get_content_type() == "multipart/alternative"
        text, html = (part.get_content() for part in message.iter_parts())
        assert "The harbour reopens to ferries" in text and "The harbour reopens to ferries" in html
        greeting = f"Hello {reader.name}," if reader.name else "Hello,"
        assert greeting in text and greeting in html
        assert unsubscribe in text and unsubscribe in html


def test_a_second_run_sends_nothing_again(sink, story):
    add_subscribers(20)
    digest = new_digest()
    services.digest_send(digest=digest)

    again = services.digest_send(digest=digest)

    assert again.done and again.sent == 0
    assert sink.received == 20


def test_dots_at_the_start_of_a_line_arrive_intact(sink, db):
    ArticleFactory(live=True, headline=".Leading dot in a headline", standfirst=".\n.. and more")
    (reader,) = add_subscribers(1)
    services.digest_send(digest=new_digest())
    (received,) = sink.to(reader.email)
    assert ".Leading dot in a headline" in received.headers["Subject"]


# --- the server says no ---------------------------------------------------------------


def test_a_temporary_refusal_is_retried_later_and_delivered_once(sink, story, settings):
    settings.NEWSLETTER_RETRY_BASE_SECONDS = 60
    readers = add_subscribers(5)
    busy = readers[2].email
    sink.reject({busy}, code=421, times=1)
    digest = new_digest()

    first = services.digest_send(digest=digest)

    assert first.sent == 4 and first.deferred == 1 and not first.done
    delivery = digest.deliveries.get(subscriber=readers[2])
    assert delivery.state == State.QUEUED and delivery.attempts == 1
    assert delivery.last_error.startswith("421")
    wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert 50 < wait <= 60
    assert first.next_due == delivery.next_attempt_at
    assert services.digest_send(digest=digest).sent == 0  # not due yet

    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        second = services.digest_send(digest=digest)

    assert second.sent == 1 and second.done
    assert sink.counts()[busy] == 1
    assert set(sink.counts().values()) == {1}
    delivery.refresh_from_db()
    assert delivery.state == State.SENT and delivery.attempts == 2


def test_a_temporary_refusal_after_the_data_is_retried_and_delivered_once(sink, story):
    readers = add_subscribers(3)
    greylisted = readers[0].email
    sink.reject({greylisted}, code=451, at="data", times=1)
    digest = new_digest()

    services.digest_send(digest=digest)

    delivery = digest.deliveries.get(subscriber=readers[0])
    assert delivery.state == State.QUEUED and delivery.sent_at is None and delivery.attempts == 1
    assert sink.counts()[greylisted] == 0
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        services.digest_send(digest=digest)
    assert sink.counts()[greylisted] == 1
    assert states(digest) == {State.SENT: 3}


def test_retries_stop_after_the_maximum_attempts(sink, story, settings):
    settings.NEWSLETTER_MAX_ATTEMPTS = 3
    (reader,) = add_subscribers(1)
    sink.reject({reader.email}, code=450)
    digest = new_digest()

    waits = []
    moment = timezone.now()
    for _ in range(3):
        with time_machine.travel(moment):
            services.digest_send(digest=digest)
        delivery = digest.deliveries.get()
        if delivery.next_attempt_at and delivery.state == State.QUEUED:
            waits.append(round((delivery.next_attempt_at - moment).total_seconds()))
            moment = delivery.next_attempt_at + timedelta(seconds=1)

    assert delivery.state == State.FAILED and delivery.attempts == 3
    assert waits == [settings.NEWSLETTER_RETRY_BASE_SECONDS, 2 * settings.NEWSLETTER_RETRY_BASE_SECONDS]
    reader.refresh_from_db()
    assert (
        reader.bounce_count == 0 and reader.status == Subscriber.Status.CONFIRMED
    )  # temporary: not a bounce
    digest.refresh_from_db()
    assert digest.status == Digest.Status.DONE


def test_the_retry_delay_doubles_up_to_an_hour(settings):
    settings.NEWSLETTER_RETRY_BASE_SECONDS = 60
    assert [sending.retry_delay(n) for n in (1, 2, 3, 6, 7, 20)] == [60, 120, 240, 1920, 3600, 3600]


def test_a_permanent_refusal_fails_and_bounces_until_the_address_is_left_alone(sink, settings, db):
    settings.NEWSLETTER_BOUNCE_LIMIT = 2
    readers = add_subscribers(4)
    gone, full = readers[0], readers[1]
    sink.reject({gone.email}, code=550)  # at RCPT
    sink.reject({full.email}, code=552, at="data")  # after the dot

    for day in range(3):
        ArticleFactory(live=True, headline=f"Story of day {day}", published_at=timezone.now())
        digest = new_digest()
        services.digest_send(digest=digest)
        gone.refresh_from_db()
        full.refresh_from_db()
        if day == 0:
            failed = digest.deliveries.get(subscriber=gone)
            assert failed.state == State.FAILED and failed.last_error.startswith("550")
            assert digest.deliveries.get(subscriber=full).state == State.FAILED
            assert gone.bounce_count == 1 and gone.status == Subscriber.Status.CONFIRMED
        if day == 1:
            assert gone.bounce_count == 2 and gone.status == Subscriber.Status.BOUNCING
            assert full.bounce_count == 2 and full.status == Subscriber.Status.BOUNCING
        if day == 2:  # bouncing: not even queued
            assert not digest.deliveries.filter(subscriber__in=[gone, full]).exists()
            assert states(digest) == {State.SENT: 2}

    assert [code for address, code in sink.rejected if address == gone.email] == [550, 550]
    assert sink.counts()[gone.email] == 0 and sink.counts()[full.email] == 0
    assert sink.counts()[readers[2].email] == 3


# --- the server goes away ----------------------------------------------------------------


def test_when_the_server_goes_down_the_run_pauses_and_nobody_gets_two(sink, story, staff_user):
    """The message in hand when the connection broke may have arrived: `unknown`, resent only on request."""
    readers = add_subscribers(300)
    digest = new_digest()
    sink.go_down_after(120)

    outcome = services.digest_send(digest=digest)

    assert outcome.paused and not outcome.done and outcome.sent == 120
    counts = states(digest)
    assert counts[State.SENT] == 120 and counts[State.UNKNOWN] == outcome.unknown <= 1
    assert counts[State.QUEUED] == 300 - 120 - outcome.unknown and State.SENDING not in counts
    assert not digest.deliveries.filter(state=State.QUEUED).exclude(attempts=0).exists()  # nobody's fault
    assert services.digest_send(digest=digest).paused  # still down: connection refused, nothing lost
    assert states(digest)[State.QUEUED] == 300 - 120 - outcome.unknown

    sink.start()
    assert services.digest_send(digest=digest).done
    assert set(sink.counts().values()) == {1}
    assert sink.received == 300 - outcome.unknown

    services.digest_resend_unknown(digest=digest, by=staff_user)
    assert services.digest_send(digest=digest).done
    assert sink.counts() == Counter({r.email: 1 for r in readers})
    assert states(digest) == {State.SENT: 300}


def test_no_server_at_all_pauses_and_claims_nothing_for_long(sink, story):
    add_subscribers(3)
    digest = new_digest()
    sink.stop()

    outcome = services.digest_send(digest=digest)

    assert outcome.paused and outcome.sent == 0 and "Cannot connect" in outcome.error
    assert states(digest) == {State.QUEUED: 3}
    assert not digest.deliveries.exclude(claimed_at=None).exists()  # free for the next run at once
    sink.start()
    assert services.digest_send(digest=digest).sent == 3


# --- readers who leave ---------------------------------------------------------------------


def test_a_reader_who_leaves_before_their_turn_is_cancelled_and_not_mailed(sink, story):
    readers = add_subscribers(6)
    digest = new_digest()
    early, late, paused = readers[1], readers[4], readers[5]
    Subscriber.objects.filter(pk=early.pk).update(status=Subscriber.Status.UNSUBSCRIBED)

    def on_progress(outcome):
        # While the batch is under way, after its rows were read: the mark `sending` catches it.
        if outcome.sent == 2:
            Subscriber.objects.filter(pk=late.pk).update(status=Subscriber.Status.UNSUBSCRIBED)
            Subscriber.objects.filter(pk=paused.pk).update(paused=True)

    outcome = services.digest_send(digest=digest, on_progress=on_progress)

    assert outcome.done and outcome.sent == 3 and outcome.cancelled == 3
    received = sink.counts()
    assert received[early.email] == received[late.email] == received[paused.email] == 0
    assert sum(received.values()) == 3 and set(received.values()) == {1}
    assert digest.deliveries.get(subscriber=late).state == State.CANCELLED
    assert sink.connections == 1  # nothing was handed to the server for them
    assert progress(digest)["cancelled"] == 3


def test_a_bouncing_reader_is_cancelled_even_if_already_queued(sink, story):
    readers = add_subscribers(2)
    digest = new_digest()
    Subscriber.objects.filter(pk=readers[0].pk).update(status=Subscriber.Status.BOUNCING)
    Subscriber.objects.filter(pk=readers[1].pk).delete()  # erased: the delivery keeps no subscriber

    services.digest_send(digest=digest)

    assert states(digest) == {State.CANCELLED: 2}
    assert sink.received == 0


# --- progress ------------------------------------------------------------------------------


def test_progress_counts_every_state(sink, story, settings):
    readers = add_subscribers(10)
    sink.reject({readers[0].email}, code=550)
    sink.reject({readers[1].email}, code=450)
    Subscriber.objects.filter(pk=readers[2].pk).update(paused=True)
    digest = new_digest()
    Subscriber.objects.filter(pk=readers[3].pk).update(paused=True)
    assert progress(digest) == {
        "total": 9, "queued": 9, "sending": 0, "sent": 0, "failed": 0, "cancelled": 0, "unknown": 0,
    }  # fmt: skip

    services.digest_send(digest=digest)

    assert progress(digest) == {
        "total": 9, "queued": 1, "sending": 0, "sent": 6, "failed": 1, "cancelled": 1, "unknown": 0,
    }  # fmt: skip


# --- the command ----------------------------------------------------------------------------


def test_send_digest_now_sends_in_process_and_reports(sink, story):
    add_subscribers(40)
    out, err = io.StringIO(), io.StringIO()

    call_command("send_digest", "--now", stdout=out, stderr=err)

    digest = Digest.objects.get()
    assert digest.kind == Digest.Kind.MANUAL and digest.status == Digest.Status.DONE
    assert sink.received == 40
    assert "40 sent, 0 failed, 0 cancelled" in out.getvalue() and "messages/s" in out.getvalue()
    lines = err.getvalue().splitlines()  # not a terminal: plain lines, no carriage returns
    assert lines and "\r" not in err.getvalue()
    assert lines[-1].startswith("[" + "#" * 30 + "] 40/40") and "sent 40" in lines[-1]


def test_send_digest_resumes_an_existing_digest(sink, story):
    add_subscribers(5)
    digest = new_digest()
    out = io.StringIO()
    call_command("send_digest", "--digest", str(digest.pk), stdout=out, stderr=io.StringIO())
    assert sink.received == 5
    call_command("send_digest", "--digest", str(digest.pk), stdout=out, stderr=io.StringIO())
    assert sink.received == 5 and "Already sent." in out.getvalue()


def test_send_digest_now_with_nothing_new_sends_nothing(sink, db):
    out = io.StringIO()
    call_command("send_digest", "--now", stdout=out)
    assert "nothing to send" in out.getvalue()
    assert not Digest.objects.exists()


def test_send_digest_enqueue_leaves_it_to_the_worker(sink, story, django_capture_on_commit_callbacks):
    add_subscribers(3)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digest", "--now", "--enqueue", stdout=io.StringIO())
    digest = Digest.objects.get()
    assert send_tasks(digest.pk).filter(status="READY").count() == 1
    assert sink.received == 0


def test_without_smtp_the_configured_mailer_gets_the_messages(story, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    readers = add_subscribers(3)
    digest = new_digest()

    assert services.digest_send(digest=digest).sent == 3

    assert sorted(m.to[0].rpartition("<")[2].rstrip(">") for m in mail.outbox) == sorted(
        r.email for r in readers
    )
    assert states(digest) == {State.SENT: 3}
