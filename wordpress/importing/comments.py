"""WordPress comments, stored as they are: no confirmation mail, no notifications, no hold rules.

The comments app's services would mail and apply rules; an import only records
what WordPress had, so comments are saved directly and each story's count is
recomputed once at the end (`comments.services.comments_recount`).
"""

import re

from django.conf import settings
from django.utils import timezone

from articles.models import Article
from comments.models import Comment, HoldReason
from newsroom.security import valid_ip

from .. import content, wxr
from ..models import ImportedObject
from .authors import valid_email
from .tally import fingerprint

_URL = re.compile(r"^https?://[^\s]+$", re.I)


def _state(approved: str | None) -> dict:
    if approved == "1":
        return {"is_public": True, "is_removed": False, "is_spam": False, "hold_reasons": []}
    if approved == "spam":
        return {"is_public": False, "is_removed": True, "is_spam": True, "hold_reasons": []}
    # "0" (pending), or no approval status at all: a moderator decides
    return {"is_public": False, "is_removed": False, "is_spam": False, "hold_reasons": [HoldReason.IMPORTED]}


def _parents_first(comments: list[wxr.Comment]):
    """The comments in an order where each parent comes before its replies, whatever the export's order."""
    waiting = list(comments)
    known_ids = {c.wp_id for c in waiting if c.wp_id}
    placed: set[int] = set()
    while waiting:
        ready = [c for c in waiting if not c.parent or c.parent in placed or c.parent not in known_ids]
        if not ready:  # a loop of parents: break it at the oldest
            ready = waiting[:1]
        for comment in ready:
            waiting.remove(comment)
            placed.add(comment.wp_id)
            yield comment


class CommentsMixin:
    """Comments of an imported story, threaded as in WordPress. Needs the Importer's bookkeeping."""

    def comments(self, item: wxr.Item, item_key: str, article: Article) -> None:
        kept = []
        for position, comment in enumerate(item.comments):
            if comment.type in ("pingback", "trackback"):
                self.tally.skip("comments", f"{comment.type}s")
            elif comment.approved in ("trash", "post-trashed"):
                self.tally.skip("comments", "in the trash")
            else:
                # Old exports may give no comment id: the comment is then known by its place in its post.
                kept.append((comment, str(comment.wp_id) if comment.wp_id else f"{item_key}#{position}"))
        keys = {id(comment): key for comment, key in kept}
        in_order = sorted((c for c, _ in kept), key=lambda c: (c.date_gmt or timezone.now(), c.wp_id))
        placed: dict[int, int] = {}  # WordPress comment id -> our comment pk
        for comment in _parents_first(in_order):
            parent_pk = placed.get(comment.parent, 0)
            if comment.parent and not parent_pk:
                self.tally.notes["comments whose parent was not imported, shown as new threads"] += 1
            pk = self._comment(comment, keys[id(comment)], article, parent_pk)
            if comment.wp_id:
                placed[comment.wp_id] = pk
        self.touched_articles.add(article.pk)

    def _comment(self, comment: wxr.Comment, key: str, article: Article, parent_pk: int) -> int:
        if comment.approved not in ("1", "0", "spam"):
            self.tally.notes["comments without an approval status, held for moderation"] += 1
        fields = {
            "user_name": (comment.author or "Anonymous")[:50],
            "user_email": comment.email[:254] if valid_email(comment.email) else "",
            "user_url": comment.url[:200] if _URL.match(comment.url) else "",
            "comment": content.comment_text(comment.content) or "(empty)",
            "submit_date": comment.date_gmt,
            "ip_address": valid_ip(comment.ip),
            **_state(comment.approved),
        }
        print_ = fingerprint(fields)
        record, existing = self.target(ImportedObject.Kind.COMMENT, key, Comment)
        if existing is not None and record.fingerprint == print_:
            self.tally.count("comments", "unchanged")
            return existing.pk
        outcome = "created" if existing is None else "updated"
        if fields["submit_date"] is None:  # an undated comment keeps the time it was first imported
            fields["submit_date"] = existing.submit_date if existing else timezone.now()
        existing = existing or Comment(
            content_type=self.article_type,
            object_pk=str(article.pk),
            site_id=settings.SITE_ID,
            parent_id=parent_pk,
            followup=False,
        )
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save()
        self.remember(ImportedObject.Kind.COMMENT, key, existing, print_, record)
        self.tally.count("comments", outcome)
        return existing.pk
