"""A moderator's admin front page: the queue in brief (templates/admin/includes/desk_queue.html).

The counts of the queue's tabs (the same three queries as the queue's own), the held comments
counted by why they were held (one query), and the oldest waiting comments with their
stories: a fixed number of queries, whatever the number of comments.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from .admin.counts import tab_counts
from .admin.display import excerpt, stories_of
from .models import Comment, HoldReason


@dataclass
class QueueSummary:
    counts: dict[str, int]
    reasons: list[tuple[str, str, int]]  # (code, label, held comments) for each reason with some
    oldest: list[Comment] = field(default_factory=list)  # each with .story and .excerpt

    @property
    def waiting(self) -> int:
        return self.counts["waiting"]


def queue_summary(*, oldest: int = 5) -> QueueSummary:
    counts = tab_counts()
    by_reason = Comment.objects.held().aggregate(
        **{code: Count("pk", filter=Q(hold_reasons__icontains=f'"{code}"')) for code in HoldReason.values}
    )
    reasons = [(code, label, by_reason[code]) for code, label in HoldReason.choices if by_reason[code]]
    # The two disjoint parts of waiting() (Comment.objects.waiting_count), each from its own index.
    held = list(Comment.objects.held().order_by("submit_date", "pk")[:oldest])
    reported = list(Comment.objects.reported().filter(is_public=True).order_by("submit_date", "pk")[:oldest])
    first = sorted(held + reported, key=lambda comment: (comment.submit_date, comment.pk))[:oldest]
    stories = stories_of(first)
    for comment in first:
        comment.story = stories.get(int(comment.object_pk)) if comment.object_pk.isdigit() else None
        comment.excerpt = excerpt(comment.comment, 90)
    return QueueSummary(counts, reasons, first)
