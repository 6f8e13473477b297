from django.utils.functional import SimpleLazyObject

from .caching import cached_lookup
from .models import Section


def _menu() -> list[dict]:
    return [
        {"name": section.name, "url": section.get_absolute_url()}
        for section in Section.objects.only("name", "slug").order_by("position", "name")
    ]


def navigation(request):
    """The sections for the site's menu: read once per change to the newsroom, by templates showing it."""
    return {"nav_sections": SimpleLazyObject(lambda: cached_lookup("sections-menu", _menu))}
