"""How many comments stand under each of the queue's tabs: one aggregate query."""

from django.db.models import Count

from ..models import Comment
from .filters import TABS, scope_condition

Counts = dict[str, int]


def tab_counts(*, story: str | None = None, section: str | None = None) -> Counts:
    """Every tab's count (and `all`) for a story, a section or the whole site, in one query.

    One pass over the comments with a conditional count per tab, rather than a count query
    per tab: the page shows them all, always, and the scan costs the same for six as for one.
    """
    return (
        Comment.objects.filter(scope_condition(story=story, section=section))
        .order_by()
        .aggregate(
            all=Count("pk"), **{key: Count("pk", filter=condition()) for key, (_, condition) in TABS.items()}
        )
    )


def counts_for(params) -> Counts:
    """The counts for the scope named in a query string (`story`, `section`), as the queue shows them."""
    return tab_counts(story=params.get("story") or None, section=params.get("section") or None)
