from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from articles import pages
from newsroom import site_files
from newsroom.admin import view_on_site

admin.site.site_header = f"{settings.SITE_NAME} admin"
admin.site.site_title = f"{settings.SITE_NAME} admin"
admin.site.index_title = "The newsroom"

handler404 = "articles.views.page_not_found"  # the "not found" page suggests the latest stories
handler500 = "newsroom.errors.server_error"  # a database outage is a 503 "try again", not a 500

urlpatterns = [
    # Before the admin's own: its "View on site" answers any member of staff for any object.
    path("", include("readership.urls")),  # first: the beacon is the most frequent request
    path("admin/r/<int:content_type_id>/<path:object_id>/", admin.site.admin_view(view_on_site)),
    path("admin/", admin.site.urls),
    path("favicon.ico", site_files.favicon),
    path("manifest.webmanifest", site_files.web_manifest, name="web-manifest"),
    path("", include("comments.urls")),
    path("", include("subscriptions.urls")),
    path("", include("articles.urls")),
    path("", include("articles.urls_feeds")),
    # Site pages (flatpages) shown safely; any other page address is answered by
    # articles.pages.PageFallbackMiddleware when nothing else is there.
    path("about/", pages.page, {"url": "/about/"}, name="about"),
    path("contact/", pages.page, {"url": "/contact/"}, name="contact"),
    path("privacy/", pages.page, {"url": "/privacy/"}, name="privacy"),
    path("terms/", pages.page, {"url": "/terms/"}, name="terms"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
