from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("preview/<int:pk>/", views.preview, name="preview"),
]
