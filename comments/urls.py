from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("comments/post/", views.post_comment, name="post"),
    path("comments/<int:pk>/reply/", views.reply, name="reply"),
    path("comments/<int:pk>/report/", views.report, name="report"),
    path("comments/confirm/<str:token>/", views.confirm, name="confirm"),
    path("comments/mute/<str:token>/", views.mute, name="mute"),
]
