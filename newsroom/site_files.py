"""The files browsers ask the site's root for: /favicon.ico and the web app manifest.

Both are made without the database. The manifest is a view rather than a static
file so that it carries the publication's name (SITE_NAME) and the icons' hashed
static addresses.
"""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

ONE_DAY = 60 * 60 * 24
THEME_COLOR = "#ffffff"  # the page's background (--bg in static/css/site.css), light theme
ICONS = [
    ("img/icon-192.png", "192x192", "any"),
    ("img/icon-512.png", "512x512", "any"),
    ("img/icon-maskable-512.png", "512x512", "maskable"),
    ("img/icon.svg", "any", "any"),
]


@require_safe
@cache_control(public=True, max_age=ONE_DAY)
def favicon(request):
    """static/favicon.ico at the address browsers ask for by themselves."""
    path = finders.find("favicon.ico")
    if not path:
        raise Http404("No favicon.ico among the static files.")
    return FileResponse(open(path, "rb"), content_type="image/x-icon")  # FileResponse closes it


@require_safe
@cache_control(public=True, max_age=ONE_DAY)
def web_manifest(request):
    """The web app manifest: the name, icons and colours a phone uses for a saved site."""
    manifest = {
        "name": settings.SITE_NAME,
        "short_name": settings.SITE_NAME,
        "description": f"The latest news from {settings.SITE_NAME}.",
        "lang": "en",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": THEME_COLOR,
        "icons": [
            {
                "src": static(name),
                "sizes": sizes,
                "type": "image/svg+xml" if name.endswith(".svg") else "image/png",
                "purpose": purpose,
            }
            for name, sizes, purpose in ICONS
        ],
    }
    return JsonResponse(manifest, content_type="application/manifest+json")
