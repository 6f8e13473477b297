"""Reading a WordPress export (WXR) as a stream of plain records.

The file is fed to the XML parser in chunks and every <item> is dropped as
soon as it has been turned into a record, so memory stays flat however large
the export. Channel-level authors, categories and tags come first in every
WXR file; items follow.

Exports vary: WXR 1.0 to 1.2, with the `wp` namespace on http:// or https://,
items without a post_type, comments without an approval status, and hand-edited
files with HTML entities (&nbsp;, &eacute;) that XML does not know. Namespaces
are matched by pattern, and the HTML entities are declared in an internal DTD
put on the first line, so line numbers in error messages stay true.
"""

import functools
import html
import html.entities
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import BinaryIO
from xml.parsers import expat

CHUNK = 256 * 1024

_NAMESPACES = [
    (re.compile(r"^https?://wordpress\.org/export/1\.\d+/excerpt/?$"), "excerpt"),
    (re.compile(r"^https?://wordpress\.org/export/1\.\d+/?$"), "wp"),
    (re.compile(r"^https?://purl\.org/rss/1\.0/modules/content/?$"), "content"),
    (re.compile(r"^https?://purl\.org/dc/elements/1\.1/?$"), "dc"),
]

_HTML_ENTITIES = "".join(
    f'<!ENTITY {name} "&#{code};">'
    for name, code in html.entities.name2codepoint.items()
    if name not in ("amp", "lt", "gt", "quot", "apos")
)


class WXRError(Exception):
    """The file is not a WordPress export we can read; the message names the line."""


@dataclass
class Author:
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""

    @property
    def name(self) -> str:
        return self.display_name or " ".join(p for p in (self.first_name, self.last_name) if p) or self.login


@dataclass
class Term:
    kind: str  # "category" or "post_tag"
    slug: str
    name: str
    parent: str = ""
    term_id: int | None = None


@dataclass
class Comment:
    wp_id: int
    author: str
    email: str
    url: str
    ip: str
    date_gmt: datetime | None
    content: str
    approved: str | None  # "1", "0", "spam", "trash"; None when the export has no such field
    type: str  # "", "comment", "pingback", "trackback"
    parent: int
    line: int = 0


@dataclass
class Item:
    wp_id: int
    post_type: str
    status: str
    title: str
    link: str
    slug: str
    creator: str
    content: str
    excerpt: str
    date_gmt: datetime | None
    comment_status: str
    sticky: bool
    parent: int
    attachment_url: str
    categories: list[Term] = field(default_factory=list)
    tags: list[Term] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)
    line: int = 0


@dataclass
class Channel:
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""


@functools.cache
def _local(tag: str) -> str:
    """'{https://wordpress.org/export/1.2/}post_id' -> 'wp:post_id'."""
    if not tag.startswith("{"):
        return tag
    uri, _, name = tag[1:].partition("}")
    for pattern, prefix in _NAMESPACES:
        if pattern.match(uri):
            return f"{prefix}:{name}"
    return f"{{{uri}}}{name}"


def _text(element, name: str, default: str = "") -> str:
    for child in element:
        if _local(child.tag) == name:
            return child.text or default
    return default


def _int(value: str, default: int = 0) -> int:
    try:
        return int(value.strip())
    except (ValueError, AttributeError):
        return default


def parse_date(value: str) -> datetime | None:
    """WordPress's 'YYYY-MM-DD HH:MM:SS' in UTC; None for its '0000-00-00 00:00:00' or garbage."""
    value = (value or "").strip()
    if not value or value.startswith("0000"):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def plain(value: str) -> str:
    """A title or name: entities decoded (once, as WordPress encodes them), whitespace tidied."""
    return " ".join(html.unescape(value or "").split())


def _term(element, kind: str) -> Term:
    if kind == "category":
        return Term(
            kind="category",
            slug=_text(element, "wp:category_nicename").strip(),
            name=plain(_text(element, "wp:cat_name")),
            parent=_text(element, "wp:category_parent").strip(),
            term_id=_int(_text(element, "wp:term_id"), None),
        )
    if kind == "post_tag":
        return Term(
            kind="post_tag",
            slug=_text(element, "wp:tag_slug").strip(),
            name=plain(_text(element, "wp:tag_name")),
            term_id=_int(_text(element, "wp:term_id"), None),
        )
    # <wp:term> (WXR 1.2): any taxonomy; only categories and tags matter here.
    return Term(
        kind=_text(element, "wp:term_taxonomy").strip(),
        slug=_text(element, "wp:term_slug").strip(),
        name=plain(_text(element, "wp:term_name")),
        parent=_text(element, "wp:term_parent").strip(),
        term_id=_int(_text(element, "wp:term_id"), None),
    )


def _comment(element, line: int) -> Comment:
    approved = None
    for child in element:
        if _local(child.tag) == "wp:comment_approved":
            approved = (child.text or "").strip()
    date = parse_date(_text(element, "wp:comment_date_gmt")) or parse_date(_text(element, "wp:comment_date"))
    return Comment(
        wp_id=_int(_text(element, "wp:comment_id")),
        author=plain(_text(element, "wp:comment_author")),
        email=_text(element, "wp:comment_author_email").strip(),
        url=_text(element, "wp:comment_author_url").strip(),
        ip=_text(element, "wp:comment_author_IP").strip(),
        date_gmt=date,
        content=_text(element, "wp:comment_content"),
        approved=approved,
        type=_text(element, "wp:comment_type").strip(),
        parent=_int(_text(element, "wp:comment_parent")),
        line=line,
    )


def _item(element, line: int) -> Item:
    categories, tags, meta, comments = [], [], {}, []
    for child in element:
        name = _local(child.tag)
        if name == "category":
            domain = child.get("domain", "")
            term = Term(kind=domain, slug=(child.get("nicename") or "").strip(), name=plain(child.text or ""))
            if domain == "category":
                categories.append(term)
            elif domain == "post_tag":
                tags.append(term)
        elif name == "wp:postmeta":
            meta[_text(child, "wp:meta_key")] = _text(child, "wp:meta_value")
        elif name == "wp:comment":
            comments.append(_comment(child, line))
    date = parse_date(_text(element, "wp:post_date_gmt"))
    if date is None and _text(element, "wp:status").strip() not in ("draft", "pending", "auto-draft"):
        date = parse_date(_text(element, "wp:post_date"))
    return Item(
        wp_id=_int(_text(element, "wp:post_id")),
        post_type=_text(element, "wp:post_type").strip() or "post",
        status=_text(element, "wp:status").strip() or "publish",
        title=plain(_text(element, "title")),
        link=_text(element, "link").strip(),
        slug=_text(element, "wp:post_name").strip(),
        creator=_text(element, "dc:creator").strip(),
        content=_text(element, "content:encoded"),
        excerpt=_text(element, "excerpt:encoded"),
        date_gmt=date,
        comment_status=_text(element, "wp:comment_status").strip() or "open",
        sticky=_text(element, "wp:is_sticky").strip() == "1",
        parent=_int(_text(element, "wp:post_parent")),
        attachment_url=_text(element, "wp:attachment_url").strip(),
        categories=categories,
        tags=tags,
        meta=meta,
        comments=comments,
        line=line,
    )


class _Builder:
    """Expat handlers that build elements and note, as they happen, where each one starts."""

    def __init__(self, expat_parser):
        self.expat = expat_parser
        self.tree = ET.TreeBuilder()
        self.events: list[tuple[str, ET.Element, int]] = []
        expat_parser.StartElementHandler = self.start
        expat_parser.EndElementHandler = self.end
        expat_parser.CharacterDataHandler = self.tree.data
        expat_parser.buffer_text = True

    @staticmethod
    @functools.cache
    def _tag(name: str) -> str:
        uri, _, local = name.rpartition(" ")
        return f"{{{uri}}}{local}" if uri else local

    def start(self, name, attributes):
        element = self.tree.start(self._tag(name), {self._tag(k): v for k, v in attributes.items()})
        self.events.append(("start", element, self.expat.CurrentLineNumber))

    def end(self, name):
        self.events.append(("end", self.tree.end(self._tag(name)), self.expat.CurrentLineNumber))


def read(
    stream: BinaryIO, on_progress: Callable[[int], None] | None = None
) -> Iterator[Channel | Author | Term | Item]:
    """Yield the channel (once, before the first author), then authors, terms and items, in file order.

    Raises WXRError, naming the line, for a malformed or truncated file.
    """
    expat_parser = expat.ParserCreate(namespace_separator=" ")
    builder = _Builder(expat_parser)
    channel = Channel()
    channel_sent = False
    channel_element = None
    item_line = 0
    bytes_read = 0
    path: list[str] = []

    truncated = {expat.errors.codes[e] for e in (expat.errors.XML_ERROR_NO_ELEMENTS,
                                                  expat.errors.XML_ERROR_UNCLOSED_TOKEN)}  # fmt: skip

    def parse(chunk: bytes, final: bool) -> WXRError | None:
        """Feed a chunk; the error it hit, if any, is returned so the elements before it are used first."""
        try:
            expat_parser.Parse(chunk, final)
        except expat.ExpatError as error:
            reason = expat.errors.messages.get(error.code, str(error))
            if final and error.code in truncated:
                return WXRError(f"The file ends too early (truncated?) at line {error.lineno}: {reason}.")
            where = f"line {error.lineno}, column {error.offset + 1}"
            return WXRError(f"The file is not well-formed XML at {where}: {reason}.")
        return None

    first = True
    while True:
        chunk = stream.read(CHUNK)
        bytes_read += len(chunk)
        if first:
            if not chunk.strip():
                raise WXRError("The file is empty.")
            chunk = _with_entities(chunk)
            first = False
        error = parse(chunk, final=not chunk)
        for event, element, line in builder.events:
            name = _local(element.tag)
            if event == "start":
                path.append(name)
                if len(path) == 1 and name != "rss":
                    raise WXRError(f"This is not a WordPress export: the document is <{name}>, not <rss>.")
                if name == "channel" and len(path) == 2:
                    channel_element = element
                if name == "item" and path[-2:-1] == ["channel"]:
                    item_line = line
                continue
            path.pop()
            parent = path[-1] if path else ""
            if parent != "channel":
                continue
            if not channel_sent and name in ("item", "wp:author", "wp:category", "wp:tag", "wp:term"):
                channel_sent = True
                yield channel
            if name == "item":
                yield _item(element, item_line)
            elif name in ("title", "link") and not getattr(channel, name):
                setattr(channel, name, (element.text or "").strip())
            elif name in ("wp:base_site_url", "wp:base_blog_url", "wp:wxr_version"):
                setattr(channel, name.removeprefix("wp:"), (element.text or "").strip())
            elif name == "wp:author":
                yield Author(
                    login=_text(element, "wp:author_login").strip(),
                    email=_text(element, "wp:author_email").strip(),
                    display_name=plain(_text(element, "wp:author_display_name")),
                    first_name=plain(_text(element, "wp:author_first_name")),
                    last_name=plain(_text(element, "wp:author_last_name")),
                )
            elif name in ("wp:category", "wp:tag", "wp:term"):
                kind = {"wp:category": "category", "wp:tag": "post_tag", "wp:term": "term"}[name]
                yield _term(element, kind)
            if channel_element is not None:
                channel_element.remove(element)  # finished: keep the tree from growing
        builder.events.clear()
        if error:
            raise error
        if on_progress:
            on_progress(bytes_read)
        if not chunk:
            break
    if not channel_sent:
        yield channel


def _with_entities(chunk: bytes) -> bytes:
    """Declare HTML's named entities in an internal DTD on the first line (none if the file has one)."""
    head = chunk[:4096]
    if b"<!DOCTYPE" in head:
        return chunk
    if head.startswith(b"\xef\xbb\xbf"):
        chunk, bom = chunk[3:], b"\xef\xbb\xbf"
    else:
        bom = b""
    stripped = chunk.lstrip()
    if stripped.startswith(b"<?xml"):
        end = chunk.find(b"?>")
        if end == -1:
            return bom + chunk
        end += 2
        return bom + chunk[:end] + f"<!DOCTYPE rss [{_HTML_ENTITIES}]>".encode() + chunk[end:]
    if not stripped.startswith(b"<"):
        return bom + chunk
    return bom + f"<!DOCTYPE rss [{_HTML_ENTITIES}]>".encode() + chunk
