from .models import Section


def navigation(request):
    """The sections for the site's menu; evaluated only by templates that show it."""
    return {"nav_sections": Section.objects.only("name", "slug").order_by("position", "name")}
