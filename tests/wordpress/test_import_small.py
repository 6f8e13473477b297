"""Importing a small export written for these tests: every status, quirk and kind, counted exactly."""

import pytest
from django.contrib.flatpages.models import FlatPage
from django.core.files.storage import default_storage
from taggit.models import Tag

from articles.models import Article, Author, Section
from comments.models import Comment
from wordpress.models import ImportedObject, OldAddress

from .conftest import OLD_WXR, SMALL, SMALL_V2, import_wordpress, summary_row

pytestmark = pytest.mark.django_db


def story(slug):
    return Article.objects.get(slug=slug)


def comments_of(article):
    return {c.user_name: c for c in Comment.objects.for_story(article)}


def test_summary_counts_every_kind(media_dir):
    output = import_wordpress(SMALL, "--media-dir", str(media_dir))
    assert summary_row(output, "authors") == (2, 0, 0, 0)
    assert summary_row(output, "sections") == (3, 0, 0, 1)
    assert summary_row(output, "tags") == (3, 0, 0, 1)
    assert summary_row(output, "stories") == (6, 0, 0, 3)
    assert summary_row(output, "pages") == (1, 0, 0, 1)
    assert summary_row(output, "comments") == (9, 0, 0, 5)
    assert summary_row(output, "images") == (2, 0, 0, 1)
    assert summary_row(output, "old addresses") == (11, 0, 0, 0)
    assert summary_row(output, "other items") == (0, 0, 0, 2)
    for reason in [
        "stories: 1 private (visible only to its author in WordPress)",
        "stories: 1 in the trash",
        "stories: 1 an unsaved auto-draft",
        "comments: 1 pingbacks",
        "comments: 1 trackbacks",
        "comments: 1 in the trash",
        "comments: 1 on a post that was not imported",
        "comments: 1 on a 'product' item",
        "other items: 1 custom post type 'product'",
        "other items: 1 WordPress internals 'nav_menu_item'",
        "pages: 1 draft (only published pages become site pages)",
        "1 comments without an approval status, held for moderation",
    ]:
        assert reason in output
    assert "https://cdn.elsewhere.example/tracker.gif" in output  # named as missing
    assert Article.objects.count() == 6
    assert Comment.objects.count() == 9
    assert Author.objects.count() == 2


def test_statuses_and_dates_follow_wordpress():
    import_wordpress(SMALL)
    assert story("cranes-arrive").is_public
    assert story("cranes-arrive").published_at.isoformat() == "2024-03-05T08:30:00+00:00"
    draft = story("a-draft-about-feeder-lines")
    assert (draft.status, draft.published_at) == (Article.Status.DRAFT, None)
    assert story("dredging-bill").status == Article.Status.IN_REVIEW
    assert story("new-terminal-opens").is_scheduled
    assert not Article.objects.filter(headline__in=["Private notes", "Binned story", "Auto Draft"]).exists()


def test_sections_tags_and_byline():
    import_wordpress(SMALL)
    cranes = story("cranes-arrive")
    assert cranes.section.name == "Ports"  # the first category
    assert sorted(cranes.tags.names()) == [
        "Terminals",
        "cranes",
        "labour",
    ]  # the other categories and the tags
    assert [a.name for a in cranes.authors.all()] == ["Aisha Rahman"]
    assert story("feeder-services").section.name == "Shipping & Lines"  # entity decoded once
    assert story("cafe-talk").section.name == "Uncategorized"  # no category at all
    assert set(Section.objects.values_list("slug", flat=True)) == {"ports", "shipping", "uncategorized"}
    assert not Tag.objects.filter(name="unused tag").exists()


def test_quirks_item_without_post_type_html_entity_and_flags():
    import_wordpress(SMALL)
    cafe = story("cafe-talk")  # no <wp:post_type>: a post; &eacute; outside CDATA
    assert cafe.headline == "Café talk at the quay"
    assert (
        cafe.body == "<p>No category and no post_type.</p>\n<p>Second paragraph,<br>\nwith a line break.</p>"
    )
    cranes = story("cranes-arrive")
    assert cranes.headline == "Cranes ’arrive’ at Kembang"
    assert cranes.standfirst == "Six cranes & a month of commissioning."
    feeder = story("feeder-services")
    assert feeder.is_featured  # sticky
    assert not feeder.comments_open  # comment_status closed


def test_body_is_cleaned_sanitised_and_points_at_our_files(media_dir):
    import_wordpress(SMALL, "--media-dir", str(media_dir))
    body = story("cranes-arrive").body
    assert "<script" not in body and "onerror" not in body and "alert" not in body
    assert "cdn.elsewhere.example" not in body  # a third-party picture is not kept
    assert '<img src="/media/wordpress/2024/03/crane.jpg" alt="The crane on its barge"' in body
    assert '<a href="/media/wordpress/2024/03/crane.jpg"' in body  # the full-size link too
    assert "<figcaption>The crane on its barge off the breakwater.</figcaption>" in body
    assert 'href="/2024/02/01/berths-dredged/"' in body  # a link to the old site becomes local
    assert default_storage.exists("wordpress/2024/03/crane.jpg")
    feeder = story("feeder-services").body
    assert "wp:" not in feeder and "[gallery" not in feeder
    assert '<a href="https://video.example.org/v/1"' in feeder


def test_featured_image_with_alt_text_and_renditions(media_dir):
    import_wordpress(SMALL, "--media-dir", str(media_dir))
    cranes = story("cranes-arrive")
    assert cranes.lead_image.name == "wordpress/2024/03/crane-lead.jpg"
    assert cranes.lead_image_alt == "A crane unloading containers"
    assert cranes.lead_image_caption == "Photo: Port of Kembang"
    assert {r["width"] for r in cranes.lead_image_renditions} == {480, 960, 1200}


def test_without_the_media_folder_images_are_recorded_as_missing():
    output = import_wordpress(SMALL)
    assert summary_row(output, "images") == (0, 0, 0, 3)
    assert "https://harbour.example.com/wp-content/uploads/2024/03/crane-lead.jpg" in output
    cranes = story("cranes-arrive")
    assert not cranes.lead_image
    assert "<img" not in cranes.body and "<figcaption>The crane on its barge" in cranes.body


def test_comment_statuses_threads_and_details():
    import_wordpress(SMALL)
    comments = comments_of(story("cranes-arrive"))
    assert sorted(comments) == sorted(
        [
            "Farah Idris",
            "Wei Jie Tan",
            "Nadia First",
            "Lead Seller",
            "Old Importer",
            "Mai Nguyen",
            "Henrik & Co",
        ]
    )  # fmt: skip (Farah and Wei Jie wrote two each)
    by_text = {c.comment: c for c in Comment.objects.all()}
    top = by_text["Good news for the night shift."]
    reply = by_text["Six cranes, or six by 2026?"]
    reply2 = by_text["Six by the end of the year, the port says."]
    reply3 = by_text["We'll see."]
    assert (reply.parent_id, reply2.parent_id, reply3.parent_id) == (top.pk, reply.pk, reply2.pk)
    assert [c.level for c in (top, reply, reply2, reply3)] == [0, 1, 2, 3]
    assert {c.thread_id for c in (top, reply, reply2, reply3)} == {top.pk}
    assert by_text["Will they be remote-operated?"].status == "held"
    assert by_text["Will they be remote-operated?"].hold_reasons == ["imported"]
    assert by_text["Buy shipper leads!"].status == "spam"
    assert by_text["A comment with no approval status."].status == "held"
    orphan = by_text["Replying to a comment that is gone."]  # its parent was in the trash
    assert (orphan.parent_id, orphan.level, orphan.status) == (orphan.pk, 0, "visible")
    henrik = comments["Henrik & Co"]
    assert henrik.comment == "See the report (https://example.org/report) & page 4.\nThanks."
    assert (henrik.user_email, henrik.ip_address) == ("", None)  # invalid address and IP dropped
    assert top.submit_date.isoformat() == "2024-03-05T10:00:00+00:00"
    assert (top.user_email, top.ip_address) == ("farah@example.net", "192.0.2.7")
    assert story("cranes-arrive").comment_count == 6  # the visible ones


def test_page_becomes_a_site_page_with_its_address():
    import_wordpress(SMALL)
    page = FlatPage.objects.get(url="/about-us/")
    assert page.title == "About the Harbour Times"
    assert page.content == "<p>We cover ports.</p>\n<p>Founded in 2020.</p>"


def test_importing_the_same_export_again_changes_nothing(media_dir):
    import_wordpress(SMALL, "--media-dir", str(media_dir))
    before = {
        model.__name__: sorted(model.objects.values_list("pk", flat=True))
        for model in (Article, Comment, Author, Section, Tag, FlatPage, OldAddress, ImportedObject)
    }
    bodies = dict(Article.objects.values_list("pk", "body"))
    output = import_wordpress(SMALL, "--media-dir", str(media_dir))
    assert summary_row(output, "stories") == (0, 0, 6, 3)
    assert summary_row(output, "comments") == (0, 0, 9, 5)
    assert summary_row(output, "authors") == (0, 0, 2, 0)
    assert summary_row(output, "pages") == (0, 0, 1, 1)
    assert summary_row(output, "old addresses") == (0, 0, 11, 0)
    after = {
        model.__name__: sorted(model.objects.values_list("pk", flat=True))
        for model in (Article, Comment, Author, Section, Tag, FlatPage, OldAddress, ImportedObject)
    }
    assert after == before
    assert dict(Article.objects.values_list("pk", "body")) == bodies


def test_a_newer_export_updates_what_changed():
    import_wordpress(SMALL)
    pk = story("cranes-arrive").pk
    output = import_wordpress(SMALL_V2)
    assert summary_row(output, "stories") == (0, 1, 5, 3)
    assert summary_row(output, "comments") == (1, 1, 8, 5)
    updated = Article.objects.get(pk=pk)
    assert updated.headline == "Cranes arrive at Kembang, a week late"
    assert Article.objects.count() == 6
    by_text = {c.comment: c for c in Comment.objects.all()}
    assert by_text["Will they be remote-operated?"].status == "visible"  # approved since
    new = by_text["Second crane spotted today."]
    assert new.parent_id == by_text["Good news for the night shift."].pk
    assert updated.comment_count == 8


def test_dry_run_saves_nothing(media_dir):
    output = import_wordpress(SMALL, "--dry-run", "--media-dir", str(media_dir))
    assert summary_row(output, "stories") == (6, 0, 0, 3)
    assert "Dry run: nothing was saved" in output
    assert Article.objects.count() == Comment.objects.count() == ImportedObject.objects.count() == 0
    assert not default_storage.exists("wordpress/2024/03/crane.jpg")


def test_create_users_makes_inactive_accounts_for_authors():
    from django.contrib.auth import get_user_model

    output = import_wordpress(SMALL, "--create-users")
    assert summary_row(output, "users") == (2, 0, 0, 0)
    aisha = Author.objects.get(name="Aisha Rahman").user
    assert (aisha.username, aisha.email, aisha.is_active, aisha.has_usable_password()) == (
        "aisha", "aisha@harbour.example.com", False, False,
    )  # fmt: skip
    assert get_user_model().objects.count() == 2


def test_old_wxr_1_1_on_the_http_namespace():
    output = import_wordpress(OLD_WXR)
    assert summary_row(output, "stories") == (1, 0, 0, 0)
    assert summary_row(output, "authors") == (1, 0, 0, 0)  # from dc:creator: the export lists no authors
    tides = story("tides-and-tonnage")
    assert tides.headline == "Tides & tonnage: a look back"
    assert tides.body == "<p>Cargo figures for May.</p>\n<p>Tonnage was up — slightly.</p>"
    assert tides.published_at.isoformat() == "2011-05-30T15:00:00+00:00"  # GMT, not local
    comments = list(Comment.objects.order_by("submit_date"))
    assert [c.status for c in comments] == ["held", "held"]  # no approval status: a moderator decides
    assert comments[1].parent_id == comments[0].pk
