"""The WordPress Theme Unit Test data (WordPress.org's community test content), imported whole.

Expected numbers are read from the XML here with ElementTree, independently of
the importer's own parser, wherever the export states them.
"""

import io
import xml.etree.ElementTree as ET
from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.contrib.flatpages.models import FlatPage
from django.core.management import call_command

from articles.models import Article
from comments.models import Comment
from wordpress.models import ImportedObject, OldAddress

from .conftest import THEME_DATA, import_wordpress, summary_row

pytestmark = pytest.mark.django_db

WP = "{https://wordpress.org/export/1.2/}"


def exported_items():
    return ET.parse(THEME_DATA).getroot().iter("item")  # noqa: S314 (our own fixture)


def text(element, name):
    return (element.findtext(WP + name) or "").strip()


def test_counts_after_import():
    output = import_wordpress(THEME_DATA)
    statuses = Counter(text(i, "status") for i in exported_items() if text(i, "post_type") == "post")
    assert statuses == {"publish": 56, "future": 1, "draft": 1}
    assert summary_row(output, "stories") == (58, 0, 0, 0)
    assert summary_row(output, "pages") == (20, 0, 0, 1)
    assert "pages: 1 address /about/ is already a site page (--replace-pages replaces it)" in output
    assert summary_row(output, "authors") == (3, 0, 0, 0)  # two listed, one only named as a post's creator
    assert summary_row(output, "comments") == (24, 0, 0, 9)
    assert summary_row(output, "other items") == (0, 0, 0, 70)
    assert "comments: 2 pingbacks" in output and "comments: 2 trackbacks" in output
    assert "comments: 5 on a page (site pages have no comments)" in output
    assert "other items: 70 WordPress internals 'nav_menu_item'" in output
    assert "37 attachments read" in output
    assert Article.objects.filter(status=Article.Status.PUBLISHED).count() == 57
    assert Article.objects.published().count() == 56
    assert Article.objects.scheduled().count() == 1
    assert Article.objects.filter(status=Article.Status.DRAFT).count() == 1
    assert FlatPage.objects.filter(url="/about/").get().title == "About us"  # Newsroom's own, kept
    assert Comment.objects.count() == 24


def test_comment_threads_have_wordpress_shape():
    import_wordpress(THEME_DATA)
    ours = {
        int(record.wp_key): int(record.object_id)
        for record in ImportedObject.objects.filter(kind=ImportedObject.Kind.COMMENT)
    }
    comments = Comment.objects.in_bulk(list(ours.values()))
    checked = 0
    for item in exported_items():
        if text(item, "post_type") != "post":
            continue
        for wp_comment in item.iter(WP + "comment"):
            if text(wp_comment, "comment_type") in ("pingback", "trackback"):
                continue
            wp_id, wp_parent = int(text(wp_comment, "comment_id")), int(text(wp_comment, "comment_parent"))
            comment = comments[ours[wp_id]]
            expected_parent = ours[wp_parent] if wp_parent else comment.pk
            assert comment.parent_id == expected_parent, f"comment {wp_id}"
            checked += 1
    assert checked == 24
    assert max(c.level for c in comments.values()) == 9  # ten deep, as in WordPress


def test_deep_threads_show_on_the_story_page(client):
    import_wordpress(THEME_DATA)
    article = Article.objects.get(headline="Template: Comments")
    assert article.comment_count == 19
    page = client.get(article.get_absolute_url()).content.decode()
    for comment in Comment.objects.for_story(article).visible():
        assert f'id="c{comment.pk}"' in page
    assert "in reply to" in page  # levels past COMMENTS_MAX_DEPTH sit flat, saying whom they answer


def test_every_permalink_and_short_link_redirects(client):
    import_wordpress(THEME_DATA)
    ids = {int(r.wp_key): int(r.object_id) for r in ImportedObject.objects.filter(kind="post")}
    articles = Article.objects.in_bulk(list(ids.values()))
    checked = 0
    for item in exported_items():
        if text(item, "post_type") != "post":
            continue
        article = articles[ids[int(text(item, "post_id"))]]
        path = urlsplit(item.findtext("link")).path
        for old in (path, f"/?p={text(item, 'post_id')}"):
            response = client.get(old)
            if article.is_public:
                assert (response.status_code, response["Location"]) == (301, article.get_absolute_url()), old
                checked += 1
            else:  # the draft and the scheduled story are not public yet
                assert response.status_code == 404 or "Location" not in response, old
    assert checked == 2 * 56
    pretty = [i for i in exported_items() if text(i, "post_type") == "post" and "?" not in i.findtext("link")]
    assert OldAddress.objects.filter(article__isnull=False).count() == 58 + len(pretty)


def test_redirect_follows_the_story_to_its_new_address(client):
    import_wordpress(THEME_DATA)
    article = Article.objects.get(headline="Markup: HTML Tags and Formatting")
    article.slug = "html-tags"
    article.save()
    response = client.get("/2013/01/11/markup-html-tags-and-formatting/")
    assert response.status_code == 301
    assert response["Location"].endswith("/html-tags/")


def test_pages_keep_their_addresses(client):
    import_wordpress(THEME_DATA)
    response = client.get("/level-1/level-2/level-3/")
    assert response.status_code == 200
    assert "<h1>Level 3</h1>" in response.content.decode()
    page_id = ImportedObject.objects.get(
        kind="page", object_id=FlatPage.objects.get(url="/level-1/").pk
    ).wp_key
    response = client.get(f"/?page_id={page_id}")
    assert (response.status_code, response["Location"]) == (301, "/level-1/")


def test_second_import_changes_nothing():
    import_wordpress(THEME_DATA)
    counts = [
        Article.objects.count(),
        Comment.objects.count(),
        FlatPage.objects.count(),
        OldAddress.objects.count(),
    ]
    output = import_wordpress(THEME_DATA)
    assert summary_row(output, "stories") == (0, 0, 58, 0)
    assert summary_row(output, "comments") == (0, 0, 24, 9)
    assert summary_row(output, "pages") == (0, 0, 20, 1)
    assert [
        Article.objects.count(),
        Comment.objects.count(),
        FlatPage.objects.count(),
        OldAddress.objects.count(),
    ] == counts


def test_replace_pages_lets_the_wordpress_about_page_take_over(client):
    newsroom_about = FlatPage.objects.get(url="/about/")
    output = import_wordpress(THEME_DATA, "--replace-pages")
    assert summary_row(output, "pages") == (20, 1, 0, 0)
    about = FlatPage.objects.get(url="/about/")
    assert about.pk == newsroom_about.pk and about.title == "About The Tests"
    assert client.get("/about/").status_code == 200


def test_into_the_demo_newsroom(client):
    call_command("load_demo", picture_width=240, stdout=io.StringIO())  # small drawings: quick
    demo_stories = Article.objects.count()
    output = import_wordpress(THEME_DATA)
    assert summary_row(output, "stories") == (58, 0, 0, 0)
    assert Article.objects.count() == demo_stories + 58
    assert "pages: 1 address /about/ is already a site page" in output
    section = client.get("/section/classic/")
    assert section.status_code == 200
    assert "Template: Comments" in section.content.decode()
