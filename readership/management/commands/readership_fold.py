"""Fold the readership counts waiting in Redis into the database: run it beside the web server.

    manage.py readership_fold           # every 60 seconds until SIGTERM or Ctrl-C
    manage.py readership_fold --once    # one fold, then exit (tests, or cron every minute)

Each fold also recomputes "Most read" (readership/ranking.py), so the site's list is at
most a minute behind the counts.
"""

import logging
import signal
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from readership.folding import readership_fold
from readership.ranking import most_read_refresh

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Fold readership counts from Redis into the database, each minute."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Fold once and exit.")
        parser.add_argument(
            "--interval", type=float, default=60.0, help="Seconds between folds (default 60)."
        )

    def handle(self, *args, once, interval, verbosity, **options):
        stop = threading.Event()
        if not once:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
            if verbosity:
                self.stdout.write(f"Readership: a fold every {interval:g} s; SIGTERM or Ctrl-C stops it.")
        while True:
            if once:
                self.fold(verbosity)
                break
            close_old_connections()
            try:
                self.fold(verbosity)
            except Exception:
                logger.exception("A readership fold failed; its counts wait in Redis for the next one.")
            if stop.wait(interval):
                break

    def fold(self, verbosity: int) -> None:
        result = readership_fold()
        most_read_refresh()
        if verbosity > 1 or (verbosity and once_output(result)):
            self.stdout.write(f"Folded {result.views} views ({result.dropped} not public).")


def once_output(result) -> bool:
    return bool(result.views or result.dropped)
