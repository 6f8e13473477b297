"""The project's settings for two apps it does not own: the admin and taggit."""

from django.contrib.admin.apps import AdminConfig
from taggit.apps import TaggitAppConfig


class NewsroomAdminConfig(AdminConfig):
    """Django's admin, with the newsroom's site (its apps in the newsroom's order) as `admin.site`."""

    default_site = "newsroom.admin.NewsroomAdminSite"


class TagsConfig(TaggitAppConfig):
    """taggit, named as the newsroom says it: "Tags", not "Taggit", in the admin's breadcrumbs."""

    verbose_name = "Tags"
