"""Sending a digest: deliveries claimed in batches, one SMTP connection per run, each outcome recorded.

Once, and only once. A delivery is marked `sent` after its message has gone to the
mail server but *before* the final "." that ends SMTP DATA is written; a server accepts
nothing until it reads that dot, and drops a half-received message when the connection
closes. So a sender killed before the mark is committed has delivered nothing, and its
deliveries, still `sending`, are claimed again once their lease (NEWSLETTER_LEASE_SECONDS)
runs out: nobody is skipped. Killed after it, the delivery stays `sent` and is never
sent again: nobody gets two. The instant left open lies between committing and writing
the dot; `SentMark` makes it two system calls in a row (on PostgreSQL, COMMIT is sent
and the dot written before the database's answer is read), yet a busy machine may pause
the process between them. Killed exactly there (about one random SIGKILL in fifty on two
loaded cores; never on SIGTERM, which lets the message finish), the reader misses this
digest and the delivery says `sent`. The same holds when the server dies after the dot
and before its answer: counted as sent. At most once, never twice.

Outcomes, as RFC 5321 has them:
- 2xx after the dot: sent.
- 4xx for a message (RCPT, DATA or after the dot): queued again with `attempts` + 1 and a
  `next_attempt_at` that doubles from NEWSLETTER_RETRY_BASE_SECONDS (at most an hour);
  failed after NEWSLETTER_MAX_ATTEMPTS. 421 means the server is closing: reconnect.
- 5xx for a message: failed, and the address's `bounce_count` goes up; at
  NEWSLETTER_BOUNCE_LIMIT the subscriber is `bouncing` and gets no more mail.
- No server (refused, dropped, timed out) or a refused sender: the message in hand goes
  back to `queued` untouched and the whole run stops (`Outcome.paused`); the task tries
  again later with a growing delay. The readers' addresses are not to blame.
A reader who left (unsubscribed, bouncing, paused, erased) is checked for in the same
UPDATE that commits `sent`, just before the dot: their delivery is `cancelled` and the
half-sent message is abandoned by dropping the connection.

Mailers other than SMTP (console, locmem: `make run` and the tests) get the message
through `send_messages()` after the same commit.
"""

import binascii
import email.policy
import logging
import re
import secrets
import select
import smtplib
import socket
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from email.header import Header
from email.utils import format_datetime, formataddr, make_msgid, parseaddr

import psycopg
from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.utils import DNS_NAME
from django.db import connection, transaction
from django.db import connections as db_connections
from django.db.models import Count, Exists, F, Min, OuterRef, Q
from django.db.models.sql import UpdateQuery
from django.utils import timezone
from django.utils.encoding import punycode
from psycopg import pq

from .digest import MessageFactory
from .models import Delivery, Digest, Subscriber

logger = logging.getLogger(__name__)

State = Delivery.State
CLAIM_SIZE = 200  # deliveries claimed at a time
MAX_DELAY = 3600  # the longest wait before a retry, in seconds
ERROR_MAX = 500  # Delivery.last_error's length


@dataclass
class Outcome:
    """What one run of `send()` did."""

    sent: int = 0
    failed: int = 0
    cancelled: int = 0
    deferred: int = 0  # a 4xx: queued again for later
    done: bool = False  # nothing left to send: the digest is done
    paused: bool = False  # the mail server is unavailable: try the whole digest later
    next_due: datetime | None = None  # not done, not paused: when the next delivery is due
    error: str = ""
    seconds: float = 0.0

    def as_dict(self) -> dict:
        data = asdict(self)
        data["next_due"] = self.next_due.isoformat() if self.next_due else None
        return data


class MailServerUnavailable(Exception):
    """The server can't be reached, dropped the connection, or refused our sender address."""


def retry_delay(attempt: int) -> int:
    """Seconds to wait before try number `attempt` + 1: the base, doubled each time, at most an hour."""
    return min(settings.NEWSLETTER_RETRY_BASE_SECONDS * 2 ** max(attempt - 1, 0), MAX_DELAY)


def lease() -> timedelta:
    return timedelta(seconds=settings.NEWSLETTER_LEASE_SECONDS)


# --- what the admin and the command show ----------------------------------------------


def progress(digest: Digest | int) -> dict[str, int]:
    """The digest's deliveries by state, and their total, in one query."""
    counts = Delivery.objects.filter(digest=digest).aggregate(
        total=Count("pk"), **{state: Count("pk", filter=Q(state=state)) for state in State.values}
    )
    return {key: value or 0 for key, value in counts.items()}


# --- claiming ------------------------------------------------------------------------


def claimable(digest_id: int, now: datetime):
    """Deliveries due now: queued and not waiting for a retry, or claimed by a sender that fell silent."""
    return Delivery.objects.filter(digest_id=digest_id).filter(
        Q(state=State.QUEUED, next_attempt_at__isnull=True)
        | Q(state=State.QUEUED, next_attempt_at__lte=now)
        | Q(state=State.SENDING, claimed_at__lt=now - lease())
    )


def claim(digest_id: int, *, limit: int = CLAIM_SIZE) -> tuple[datetime, list[int]]:
    """Mark up to `limit` due deliveries `sending` for this sender.

    Their `claimed_at` is the sender's token: every later change to them checks it, so
    rows taken over by another sender after the lease are left alone. PostgreSQL skips
    rows another sender is claiming; SQLite's IMMEDIATE transactions claim one at a time.
    """
    now = timezone.now()
    due = claimable(digest_id, now).order_by("pk")
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        if ids:
            # The condition again: without row locks another sender may have claimed some meanwhile.
            claimable(digest_id, now).filter(pk__in=ids).update(state=State.SENDING, claimed_at=now)
    return now, ids


def release(ids: list[int], token: datetime) -> int:
    """Give claimed deliveries back, untouched, for the next run."""
    if not ids:
        return 0
    return Delivery.objects.filter(pk__in=ids, state=State.SENDING, claimed_at=token).update(
        state=State.QUEUED, claimed_at=None
    )


def touch(digest_id: int, at: datetime | None = None) -> None:
    """Show that a sender is alive, or promise one by `at` (a retry scheduled for later)."""
    Digest.objects.filter(pk=digest_id, status=Digest.Status.SENDING).update(
        heartbeat_at=at or timezone.now()
    )


def finish_or_next(digest_id: int) -> tuple[bool, datetime | None]:
    """Mark the digest done if nothing is queued or being sent; else say when the next one is due."""
    left = Delivery.objects.filter(digest_id=digest_id, state__in=[State.QUEUED, State.SENDING]).aggregate(
        count=Count("pk"),
        retry=Min("next_attempt_at", filter=Q(state=State.QUEUED)),
        queued_now=Count("pk", filter=Q(state=State.QUEUED, next_attempt_at__isnull=True)),
        claimed=Min("claimed_at", filter=Q(state=State.SENDING)),
    )
    if not left["count"]:
        Digest.objects.filter(pk=digest_id, status=Digest.Status.SENDING).update(
            status=Digest.Status.DONE, finished_at=timezone.now()
        )
        return True, None
    candidates = [timezone.now()] if left["queued_now"] else []
    if left["retry"]:
        candidates.append(left["retry"])
    if left["claimed"]:
        candidates.append(left["claimed"] + lease())
    return False, min(candidates)


# --- the wire ------------------------------------------------------------------------

SIMPLE_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")
# What formataddr() writes for an ASCII name: atoms, or one quoted string without escapes.
SIMPLE_NAMED_ADDRESS = re.compile(
    r"""(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+|"[^"\\\r\n]*") """ + f"<{SIMPLE_ADDRESS.pattern}>"
)


def crlf(data: bytes) -> bytes:
    """Every line ending as CRLF (bytes.replace: many times faster than a regular expression)."""
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\n", b"\r\n")


def dot_stuffed(data: bytes) -> bytes:
    """A dot that starts a line doubled (RFC 5321 4.5.2), so no line of the message reads as the end."""
    data = data.replace(b"\r\n.", b"\r\n..")
    return b"." + data if data.startswith(b".") else data


# Lines up to 998 characters are legal (RFC 5322); at 78, Python's email would turn a long
# List-Unsubscribe URL into RFC 2047 encoded-words, which mailbox providers don't read.
WIRE_POLICY = email.policy.SMTP.clone(max_line_length=998)
ADDRESS_HEADERS = {"from", "to", "cc", "reply-to", "bcc", "sender"}
MIME_HEADERS = {"mime-version", "content-type", "content-transfer-encoding"}


def wire_bytes(message: EmailMessage) -> bytes:
    """The message as DATA carries it: CRLF line ends, leading dots doubled, a final CRLF."""
    data = fast_mime(message)
    if data is None:
        data = crlf(message.message(policy=WIRE_POLICY).as_bytes())
    data = dot_stuffed(data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data


def fast_mime(message: EmailMessage) -> bytes | None:
    """The MIME text of a plain mail (a text body, HTML alternatives, no attachments), or None.

    The same message Django's `message()` makes, ten times faster: each body is encoded
    once with C's quoted-printable and the headers are written directly. Anything else
    (attachments, other charsets, address headers overridden) returns None: Django's way.
    """
    alternatives = getattr(message, "alternatives", [])
    headers = message.extra_headers
    names = {name.lower() for name in headers}
    if (
        message.attachments
        or (message.encoding or settings.DEFAULT_CHARSET).lower() not in ("utf-8", "utf8")
        or names & (ADDRESS_HEADERS | MIME_HEADERS)
        or any(not mimetype.startswith("text/") for _, mimetype in alternatives)
        or not (message.body or not alternatives)
    ):
        return None
    try:
        lines = [_header("Subject", str(message.subject))]
        lines.append(f"From: {_address(message.from_email)}")
        for name, values in (("To", message.to), ("Cc", message.cc), ("Reply-To", message.reply_to)):
            if values:
                lines.append(f"{name}: " + ", ".join(_address(value) for value in values))
        if "date" not in names:
            tz = timezone.get_current_timezone() if settings.EMAIL_USE_LOCALTIME else UTC
            lines.append("Date: " + format_datetime(datetime.now(tz)))
        if "message-id" not in names:
            lines.append(f"Message-ID: {make_msgid(domain=DNS_NAME)}")
        lines.extend(_header(name, str(value)) for name, value in headers.items())
    except _NotPlain:
        return None
    parts = [(message.body, message.content_subtype)] if message.body or not alternatives else []
    parts += [(content, mimetype.split("/", 1)[1]) for content, mimetype in alternatives]
    head = "\r\n".join(lines).encode("ascii") + b"\r\n"
    if len(parts) == 1:
        part_head, body = _part(*parts[0])
        return b"MIME-Version: 1.0\r\n" + part_head + head + b"\r\n" + body
    boundary = "=_" + secrets.token_hex(16)  # "=_" never occurs in quoted-printable text
    out = [
        b"MIME-Version: 1.0\r\n",
        f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n'.encode(),
        head,
        b"\r\n",
    ]
    for content, subtype in parts:
        part_head, body = _part(content, subtype)
        # The CRLF before each boundary belongs to the boundary (RFC 2046), not to the body.
        out += [f"--{boundary}\r\n".encode(), part_head, b"\r\n", body, b"\r\n"]
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out)


class _NotPlain(Exception):
    """A header fast_mime() leaves to Django."""


def _part(content: str | bytes, subtype: str) -> tuple[bytes, bytes]:
    """A text part's two headers and its body: quoted-printable, or 7bit when it can be."""
    if isinstance(content, str):
        content = content.encode("utf-8", "surrogateescape")
    content = crlf(content)
    if not content.endswith(b"\r\n"):
        content += b"\r\n"
    if content.isascii() and max(map(len, content.split(b"\r\n"))) <= 78:
        encoding, body = "7bit", content
    else:
        encoding, body = "quoted-printable", binascii.b2a_qp(content, istext=True)
        if not body.endswith(b"\r\n"):
            body += b"\r\n"
    head = f'Content-Type: text/{subtype}; charset="utf-8"\r\nContent-Transfer-Encoding: {encoding}\r\n'
    return head.encode(), body


def _header(name: str, value: str) -> str:
    """`Name: value`, folded at spaces past 78 characters; RFC 2047 words if it is not ASCII."""
    if "\n" in value or "\r" in value:
        raise ValueError(f"The {name} header holds a line break.")
    if not value.isascii():
        return f"{name}: " + Header(value, "utf-8", header_name=name).encode(linesep="\r\n")
    if len(value) + len(name) > 996:
        raise _NotPlain
    words = value.split(" ")
    lines, line = [], f"{name}: {words[0]}"
    for word in words[1:]:
        if word and len(line) + 1 + len(word) > 78:
            lines.append(line)
            line = " " + word
        else:
            line += " " + word
    lines.append(line)
    return "\r\n".join(lines)


def _address(value: str) -> str:
    value = str(value)
    if "\n" in value or "\r" in value:
        raise ValueError("An address holds a line break.")
    if SIMPLE_ADDRESS.fullmatch(value) or SIMPLE_NAMED_ADDRESS.fullmatch(value):
        return value
    name, address = parseaddr(value)
    local, at, domain = address.rpartition("@")
    if not at or not local or not local.isascii():
        raise _NotPlain
    if not domain.isascii():
        domain = punycode(domain)
    return formataddr((name, f"{local}@{domain}"), charset="utf-8")


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}"[:ERROR_MAX]


# --- the one statement per message ----------------------------------------------------

# Stand-ins for the values that change from message to message; no real row has them.
PK, ATTEMPTS = -7_340_001, -7_340_002
CLAIMED, WHEN = datetime(2001, 2, 3, 4, 5, 6, 7, tzinfo=UTC), datetime(2001, 2, 3, 4, 5, 6, 8, tzinfo=UTC)


class PreparedUpdate:
    """An ORM `.update()` compiled to SQL once and run with new values each time.

    Building a queryset costs more than the UPDATE it sends (~0.7 ms); sending a
    hundred thousand mails, that is a minute. The stand-in values mark the parameters
    to replace; the SQL stays the ORM's, so `Subscriber.objects.receiving()` remains the
    one definition of who receives the newsletter.
    """

    def __init__(self, queryset, **values):
        query = queryset.query.chain(UpdateQuery)
        query.add_update_values(values)
        self.using = queryset.db
        self.sql, params = query.get_compiler(self.using).as_sql()
        self.params = list(params)
        self.slots = {}  # name -> (position, how to turn a value into that parameter)
        ops = db_connections[self.using].ops
        for name, stand_in in (
            ("pk", PK),
            ("attempts", ATTEMPTS),
            ("claimed_at", CLAIMED),
            ("sent_at", WHEN),
        ):
            if isinstance(stand_in, datetime):
                adapted, convert = ops.adapt_datetimefield_value(stand_in), ops.adapt_datetimefield_value
            else:
                adapted, convert = stand_in, None
            found = [
                i for i, param in enumerate(self.params) if not isinstance(param, bool) and param == adapted
            ]
            if found:
                assert len(found) == 1, f"{name} appears {len(found)} times"
                position = found[0]
                # psycopg wraps small integers (Int2); keep the parameter's own type.
                self.slots[name] = (position, convert or type(self.params[position]))

    def params_for(self, **values) -> list:
        params = list(self.params)
        for name, value in values.items():
            position, convert = self.slots[name]
            params[position] = convert(value)
        return params

    def run(self, **values) -> int:
        with db_connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, self.params_for(**values))
            return cursor.rowcount


class SentMark:
    """Marks one delivery `sent` around the final dot: `prepare()`, `commit()`, dot, `confirm()`.

    The commit must be decided before the dot is written, and as close to it as can be:
    the instant between the two is the one a killed sender leaves ambiguous. On
    PostgreSQL, `prepare()` runs the UPDATE in an open transaction (the row is locked,
    nothing is decided: a sender killed now is rolled back) and `commit()` only *sends*
    COMMIT; the server carries it out even if the sender dies a microsecond later, so the
    dot can follow at once and the answer to COMMIT is read afterwards by `confirm()`.
    Waiting for the answer first would leave the whole round trip (a disk flush) open.
    Elsewhere (SQLite: a commit is local and immediate) `prepare()` commits and the
    other two do nothing.
    """

    def __init__(self, using: str = "default"):
        self.using = using
        still_receiving = Subscriber.objects.receiving().filter(pk=OuterRef("subscriber_id"))
        self.statement = PreparedUpdate(
            Delivery.objects.using(using)
            .filter(pk=PK, state=State.SENDING, claimed_at=CLAIMED)
            .filter(Exists(still_receiving)),
            state=State.SENT,
            sent_at=WHEN,
            attempts=ATTEMPTS,
        )
        self.pending = False  # COMMIT sent, answer not read

    @property
    def split(self) -> bool:
        # Inside a caller's transaction (a test's), the caller commits: plain UPDATE.
        db = db_connections[self.using]
        return db.vendor == "postgresql" and not db.in_atomic_block

    def prepare(self, **values) -> bool:
        """Mark the row (if it is still ours and its reader still receives); False if not."""
        if not self.split:
            return self.statement.run(**values) == 1
        with db_connections[self.using].cursor() as cursor:
            try:
                params = self.statement.params_for(**values)
                if isinstance(cursor.cursor, psycopg.ClientCursor):
                    # One round trip: with parameters bound client-side (Django's default), two
                    # statements can share a query; the second one's row count is the answer.
                    cursor.execute("BEGIN; " + self.statement.sql, params)
                    cursor.nextset()
                else:
                    cursor.execute("BEGIN")
                    cursor.execute(self.statement.sql, params)
                marked = cursor.rowcount == 1
            except BaseException:
                self.rollback()
                raise
        if not marked:
            self.rollback()
        return marked

    def commit(self) -> None:
        if self.split and not self.pending:
            pgconn = db_connections[self.using].connection.pgconn
            pgconn.send_query(b"COMMIT")
            while pgconn.flush():  # the connection is non-blocking: push COMMIT out before the dot
                select.select([], [pgconn.socket], [], 1)
            self.pending = True

    def confirm(self) -> bool:
        """Read the answer to COMMIT: True if the row is now `sent`."""
        if not self.pending:
            return True
        self.pending = False
        pgconn = db_connections[self.using].connection.pgconn
        deadline = time.monotonic() + 60
        while True:
            pgconn.consume_input()
            if not pgconn.is_busy():
                break
            if time.monotonic() > deadline:
                raise TimeoutError("PostgreSQL did not answer COMMIT within a minute.")
            select.select([pgconn.socket], [], [], 1)
        results = []
        while (result := pgconn.get_result()) is not None:
            results.append(result)
        return bool(results) and all(r.status == pq.ExecStatus.COMMAND_OK for r in results)

    def rollback(self) -> None:
        """Undo a prepared mark; one whose COMMIT is on its way can only be waited for."""
        if self.pending:
            self.confirm()
        elif self.split:
            raw = db_connections[self.using].connection
            if raw is not None and raw.pgconn.transaction_status != pq.TransactionStatus.IDLE:
                raw.rollback()


class WalCheckpoints:
    """On SQLite, copy the write-ahead log into the database between batches, never after a mark.

    SQLite checkpoints in the connection that commits, after the commit and before the
    call returns (every 1,000 pages): a few milliseconds of disk flushes right between
    a delivery's `sent` and its dot. Killed then, the reader would miss their mail: it
    happened in one kill out of fifteen. So this connection leaves it to `now()`.
    """

    def __init__(self, using: str = "default"):
        db = db_connections[using]
        self.db = db if db.vendor == "sqlite" and not db.in_atomic_block else None
        if self.db:
            self._pragma("wal_autocheckpoint=0")

    def now(self) -> None:
        if self.db:
            self._pragma("wal_checkpoint(PASSIVE)")

    def restore(self) -> None:
        if self.db:
            self._pragma("wal_autocheckpoint=1000")  # SQLite's default

    def _pragma(self, pragma: str) -> None:
        with self.db.cursor() as cursor:
            cursor.execute(f"PRAGMA {pragma}")


# --- one run -------------------------------------------------------------------------


class Sender:
    """Sends one digest until nothing is due, `seconds` have passed or `should_stop()` says so."""

    def __init__(
        self,
        digest: Digest,
        *,
        seconds: float | None = None,
        on_progress: Callable[[Outcome], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ):
        self.digest = digest
        self.deadline = time.monotonic() + seconds if seconds is not None else None
        self.on_progress = on_progress or (lambda outcome: None)
        self.should_stop = should_stop or (lambda: False)
        self.outcome = Outcome()
        self.mailer = mailers.default
        self.smtp = isinstance(self.mailer, SmtpBackend)
        self.connection: smtplib.SMTP | None = None
        self.factory = MessageFactory(digest)
        self.token: datetime | None = None
        self.mark: SentMark | None = None
        self.max_attempts = settings.NEWSLETTER_MAX_ATTEMPTS
        self.bounce_limit = settings.NEWSLETTER_BOUNCE_LIMIT

    def stopping(self) -> bool:
        return (self.deadline is not None and time.monotonic() >= self.deadline) or self.should_stop()

    def run(self) -> Outcome:
        started = time.monotonic()
        checkpoints = WalCheckpoints()
        try:
            while not self.stopping():
                self.token, ids = claim(self.digest.pk)
                if not ids:
                    self.outcome.done, self.outcome.next_due = finish_or_next(self.digest.pk)
                    break
                touch(self.digest.pk)
                checkpoints.now()
                try:
                    self._batch(ids)
                finally:
                    release(ids, self.token)  # whatever this run did not get to
        except MailServerUnavailable as error:
            self.outcome.paused = True
            self.outcome.error = str(error)[:ERROR_MAX]
            logger.warning("Digest %s: mail server unavailable, pausing: %s", self.digest.pk, error)
        except BaseException:
            self._drop()  # no QUIT: it could land in the middle of a message's DATA
            if self.mark is not None:
                self.mark.rollback()
            raise
        finally:
            self.close()
            checkpoints.restore()
            self.outcome.seconds = time.monotonic() - started
        return self.outcome

    def _batch(self, ids: list[int]) -> None:
        deliveries = (
            Delivery.objects.filter(pk__in=ids, state=State.SENDING, claimed_at=self.token)
            .select_related("subscriber")
            .only(
                "attempts",
                "subscriber__email",
                "subscriber__name",
                "subscriber__status",
                "subscriber__paused",
            )
            .order_by("pk")
        )
        deliveries = list(deliveries)
        self.factory.load_preferences([d.subscriber_id for d in deliveries if d.subscriber_id])
        renew_at = time.monotonic() + settings.NEWSLETTER_LEASE_SECONDS / 3
        owned = None
        for position, delivery in enumerate(deliveries):
            if self.stopping():
                return
            if time.monotonic() >= renew_at:
                owned = self._renew([d.pk for d in deliveries[position:]])
                renew_at = time.monotonic() + settings.NEWSLETTER_LEASE_SECONDS / 3
            if owned is not None and delivery.pk not in owned:
                continue  # another sender took it over while this one was slow
            self._deliver(delivery)
            self.on_progress(self.outcome)

    def _renew(self, ids: list[int]) -> set[int]:
        """Extend this sender's claim on the rest of its batch; returns the ones still its own."""
        old, self.token = self.token, timezone.now()
        Delivery.objects.filter(pk__in=ids, state=State.SENDING, claimed_at=old).update(claimed_at=self.token)
        touch(self.digest.pk)
        return set(
            Delivery.objects.filter(pk__in=ids, state=State.SENDING, claimed_at=self.token).values_list(
                "pk", flat=True
            )
        )

    # One delivery.

    def _deliver(self, delivery: Delivery) -> None:
        subscriber = delivery.subscriber
        if subscriber is None or subscriber.status != Subscriber.Status.CONFIRMED or subscriber.paused:
            self._cancel(delivery, "The reader no longer receives the newsletter.")
            return
        message = self.factory.message_for(subscriber)
        if message is None:
            self._cancel(delivery, "Fewer stories than the minimum match the reader's choices now.")
            return
        if self.smtp:
            self._send_smtp(delivery, message)
        else:
            self._send_other(delivery, message)

    def _send_other(self, delivery: Delivery, message: EmailMessage) -> None:
        if not self._mark_sent(delivery):
            self._explain(delivery)
            return
        self.mark.commit()
        if not self.mark.confirm():
            raise RuntimeError(f"Could not mark delivery {delivery.pk} sent.")
        try:
            self.mailer.send_messages([message])
        except BaseException:
            # Not sent after all: back to `sending`, which the run gives back as `queued`.
            self._update(delivery, State.SENT, state=State.SENDING, sent_at=None, attempts=delivery.attempts)
            raise
        self.outcome.sent += 1

    def _send_smtp(self, delivery: Delivery, message: EmailMessage) -> None:
        smtp = self._connect()
        sender = self._envelope(message.from_email)
        recipients = [self._envelope(address) for address in message.recipients()]
        data = wire_bytes(message)
        try:
            # docmd rather than mail()/rcpt(): the addresses are bare already (see _envelope),
            # and smtplib's quoteaddr() would parse each one again.
            code, text = smtp.docmd("MAIL", f"FROM:<{sender}>")
            if code != 250:
                self._drop()
                raise MailServerUnavailable(f"MAIL FROM refused: {_reply(code, text)}")
            for recipient in recipients:
                code, text = smtp.docmd("RCPT", f"TO:<{recipient}>")
                if code not in (250, 251):
                    self._refused(delivery, code, text, committed=False)
                    return
            code, text = smtp.docmd("DATA")
            if code != 354:
                self._refused(delivery, code, text, committed=False)
                return
            smtp.send(data)
        except OSError as error:  # smtplib's errors are OSErrors too
            self._drop()
            raise MailServerUnavailable(f"{type(error).__name__}: {error}") from error

        # The whole message is at the server; only the dot is missing. Decide `sent` first.
        if not self._mark_sent(delivery):
            self._drop()  # abandons the message: without the dot the server keeps nothing
            self._explain(delivery)
            return
        wrote_dot = False
        try:
            self.mark.commit()
            smtp.send(b".\r\n")  # straight after: this is the instant left open
            wrote_dot = True
            if not self.mark.confirm():
                self._save_sent(delivery)
            code, text = smtp.getreply()
        except BaseException as error:
            self._drop()
            if self.mark.pending:
                self.mark.confirm()
            if not wrote_dot:
                # The server never saw the end of the message: it has nothing. Take `sent` back.
                self._update(
                    delivery, State.SENT, state=State.SENDING, sent_at=None, attempts=delivery.attempts
                )
            else:
                self.outcome.sent += 1
                self._update(
                    delivery,
                    State.SENT,
                    last_error="No answer after the end of the message; counted as sent.",
                )
            if isinstance(error, OSError):
                raise MailServerUnavailable(f"{type(error).__name__}: {error}") from error
            raise
        if 200 <= code < 300:
            self.outcome.sent += 1
        else:
            self._refused(delivery, code, text, committed=True)

    def _save_sent(self, delivery: Delivery) -> None:
        """COMMIT failed after the dot went out: record `sent` again, or the reader may get two."""
        logger.error("Digest %s: COMMIT of delivery %s failed after its dot.", self.digest.pk, delivery.pk)
        saved = self._update(
            delivery, State.SENDING, state=State.SENT, sent_at=timezone.now(), attempts=delivery.attempts + 1
        )
        if not saved:
            raise RuntimeError(f"Delivery {delivery.pk} was sent but could not be marked sent.")

    def _envelope(self, address: str) -> str:
        """The bare address for MAIL FROM or RCPT TO; Django's parser only for the unusual ones."""
        if SIMPLE_ADDRESS.fullmatch(address):
            return address
        bare = address[address.rfind("<") + 1 : -1] if address.endswith(">") else ""
        if SIMPLE_ADDRESS.fullmatch(bare) and "\n" not in address and "\r" not in address:
            return bare
        return self.mailer.prep_address(address)

    # Recording outcomes; every change checks that the row is still this sender's.

    def _update(self, delivery: Delivery, expected: str, **fields) -> int:
        return Delivery.objects.filter(pk=delivery.pk, state=expected, claimed_at=self.token).update(**fields)

    def _mark_sent(self, delivery: Delivery) -> bool:
        """Mark `sent`, if the row is still ours and its reader still receives the newsletter.

        Decided on return everywhere but PostgreSQL, where `self.mark.commit()` decides.
        """
        if self.mark is None:
            self.mark = SentMark()  # compiled once a run
        return self.mark.prepare(
            pk=delivery.pk, claimed_at=self.token, sent_at=timezone.now(), attempts=delivery.attempts + 1
        )

    def _explain(self, delivery: Delivery) -> None:
        """`_mark_sent` found nothing to mark: the reader left (cancel), or the row is no longer ours."""
        if Delivery.objects.filter(pk=delivery.pk, state=State.SENDING, claimed_at=self.token).exists():
            self._cancel(delivery, "The reader left before their turn came.")

    def _cancel(self, delivery: Delivery, reason: str) -> None:
        if self._update(delivery, State.SENDING, state=State.CANCELLED, last_error=reason):
            self.outcome.cancelled += 1

    def _refused(self, delivery: Delivery, code: int, text, *, committed: bool) -> None:
        """The server said no to this message: try again later (4xx) or give up on it (5xx)."""
        expected = State.SENT if committed else State.SENDING
        error = _reply(code, text)
        attempts = delivery.attempts + 1
        if 400 <= code < 500 and attempts < self.max_attempts:
            delay = retry_delay(attempts)
            self._update(
                delivery,
                expected,
                state=State.QUEUED,
                attempts=attempts,
                next_attempt_at=timezone.now() + timedelta(seconds=delay),
                claimed_at=None,
                sent_at=None,
                last_error=error,
            )
            self.outcome.deferred += 1
        else:
            self._update(
                delivery, expected, state=State.FAILED, attempts=attempts, sent_at=None, last_error=error
            )
            self.outcome.failed += 1
            if code >= 500:
                self._bounced(delivery.subscriber_id)
        if code == 421:  # the server is closing this connection
            self._drop()
        elif not committed and not self._reset():
            self._drop()

    def _bounced(self, subscriber_id: int) -> None:
        Subscriber.objects.filter(pk=subscriber_id).update(bounce_count=F("bounce_count") + 1)
        Subscriber.objects.filter(
            pk=subscriber_id, bounce_count__gte=self.bounce_limit, status=Subscriber.Status.CONFIRMED
        ).update(status=Subscriber.Status.BOUNCING)

    # The connection: opened when the first message needs it, kept for the whole run.

    def _connect(self) -> smtplib.SMTP:
        if self.connection is None:
            try:
                self.mailer.open()
                self.connection = self.mailer.connection
                # The final dot goes out in a write of its own: without this, Nagle's algorithm
                # holds it until the server's delayed ACK of the message (40 ms a message).
                self.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.connection.ehlo_or_helo_if_needed()
            except OSError as error:
                self._drop()
                raise MailServerUnavailable(f"Cannot connect: {type(error).__name__}: {error}") from error
        return self.connection

    def _reset(self) -> bool:
        try:
            return self.connection.rset()[0] == 250
        except OSError:
            return False

    def _drop(self) -> None:
        """Close the connection at once, without QUIT (and without the dot of a message in hand)."""
        if self.smtp:
            smtp, self.mailer.connection = self.mailer.connection, None
            if smtp is not None:
                try:
                    smtp.close()
                except OSError:
                    pass
            try:
                self.mailer.close()  # a connection left half-opened by a failed open(), if any
            except OSError:
                pass
        self.connection = None

    def close(self) -> None:
        if self.smtp and self.connection is not None:
            try:
                self.mailer.close()
            except OSError:
                self._drop()
        self.connection = None


def send(
    digest: Digest,
    *,
    seconds: float | None = None,
    on_progress: Callable[[Outcome], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Outcome:
    """Send what is due of this digest, for at most `seconds` (None: until nothing is due).

    One sender, one thread, one SMTP connection: with threads, the instant between a
    commit and its dot grows to whatever the other threads keep Python's GIL for (a
    random kill then skips a reader ~10% of the time). More throughput comes from
    more senders in more processes, which the claiming already allows.
    """
    if digest.status == Digest.Status.DONE:
        return Outcome(done=True)
    return Sender(digest, seconds=seconds, on_progress=on_progress, should_stop=should_stop).run()


# --- handing over to the worker --------------------------------------------------------


def queued_send(digest_id: int) -> bool:
    """Whether a send task for this digest waits in the queue (django-tasks-db)."""
    from django_tasks_db.models import DBTaskResult

    from .tasks import send_digest_task

    return (
        DBTaskResult.objects.filter(task_path=send_digest_task.module_path, status="READY")
        .filter(Q(args_kwargs__kwargs__digest_id=digest_id) | Q(args_kwargs__args__0=digest_id))
        .exists()
    )


def enqueue(digest_id: int, *, run_after: datetime | None = None, pauses: int = 0) -> None:
    """Hand the digest to the worker, now or at `run_after`, once the current transaction commits."""
    from .tasks import send_digest_task

    def go():
        task = send_digest_task.using(run_after=run_after) if run_after else send_digest_task
        task.enqueue(digest_id=digest_id, pauses=pauses)
        touch(digest_id, max(run_after or timezone.now(), timezone.now()))

    transaction.on_commit(go)


def start(digest: Digest) -> bool:
    """Have the worker send a new digest; False if a sender already has it."""
    started = Digest.objects.filter(pk=digest.pk, status=Digest.Status.SENDING, heartbeat_at=None).update(
        heartbeat_at=timezone.now()
    )
    if started and not queued_send(digest.pk):
        enqueue(digest.pk)
    return bool(started)


def recover(now: datetime | None = None) -> list[int]:
    """Give every sending digest whose sender fell silent (no heartbeat for the lease) a new one.

    Touching the heartbeat in the same UPDATE lets one scheduler win; a second sender
    would be harmless anyway, since deliveries are claimed.
    """
    now = now or timezone.now()
    silent = now - lease()
    recovered = []
    digests = Digest.objects.filter(status=Digest.Status.SENDING).filter(
        Q(heartbeat_at__lt=silent) | Q(heartbeat_at__isnull=True, created_at__lt=silent)
    )
    for digest_id, heartbeat in digests.values_list("pk", "heartbeat_at"):
        won = Digest.objects.filter(
            pk=digest_id, status=Digest.Status.SENDING, heartbeat_at=heartbeat
        ).update(heartbeat_at=now)
        if won and not queued_send(digest_id):
            logger.warning("Digest %s: its sender fell silent; handing it to a new one.", digest_id)
            enqueue(digest_id)
            recovered.append(digest_id)
    return recovered
