"""Every tag has a name a reader can see and a slug its address can hold.

taggit makes a tag's slug with `slugify(name, allow_unicode=True)`, which is empty
for a name of emoji or punctuation only ("🚢", ","), and a tag page, feed or sitemap
entry for an empty slug cannot be addressed. So before a tag is saved (pre_save,
whatever saves it: the story form, the admin, the importer, taggit's own `add()`):

- a name that is empty once cleaned (only spaces, control or bidi characters) is
  spelled as its code points ("U+202E"), so it shows and an editor can rename it;
- a slug the `tag_slug` converter would not match is replaced by the name's slug,
  or, when that is empty, by "tag-" and the name's code points in hex ("tag-1f6a2"
  for "🚢"), made unique with "-2", "-3"…
"""

import re

from django.db.models.signals import pre_save
from django.utils.text import slugify
from taggit.models import Tag

from newsroom.converters import TagSlug
from newsroom.text import clean_text

SLUG_MAX = 100  # taggit's column
_USABLE_SLUG = re.compile(TagSlug.regex)


def usable_slug(slug: str) -> bool:
    """True when a tag's address can hold `slug`."""
    return bool(slug) and _USABLE_SLUG.fullmatch(slug) is not None and len(slug) <= SLUG_MAX


def spelled(text: str) -> str:
    """Text as its code points: "U+202E U+2066"."""
    return " ".join(f"U+{ord(ch):04X}" for ch in text if not ch.isspace())


def slug_for(name: str) -> str:
    """The slug taggit would make, or "tag-" and the name's code points in hex when that is empty."""
    slug = slugify(name, allow_unicode=True)[: SLUG_MAX - 10].strip("-_")
    if not slug:
        slug = ("tag-" + "-".join(f"{ord(ch):x}" for ch in name if not ch.isspace()))[: SLUG_MAX - 10]
        slug = slug.strip("-") or "tag"
    return slug


def unique(field: str, base: str, *, exclude_pk, separator: str) -> str:
    """`base`, or `base` with a number, that no other tag has as its `field`."""
    others = Tag.objects.exclude(pk=exclude_pk) if exclude_pk else Tag.objects.all()
    candidate, n = base, 2
    while others.filter(**{f"{field}__iexact": candidate}).exists():
        candidate, n = f"{base}{separator}{n}", n + 1
    return candidate


def give_tag_a_name_and_slug(sender, instance: Tag, **kwargs) -> None:
    """pre_save for Tag: a visible name and a usable slug (see the module's docstring)."""
    name = clean_text(instance.name or "", multiline=False).strip()
    if not name:
        name = unique(
            "name", spelled(instance.name or "") or "Untitled tag", exclude_pk=instance.pk, separator=" "
        )
    instance.name = name
    if not usable_slug(instance.slug):
        instance.slug = unique("slug", slug_for(name), exclude_pk=instance.pk, separator="-")


def connect() -> None:
    """Before newsroom.text's cleaning, so an unreadable name can still be spelled out."""
    pre_save.connect(give_tag_a_name_and_slug, sender=Tag, dispatch_uid="articles-tag-name-and-slug")
