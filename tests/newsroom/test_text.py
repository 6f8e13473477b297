"""newsroom.text: what text may not contain, and that every way in applies it."""

import xml.etree.ElementTree as ET

import pytest
from django.contrib.flatpages.models import FlatPage
from django.db import models
from django.db.models.signals import pre_save
from taggit.models import Tag

from articles.models import Article, Source
from comments.models import Comment
from newsroom.text import clean_text, clean_text_fields, cleaned_models, text_fields, xml_text
from subscriptions.models import Subscriber
from tests.comments.helpers import make_comment
from tests.factories import ArticleFactory, SourceFactory

LRM, RLM = "\u200e", "\u200f"
FINE = "Zoë, 東京, 🚢, ‘quotes’ — fine"


@pytest.mark.parametrize(
    ("raw", "single", "multi"),
    [
        ("Port strike\x0bday two", "Port strike day two", "Port strike\nday two"),
        ("tab\there", "tab here", "tab\there"),
        ("one\r\ntwo\rthree\nfour", "one two three four", "one\r\ntwo\rthree\nfour"),
        ("form\x0cfeed", "form feed", "form\nfeed"),
        ("next\x85line", "next line", "next\nline"),
        ("line\u2028sep\u2029para", "line sep para", "line\nsep\npara"),
        ("\x1b[31mred\x1b[0m", "[31mred[0m", "[31mred[0m"),
        ("bell\x07 nul\x00 del\x7f c1\x9b", "bell nul del c1", "bell nul del c1"),
        ("gnp.\u202eexe", "gnp.exe", "gnp.exe"),
        ("\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069x", "x", "x"),
        ("non\ufffechar\uffff\ufdd0\U0010fffe", "nonchar", "nonchar"),
        ("lone \ud800surrogate", "lone surrogate", "lone surrogate"),
        (f"{RLM}שלום{LRM} Haifa", f"{RLM}שלום{LRM} Haifa", f"{RLM}שלום{LRM} Haifa"),
        (FINE, FINE, FINE),
        ("", "", ""),
    ],
)
def test_clean_text(raw, single, multi):
    assert clean_text(raw, multiline=False) == single
    assert clean_text(raw, multiline=True) == multi


def test_xml_text_leaves_nothing_xml_refuses():
    every_bmp_char = "".join(chr(n) for n in range(0x10000) if not 0xD800 <= n <= 0xDFFF)
    ET.fromstring(f"<t>{xml_text(every_bmp_char).replace('&', '').replace('<', '')}</t>")  # noqa: S314
    assert xml_text("Port strike\x0bday two") == "Port strike\nday two"


def test_every_text_field_of_the_cleaned_apps_is_cleaned_on_save():
    """Each model's pre_save receivers include the cleaner, and it covers every Char/TextField."""
    labels = {model._meta.label for model in cleaned_models()}
    assert {
        "articles.Article",
        "articles.Source",
        "articles.Section",
        "articles.Author",
        "articles.Correction",
        "taggit.Tag",
        "flatpages.FlatPage",
        "comments.Comment",
        "subscriptions.Subscriber",
        "wordpress.ImportedObject",
    } <= labels
    for model in cleaned_models():
        assert pre_save.has_listeners(model), model
        names = {name for name, _ in text_fields(model)}
        for field in model._meta.get_fields():
            if field.concrete and isinstance(field, models.CharField | models.TextField):
                assert field.attname in names, (model, field.name)
    # The library's fields reach us through inheritance: django-contrib-comments' name and text.
    assert {("user_name", False), ("comment", True)} <= set(text_fields(Comment))


def test_single_line_and_multi_line_fields_are_told_apart():
    article = Article(headline="a\x0bb", body="<p>x\x0by</p>")
    clean_text_fields(Article, article)
    assert article.headline == "a b" and article.body == "<p>x\ny</p>"


@pytest.mark.django_db
def test_saving_cleans_stories_sources_comments_subscribers_pages_and_tags():
    story = ArticleFactory(
        headline="Port strike\x0bday two\u202e",
        standfirst="Line one\x0bline two\x00",
        body="<p>Text\x1b[31m</p>",
        lead_image_caption="cap\ttion",
    )
    story.refresh_from_db()
    assert story.headline == "Port strike day two"
    assert story.standfirst == "Line one\nline two"
    assert story.body == "<p>Text[31m</p>"
    assert story.lead_image_caption == "cap tion"

    source = SourceFactory(name="Wire\x85Service", terms="a\u2029b")
    source.refresh_from_db()
    assert (source.name, source.terms) == ("Wire Service", "a\nb")
    assert Source.objects.filter(name__contains="\x85").count() == 0

    comment = make_comment(story, user_name="\u202eAda", comment="Hi\x0bthere", user_url="https://e.org/\x01")
    comment.refresh_from_db()
    assert (comment.user_name, comment.comment, comment.user_url) == ("Ada", "Hi\nthere", "https://e.org/")

    reader = Subscriber.objects.create(email="r@example.org", name="Sly\r\nBcc: x@example.org")
    reader.refresh_from_db()
    assert reader.name == "Sly Bcc: x@example.org"

    page = FlatPage.objects.create(url="/about/", title="About\x0bus", content="<p>a\x0cb</p>")
    page.refresh_from_db()
    assert page.title == "About us" and "\x0c" not in page.content

    tag = Tag.objects.create(name="Ports\u202e\x0b")
    tag.refresh_from_db()
    assert tag.name == "Ports" and tag.slug == "ports"
