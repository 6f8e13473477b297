from django.conf import settings
from django.contrib import admin
from django.contrib.flatpages import views as flatpage_views
from django.urls import include, path

from newsroom.admin import view_on_site

admin.site.site_header = f"{settings.SITE_NAME} admin"
admin.site.site_title = f"{settings.SITE_NAME} admin"
admin.site.index_title = "The newsroom"

handler500 = "newsroom.errors.server_error"  # a database outage is a 503 "try again", not a 500

urlpatterns = [
    # Before the admin's own: its "View on site" answers any member of staff for any object.
    path("admin/r/<int:content_type_id>/<path:object_id>/", admin.site.admin_view(view_on_site)),
    path("admin/", admin.site.urls),
    path("", include("comments.urls")),
    path("", include("subscriptions.urls")),
    path("", include("articles.urls")),
    path("", include("articles.urls_feeds")),
    path("about/", flatpage_views.flatpage, {"url": "/about/"}, name="about"),
    path("contact/", flatpage_views.flatpage, {"url": "/contact/"}, name="contact"),
    path("privacy/", flatpage_views.flatpage, {"url": "/privacy/"}, name="privacy"),
    path("terms/", flatpage_views.flatpage, {"url": "/terms/"}, name="terms"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
