"""What tests/security/test_text_fields.py puts in, and how it looks at what comes out.

- `PAYLOADS`: the XSS corpus (tests/comments/xss_payloads.py) and control characters.
- `word_fields(model)`: every editable CharField and TextField of a model that holds
  words (not an address, a slug or a choice), found on the model: a new field joins.
- `values_for(model, i)`: what object number `i` gets: field j holds payload i + j, so
  len(PAYLOADS) objects put every payload in every field once.
- `check_html`, `check_xml`, `check_mail`: nothing a payload brought runs, XML parses,
  a mail renders with the headers it should have and clean text.
"""

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from email import message_from_bytes, policy

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models

from newsroom.text import clean_text
from tests.comments.test_xss import SAFE_SCHEMES, SITE_JS, URL_ATTRIBUTES, Node, collapse, parse, scheme_of
from tests.comments.xss_payloads import PAYLOADS as XSS_PAYLOADS

# Control characters, alone and with markup; numbered after the corpus.
_CONTROL = [
    "Port strike\x0bday two <b>__xss($N)</b>",  # Word's manual line break
    "\x1b[31mRed alert\x1b[0m <img src=x onerror=__xss($N)>",  # a terminal colour
    "\u202egnp.exe <script>__xss($N)</script>",  # right-to-left override
    "Isolates \u2066\u2067\u2068\u2069 embeddings \u202a\u202b\u202c\u202d __xss($N)",
    "Next\x85line\u2028and\u2029paragraph\x0cpage \"'><svg onload=__xss($N)>",
    "Non\ufffecharacters\uffff\ufdd0 __xss($N)",
    "Bell\x07 backspace\x08 delete\x7f C1\x9b\x80 __xss($N)",
    "Nul\x00byte <img src=x onerror=__xss($N)>",  # forms refuse it; PostgreSQL refuses to store it
    "\u200fRLM and LRM\u200e stay: שלום __xss($N)",
]
PAYLOADS: list[tuple[int, str]] = [
    *XSS_PAYLOADS,
    *((1000 + n, text.replace("$N", str(1000 + n))) for n, text in enumerate(_CONTROL, start=1)),
]
_url = URLValidator(schemes=["http", "https"])


def _is_url(text: str) -> bool:
    try:
        _url(text)
    except ValidationError:
        return False
    return True


# Addresses from the corpus that a URL field accepts, each trying to leave its href.
URL_PAYLOADS = [text for _, text in PAYLOADS if _is_url(text)]

# Char/TextFields that are not words a person reads, and why they are left out.
NOT_WORDS = {
    ("comments", "comment", "object_pk"): "the story's id, which the form's signed fields set",
    ("flatpages", "flatpage", "url"): "the page's address: articles/pages.py allows only a path",
    ("flatpages", "flatpage", "template_name"): "not on our page form; the page view ignores it",
}
# Fields whose HTML is kept (after articles.sanitize's allowlist), not escaped.
RICH_TEXT = {("articles", "article", "body"), ("flatpages", "flatpage", "content")}


def _key(model, field) -> tuple[str, str, str]:
    return (model._meta.app_label, model._meta.model_name, field.name)


def word_fields(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.get_fields()
        if field.concrete
        and field.editable
        and isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.SlugField | models.URLField | models.EmailField)
        and not field.choices
        and _key(model, field) not in NOT_WORDS
    ]


def url_fields(model) -> list[models.Field]:
    fields = model._meta.get_fields()
    return [f for f in fields if f.concrete and f.editable and isinstance(f, models.URLField)]


def is_rich(field) -> bool:
    return _key(field.model, field) in RICH_TEXT


def fit(text: str, field) -> str:
    return text[: field.max_length] if field.max_length else text


def values_for(model, i: int) -> dict[str, str]:
    """Object number `i`'s words: field j gets payload i + j; URL fields an address from the corpus."""
    values = {}
    for j, field in enumerate(word_fields(model)):
        payload = PAYLOADS[(i + j) % len(PAYLOADS)][1]
        # A body needs words of its own to be published; the payload follows them.
        values[field.name] = f"<p>Words {i}.</p>{payload}" if is_rich(field) else fit(payload, field)
    for j, field in enumerate(url_fields(model)):
        values[field.name] = fit(URL_PAYLOADS[(i + j) % len(URL_PAYLOADS)], field)
    return values


def as_stored(value: str, field) -> str:
    """What a form and the pre_save cleaning leave of `value` (rich text is sanitised too: not compared)."""
    return clean_text(value, multiline=isinstance(field, models.TextField)).strip()


def store_the_rest(obj, values: dict[str, str]) -> int:
    """Put in by model save whatever a form did not store as sent (not on the form, or refused)."""
    missing = {}
    for field in word_fields(type(obj)) + url_fields(type(obj)):
        wanted = values.get(field.name)
        if wanted is not None and not is_rich(field) and getattr(obj, field.name) != as_stored(wanted, field):
            missing[field.name] = wanted
    for name, value in missing.items():
        setattr(obj, name, value)
    if missing:
        obj.save()
    return len(missing)


def check_stored(obj) -> None:
    """Every text field as stored has nothing the cleaning removes."""
    for field in word_fields(type(obj)) + url_fields(type(obj)):
        value = getattr(obj, field.name)
        assert value == clean_text(value, multiline=isinstance(field, models.TextField)), (obj, field.name)


# Looking at what comes out ------------------------------------------------------------------------

MARKER = re.compile(r"xss\(|alert\(")
# Elements no reader page or mail has, whatever anybody typed.
FORBIDDEN_TAGS = {"style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "base",
                  "template", "marquee", "details", "xmp", "plaintext", "isindex", "noscript", "video",
                  "audio", "select", "animate", "set", "foreignobject", "use", "image"}  # fmt: skip
# Attributes that hold words: a payload may show there, escaped.
TEXT_ATTRIBUTES = {"alt", "title", "content", "value", "aria-label", "placeholder"}


class Tally(Counter):
    """How much was checked, by kind: printed at the end of each test."""

    def line(self) -> str:
        return ", ".join(f"{kind}: {n}" for kind, n in sorted(self.items()))


def check_html(html: str, where: str, *, mail: bool = False) -> Node:
    """Nothing a payload brought can run: no handler, script, frame, script address or styled marker."""
    root = parse(html)
    forbidden = FORBIDDEN_TAGS - {"style"} if mail else FORBIDDEN_TAGS  # a mail's own style sheet
    for node in root.walk():
        ours = node.tag == "details" and node.attrs == [("class", "menu-toggle")]  # base.html's phone menu
        assert node.tag not in forbidden or ours, (where, node.tag, node.attrs)
        if node.tag == "style":
            assert not MARKER.search(node.text()), (where, node.text()[:200])
        if node.tag == "script":
            assert not mail, (where, node.attrs)
            if node.get("src") is not None:
                assert node.get("src") == SITE_JS and not node.text().strip(), (where, node.attrs)
            else:
                assert node.get("type") == "application/ld+json", (where, node.attrs, node.text()[:200])
                json.loads(node.text())
        for name, value in node.attrs:
            value = value or ""
            assert not name.startswith("on"), (where, node.tag, name, value)
            assert name != "srcdoc", (where, node.tag, value)
            if name in URL_ATTRIBUTES and value:
                assert scheme_of(value) in (None, *SAFE_SCHEMES), (where, node.tag, name, value)
            elif name not in TEXT_ATTRIBUTES and not name.startswith("data-"):
                assert not MARKER.search(value), (where, node.tag, name, value)
        if node.tag == "meta" and node.get("http-equiv"):
            assert not MARKER.search(node.get("content") or ""), (where, node.attrs)
    return root


def check_shown_as_text(root: Node, html: str, value: str, where: str) -> None:
    """A plain field reads as its words on the page and is never there as markup."""
    shown = collapse(value)[:40].strip()
    assert shown in collapse(root.text()), (where, shown)
    if "<" in value:
        assert value not in html, (where, value)


def check_xml(content: bytes, where: str) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 (our own feed or sitemap); raises on invalid XML


def check_mail(message, where: str, *, headers: set[str]) -> None:
    """The mail renders, has exactly the headers it should, and its text has nothing cleaning removes."""
    parsed = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    names = {name.lower() for name in parsed.keys()}
    assert names <= headers, (where, names - headers)
    assert len(parsed.get_all("To") or []) == 1, where
    for name, value in parsed.items():
        assert "\n" not in str(value) and "\r" not in str(value), (where, name)
    assert message.body == clean_text(message.body, multiline=True), (where, message.body[:200])
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            check_html(content, where, mail=True)
