"""Reading a WordPress export (WXR) as a stream of plain records.

The file is fed to lxml's pull parser in chunks. Only the elements that make a
record (the channel's fields, authors, terms and items) raise an event; each
is turned into a record by its handler and dropped at once, so memory stays
flat however large the export.

Exports vary: WXR 1.0 to 1.2, with the `wp` namespace on http:// or https://,
items without a post_type or a post_id, comments without an approval status,
and hand-edited files with HTML entities (&nbsp;, &eacute;) that XML does not
know. Namespaces are matched by pattern, and the HTML entities are declared in
an internal DTD put on the first line, so line numbers in error messages stay
true. A file that brings a DTD of its own is refused: WordPress never writes
one, and it is how external entities and entity bombs get in. Beyond that, the
parser never touches the network, expands no entity (a DTD hidden after a
first megabyte of comments is read but not used) and keeps libxml2's limit of
10 MB on a single text.
"""

import functools
import html
import html.entities
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import BinaryIO

from lxml import etree

CHUNK = 1024 * 1024

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
# Comments and processing instructions, and the first element's name, in the file's prolog.
_PROLOG_NOISE = re.compile(rb"<!--.*?-->|<\?.*?\?>", re.S)
_FIRST_TAG = re.compile(rb"<(!DOCTYPE|[A-Za-z_][\w.:-]*)")


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
    kind: str  # "category" or "post_tag" (other taxonomies are read and ignored)
    slug: str
    name: str


@dataclass
class Comment:
    wp_id: int  # 0 when the export has no comment_id
    author: str
    email: str
    url: str
    ip: str
    date_gmt: datetime | None
    content: str
    approved: str | None  # "1", "0", "spam", "trash"; None when the export has no such field
    type: str  # "", "comment", "pingback", "trackback"
    parent: int


@dataclass
class Item:
    wp_id: int  # 0 when the export has no post_id (old exports)
    guid: str
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


def _text(element) -> str:
    """An element's text, with the HTML entities the parser left as they were decoded."""
    if not len(element):
        return element.text or ""
    parts = [element.text or ""]
    for child in element:
        if child.tag is etree.Entity:
            parts.append(html.unescape(child.text))
        parts.append(child.tail or "")
    return "".join(parts)


def _fields(element) -> dict[str, str]:
    """The texts of an element's children by name (the first of each name)."""
    found: dict[str, str] = {}
    for child in element:
        if isinstance(child.tag, str):
            found.setdefault(_local(child.tag), _text(child))
    return found


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int((value or "").strip())
    except ValueError:
        return default


def parse_date(value: str | None) -> datetime | None:
    """WordPress's 'YYYY-MM-DD HH:MM:SS' in UTC; None for its '0000-00-00 00:00:00' or garbage."""
    value = (value or "").strip()
    if not value or value.startswith("0000"):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def plain(value: str | None) -> str:
    """A title or name: entities decoded (once, as WordPress encodes them), whitespace tidied."""
    return " ".join(html.unescape(value or "").split())


# Handlers: one per record, each given the finished element --------------------------------------


def _author(element) -> Author:
    f = _fields(element)
    return Author(
        login=f.get("wp:author_login", "").strip(),
        email=f.get("wp:author_email", "").strip(),
        display_name=plain(f.get("wp:author_display_name")),
        first_name=plain(f.get("wp:author_first_name")),
        last_name=plain(f.get("wp:author_last_name")),
    )


def _category(element) -> Term:
    f = _fields(element)
    return Term("category", f.get("wp:category_nicename", "").strip(), plain(f.get("wp:cat_name")))


def _tag(element) -> Term:
    f = _fields(element)
    return Term("post_tag", f.get("wp:tag_slug", "").strip(), plain(f.get("wp:tag_name")))


def _term(element) -> Term:
    """<wp:term> (WXR 1.2): any taxonomy; only categories and tags matter here."""
    f = _fields(element)
    kind = f.get("wp:term_taxonomy", "").strip()
    return Term(kind, f.get("wp:term_slug", "").strip(), plain(f.get("wp:term_name")))


def _comment(element) -> Comment:
    f = _fields(element)
    approved = f.get("wp:comment_approved")
    return Comment(
        wp_id=_int(f.get("wp:comment_id")),
        author=plain(f.get("wp:comment_author")),
        email=f.get("wp:comment_author_email", "").strip(),
        url=f.get("wp:comment_author_url", "").strip(),
        ip=f.get("wp:comment_author_IP", "").strip(),
        date_gmt=parse_date(f.get("wp:comment_date_gmt")) or parse_date(f.get("wp:comment_date")),
        content=f.get("wp:comment_content", ""),
        approved=None if approved is None else approved.strip(),
        type=f.get("wp:comment_type", "").strip(),
        parent=_int(f.get("wp:comment_parent")),
    )


def _item(element) -> Item:
    f: dict[str, str] = {}
    categories, tags, meta, comments = [], [], {}, []
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name = _local(child.tag)
        if name == "category":
            term = Term(child.get("domain", ""), (child.get("nicename") or "").strip(), plain(_text(child)))
            (categories if term.kind == "category" else tags if term.kind == "post_tag" else []).append(term)
        elif name == "wp:postmeta":
            pair = _fields(child)
            meta[pair.get("wp:meta_key", "")] = pair.get("wp:meta_value", "")
        elif name == "wp:comment":
            comments.append(_comment(child))
        else:
            f.setdefault(name, _text(child))
    status = f.get("wp:status", "").strip() or "publish"
    date = parse_date(f.get("wp:post_date_gmt"))
    if date is None and status not in ("draft", "pending", "auto-draft"):
        date = parse_date(f.get("wp:post_date"))
    return Item(
        wp_id=_int(f.get("wp:post_id")),
        guid=f.get("guid", "").strip(),
        post_type=f.get("wp:post_type", "").strip() or "post",
        status=status,
        title=plain(f.get("title")),
        link=f.get("link", "").strip(),
        slug=f.get("wp:post_name", "").strip(),
        creator=f.get("dc:creator", "").strip(),
        content=f.get("content:encoded", ""),
        excerpt=f.get("excerpt:encoded", ""),
        date_gmt=date,
        comment_status=f.get("wp:comment_status", "").strip() or "open",
        sticky=f.get("wp:is_sticky", "").strip() == "1",
        attachment_url=f.get("wp:attachment_url", "").strip(),
        categories=categories,
        tags=tags,
        meta=meta,
        comments=comments,
        line=element.sourceline or 0,
    )


RECORDS = {"item": _item, "wp:author": _author, "wp:category": _category, "wp:tag": _tag, "wp:term": _term}
CHANNEL_FIELDS = {"title": "title", "link": "link", "wp:base_site_url": "base_site_url",
                  "wp:base_blog_url": "base_blog_url"}  # fmt: skip
# The names that raise an event (in any namespace): the records and the channel's fields.
_EVENT_TAGS = ["item", "title", "link", "{*}author", "{*}category", "{*}tag", "{*}term",
               "{*}base_site_url", "{*}base_blog_url"]  # fmt: skip


# The event loop ---------------------------------------------------------------------------------


def read(
    stream: BinaryIO, on_progress: Callable[[int], None] | None = None
) -> Iterator[Channel | Author | Term | Item]:
    """Yield the channel (once, before the first author), then authors, terms and items, in file order.

    Raises WXRError, naming the line, for a malformed, truncated or hostile file.
    """
    channel = Channel()
    channel_sent = False
    for element in _channel_children(stream, on_progress):
        name = _local(element.tag)
        if name in CHANNEL_FIELDS and not getattr(channel, CHANNEL_FIELDS[name]):
            setattr(channel, CHANNEL_FIELDS[name], _text(element).strip())
        elif handler := RECORDS.get(name):
            if not channel_sent:
                channel_sent = True
                yield channel
            yield handler(element)
    if not channel_sent:
        yield channel


def _channel_children(stream: BinaryIO, on_progress) -> Iterator:
    """Each finished child of <channel> that may hold a record or a channel field, then dropped."""
    parser = etree.XMLPullParser(
        events=("end",),
        tag=_EVENT_TAGS,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    chunk, bytes_read = stream.read(CHUNK), 0
    if not chunk.strip():
        raise WXRError("The file is empty.")
    chunk = _with_entities(chunk)
    while chunk:
        bytes_read += len(chunk)
        error = _feed(parser, chunk)
        for _event, element in parser.read_events():
            parent = element.getparent()
            if parent is not None and _local(parent.tag) == "channel":
                yield element
                parent.remove(element)  # finished: keep the tree from growing
        if error:
            raise error
        if on_progress:
            on_progress(bytes_read)
        chunk = stream.read(CHUNK)
    try:
        parser.close()
    except etree.XMLSyntaxError as error:
        where = f"at line {error.lineno}: {_reason(error)}"
        raise WXRError(f"The file ends too early (truncated?) {where}.") from None


def _feed(parser, chunk: bytes) -> WXRError | None:
    """Feed a chunk; the error it hit, if any, is returned so the elements before it are used first."""
    try:
        parser.feed(chunk)
    except etree.XMLSyntaxError as error:
        line, column = error.position
        if "XML_PARSE_HUGE" in error.msg or "too big" in error.msg:
            return WXRError(f"The file holds a text too large to read (over 10 MB) at line {line}.")
        return WXRError(f"The file is not well-formed XML at line {line}, column {column}: {_reason(error)}.")
    return None


def _reason(error: etree.XMLSyntaxError) -> str:
    return re.sub(r", line \d+, column \d+$", "", error.msg.strip()).rstrip(".")


def _with_entities(chunk: bytes) -> bytes:
    """The first chunk with HTML's named entities declared in an internal DTD on its first line.

    Refuses a file whose first element is not <rss>, or which declares a DTD of its own.
    """
    bom = b"\xef\xbb\xbf" if chunk.startswith(b"\xef\xbb\xbf") else b""
    chunk = chunk.removeprefix(bom)
    first = _FIRST_TAG.search(_PROLOG_NOISE.sub(b"", chunk))
    if first is None:
        return bom + chunk  # not XML: the parser says where
    name = first.group(1).decode("ascii")
    if name == "!DOCTYPE":
        raise WXRError(
            "The file declares a document type (<!DOCTYPE …>), which WordPress exports never do: "
            "it could make the reader fetch other files or expand entities without end, so it is refused."
        )
    if name != "rss":
        raise WXRError(f"This is not a WordPress export: the document is <{name}>, not <rss>.")
    doctype = f"<!DOCTYPE rss [{_HTML_ENTITIES}]>".encode()
    declaration = re.match(rb"\s*<\?xml.*?\?>", chunk, re.S)
    end = declaration.end() if declaration else 0
    return bom + chunk[:end] + doctype + chunk[end:]
