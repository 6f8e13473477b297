"""The one rule for text that people and imports put in: what it may not contain.

A headline pasted from Word can carry a vertical tab (its manual line break), a
reader's name can carry U+202E (RIGHT-TO-LEFT OVERRIDE) to show "gnp.exe" as
"exe.png", an export can carry C1 controls. None of it is text a reader should see,
and control characters make feeds and sitemaps invalid XML. So every CharField and
TextField of the models that hold what readers, reporters, editors and imports write
is cleaned by a pre_save signal, whatever saves it (a form, the admin, the importer,
the shell):

- C0 controls (U+0000–U+001F), DEL and C1 controls (U+007F–U+009F) are removed, but
  tab, line feed and carriage return stay in multi-line fields (TextField);
- the ones that mean a line break (vertical tab, form feed, the information
  separators U+001C–U+001E, NEL U+0085, LINE and PARAGRAPH SEPARATOR U+2028/U+2029)
  become a line feed in multi-line fields, and in single-line fields (CharField)
  they, tab, line feed and carriage return become a space;
- the bidirectional embeddings, overrides and isolates (U+202A–U+202E,
  U+2066–U+2069) are removed: they reorder what follows them, up to the end of the
  paragraph, so a name or a tag can make the rest of a line read backwards. The
  marks LRM and RLM (U+200E/U+200F) stay: they change no order of their own, and
  mixed Arabic, Hebrew and Latin text needs them;
- noncharacters (U+FDD0–U+FDEF, U+xFFFE/U+xFFFF) and lone surrogates, which no
  interchange may carry, are removed.

`xml_text` is for the way out: feeds and sitemaps pass what is already stored
through it, so a row saved before this rule cannot break them.
"""

import functools
import re

from django.apps import apps
from django.db import models
from django.db.models.signals import pre_save

# The apps whose models hold what people and imports write; "taggit" for tags,
# "flatpages" for the site's pages. A new model, or a new field, is cleaned by being here.
CLEANED_APPS = frozenset({"articles", "comments", "subscriptions", "wordpress", "taggit", "flatpages"})

LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
_REMOVED = re.compile(
    "["
    "\x00-\x08\x0e-\x1b\x1f"  # C0 controls, less tab, line feed, carriage return and the breaks
    "\x7f-\x84\x86-\x9f"  # DEL and C1 controls, less NEL
    "\u202a-\u202e\u2066-\u2069"  # bidi embeddings, overrides and isolates
    "\ud800-\udfff"  # lone surrogates
    f"{_NONCHARACTERS}"
    "]"
)
_MULTILINE_BREAKS = re.compile(f"[{LINE_BREAKS}]")
_SINGLE_LINE_BREAKS = re.compile(f"\r\n|[\t\n\r{LINE_BREAKS}]")
# What XML 1.0 cannot carry at all (https://www.w3.org/TR/xml/#charsets).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean_text(value: str, *, multiline: bool) -> str:
    """`value` without control, bidi-override and noncharacters (see the module's docstring)."""
    if not value:
        return value
    value = _REMOVED.sub("", value)
    if multiline:
        return _MULTILINE_BREAKS.sub("\n", value)
    return _SINGLE_LINE_BREAKS.sub(" ", value)


def xml_text(value: str) -> str:
    """`value` cleaned as multi-line text, and certainly without a character XML 1.0 refuses."""
    return _NOT_XML.sub("", clean_text(str(value), multiline=True))


@functools.cache
def text_fields(model) -> list[tuple[str, bool]]:
    """(attribute name, is multi-line) for each CharField and TextField stored in `model`'s rows."""
    return [
        (field.attname, isinstance(field, models.TextField))
        for field in model._meta.get_fields()
        if field.concrete and isinstance(field, models.CharField | models.TextField)
    ]


def cleaned_models() -> list[type[models.Model]]:
    """Every model of CLEANED_APPS, proxies included (a proxy's save names the proxy as sender)."""
    return [model for model in apps.get_models() if model._meta.app_label in CLEANED_APPS]


def clean_text_fields(sender, instance, **kwargs) -> None:
    """pre_save: clean every text field of `instance` (see the module's docstring)."""
    for attname, multiline in text_fields(sender):
        value = getattr(instance, attname)
        if isinstance(value, str):
            cleaned = clean_text(value, multiline=multiline)
            if cleaned != value:
                setattr(instance, attname, cleaned)


def connect() -> None:
    """Clean the text of every model in CLEANED_APPS on save; called from ArticlesConfig.ready()."""
    for model in cleaned_models():
        pre_save.connect(clean_text_fields, sender=model, dispatch_uid=f"clean-text-{model._meta.label}")
