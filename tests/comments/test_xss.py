"""Hostile comments: whatever a reader sends as text, name or website is shown as text and never runs.

Each payload of the corpus (tests/comments/xss_payloads.py) is posted through the
real form as the comment, the name (its first 50 characters) and the website of one
comment. When the form refuses the name or the website, the refusal page (which
keeps what was typed) is checked and nothing may be saved; the comment is then sent
again without them. The saved comment is looked for on every page that shows it,
parsed with the standard library: the story, the no-JavaScript reply page, the
report page, and the moderators' queue and change page.
"""

import re
import unicodedata
from html import unescape
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils.html import escape

from comments.forms import CommentForm
from comments.models import Comment
from newsroom.text import clean_text
from tests.comments.conftest import form_data
from tests.comments.xss_payloads import NAME_MAX_LENGTH, PAYLOADS, as_name
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SITE_JS = "/static/js/site.js"
LINK_REL = {"nofollow", "ugc", "noopener"}
SAFE_SCHEMES = {"http", "https", "mailto"}
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "cite", "ping",
                  "xlink:href", "codebase", "manifest", "lowsrc", "dynsrc", "longdesc", "srcdoc"}  # fmt: skip
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
        "track", "wbr", "keygen"}  # fmt: skip
# Nothing a reader writes may turn into one of these, anywhere in the comments section.
DANGEROUS_TAGS = {"script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg",
                  "math", "img", "image", "picture", "video", "audio", "source", "base", "meta", "link",
                  "template", "marquee", "details", "body", "html", "head", "title", "noscript", "xmp",
                  "plaintext", "isindex", "select", "animate", "set", "foreignobject", "use"}  # fmt: skip
COMMENT_TEXT_TAGS = {"p", "br", "a"}

PARAMS = [pytest.param(number, text, id=f"p{number:03d}") for number, text in PAYLOADS]


# A small tree of the page, from the standard library's parser ---------------------------------------


class Node:
    def __init__(self, tag: str, attrs: list[tuple[str, str | None]], parent: "Node | None"):
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Node | str] = []

    def get(self, name: str) -> str | None:
        return next((value or "" for key, value in self.attrs if key == name), None)

    @property
    def classes(self) -> set[str]:
        return set((self.get("class") or "").split())

    def walk(self):
        """Every element below this one, in document order."""
        stack = [child for child in reversed(self.children) if isinstance(child, Node)]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(child for child in reversed(node.children) if isinstance(child, Node))

    def text(self) -> str:
        parts = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag == "br":
                parts.append("\n")
            else:
                parts.append(" " + child.text() + " " if child.tag == "p" else child.text())
        return "".join(parts)

    def find(self, predicate) -> list["Node"]:
        return [node for node in self.walk() if predicate(node)]

    def by_id(self, wanted: str) -> "Node | None":
        return next(iter(self.find(lambda n: n.get("id") == wanted)), None)

    def by_class(self, wanted: str) -> list["Node"]:
        return self.find(lambda n: wanted in n.classes)


class TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", [], None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Node:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def collapse(text: str) -> str:
    return " ".join(text.split())


def scheme_of(url: str) -> str | None:
    """The scheme a browser would see: spaces and control characters anywhere are dropped first."""
    cleaned = "".join(ch for ch in url if not (ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf")))
    match = SCHEME.match(cleaned.lower())
    return match.group(1) if match else None


# What every page must satisfy ------------------------------------------------------------------------


def check_no_handlers_or_bad_urls(root: Node) -> None:
    for node in root.walk():
        for name, value in node.attrs:
            assert not name.startswith("on"), f"<{node.tag} {name}={value!r}>"
            if name in URL_ATTRIBUTES and value:
                assert name != "srcdoc", f"<{node.tag} srcdoc={value!r}>"
                scheme = scheme_of(value)
                assert scheme in (None, *SAFE_SCHEMES), f"<{node.tag} {name}={value!r}>"


def check_reader_page(html: str, *, region_id: str | None = None, region_class: str | None = None) -> Node:
    """A reader page: only the site's scripts, no handlers, no script URLs, comment markup allowlisted."""
    root = parse(html)
    scripts = root.find(lambda n: n.tag == "script")
    for script in scripts:
        if script.get("src") is not None:
            assert script.get("src") == SITE_JS and not script.text().strip(), script.attrs
        else:
            assert script.get("type") == "application/ld+json", (script.attrs, script.text()[:200])
    assert sum(1 for s in scripts if s.get("src") == SITE_JS) == 1
    check_no_handlers_or_bad_urls(root)

    region = root.by_id(region_id) if region_id else next(iter(root.by_class(region_class)), None)
    assert region is not None, "the comments section is missing"
    for node in region.walk():
        assert node.tag not in DANGEROUS_TAGS, f"<{node.tag} {node.attrs}> inside the comments"
        assert node.get("style") is None, f"<{node.tag} style=…> inside the comments"

    for text in region.by_class("comment-text"):
        for node in text.walk():
            assert node.tag in COMMENT_TEXT_TAGS, f"<{node.tag}> in a comment's text"
            assert {name for name, _ in node.attrs} <= {"href", "rel"}, node.attrs
            if node.tag == "a":
                check_link(node, href_required=False)
    for author in region.by_class("comment-author"):
        for node in author.walk():
            assert node.tag == "a", f"<{node.tag}> in a comment's author"
            assert {name for name, _ in node.attrs} <= {"href", "rel"}, node.attrs
            check_link(node)
    return root


def check_link(node: Node, *, href_required: bool = True) -> None:
    href = node.get("href")
    if href is None and not href_required:
        return  # an inert <a> (nh3 drops a mailto: address's href): nothing to follow
    assert scheme_of(href or "") in ("http", "https"), f"link to {href!r}"
    assert LINK_REL <= set((node.get("rel") or "").split()), f"link {href!r} with rel={node.get('rel')!r}"


def check_admin_page(html: str) -> Node:
    """An admin page: its own script files only, no handlers, no script URLs."""
    root = parse(html)
    for script in root.find(lambda n: n.tag == "script"):
        src = script.get("src") or ""
        assert src.startswith(("/static/", "/admin/jsi18n/")), script.attrs
        assert not script.text().strip(), script.text()[:200]
    check_no_handlers_or_bad_urls(root)
    return root


def assert_escaped_in(html: str, value: str) -> None:
    """`value` shows HTML-escaped in the page and never raw."""
    shown = collapse(value)[:40].strip()
    assert escape(shown) in collapse(html), f"{shown!r} not shown escaped"
    if "<" in value:
        assert value not in html
        assert shown not in html


# Fixtures ----------------------------------------------------------------------------------------


@pytest.fixture
def door(open_door):
    """Everything publishes at once, however many comments and links."""
    open_door.COMMENTS_RATE_LIMIT = (10_000, 60)
    open_door.COMMENTS_HOLD_RATE = (10_000, 3600)
    open_door.COMMENTS_HOLD_MAX_LINKS = 1_000
    return open_door


@pytest.fixture
def moderator(db):
    client = Client()
    client.force_login(UserFactory(username="moderator", role="Moderator"))
    return client


FIELDS = ("comment", "name", "url")


def refused_fields(story, fields: dict) -> set[str]:
    """The fields the comment form refuses, asked of the form itself."""
    form = CommentForm(story, data=form_data(story, **fields))
    form.is_valid()
    return set(form.errors) & set(FIELDS)


def check_refusal_page(html: str, sent: dict) -> None:
    """The page that refuses a comment (the story itself, issue 15) keeps what was typed, as inert values."""
    root = check_reader_page(html, region_id="comments")
    textarea = root.by_id("id_comment")
    assert textarea is not None and textarea.tag == "textarea"
    assert textarea.text().removeprefix("\n") == sent["comment"]
    assert root.by_id("id_name").get("value") == sent["name"]
    assert root.by_id("id_url").get("value") == sent["url"]


def reader_pages(client, story, comment: Comment) -> dict[str, Node]:
    """The story, the reply page and the report page, each checked; parsed for a closer look."""
    urls = {
        "story": story.get_absolute_url(),
        "reply": f"/comments/{comment.pk}/reply/",
        "report": f"/comments/{comment.pk}/report/",
    }
    pages = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        html = response.content.decode()
        if name == "story":
            pages[name] = check_reader_page(html, region_id="comments")
        else:
            pages[name] = check_reader_page(html, region_class="comment-page")
    return pages


def admin_pages(moderator, comment: Comment) -> dict[str, str]:
    """The moderation queue and the comment's change page, as a Moderator sees them."""
    urls = {
        "change": f"/admin/comments/comment/{comment.pk}/change/",
        "queue": "/admin/comments/comment/?status=all",
    }
    pages = {}
    for name, url in urls.items():
        response = moderator.get(url)
        assert response.status_code == 200, (name, response.status_code)
        pages[name] = response.content.decode()
        check_admin_page(pages[name])
    return pages


# The corpus ------------------------------------------------------------------------------------------


def test_the_corpus_is_large_and_each_payload_calls_its_marker():
    assert len(PAYLOADS) >= 60
    texts = [text for _, text in PAYLOADS]
    assert len(set(texts)) == len(texts)
    for number, text in PAYLOADS:
        if "base64," in text or "&#" in text or "\\u005f" in text:
            continue  # the marker call is encoded on purpose
        assert re.search(rf"(?:__xss|alert)\({number}\)", text), (number, text)


def test_at_least_fifty_payloads_are_accepted_as_names(story):
    field = CommentForm(story).fields["name"]
    accepted = 0
    for _, text in PAYLOADS:
        form = CommentForm(story, data={"name": as_name(text)})
        form.full_clean()
        if "name" not in form.errors:
            accepted += 1
        assert len(as_name(text)) <= field.max_length == NAME_MAX_LENGTH
    assert accepted >= 50, accepted


# Each payload as the comment, the name and the website -----------------------------------------------


@pytest.mark.parametrize(("number", "payload"), PARAMS)
def test_a_hostile_comment_is_shown_as_text(number, payload, door, client, story, moderator):
    sent = {"comment": payload, "name": as_name(payload), "url": payload}
    refused = refused_fields(story, sent)
    assert "comment" not in refused, "a comment was refused for its text alone"
    if "name" in refused:
        assert any(unicodedata.category(ch) == "Cc" for ch in sent["name"]), sent["name"]

    response = client.post("/comments/post/", form_data(story, **sent))
    if refused:
        assert response.status_code == 400, response.status_code
        assert not Comment.objects.exists(), "a refused comment was saved"
        check_refusal_page(response.content.decode(), sent)
        kept = {field: value for field, value in sent.items() if field not in refused}
        response = client.post("/comments/post/", form_data(story, **kept))
    assert response.status_code == 302, response.status_code
    comment = Comment.objects.get()
    assert comment.is_visible, comment.hold_reasons
    assert comment.comment == clean_text(payload, multiline=True).strip()  # control and bidi characters go
    if "name" not in refused:
        assert comment.user_name == clean_text(sent["name"], multiline=False).strip()
    if "url" not in refused:
        assert scheme_of(comment.user_url) in ("http", "https"), comment.user_url

    # The reader's pages: the story, the reply page, the report page.
    pages = reader_pages(client, story, comment)
    item = pages["story"].by_id(f"c{comment.pk}")
    assert item is not None and "comment" in item.classes, "the comment is not on the story page"
    text = item.by_class("comment-text")[0]
    if not text.find(lambda n: n.tag == "a"):
        # With no web address in it, the reader sees exactly what was written, as text.
        assert collapse(text.text()) == collapse(comment.comment)
    author = item.by_class("comment-author")[0]
    assert collapse(author.text()) == collapse(comment.user_name)
    links = [link.get("href") for link in author.find(lambda n: n.tag == "a")]
    assert links == ([comment.user_url] if comment.user_url else [])
    heading = pages["reply"].by_id("page-heading")
    assert collapse(heading.text()) == collapse(f"Reply to {comment.user_name}")

    # The moderators' pages: the value is there, escaped, and never as markup.
    admin = admin_pages(moderator, comment)
    assert escape(comment.comment) in admin["change"]  # the whole text, in its textarea
    assert_escaped_in(admin["queue"], comment.comment)
    if "name" not in refused:
        assert_escaped_in(admin["change"], comment.user_name)
        assert_escaped_in(admin["queue"], comment.user_name)
    if "url" not in refused:
        assert_escaped_in(admin["change"], comment.user_url)


def test_every_script_address_is_refused_as_a_website(door, client, story):
    """Whatever their spelling, javascript:, data: and vbscript: addresses never reach the database."""
    tried = 0
    for _, payload in PAYLOADS:
        if scheme_of(unescape(payload)) in ("javascript", "data", "vbscript"):
            response = client.post("/comments/post/", form_data(story, url=payload))
            assert response.status_code == 400, payload
            check_refusal_page(response.content.decode(), {**form_data(story), "url": payload})
            tried += 1
    assert tried >= 12
    assert not Comment.objects.exists()
