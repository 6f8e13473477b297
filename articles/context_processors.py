from .models import Section


def navigation(request):
    """The sections for the site's menu, read only by a template that shows it (base.html caches it)."""
    return {"nav_sections": Section.objects.only("name", "slug").order_by("position", "name")}
