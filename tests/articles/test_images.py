"""Uploaded images: what validate_image refuses, and the renditions a saved story gets."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles import models as article_models
from articles.images import validate_image
from articles.models import Article
from tests.articles.helpers import admin_payload, form_errors
from tests.factories import ArticleFactory, SectionFactory

ADD_URL = "/admin/articles/article/add/"
ALT = "Cranes over the container quay at dawn"
EXIF_ORIENTATION = 0x0112


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes its uploads and renditions into a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def image_bytes(fmt: str, size=(64, 48), mode="RGB", **save_kwargs) -> bytes:
    """A small picture with some structure (a gradient), encoded as `fmt`."""
    width, height = size
    gradient = Image.linear_gradient("L").resize((width, height))
    image = Image.merge("RGB", (gradient, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT), gradient))
    if mode != "RGB":
        image = image.convert(mode)
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save_kwargs)
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_declaring_size(width: int, height: int) -> bytes:
    """A real 32×32 PNG whose IHDR chunk claims other dimensions (with a valid CRC)."""
    data = bytearray(image_bytes("PNG", (32, 32)))
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def refused(file) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_image(file)
    return caught.value


def message_of(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- validate_image: what passes ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt", "content_type"),
    [
        ("photo.jpg", "JPEG", "image/jpeg"),
        ("photo.png", "PNG", "image/png"),
        ("photo.webp", "WEBP", "image/webp"),
        ("photo.gif", "GIF", "image/gif"),
    ],
)
def test_valid_images_pass(name, fmt, content_type):
    validate_image(upload(name, image_bytes(fmt, (320, 200)), content_type))


def test_valid_image_of_exactly_the_limits_passes(settings, monkeypatch):
    data = image_bytes("PNG", (100, 100))
    settings.NEWSROOM_IMAGE_MAX_BYTES = len(data)
    settings.NEWSROOM_IMAGE_MAX_PIXELS = 10_000
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)
    settings.NEWSROOM_IMAGE_MIN_SIDE = 100
    validate_image(upload("edge.png", data, "image/png"))


@pytest.mark.parametrize("data", [image_bytes("JPEG", (320, 200)), b"not an image at all"])
def test_validation_leaves_the_file_where_it_was(data):
    file = upload("photo.jpg", data)
    file.seek(5)
    try:
        validate_image(file)
    except ValidationError:
        pass
    assert file.tell() == 5


# --- validate_image: what is refused, and what the editor is told -------------------------

INVALID = "Upload a valid image (JPEG, PNG, WebP or GIF)"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        pytest.param("notes.jpg", b"Minutes of the harbour board meeting.\n" * 20, id="text-as-jpg"),
        pytest.param("empty.jpg", b"", id="empty-file"),
        pytest.param(
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" onload="alert(1)">'
            b'<rect width="100" height="100"/></svg>',
            id="svg",
        ),
        pytest.param(
            "scan.jpg", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n", id="pdf-header"
        ),
        pytest.param("cut.jpg", image_bytes("JPEG", (320, 200))[:120], id="jpeg-cut-in-header"),
    ],
)
def test_files_that_are_not_images_are_refused(name, data):
    error = refused(upload(name, data))
    assert error.code == "invalid_image"
    assert INVALID in message_of(error)


@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_truncated_jpeg_is_refused(keep):
    """A JPEG cut off in its image data opens fine but cannot be decoded (or resized)."""
    data = image_bytes("JPEG", (640, 480), quality=95)
    truncated = data[: int(len(data) * keep)]
    with pytest.raises(OSError, match="truncated"):
        Image.open(io.BytesIO(truncated)).load()  # the file really is broken
    error = refused(upload("cut.jpg", truncated))
    assert error.code == "invalid_image"
    assert "damaged" in message_of(error)


@pytest.mark.parametrize(
    ("fmt", "name", "content_type"),
    [("BMP", "scan.bmp", "image/bmp"), ("TIFF", "scan.tif", "image/tiff")],
)
def test_formats_outside_the_allowlist_are_refused(fmt, name, content_type):
    error = refused(upload(name, image_bytes(fmt, (320, 200)), content_type))
    assert error.code == "image_format"
    message = message_of(error)
    assert f"{fmt} images are not accepted" in message
    assert "JPEG, PNG, WebP or GIF" in message


def test_file_over_the_byte_limit_is_refused(settings):
    data = image_bytes("PNG", (320, 200))
    settings.NEWSROOM_IMAGE_MAX_BYTES = len(data) - 1
    error = refused(upload("big.png", data, "image/png"))
    assert error.code == "image_too_large"
    message = message_of(error)
    assert "images may be at most" in message
    assert "bytes" in message


@pytest.fixture
def pixel_limit(settings, monkeypatch):
    """A 10,000-pixel limit, with Pillow's bomb limit set the way apps.py sets it."""
    settings.NEWSROOM_IMAGE_MAX_PIXELS = 10_000
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", settings.NEWSROOM_IMAGE_MAX_PIXELS)
    return 10_000


def test_image_over_the_pixel_limit_is_refused_with_its_size(pixel_limit):
    """150×100 is over the limit but under Pillow's 2× bomb error: the editor should be told
    the image's size and the limit, not that it is a decompression bomb."""
    error = refused(upload("wide.png", image_bytes("PNG", (150, 100)), "image/png"))
    message = message_of(error)
    assert "pixels" in message
    assert error.code == "image_too_many_pixels", message
    assert "150×100" in message


def test_image_far_over_the_pixel_limit_is_refused(pixel_limit):
    """Over twice the limit Pillow itself refuses to open it: a decompression bomb."""
    error = refused(upload("huge.png", image_bytes("PNG", (300, 100)), "image/png"))
    assert error.code == "image_bomb"
    assert "too many pixels to process safely" in message_of(error)


def test_pixel_limit_fixture_is_undone():
    from django.conf import settings

    assert Image.MAX_IMAGE_PIXELS == settings.NEWSROOM_IMAGE_MAX_PIXELS == 40_000_000


@pytest.mark.parametrize(("width", "height"), [(100_000, 100_000), (2**31 - 1, 2**31 - 1), (1, 10**9)])
def test_decompression_bomb_is_a_validation_error(width, height):
    error = refused(upload("bomb.png", png_declaring_size(width, height), "image/png"))
    assert error.code == "image_bomb"
    assert "too many pixels to process safely" in message_of(error)


@pytest.mark.parametrize("size", [(1, 1), (15, 400), (400, 15)])
def test_too_small_image_is_refused(size):
    error = refused(upload("dot.png", image_bytes("PNG", size), "image/png"))
    assert error.code == "image_too_small"
    message = message_of(error)
    assert "too small" in message
    assert f"{size[0]}×{size[1]}" in message


# --- renditions -----------------------------------------------------------------------


def saved_with_image(data: bytes, name: str, **fields) -> Article:
    """An existing story that is then given a lead image, as an editor would."""
    article = ArticleFactory(**fields)
    article.lead_image = upload(name, data)
    article.lead_image_alt = ALT
    article.save()
    article.refresh_from_db()
    return article


def assert_renditions_match_files(article: Article, original_size: tuple[int, int]) -> None:
    original_width, original_height = original_size
    for rendition in article.lead_image_renditions:
        assert rendition["width"] <= original_width
        assert rendition["height"] == round(original_height * rendition["width"] / original_width)
        assert default_storage.exists(rendition["name"]), rendition
        with default_storage.open(rendition["name"]) as file, Image.open(file) as image:
            assert image.size == (rendition["width"], rendition["height"])
            assert image.format.lower() == rendition["format"]


def widths_and_formats(article: Article) -> list[tuple[int, str]]:
    return sorted((r["width"], r["format"]) for r in article.lead_image_renditions)


@pytest.mark.django_db
def test_jpeg_lead_image_gets_jpeg_and_webp_renditions():
    article = saved_with_image(image_bytes("JPEG", (2000, 1000)), "harbour.jpg")
    assert (article.lead_image_width, article.lead_image_height) == (2000, 1000)
    assert widths_and_formats(article) == [
        (w, fmt) for w in (480, 960, 1600, 2000) for fmt in ("jpeg", "webp")
    ]
    assert_renditions_match_files(article, (2000, 1000))
    assert {r["height"] for r in article.lead_image_renditions} == {240, 480, 800, 1000}


@pytest.mark.django_db
def test_lead_image_given_when_the_story_is_created_gets_renditions():
    """Article(lead_image=upload) — what a factory, an import or a shell session does."""
    article = ArticleFactory(
        lead_image=upload("harbour.jpg", image_bytes("JPEG", (2000, 1000))), lead_image_alt=ALT
    )
    article.refresh_from_db()
    assert article.lead_image.name.startswith("articles/")
    assert widths_and_formats(article) == [
        (w, fmt) for w in (480, 960, 1600, 2000) for fmt in ("jpeg", "webp")
    ]


@pytest.mark.django_db
def test_small_png_is_never_upscaled():
    article = saved_with_image(image_bytes("PNG", (600, 300)), "chart.png")
    assert widths_and_formats(article) == [(480, "png"), (480, "webp"), (600, "png"), (600, "webp")]
    assert_renditions_match_files(article, (600, 300))


@pytest.mark.django_db
def test_webp_original_gets_one_webp_per_width():
    article = saved_with_image(image_bytes("WEBP", (1000, 500)), "quay.webp")
    assert widths_and_formats(article) == [(480, "webp"), (960, "webp"), (1000, "webp")]
    assert_renditions_match_files(article, (1000, 500))


@pytest.mark.django_db
def test_gif_original_gets_png_and_webp_renditions():
    article = saved_with_image(image_bytes("GIF", (500, 250)), "map.gif")
    assert widths_and_formats(article) == [(480, "png"), (480, "webp"), (500, "png"), (500, "webp")]
    assert_renditions_match_files(article, (500, 250))


@pytest.fixture
def count_renditions(monkeypatch):
    calls = []
    real = article_models.prepare_renditions

    def spy(field_file, *args, **kwargs):
        calls.append(field_file.name)
        return real(field_file, *args, **kwargs)

    monkeypatch.setattr(article_models, "prepare_renditions", spy)
    return calls


@pytest.mark.django_db
def test_saving_again_does_not_recreate_renditions(count_renditions):
    article = saved_with_image(image_bytes("JPEG", (2000, 1000)), "harbour.jpg")
    assert len(count_renditions) == 1
    before = list(article.lead_image_renditions)
    mtimes = {r["name"]: default_storage.get_modified_time(r["name"]) for r in before}

    article.headline = "Harbour board approves second berth"
    article.save()
    fresh = Article.objects.get(pk=article.pk)
    fresh.body = "<p>Updated.</p>"
    fresh.save()

    fresh.refresh_from_db()
    assert len(count_renditions) == 1
    assert fresh.lead_image_renditions == before
    assert {n: default_storage.get_modified_time(n) for n in mtimes} == mtimes


@pytest.mark.django_db
def test_replacing_the_image_makes_new_renditions():
    article = saved_with_image(image_bytes("JPEG", (2000, 1000)), "harbour.jpg")
    article.lead_image = upload("chart.png", image_bytes("PNG", (600, 300)))
    article.save()
    article.refresh_from_db()
    assert widths_and_formats(article) == [(480, "png"), (480, "webp"), (600, "png"), (600, "webp")]


@pytest.mark.django_db
def test_removing_the_image_clears_renditions():
    article = saved_with_image(image_bytes("JPEG", (1000, 500)), "harbour.jpg")
    assert article.lead_image_renditions
    article.lead_image = None
    article.save()
    article.refresh_from_db()
    assert article.lead_image_renditions == []


@pytest.mark.django_db
def test_renditions_follow_exif_orientation():
    """A phone photo stored landscape with "rotate 90°" in its EXIF is shown portrait."""
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = 6
    article = saved_with_image(image_bytes("JPEG", (1200, 600), exif=exif), "phone.jpg")
    assert widths_and_formats(article) == [
        (480, "jpeg"),
        (480, "webp"),
        (600, "jpeg"),
        (600, "webp"),
    ]
    assert_renditions_match_files(article, (600, 1200))
    assert {r["height"] for r in article.lead_image_renditions} == {960, 1200}


# --- through the admin -----------------------------------------------------------------


@pytest.fixture
def section(db):
    return SectionFactory()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data"),
    [
        pytest.param("minutes.jpg", b"Minutes of the harbour board meeting.\n" * 20, id="text"),
        pytest.param("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', id="svg"),
        pytest.param("bomb.png", png_declaring_size(100_000, 100_000), id="bomb"),
    ],
)
def test_admin_refuses_a_non_image_upload(editor_client, section, name, data):
    response = editor_client.post(
        ADD_URL, admin_payload(section, lead_image=upload(name, data), lead_image_alt=ALT)
    )
    assert response.status_code == 200
    assert "lead_image" in response.context["adminform"].form.errors
    assert "Upload a valid image" in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_admin_refuses_a_truncated_jpeg(editor_client, section):
    """Not a 500 from the renditions after the form was accepted."""
    data = image_bytes("JPEG", (640, 480), quality=95)
    response = editor_client.post(
        ADD_URL,
        admin_payload(section, lead_image=upload("cut.jpg", data[: len(data) // 2]), lead_image_alt=ALT),
    )
    assert response.status_code == 200
    assert "lead_image" in response.context["adminform"].form.errors
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_admin_refuses_a_bmp_with_the_format_message(editor_client, section):
    response = editor_client.post(
        ADD_URL,
        admin_payload(
            section,
            lead_image=upload("scan.bmp", image_bytes("BMP", (320, 200))),
            lead_image_alt=ALT,
        ),
    )
    assert response.status_code == 200
    assert "BMP images are not accepted" in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_admin_requires_alt_text_with_an_image(editor_client, section):
    response = editor_client.post(
        ADD_URL,
        admin_payload(section, lead_image=upload("harbour.jpg", image_bytes("JPEG", (800, 400)))),
    )
    assert response.status_code == 200
    assert "lead_image_alt" in response.context["adminform"].form.errors
    assert "Describe the image for readers who cannot see it." in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_admin_saves_a_good_image_with_alt_text(editor_client, section):
    response = editor_client.post(
        ADD_URL,
        admin_payload(
            section,
            lead_image=upload("harbour.jpg", image_bytes("JPEG", (2000, 1000))),
            lead_image_alt=ALT,
        ),
    )
    assert response.status_code == 302, form_errors(response)
    article = Article.objects.get(slug="harbour-board-approves-new-berth")
    assert article.lead_image_alt == ALT
    assert default_storage.exists(article.lead_image.name)
    assert widths_and_formats(article) == [
        (w, fmt) for w in (480, 960, 1600, 2000) for fmt in ("jpeg", "webp")
    ]


@pytest.mark.django_db
def test_admin_edit_with_a_bad_upload_changes_nothing(editor_client):
    article = saved_with_image(
        image_bytes("JPEG", (1000, 500)),
        "harbour.jpg",
        headline="Original headline",
        body="<p>Original body.</p>",
    )
    before = Article.objects.values().get(pk=article.pk)
    response = editor_client.post(
        f"/admin/articles/article/{article.pk}/change/",
        admin_payload(
            article.section,
            headline="Changed headline",
            slug=article.slug,
            body="<p>Changed body.</p>",
            lead_image=upload("minutes.jpg", b"not an image\n" * 50),
            lead_image_alt=ALT,
        ),
    )
    assert response.status_code == 200
    assert "Upload a valid image" in response.content.decode()
    assert Article.objects.values().get(pk=article.pk) == before
    assert before["headline"] == "Original headline"
    assert before["body"] == "<p>Original body.</p>"


@pytest.mark.django_db
def test_admin_edit_without_a_new_upload_keeps_renditions(editor_client, count_renditions):
    """Editing the text of a story that already has a lead image saves, and leaves the image
    and its renditions alone (the stored image is validated again on every save)."""
    article = saved_with_image(image_bytes("JPEG", (1000, 500)), "harbour.jpg")
    before = list(article.lead_image_renditions)
    response = editor_client.post(
        f"/admin/articles/article/{article.pk}/change/",
        admin_payload(
            article.section,
            slug=article.slug,
            headline="New headline",
            lead_image_alt=ALT,
            base_revision=article.revision,
        ),
    )
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.headline == "New headline"
    assert article.lead_image_renditions == before
    assert len(count_renditions) == 1  # only the first save made renditions
