from django.urls import path

import newsroom.converters  # noqa: F401 (registers <row_id:>)

from . import views

app_name = "comments"

urlpatterns = [
    path("comments/post/", views.post_comment, name="post"),
    path("comments/<row_id:pk>/reply/", views.reply, name="reply"),
    path("comments/<row_id:pk>/report/", views.report, name="report"),
    path("comments/confirm/<str:token>/", views.confirm, name="confirm"),
    path("comments/mute/<str:token>/", views.mute, name="mute"),
]
