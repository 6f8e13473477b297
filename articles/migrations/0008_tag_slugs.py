"""Give every stored tag a visible name and a slug its address can hold.

Before articles/tags.py, a tag named only with emoji or punctuation ("🚢", ",") got
taggit's empty slug, and its story page, tag page and tag sitemap answered 500. The
rule is copied here, as it was when this migration was written.
"""

import re

from django.db import migrations
from django.utils.text import slugify

SLUG_MAX = 100
USABLE_SLUG = re.compile(r"[-\w]+")
INVISIBLE = re.compile("[\x00-\x20\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def slug_for(name):
    slug = slugify(name, allow_unicode=True)[: SLUG_MAX - 10].strip("-_")
    if not slug:
        slug = ("tag-" + "-".join(f"{ord(ch):x}" for ch in name if not ch.isspace()))[: SLUG_MAX - 10]
        slug = slug.strip("-") or "tag"
    return slug


def unique(Tag, field, base, pk, separator):
    candidate, n = base, 2
    while Tag.objects.exclude(pk=pk).filter(**{f"{field}__iexact": candidate}).exists():
        candidate, n = f"{base}{separator}{n}", n + 1
    return candidate


def repair(apps, schema_editor):
    Tag = apps.get_model("taggit", "Tag")
    for tag in list(Tag.objects.order_by("pk")):
        name, slug = tag.name, tag.slug
        if not INVISIBLE.sub("", name):
            spelled = " ".join(f"U+{ord(ch):04X}" for ch in name if not ch.isspace())
            name = unique(Tag, "name", spelled or "Untitled tag", tag.pk, " ")
        if not (slug and USABLE_SLUG.fullmatch(slug)):
            slug = unique(Tag, "slug", slug_for(INVISIBLE.sub(" ", name).strip()), tag.pk, "-")
        if (name, slug) != (tag.name, tag.slug):
            Tag.objects.filter(pk=tag.pk).update(name=name, slug=slug)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_reader_list_indexes"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
