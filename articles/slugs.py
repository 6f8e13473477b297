"""Slugs: made from a headline or name, never one another row uses (for stories: nor had before)."""

from django.apps import apps
from django.utils.text import slugify


def is_old_slug_of_another(slug: str, pk=None) -> bool:
    """`slug` was the address of a story other than story `pk`: it stays that story's."""
    return apps.get_model("articles", "OldSlug").objects.filter(slug=slug).exclude(article_id=pk).exists()


def unique_slug(model, text: str, *, exclude_pk=None, max_length: int = 200) -> str:
    """A slug for `text` that no other row of `model` uses yet (for stories: nor had before)."""
    base = slugify(text)[: max_length - 5].strip("-") or "story"
    candidate, n = base, 2
    others = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    while others.filter(slug=candidate).exists() or (
        model._meta.label == "articles.Article" and is_old_slug_of_another(candidate, exclude_pk)
    ):
        candidate, n = f"{base}-{n}", n + 1
    return candidate
