"""The demo's drawn pictures: on most stories, described, stored as an upload is, drawn once."""

import io
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image

from articles.models import Article
from demo import content as demo_content
from demo.illustrations import illustrate, picture_name
from demo.scenes import KINDS, draw

SMALL = 240  # tests draw small pictures, so loading the demo stays quick


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """An empty media folder of the test's own, so files drawn by other tests do not count."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def load_demo(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, picture_width=SMALL, stdout=out)
    return out.getvalue()


def files(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


# ---- the drawings


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_draws_a_3_2_picture_and_says_what_it_shows(kind):
    image, alt = draw("a-story", kind, width=SMALL)

    assert image.size == (SMALL, 160) and image.mode == "RGB"
    colours = image.getcolors(SMALL * 160)
    assert len(colours) >= 20  # a scene of many colours, not a flat field
    assert max(colours)[0] < 0.6 * SMALL * 160  # none of them covering most of it
    assert alt.startswith("Illustration of ") and alt.endswith(".")
    assert len(alt.split()) >= 12 and "image" not in alt.lower()


def test_the_same_slug_draws_the_same_picture_and_another_slug_another():
    first, first_alt = draw("kembang-gateway-opens-deepwater-berths", "port", width=SMALL)
    again, again_alt = draw("kembang-gateway-opens-deepwater-berths", "port", width=SMALL)
    other, _ = draw("lam-son-opens-container-rail-spur", "port", width=SMALL)

    assert first.tobytes() == again.tobytes() and first_alt == again_alt
    assert first.tobytes() != other.tobytes()
    # The words do not depend on the size drawn: a stored picture is described without redrawing it.
    assert draw("kembang-gateway-opens-deepwater-berths", "port", width=16)[1] == first_alt


@pytest.mark.django_db
def test_a_full_size_picture_gets_the_renditions_an_upload_gets(media):
    article = Article(headline="Cranes", slug="cranes", body="<p>Text</p>")
    assert illustrate(article, kind="port", caption="Two new berths.", credit="Illustration: Newsroom demo")
    article.save()
    article.refresh_from_db()

    assert article.lead_image.name == picture_name("cranes") == "articles/demo/1/cranes.jpg"
    assert (article.lead_image_width, article.lead_image_height) == (1600, 1067)
    with Image.open(article.lead_image.path) as original:
        assert original.format == "JPEG"
    made = {(r["width"], r["height"], r["format"]) for r in article.lead_image_renditions}
    assert made == {(w, h, f) for w, h in ((480, 320), (960, 640), (1600, 1067)) for f in ("jpeg", "webp")}
    for rendition in article.lead_image_renditions:
        with default_storage.open(rendition["name"]) as stored, Image.open(stored) as image:
            assert image.size == (rendition["width"], rendition["height"])
            assert image.format == rendition["format"].upper()


# ---- loading the demo


@pytest.mark.django_db
def test_most_stories_get_a_picture_with_alt_caption_and_credit(media):
    output = load_demo()

    assert "pictures   32 drawn,     0 already in media storage" in output
    pictured = Article.objects.exclude(lead_image="")
    assert pictured.count() == len(demo_content.PICTURES) == 32
    assert set(pictured.values_list("slug", flat=True)) == set(demo_content.PICTURES)
    for article in pictured:
        kind, caption = demo_content.PICTURES[article.slug]
        assert article.lead_image_alt == draw(article.slug, kind, width=16)[1]
        assert article.lead_image_caption == caption
        assert article.lead_image_credit == "Illustration: Newsroom demo"
        assert (article.lead_image_width, article.lead_image_height) == (SMALL, 160)
        assert default_storage.exists(article.lead_image.name)
        assert {r["format"] for r in article.lead_image_renditions} == {"jpeg", "webp"}
        assert all(default_storage.exists(r["name"]) for r in article.lead_image_renditions)
    # The reader site shows both: published stories with a picture and without one.
    published = Article.objects.published()
    assert published.exclude(lead_image="").count() >= 20
    assert published.filter(lead_image="").count() >= 3
    assert Article.objects.filter(is_featured=True).exclude(lead_image="").exists()


@pytest.mark.django_db
def test_loading_again_adds_no_files_and_a_fresh_database_reuses_them(media):
    load_demo()
    stored = files(media)
    assert len(stored) == 32 * 3  # each original, and its one rendition (as small as it) twice

    load_demo()
    assert files(media) == stored

    Article.objects.all().delete()  # as if the database were new and MEDIA_ROOT kept
    output = load_demo()
    assert "pictures    0 drawn,    32 already in media storage" in output
    assert files(media) == stored
    assert Article.objects.exclude(lead_image="").count() == 32


@pytest.mark.django_db
def test_a_picture_an_editor_removed_comes_back_only_when_asked(media):
    load_demo()
    article = Article.objects.get(slug="kembang-gateway-opens-deepwater-berths")
    article.lead_image = ""
    article.save()

    load_demo()
    assert not Article.objects.get(pk=article.pk).lead_image

    output = load_demo("--pictures")
    article = Article.objects.get(pk=article.pk)
    assert article.lead_image.name == picture_name(article.slug, SMALL)
    assert article.lead_image_alt and article.lead_image_renditions
    assert "pictures    0 drawn,     1 already in media storage" in output
