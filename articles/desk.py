"""The admin's front page as each role's desk: what waits for them, as short lists (pure queries).

`desk_for(user, now=None)` answers what templates/admin/index.html shows:
- editors (who may publish; superusers too): stories in review, oldest first; the schedule,
  soonest first, with any story whose time passed while it cannot be shown; their own drafts;
  and the stories published last, with their corrections;
- reporters: their drafts, the ones an editor sent back, theirs waiting in review, and theirs
  published (or scheduled);
- anyone else (moderators): no story panels. Their queue, and the editors' "comments waiting",
  come from the comments app's template tags: articles knows nothing of comments.

A reporter's panels hold only stories they created. Each panel costs one query for its rows,
and one aggregate counts every panel, so the page costs the same whatever the number of stories.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Trim
from django.urls import reverse
from django.utils import timezone

from .editing import display_name
from .models import NEWEST_FIRST, Article, Correction
from .services import can_publish

Status = Article.Status
ROWS = 8  # a panel lists this many; "all N" leads to the rest
# A story whose time passed while it could not be shown stays flagged this long.
OVERDUE_WINDOW = timedelta(days=7)


@dataclass
class Row:
    story: Article
    when: datetime | None = None  # what the panel dates the story by
    reporter: str = ""
    problems: list[str] = field(default_factory=list)  # why a story past its time is not live
    corrections: int = 0
    corrected_at: datetime | None = None

    @property
    def overdue(self) -> bool:
        return bool(self.problems)


@dataclass
class Panel:
    key: str  # also the rows' partial: admin/includes/desk_row_<key>.html, and the section's id
    title: str
    empty: str  # said when there are no rows
    rows: list[Row] = field(default_factory=list)
    total: int = 0  # of what "all" leads to
    all_url: str = ""
    all_label: str = ""

    template = "admin/includes/desk_panel.html"

    @property
    def row_template(self) -> str:
        return f"admin/includes/desk_row_{self.key}.html"

    @property
    def counted(self) -> bool:
        """Queues show how many wait in them; lists of one's own work do not."""
        return self.key in ("in_review", "scheduled", "sent_back")

    @property
    def more(self) -> bool:
        """Whether the list leaves some out, so the "all N" link is worth showing."""
        return bool(self.all_url) and self.total > len(self.rows)


@dataclass
class Desk:
    role: str  # "editor", "reporter", or "" for someone who handles no stories
    now: datetime
    panels: list[Panel] = field(default_factory=list)

    def panel(self, key: str) -> Panel | None:
        return next((panel for panel in self.panels if panel.key == key), None)


def desk_for(user, now: datetime | None = None) -> Desk:
    """The panels `user`'s admin front page shows, as of `now`."""
    now = now or timezone.now()
    if can_publish(user):
        return Desk("editor", now, editor_panels(user, now))
    if user.is_active and user.has_perm("articles.change_article"):
        return Desk("reporter", now, reporter_panels(user, now))
    return Desk("", now)


# --- what the panels select ---------------------------------------------------------------


def desk_stories() -> QuerySet[Article]:
    """Stories with what a panel row shows: not their body or search vector."""
    return Article.objects.select_related("created_by").defer("body", "search_vector")


def in_review(stories: QuerySet[Article]) -> QuerySet[Article]:
    """Waiting for an editor, the longest waiting first."""
    return (
        stories.filter(status=Status.IN_REVIEW)
        .annotate(waiting_since=Coalesce("status_changed_at", "updated_at"))
        .order_by("waiting_since", "pk")
    )


def cannot_be_shown() -> Q:
    """Article.publication_problems() as a condition: no headline or body, no section, an image without alt.

    Finds the few stories worth asking; the rows say why with publication_problems() itself.
    """
    blank_image_alt = ~Q(lead_image="") & Q(alt_trimmed="")
    return Q(headline_trimmed="") | Q(body_trimmed="") | Q(section=None) | blank_image_alt


def schedule(now: datetime) -> QuerySet[Article]:
    """Published stories still to come, and those whose time passed lately but cannot be shown.

    A published story whose time has come is live by definition (`published()`): nothing has
    to wake up. One that cannot be shown (its section or body removed after it was scheduled)
    is not, so it is listed, soonest (so those past their time) first.
    """
    overdue = Q(published_at__lte=now, published_at__gt=now - OVERDUE_WINDOW) & cannot_be_shown()
    return (
        Article.objects.defer("search_vector")
        .annotate(
            headline_trimmed=Trim("headline"), body_trimmed=Trim("body"), alt_trimmed=Trim("lead_image_alt")
        )
        .filter(Q(published_at__gt=now) | overdue, status=Status.PUBLISHED)
        .order_by("published_at", "pk")
    )


def recently_published(stories: QuerySet[Article], now: datetime) -> QuerySet[Article]:
    """Public stories, newest first, with how many corrections each has and the latest one's time."""
    corrections = Correction.objects.filter(article=OuterRef("pk")).order_by().values("article")
    return (
        stories.published(now)
        .annotate(
            correction_count=Subquery(corrections.annotate(n=Count("pk")).values("n")),
            corrected_last=Subquery(corrections.annotate(last=Max("corrected_at")).values("last")),
        )
        .order_by(*NEWEST_FIRST)
    )


def drafts_of(user) -> QuerySet[Article]:
    return desk_stories().filter(status=Status.DRAFT, created_by=user).order_by("-updated_at", "-pk")


# --- the panels -----------------------------------------------------------------------------


def rows_of(stories, when: str, reporter: bool = False) -> list[Row]:
    return [
        Row(
            story,
            when=getattr(story, when),
            reporter=display_name(story.created_by) if reporter and story.created_by else "",
            corrections=getattr(story, "correction_count", None) or 0,
            corrected_at=getattr(story, "corrected_last", None),
        )
        for story in stories[:ROWS]
    ]


def story_list() -> str:
    return reverse("admin:articles_article_changelist")


def state_url(state: str) -> str:
    """The story list in one state (its StatusFilter's `state`)."""
    return f"{story_list()}?state={state}"


def editor_panels(user, now: datetime) -> list[Panel]:
    live = Q(status=Status.PUBLISHED, published_at__lte=now)
    counts = Article.objects.aggregate(
        in_review=Count("pk", filter=Q(status=Status.IN_REVIEW)),
        scheduled=Count("pk", filter=Q(status=Status.PUBLISHED, published_at__gt=now)),
        drafts=Count("pk", filter=Q(status=Status.DRAFT)),
        live=Count("pk", filter=live),
    )
    scheduled = [Row(story, when=story.published_at) for story in schedule(now)[:ROWS]]
    for row in scheduled:
        if row.when <= now:  # past its time, and found by cannot_be_shown(): say why
            row.problems = row.story.publication_problems()
    return [
        Panel(
            "in_review", "In review", "Nothing in review.",
            rows_of(in_review(desk_stories()), "waiting_since", reporter=True),
            counts["in_review"], state_url("in_review"), f"All {counts['in_review']} in review",
        ),
        Panel(
            "scheduled", "Scheduled", "Nothing scheduled.", scheduled,
            counts["scheduled"], state_url("scheduled"), f"All {counts['scheduled']} scheduled",
        ),
        Panel(
            "drafts", "My drafts", "You have no drafts.", rows_of(drafts_of(user), "updated_at"),
            counts["drafts"], state_url("draft"), f"All {counts['drafts']} drafts",
        ),
        Panel(
            "published", "Recently published", "Nothing published yet.",
            rows_of(recently_published(desk_stories(), now), "published_at"),
            counts["live"], state_url("live"), f"All {counts['live']} published",
        ),
    ]  # fmt: skip


def reporter_panels(user, now: datetime) -> list[Panel]:
    """A reporter's own stories only: drafts, sent back, in review, published."""
    mine = desk_stories().filter(created_by=user)
    drafts = Q(status=Status.DRAFT)
    counts = Article.objects.filter(created_by=user).aggregate(
        drafts=Count("pk", filter=drafts & Q(sent_back_at=None)),
        sent_back=Count("pk", filter=drafts & ~Q(sent_back_at=None)),
        all_drafts=Count("pk", filter=drafts),
        in_review=Count("pk", filter=Q(status=Status.IN_REVIEW)),
        published=Count("pk", filter=Q(status=Status.PUBLISHED)),
    )
    published = mine.filter(status=Status.PUBLISHED).order_by(*NEWEST_FIRST)
    all_drafts = f"All {counts['all_drafts']} of your drafts"
    return [
        Panel(
            "drafts", "My drafts", "You have no drafts.",
            rows_of(drafts_of(user).filter(sent_back_at=None), "updated_at"),
            counts["drafts"], state_url("draft"), all_drafts,
        ),
        Panel(
            "sent_back", "Back from review", "Nothing came back from review.",
            rows_of(mine.filter(drafts, ~Q(sent_back_at=None)).order_by("-sent_back_at"), "sent_back_at"),
            counts["sent_back"], state_url("draft"), all_drafts,
        ),
        Panel(
            "in_review", "In review", "Nothing of yours is in review.",
            rows_of(in_review(mine), "waiting_since"),
            counts["in_review"], state_url("in_review"), f"All {counts['in_review']} in review",
        ),
        Panel(
            "mine_published", "Published", "Nothing of yours is published yet.",
            rows_of(published, "published_at"),
            counts["published"], story_list(), "All your stories",
        ),
    ]  # fmt: skip
