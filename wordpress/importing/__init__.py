"""Importing a WordPress export: authors and terms, posts and pages, comments, media (one module each)."""

from .run import Importer, ImportFailed
from .tally import Tally

__all__ = ["ImportFailed", "Importer", "Tally"]
