"""What a sign-up gives away: not whether an address subscribes (the page does the same work for
every address), and not a stranger's words in our mail (no typed name in it)."""

import re
import subprocess
import sys

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from subscriptions.models import Subscriber
from tests.subscriptions.conftest import make_subscriber, run_queued_tasks, signup_data, text_of
from tests.subscriptions.smtp_sink import SmtpSink
from tests.subscriptions.test_worker_kill import ROOT, environment

pytestmark = pytest.mark.django_db

Status = Subscriber.Status
PRIZE = "WIN A PRIZE: visit https://evil.example/claim"
LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b|X'[0-9a-fA-F]*'")


def shape(queries) -> list[str]:
    """The SQL a request ran, with every value taken out: what it did, not with which address."""
    return [LITERALS.sub("?", query["sql"]) for query in queries]


def link_in(mail, name: str) -> str:
    return re.search(rf"https?://[^/\s]+(/newsletter/{name}/\S+/)", mail.body).group(1)


class TestSameWorkForEveryAddress:
    @pytest.fixture
    def addresses(self, db):
        make_subscriber(email="pending@example.org", status=Status.PENDING)
        make_subscriber(email="confirmed@example.org")
        make_subscriber(email="left@example.org", status=Status.UNSUBSCRIBED)
        make_subscriber(email="bounced@example.org", status=Status.BOUNCING)
        return ["new@example.org", "pending@example.org", "confirmed@example.org", "left@example.org",
                "bounced@example.org"]  # fmt: skip

    def test_the_request_runs_the_same_queries_whatever_the_address(
        self, client, addresses, django_capture_on_commit_callbacks
    ):
        seen = {}
        for email in addresses:
            with CaptureQueriesContext(connection) as queries:
                with django_capture_on_commit_callbacks(execute=True):
                    response = client.post("/newsletter/", signup_data(email=email, name="Ada"))
            assert (response.status_code, response["Location"]) == (302, "/newsletter/sent/")
            seen[email] = shape(queries)
        new = seen.pop("new@example.org")
        assert new, "the request did nothing at all?"
        for email, queries in seen.items():
            assert queries == new, email

    def test_the_worker_does_the_sign_up_afterwards(
        self, client, addresses, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/newsletter/", signup_data(email="new@example.org"))
        assert not Subscriber.objects.filter(email="new@example.org").exists() and mailoutbox == []
        with django_capture_on_commit_callbacks(execute=True):
            assert run_queued_tasks() == 1
        assert Subscriber.objects.get(email="new@example.org").status == Status.PENDING
        assert [m.to for m in mailoutbox] == [["new@example.org"]]

    def test_the_queue_forgets_what_the_reader_typed(self, client, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/newsletter/", signup_data(email="ada@example.org", name="Ada Reader"))
        assert "ada@example.org" in str(DBTaskResult.objects.get().args_kwargs)
        with django_capture_on_commit_callbacks(execute=True):
            run_queued_tasks()
        row = DBTaskResult.objects.get()
        assert row.status == "SUCCESSFUL"
        assert row.args_kwargs == {"args": [], "kwargs": {}}


class TestNoTypedNameInTheMail:
    @pytest.fixture
    def sign_up(self, client, django_capture_on_commit_callbacks):
        def _sign_up(**fields):
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post("/newsletter/", signup_data(**fields))
            with django_capture_on_commit_callbacks(execute=True):
                run_queued_tasks()
            return response

        return _sign_up

    @pytest.mark.parametrize("known", [None, Status.CONFIRMED])
    def test_a_name_typed_by_a_stranger_reaches_no_mailbox(self, sign_up, mailoutbox, known):
        if known:
            make_subscriber(email="victim@example.org", name=PRIZE)  # even one stored earlier
        sign_up(email="victim@example.org", name=PRIZE)
        (mail,) = mailoutbox
        assert mail.body.startswith("Hello,\n")
        assert "PRIZE" not in mail.body + mail.subject and "evil.example" not in mail.body

    def test_the_confirm_page_shows_the_name_and_the_owner_decides(self, sign_up, mailoutbox, client):
        sign_up(email="victim@example.org", name=PRIZE)
        link = link_in(mailoutbox[0], "confirm")
        page = client.get(link).content.decode()
        assert 'name="name"' in page and "WIN A PRIZE: visit https://evil.example/claim" in page
        client.post(link, {"name": ""})
        subscriber = Subscriber.objects.get()
        assert (subscriber.status, subscriber.name) == (Status.CONFIRMED, "")

    def test_the_owner_may_keep_or_change_it(self, sign_up, mailoutbox, client):
        sign_up(email="ada@example.org", name="Ada")
        client.post(link_in(mailoutbox[0], "confirm"), {"name": "Ada Reader"})
        assert Subscriber.objects.get().name == "Ada Reader"

    @pytest.mark.parametrize("name", ["Ada\r\nBcc: victim@example.org", "A" * 101])
    def test_a_bad_name_on_the_confirm_page_is_a_form_error(self, sign_up, mailoutbox, client, name):
        sign_up(email="ada@example.org")
        response = client.post(link_in(mailoutbox[0], "confirm"), {"name": name})
        assert response.status_code == 400 and "You are not subscribed yet" in text_of(response)
        assert Subscriber.objects.get().status == Status.PENDING


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_sends_the_confirmation(client, tmp_path):
    """`make run` starts `manage.py db_worker` beside the server: that process does the sign-up."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("The SQLite test database is in memory, where a worker process cannot see it.")
    assert client.post("/newsletter/", signup_data(email="ada@example.org")).status_code == 302
    with SmtpSink() as sink:
        worker = subprocess.run(  # noqa: S603 (our manage.py, fixed arguments)
            [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
            cwd=ROOT,
            env=environment(sink),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert worker.returncode == 0, worker.stdout + worker.stderr
        assert sink.wait_for(1, timeout=10)
        assert sink.counts() == {"ada@example.org": 1}
    assert Subscriber.objects.get().status == Status.PENDING
