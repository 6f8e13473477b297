"""Which item is which: exports without post ids, and post ids that come twice."""

import pytest

from articles.models import Article
from comments.models import Comment

from .conftest import import_wordpress, summary_row

pytestmark = pytest.mark.django_db

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.0/">
<channel><title>Old Quay</title><link>http://oldquay.example.org</link>
"""


def export(tmp_path, *items: str) -> str:
    path = tmp_path / "export.xml"
    path.write_text(HEAD + "".join(items) + "</channel></rss>\n", encoding="utf-8")
    return path


def item(title: str, slug: str, *, post_id: int | None = None, guid: str = "", comment: str = "") -> str:
    return (
        f"<item><title>{title}</title><link>http://oldquay.example.org/{slug}/</link>"
        + (f'<guid isPermaLink="false">{guid}</guid>' if guid else "")
        + "<dc:creator>desk</dc:creator>"
        f"<content:encoded><![CDATA[About {title}.]]></content:encoded>"
        + (f"<wp:post_id>{post_id}</wp:post_id>" if post_id is not None else "")
        + "<wp:post_date_gmt>2009-04-01 10:00:00</wp:post_date_gmt>"
        f"<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
        + (
            f"<wp:comment><wp:comment_author>Pete</wp:comment_author><wp:comment_content>{comment}"
            "</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>"
            if comment
            else ""
        )
        + "</item>\n"
    )


def test_items_without_post_ids_each_become_a_story(tmp_path):
    path = export(
        tmp_path,
        item("Tides", "tides", guid="http://oldquay.example.org/?p=1", comment="High ones."),
        item("Cranes", "cranes", guid="http://oldquay.example.org/?p=2", comment="Tall ones."),
        item("Ferries", "ferries", comment="Late ones."),  # not even a guid
    )
    output = import_wordpress(path)
    assert summary_row(output, "stories") == (3, 0, 0, 0)
    assert sorted(Article.objects.values_list("headline", flat=True)) == ["Cranes", "Ferries", "Tides"]
    comments = {c.comment: c.object_pk for c in Comment.objects.all()}
    assert comments == {
        "High ones.": str(Article.objects.get(slug="tides").pk),
        "Tall ones.": str(Article.objects.get(slug="cranes").pk),
        "Late ones.": str(Article.objects.get(slug="ferries").pk),
    }
    # Found again the next time: nothing duplicated, nothing changed.
    again = import_wordpress(path)
    assert summary_row(again, "stories") == (0, 0, 3, 0)
    assert summary_row(again, "comments") == (0, 0, 3, 0)
    assert Article.objects.count() == 3


def test_a_repeated_post_id_is_taken_once_the_first_time_and_reported(tmp_path):
    path = export(
        tmp_path,
        item("Tides", "tides", post_id=7),
        item("Cranes", "cranes", post_id=8),
        item("Tides, again", "tides-again", post_id=7, comment="Lost."),
    )
    output = import_wordpress(path)
    assert summary_row(output, "stories") == (2, 0, 0, 1)
    assert "Skipped:" in output and "  stories: 1 repeated post id 7\n" in output
    assert "comments: 1 on a repeated item" in output
    assert sorted(Article.objects.values_list("headline", flat=True)) == ["Cranes", "Tides"]
    assert not Comment.objects.exists()
    again = import_wordpress(path)
    assert summary_row(again, "stories") == (0, 0, 2, 1)
    assert Article.objects.get(slug="tides").headline == "Tides"
