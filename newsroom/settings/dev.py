"""Development: the embedded SQLite database, mail printed to the console."""

from .base import *  # noqa: F403

DEBUG = True
