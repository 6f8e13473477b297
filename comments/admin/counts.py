"""How many comments stand under each of the queue's tabs: three small queries, whatever the rows.

A comment is in exactly one of four states (models.py): published, held, removed, spam. So
the counts are read where the indexes are (comments/migrations/0006_queue_indexes.py):
- every comment in the scope: one count;
- the held, spam and removed ones: a few thousand, found by the partial indexes on held and
  removed comments, counted per state in one pass;
- the reported ones (an open report, not removed): found from the open reports, counted with
  how many of them are published;
and the rest follows: published = every comment - held - spam - removed; waiting (held or
reported) = held + the reported ones that are published (a held one is counted once).
One pass over all the comments with a condition per tab reads every row of three tables and
asks each whether it has an open report: seconds at 200,000 comments (docs/performance.md).
"""

from django.db.models import Count, Q

from ..models import Comment
from .filters import TABS, scope_condition

Counts = dict[str, int]


def condition(tab: str) -> Q:
    return TABS[tab][1]()


def tab_counts(*, story: str | None = None, section: str | None = None) -> Counts:
    """Every tab's count (and `all`) for a story, a section or the whole site."""
    comments = Comment.objects.filter(scope_condition(story=story, section=section)).order_by()
    everything = comments.count()
    # Each arm of the OR on django_comments' own columns, so that each finds its partial index.
    hidden = comments.filter(condition("held") | Q(is_removed=True)).aggregate(
        **{tab: Count("pk", filter=condition(tab)) for tab in ("held", "spam", "removed")}
    )
    flagged = comments.filter(condition("reported")).aggregate(
        reported=Count("pk"), published=Count("pk", filter=condition("visible"))
    )
    return {
        "all": everything,
        "waiting": hidden["held"] + flagged["published"],
        "reported": flagged["reported"],
        "held": hidden["held"],
        "visible": everything - hidden["held"] - hidden["spam"] - hidden["removed"],
        "spam": hidden["spam"],
        "removed": hidden["removed"],
    }


def counts_for(params) -> Counts:
    """The counts for the scope named in a query string (`story`, `section`), as the queue shows them."""
    return tab_counts(story=params.get("story") or None, section=params.get("section") or None)
