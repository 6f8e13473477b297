"""WordPress pages become site pages that show their title as text, clean content, at a local address."""

import re

import pytest
from django.contrib.flatpages.models import FlatPage

from tests.wordpress.conftest import import_wordpress
from wordpress.models import OldAddress

pytestmark = pytest.mark.django_db

HOSTILE_TITLE = "About us<img src=x onerror=alert(document.domain)>"


def page_item(wp_id: int, title: str, link: str, content: str, slug: str = "") -> str:
    return (
        f"<item><title><![CDATA[{title}]]></title><link>{link}</link><dc:creator>desk</dc:creator>"
        f"<content:encoded><![CDATA[{content}]]></content:encoded><wp:post_id>{wp_id}</wp:post_id>"
        f"<wp:post_date_gmt>2024-01-01 00:00:00</wp:post_date_gmt><wp:post_name>{slug}</wp:post_name>"
        "<wp:status>publish</wp:status><wp:post_type>page</wp:post_type></item>\n"
    )


def export(tmp_path, *items: str):
    path = tmp_path / "pages.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="https://wordpress.org/export/1.2/" '
        'xmlns:excerpt="https://wordpress.org/export/1.2/excerpt/">\n'
        "<channel><title>Harbour</title><link>https://harbour.example.com</link>"
        "<wp:base_blog_url>https://harbour.example.com</wp:base_blog_url>\n"
        + "".join(items)
        + "</channel></rss>\n"
    )
    return path


def test_a_page_title_with_markup_is_shown_as_text_and_its_content_cleaned(tmp_path, client):
    body = "<p>Who we are.</p><script>alert(1)</script><meta http-equiv=refresh content='0;url=//x.example/'>"
    link = "https://harbour.example.com/who/"
    import_wordpress(export(tmp_path, page_item(300, HOSTILE_TITLE, link, body)))
    page = FlatPage.objects.get(url="/who/")
    assert page.title == HOSTILE_TITLE  # a title is text: kept as the author wrote it, escaped when shown
    assert page.content == "<p>Who we are.</p>"
    html = client.get("/who/").content.decode()
    assert "<h1>About us&lt;img src=x onerror=alert(document.domain)&gt;</h1>" in html
    assert not re.search(r"<[^>]*\bonerror", html) and "http-equiv" not in html


def test_a_page_link_that_would_leave_the_site_becomes_a_local_address(tmp_path, client):
    link = "https://harbour.example.com//evil.example/"  # to a browser, a path here is another site
    import_wordpress(export(tmp_path, page_item(301, "Elsewhere", link, "<p>Hi.</p>", "elsewhere")))
    urls = list(FlatPage.objects.filter(title="Elsewhere").values_list("url", flat=True))
    assert urls == ["/evilexample/"]
    assert not FlatPage.objects.filter(url__startswith="//").exists()
    response = client.get("/?page_id=301")  # WordPress's short link leads to it, on this site
    assert response.status_code == 301 and response["Location"] == "/evilexample/"
    assert OldAddress.objects.get(path="/?page_id=301").current_address() == "/evilexample/"
