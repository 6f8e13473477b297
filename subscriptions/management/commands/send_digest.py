"""Send a digest from the command line, in this process, with a progress bar on stderr.

    manage.py send_digest --now              # a digest of what was published since the last one, now
    manage.py send_digest --now --daily      # today's daily digest, made now if not made yet
    manage.py send_digest --digest 42        # send (or finish sending) digest 42
    manage.py send_digest --now --enqueue    # make it here, let the worker (db_worker) send it

Sending in this process (`services.digest_send`, as the worker does) waits for the
mail server when it is away and for retries when they are due, until every delivery is
sent, failed, cancelled or unknown. Ctrl-C stops after the message in hand; what is left
is sent by the next run or, once the digest's heartbeat goes quiet, by the worker (the
scheduler hands it over).
"""

import signal
import threading
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from subscriptions import sending, services, tasks
from subscriptions.models import Delivery, Digest

BAR_WIDTH = 30
TTY_EVERY = 0.1  # seconds between redraws of the bar
LINE_EVERY = 5.0  # seconds between plain progress lines when stderr is not a terminal


class ProgressBar:
    """`[#####-----] 1,234/3,000  sent 1,200 · failed 30 · cancelled 4 · 345/s` on one line, redrawn."""

    def __init__(self, stream, *, total: int, before: dict, tty: bool):
        self.stream = stream
        self.total = total
        self.before = before  # counts of finished deliveries before this run
        self.tty = tty
        self.started = time.monotonic()
        self.shown_at = 0.0
        self.shown_tenth = -1
        self.width = 0
        self.lock = threading.Lock()  # the senders report from their own threads

    def line(self, outcome: sending.Outcome) -> tuple[str, int]:
        sent = self.before["sent"] + outcome.sent
        failed = self.before["failed"] + outcome.failed
        cancelled = self.before["cancelled"] + outcome.cancelled
        unknown = self.before["unknown"] + outcome.unknown
        done = sent + failed + cancelled + unknown
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = outcome.sent / elapsed
        filled = BAR_WIDTH * done // self.total if self.total else BAR_WIDTH
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        text = (
            f"[{bar}] {done:,}/{self.total:,}  sent {sent:,} · failed {failed:,} · "
            f"cancelled {cancelled:,} · {rate:,.0f}/s"
        )
        if outcome.deferred:
            text += f" · {outcome.deferred:,} to retry"
        if unknown:
            text += f" · unknown {unknown:,}"
        return text, done

    def update(self, outcome: sending.Outcome, *, final: bool = False) -> None:
        with self.lock:
            self._update(outcome, final)

    def _update(self, outcome: sending.Outcome, final: bool) -> None:
        now = time.monotonic()
        text, done = self.line(outcome)
        if self.tty:
            if final or now - self.shown_at >= TTY_EVERY:
                self.stream.write("\r" + text.ljust(self.width), ending="\n" if final else "")
                self.stream.flush()
                self.width = len(text)
                self.shown_at = now
            return
        tenth = 10 * done // self.total if self.total else 10
        if final or now - self.shown_at >= LINE_EVERY or tenth > self.shown_tenth:
            self.stream.write(text)
            self.shown_at, self.shown_tenth = now, tenth

    def note(self, text: str) -> None:
        """A message of its own line, leaving the bar to be redrawn below it."""
        self.stream.write(("\r" + " " * self.width + "\r" if self.tty else "") + text)


class Command(BaseCommand):
    help = "Make and send a newsletter digest now, or send an existing one, showing progress."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument(
            "--now", action="store_true", help="Make a digest of what was published since the last."
        )
        which.add_argument("--digest", type=int, metavar="ID", help="Send (or go on sending) this digest.")
        parser.add_argument("--daily", action="store_true", help="With --now: make it today's daily digest.")
        parser.add_argument("--enqueue", action="store_true", help="Leave the sending to the worker.")

    def handle(self, *args, now, digest, daily, enqueue, verbosity, **options):
        if now:
            kind = Digest.Kind.DAILY if daily else Digest.Kind.MANUAL
            found = services.digest_assemble(kind=kind)
            if found is None:
                self.stdout.write("Nothing was published since the last digest: nothing to send.")
                return
        else:
            found = Digest.objects.filter(pk=digest).first()
            if found is None:
                raise CommandError(f"There is no digest {digest}.")
        digest = found
        counts = Delivery.objects.progress([digest.pk])[digest.pk]
        self.stdout.write(
            f"{digest} (#{digest.pk}): {counts['total']:,} deliveries, {counts['queued']:,} queued."
        )
        if digest.status == Digest.Status.DONE:
            self.stdout.write("Already sent.")
            return
        if enqueue:
            if not services.digest_enqueue(digest=digest) and not tasks.queued_send(digest.pk):
                tasks.enqueue(digest.pk)
            self.stdout.write("Handed to the worker (manage.py db_worker).")
            return
        self.send(digest, counts, show=verbosity > 0)

    def send(self, digest: Digest, counts: dict, *, show: bool) -> None:
        self.stderr.style_func = None  # the bar is not an error
        bar = ProgressBar(
            self.stderr, total=counts["total"], before=counts, tty=show and self.stderr.isatty()
        )
        update = bar.update if show else None
        stop = StopOnSignal()
        started = time.monotonic()
        totals = sending.Outcome()
        pauses = 0
        with stop:
            while not stop.requested:
                sending.touch(digest.pk)
                outcome = services.digest_send(
                    digest=digest,
                    on_progress=(lambda run, before=totals: update(add(before, run))) if update else None,
                    should_stop=lambda: stop.requested,
                )
                totals = add(totals, outcome)
                if outcome.done:
                    break
                if outcome.paused:
                    pauses += 1
                    wait = sending.retry_delay(pauses)
                    if show:
                        bar.note(
                            f"The mail server is unavailable ({outcome.error}); trying again in {wait} s."
                        )
                elif outcome.next_due:
                    pauses = 0
                    wait = max((outcome.next_due - timezone.now()).total_seconds(), 0.2)
                    if show and wait > 1:
                        bar.note(
                            f"Waiting {wait:.0f} s for deliveries to retry or for a silent sender's lease."
                        )
                else:
                    continue
                sending.touch(digest.pk, timezone.now() + timedelta(seconds=wait))
                stop.sleep(wait)
        if show:
            bar.update(totals, final=True)
        seconds = time.monotonic() - started
        rate = totals.sent / seconds if seconds else 0.0
        self.stdout.write(
            f"{totals.sent:,} sent, {totals.failed:,} failed, {totals.cancelled:,} cancelled "
            f"in {seconds:.1f} s ({rate:,.0f} messages/s)."
        )
        if stop.requested:
            final = Delivery.objects.progress([digest.pk])[digest.pk]
            self.stdout.write(
                f"Stopped: {final['queued'] + final['sending']:,} deliveries left; "
                "run again with --digest, or let the worker finish them."
            )
        else:
            self.stdout.write(self.style.SUCCESS("Done."))


def add(total: sending.Outcome, run: sending.Outcome) -> sending.Outcome:
    """The counts of the runs before and of the current one."""
    return sending.Outcome(
        sent=total.sent + run.sent,
        failed=total.failed + run.failed,
        cancelled=total.cancelled + run.cancelled,
        deferred=run.deferred,
        unknown=total.unknown + run.unknown,
    )


class StopOnSignal:
    """The first Ctrl-C (or SIGTERM) asks to stop after the message in hand; the second stops at once."""

    def __init__(self):
        self.requested = False
        self.previous = {}

    def __enter__(self):
        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                self.previous[signum] = signal.signal(signum, self.handle)
            except ValueError:  # not the main thread (called from a test's thread): no signals
                pass
        return self

    def __exit__(self, *exc):
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)

    def handle(self, signum, frame):
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def sleep(self, seconds: float) -> None:
        until = time.monotonic() + seconds
        while not self.requested and time.monotonic() < until:
            time.sleep(min(0.2, until - time.monotonic()))
