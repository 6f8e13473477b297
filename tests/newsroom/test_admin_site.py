"""The admin's index and navigation list the newsroom's work first, each role seeing only its own apps."""

import pytest
from django.contrib import admin

from newsroom.admin import NewsroomAdminSite
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEWSROOM = ["Article", "Section", "Source", "Author", "Tag"]


def listed(client, user, url="/admin/"):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    apps = [
        (app["app_label"], [m["object_name"] for m in app["models"]]) for app in response.context["app_list"]
    ]
    sidebar = [app["app_label"] for app in response.context["available_apps"]]
    return apps, sidebar, response.content.decode()


def test_the_admin_site_is_the_newsrooms():
    assert isinstance(admin.site, NewsroomAdminSite)


def test_an_editor_sees_stories_first_then_the_desks_built_on_them(client):
    apps, sidebar, page = listed(client, UserFactory(role="Editor"))
    assert [label for label, _ in apps] == [
        "articles",
        "comments",
        "subscriptions",
        "wordpress",
        "flatpages",
        "auth",
    ]
    assert sidebar == [label for label, _ in apps]
    assert apps[0][1] == NEWSROOM
    assert "Taggit" not in page and "TAGGIT" not in page
    assert page.index(">Stories</a>") < page.index(">Tags</a>") < page.index(">Comments</a>")


def test_a_reporter_sees_only_the_newsroom_with_its_tags(client):
    apps, sidebar, _ = listed(client, UserFactory(role="Reporter"))
    assert apps == [("articles", NEWSROOM)]
    assert sidebar == ["articles"]


def test_a_moderator_sees_only_comments(client):
    apps, sidebar, _ = listed(client, UserFactory(role="Moderator"))
    assert [label for label, _ in apps] == ["comments"]
    assert sidebar == ["comments"]
    assert client.get("/admin/articles/").status_code == 404


def test_apps_the_newsroom_does_not_name_come_last_in_djangos_order(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    apps = client.get("/admin/").context["app_list"]
    labels = [app["app_label"] for app in apps]
    assert labels[:6] == ["articles", "comments", "subscriptions", "wordpress", "flatpages", "auth"]
    assert "taggit" not in labels and len(labels) > 6
    rest = [app["name"].lower() for app in apps[6:]]
    assert rest == sorted(rest)


def test_the_newsrooms_page_lists_its_tags_and_the_tags_page_says_tags(client):
    editor = UserFactory(role="Editor")
    apps, _, page = listed(client, editor, "/admin/articles/")
    assert apps == [("articles", NEWSROOM)]
    assert "Newsroom administration" in page
    page = client.get("/admin/taggit/tag/").content.decode()
    assert '<a href="/admin/taggit/">Tags</a>' in page and "Taggit" not in page
