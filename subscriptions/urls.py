from django.urls import path

from . import views

app_name = "subscriptions"

urlpatterns = [
    path("newsletter/", views.signup, name="signup"),
    path("newsletter/sent/", views.sent, name="sent"),
    path("newsletter/confirm/<str:token>/", views.confirm, name="confirm"),
    path("newsletter/manage/<str:token>/", views.manage, name="manage"),
    path("newsletter/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("newsletter/read/<str:token>/", views.read, name="read"),
]
