from django.urls import path

from . import views

app_name = "readership"
urlpatterns = [path("readership/view/", views.view, name="view")]
