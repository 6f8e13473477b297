"""The editors' admin: stories with their workflow (story.py), and the lists they draw on (lists.py)."""

from . import lists, story  # noqa: F401 (each registers its models)
