def test_the_admin_calls_an_article_a_story(editor_client):
    index = editor_client.get("/admin/")
    assert index.status_code == 200
    page = index.content.decode()
    assert 'href="/admin/articles/article/">Stories</a>' in page and "Articles" not in page
    assert "<title>Add story |" in editor_client.get("/admin/articles/article/add/").content.decode()
    assert "Select story to change" in editor_client.get("/admin/articles/article/").content.decode()


def test_the_permissions_editors_are_granted_say_story(db):
    from django.contrib.auth.models import Permission

    names = set(Permission.objects.filter(codename__endswith="_article").values_list("name", flat=True))
    assert names == {"Can add story", "Can change story", "Can delete story", "Can view story",
                     "Can publish, schedule and unpublish stories"}  # fmt: skip
