"""The real ways hostile text gets in, for tests/security/test_text_fields.py.

An editor's admin forms (refused posts must be form errors; the object is then saved
by the model, whose pre_save cleans it too), a reader's comment and sign-up forms, and
a WordPress export read by the importer.
"""

from xml.sax.saxutils import escape

from django.contrib.flatpages.models import FlatPage
from django.urls import reverse
from taggit.models import Tag

from articles import services
from articles.models import Article, Author, Correction, Section, Source
from tests.articles.helpers import article_form_data, form_errors, management_form

from .hostile_text import PAYLOADS, Tally, store_the_rest, values_for

EDITORS_MODELS = [Section, Source, Author, Tag, Correction, Article, FlatPage]


def admin_add(client, model, data: dict, tally: Tally) -> bool:
    """Post the admin's add form; True when it saved. A refusal must be a form error, never a 500."""
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    response = client.post(url, {**data, "_save": "Save"})
    assert response.status_code in (200, 302), (model, response.status_code)
    if response.status_code == 200:
        assert form_errors(response).strip(), (model, "refused without saying why")
        tally["admin forms refused (NUL: “Null characters are not allowed.”)"] += 1
        return False
    tally["admin forms saved"] += 1
    return True


def _saved_by_model(obj, tally: Tally):
    obj.save()
    tally["objects saved by the model after a refusal"] += 1
    return obj


def editor_round(client, editor, i: int, tally: Tally) -> Article:
    """Section, source, author and tag, then the published story using them with a correction, and a page."""
    values = {model: values_for(model, i) for model in EDITORS_MODELS}
    owners = {}
    for model, extra in [(Section, {"position": "0"}), (Source, {}), (Author, {}), (Tag, {})]:
        slug = f"{model._meta.model_name}-{i}"
        if not admin_add(client, model, {**values[model], "slug": slug, **extra}, tally):
            _saved_by_model(model(slug=slug, **values[model]), tally)
        owners[model] = model.objects.get(slug=slug)
        tally["fields put in by model save"] += store_the_rest(owners[model], values[model])

    slug = f"story-{i}"
    data = article_form_data(
        **values[Article],
        slug=slug,
        section=owners[Section].pk,
        source=owners[Source].pk,
        tags=[str(owners[Tag].pk)],
        comments_open="on",
    )
    data |= management_form("bylines", 1) | {"bylines-0-author": owners[Author].pk, "bylines-0-position": "0"}
    data |= management_form("corrections", 1) | {
        **{f"corrections-0-{name}": value for name, value in values[Correction].items()},
        "corrections-0-corrected_at_0": "2026-01-02",
        "corrections-0-corrected_at_1": "10:00:00",
    }
    if not admin_add(client, Article, data, tally):
        story = _saved_by_model(
            Article(slug=slug, section=owners[Section], source=owners[Source], **values[Article]), tally
        )
        story.tags.add(owners[Tag])
        story.bylines.create(author=owners[Author])
        Correction(article=story, **values[Correction]).save()
    story = Article.objects.get(slug=slug)
    tally["fields put in by model save"] += store_the_rest(story, values[Article])
    tally["fields put in by model save"] += store_the_rest(story.corrections.get(), values[Correction])
    services.article_publish(article=story, by=editor)

    page = {**values[FlatPage], "url": f"/page-{i}/", "sites": ["1"]}
    if not admin_add(client, FlatPage, page, tally):
        _saved_by_model(FlatPage(url=page["url"], **values[FlatPage]), tally)
    flatpage = FlatPage.objects.get(url=page["url"])
    flatpage.sites.add(1)
    tally["fields put in by model save"] += store_the_rest(flatpage, values[FlatPage])
    return story


# A WordPress export ------------------------------------------------------------------------------

_XML_CHARS = {0x9, 0xA, 0xD} | set(range(0x20, 0xD800)) | set(range(0xE000, 0xFFFE))
WXR_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="https://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="https://wordpress.org/export/1.2/"><channel><title>Hostile</title>
<link>https://hostile.example</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_blog_url>https://hostile.example</wp:base_blog_url>
"""
# What each post, page or author carries, in the order payloads are dealt out.
WXR_FIELDS = ["title", "excerpt", "content", "category", "tag", "author", "comment_author", "comment"]


def carried_by_xml(text: str) -> bool:
    """XML 1.0 cannot carry most control characters at all, so an export cannot hold them."""
    return all(ord(ch) in _XML_CHARS or ord(ch) > 0xFFFF for ch in text)


WXR_PAYLOADS = [text for _, text in PAYLOADS if carried_by_xml(text)]


def wxr_export(items: int) -> tuple[str, int]:
    """An export of `items` posts and as many pages, dealing the payloads out over their fields."""
    deal = iter(WXR_PAYLOADS * len(WXR_FIELDS))
    parts, dealt = [WXR_HEAD], 0
    for n in range(1, items + 1):
        v = {field: escape(next(deal)) for field in WXR_FIELDS}
        dealt += len(WXR_FIELDS)
        parts.append(
            f"<wp:author><wp:author_login>writer{n}</wp:author_login>"
            f"<wp:author_display_name>{v['author']}</wp:author_display_name></wp:author>"
            f"<item><title>{v['title']}</title><link>https://hostile.example/{n}/</link>"
            f"<dc:creator>writer{n}</dc:creator><content:encoded>{v['content']}</content:encoded>"
            f"<excerpt:encoded>{v['excerpt']}</excerpt:encoded><wp:post_id>{n}</wp:post_id>"
            f"<wp:post_date_gmt>2026-01-01 08:00:00</wp:post_date_gmt><wp:post_name>post-{n}</wp:post_name>"
            f"<wp:status>publish</wp:status><wp:post_type>post</wp:post_type><wp:comment_status>open"
            f'</wp:comment_status><category domain="category" nicename="cat-{n}">{v["category"]}</category>'
            f'<category domain="post_tag" nicename="tag-{n}">{v["tag"]}</category>'
            f"<wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_author>{v['comment_author']}"
            f"</wp:comment_author><wp:comment_author_url>https://example.org/{n}</wp:comment_author_url>"
            f"<wp:comment_content>{v['comment']}</wp:comment_content>"
            "<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent>"
            "</wp:comment></item>\n"
            f"<item><title>{v['title']}</title><link>https://hostile.example/page-{n}/</link>"
            f"<content:encoded>{v['content']}</content:encoded><wp:post_id>{10_000 + n}</wp:post_id>"
            f"<wp:post_name>page-{n}</wp:post_name><wp:status>publish</wp:status>"
            "<wp:post_type>page</wp:post_type></item>\n"
        )
    parts.append("</channel></rss>\n")
    return "".join(parts), dealt
