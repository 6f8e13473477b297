from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from .models import Article


@never_cache
@staff_member_required
def preview(request, pk: int):
    """A story as a reader would see it, whatever its status; staff only, never cached."""
    article = get_object_or_404(
        Article.objects.select_related("section", "source").prefetch_related(
            "authors", "tags", "corrections"
        ),
        pk=pk,
    )
    if not request.user.has_perm("articles.view_article"):
        raise PermissionDenied
    return render(request, "articles/preview.html", {"article": article, "preview": True})


def home(request):
    """A plain list of the latest public stories; the reader site replaces it."""
    articles = Article.objects.published().select_related("section")[:20]
    return render(request, "home.html", {"articles": articles})
