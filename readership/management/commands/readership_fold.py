"""Fold the readership counts waiting in Redis into the database: run it beside the web server.

    manage.py readership_fold           # every 60 seconds until SIGTERM or Ctrl-C
    manage.py readership_fold --once    # one fold, then exit (tests, or cron every minute)

Each fold also recomputes "Most read" (readership/ranking.py), so the site's list is at
most a minute behind the counts. A fold that fails (Redis or the database away) leaves
its counts where they were for the next one: the loop logs one line and carries on,
`--once` logs the same line and exits with status 1.
"""

import logging

import redis
from django.core.management.base import BaseCommand, CommandError

from newsroom.rounds import rounds_arguments, rounds_run
from readership.folding import readership_fold
from readership.ranking import most_read_refresh

logger = logging.getLogger(__name__)
REDIS_AWAY = "Readership: no fold, Redis cannot be reached (%s); the counts it holds wait for the next fold."


class Command(BaseCommand):
    help = "Fold readership counts from Redis into the database, each minute."

    def add_arguments(self, parser):
        rounds_arguments(parser, interval=60.0, round_name="fold")

    def handle(self, *args, once, interval, verbosity, **options):
        if once:
            if not self.round(verbosity):
                raise CommandError("The readership fold failed (see the log line above).")
            return
        if verbosity:
            self.stdout.write(f"Readership: a fold every {interval:g} s; SIGTERM or Ctrl-C stops it.")
        rounds_run(lambda: self.round(verbosity), interval=interval, failed="Readership: a round failed.")

    def round(self, verbosity: int = 1) -> bool:
        """One fold and "Most read"; False (and one log line) if it failed."""
        try:
            result = readership_fold()
            most_read_refresh()
        except redis.RedisError as error:
            logger.error(REDIS_AWAY, error)
            return False
        except Exception:
            logger.exception("Readership: a fold failed; its counts wait in Redis for the next one.")
            return False
        if verbosity > 1 or (verbosity and (result.views or result.dropped)):
            views = f"{result.views} view{'' if result.views == 1 else 's'}"
            self.stdout.write(f"Folded {views} ({result.dropped} not public).")
        return True
