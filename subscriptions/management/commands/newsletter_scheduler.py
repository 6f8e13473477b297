"""Start the daily digest on time and revive digests whose sender died: run it beside the worker.

    manage.py newsletter_scheduler           # every 30 seconds until SIGTERM or Ctrl-C
    manage.py newsletter_scheduler --once    # one round, then exit (tests, or cron every minute)

Each round enqueues `daily_digest_task` once the local time is past
NEWSLETTER_DIGEST_TIME, if today's daily digest is not made yet and something was
published since the last digest (at most once a day, however many schedulers run), and
gives every sending digest whose heartbeat went quiet a new send task. The sending
itself is `manage.py db_worker`'s.
"""

from django.core.management.base import BaseCommand

from newsroom.rounds import rounds_arguments, rounds_run
from subscriptions.tasks import tick


class Command(BaseCommand):
    help = "Enqueue the daily digest when it is due and hand silent digests to a new sender."

    def add_arguments(self, parser):
        rounds_arguments(parser, interval=30.0, round_name="round")

    def handle(self, *args, once, interval, verbosity, **options):
        if once:
            self.round(verbosity)
            return
        if verbosity:
            self.stdout.write(
                f"Newsletter scheduler: a round every {interval:g} s; SIGTERM or Ctrl-C stops it."
            )
        rounds_run(
            lambda: self.round(verbosity),
            interval=interval,
            failed="A round of the newsletter scheduler failed; trying again next round.",
        )

    def round(self, verbosity: int) -> None:
        result = tick()
        if verbosity and result["daily"]:
            self.stdout.write("Enqueued today's daily digest.")
        for digest_id in result["recovered"] if verbosity else ():
            self.stdout.write(f"Digest {digest_id} had fallen silent: handed to a new sender.")
