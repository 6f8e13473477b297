"""A story's revisions in the admin: restoring one, recovering a deleted story, comparing two."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
from reversion.models import Version

from .. import services
from ..models import Article
from ..revisions import compare_view

Status = Article.Status


class RevisionsMixin:
    # django-reversion restores a revision first and asks the change form afterwards,
    # keeping the restore whenever that answers with a redirect; so every check is made
    # here, before it starts.

    def revision_view(self, request, object_id, version_id, extra_context=None):
        article = self.get_object(request, unquote(object_id))
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        if not Version.objects.get_for_object(article).filter(pk=version_id).exists():
            raise Http404("No such revision of this story.")
        request.workflow_state = {
            "status": article.status,
            "published_at": article.published_at,
            "revision": article.revision,
        }
        return super().revision_view(request, object_id, version_id, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        """Deleted stories, listed for those who may restore them: editors."""
        if not services.can_publish(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        """Restore a deleted story, as a draft; editors only, and only stories that were deleted."""
        if not services.can_publish(request.user):
            raise PermissionDenied
        if not Version.objects.get_deleted(Article).filter(pk=version_id).exists():
            raise Http404("No deleted story with this revision.")
        request.workflow_state = {"status": Status.DRAFT, "published_at": None}
        return super().recover_view(request, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        for action in getattr(response, "context_data", {}).get("action_list", []):
            action["version_id"] = action["url"].rstrip("/").rsplit("/", 1)[-1]
        return response

    def get_urls(self):
        return [
            path(
                "<int:object_id>/history/compare/",
                self.admin_site.admin_view(compare_view(self)),
                name="articles_article_compare",
            ),
            *super().get_urls(),
        ]
