"""A reader's own held comments, shown to them in place on the story page, from a signed address.

After posting (or confirming) a comment that waits for a moderator, the reader is
sent to the story at `?held=<signed ids>#c<id>`, as WordPress does with its
`?unapproved=…&moderation-hash=…`: the comment section then shows those comments
where they will stand, marked "Your comment is awaiting moderation.". Works without
JavaScript and without a cookie on the story page (which would split its caches).

The value is signed with its own salt and lasts HELD_MAX_AGE. Whoever holds the
address sees those comments there until then, and only while they are held. A bad,
altered or expired value shows the page as everyone sees it. The story page carrying
the parameter is neither served from nor stored in any cache (articles/views.py names
it to `cache_for_readers`), so no other reader ever gets this view.
"""

from django.core import signing

PARAMETER = "held"
SALT = "comments.held"
HELD_MAX_AGE = 24 * 3600
MOST = 50  # a confirmation publishes a browser's comments of the last days; more is not a reader's


def held_value(pks) -> str:
    """The signed value of `?held=` naming these comments."""
    return signing.dumps(sorted(set(pks))[:MOST], salt=SALT)


def held_ids(value: str | None) -> frozenset[int]:
    """The comment ids a `?held=` value names, if its signature holds and it is under a day old."""
    if not value or len(value) > 2000:
        return frozenset()
    try:
        ids = signing.loads(value, salt=SALT, max_age=HELD_MAX_AGE)
    except (signing.BadSignature, ValueError):  # ValueError: text no signature could be made of
        return frozenset()
    if not isinstance(ids, list):
        return frozenset()
    return frozenset(pk for pk in ids[:MOST] if type(pk) is int and pk > 0)
