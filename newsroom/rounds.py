"""The loop of a long-running management command: one round every N seconds until SIGTERM or Ctrl-C.

The newsletter scheduler and the readership fold run this way (or once a minute from cron
with `--once`). A round that raises is logged and the next one comes on time: a restarted
database or Redis is no reason to stop, and the connections are closed before each round
as the task worker does, so a database that went away is reconnected to.
"""

import logging
import signal
import threading
from collections.abc import Callable

from django.db import close_old_connections

logger = logging.getLogger(__name__)


def rounds_arguments(parser, *, interval: float, round_name: str) -> None:
    """The commands' two options: --once (cron's way) and --interval (seconds between rounds)."""
    parser.add_argument("--once", action="store_true", help=f"Run one {round_name} and exit.")
    parser.add_argument(
        "--interval",
        type=float,
        default=interval,
        help=f"Seconds between {round_name}s (default {interval:g}).",
    )


def rounds_run(round_: Callable[[], object], *, interval: float, failed: str) -> None:
    """Call `round_` every `interval` seconds until SIGTERM or SIGINT; log `failed` when it raises."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    while not stop.is_set():
        close_old_connections()
        try:
            round_()
        except Exception:
            logger.exception(failed)
        stop.wait(interval)
