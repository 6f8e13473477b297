"""What others changed in a story since an editor opened it: the refusal of a stale save, made useful.

An editor's form carries the story's revision count when they opened it (`base_revision`).
When someone saved in between, the form is refused and shows what that person changed:
a word diff, per field, from the version the editor opened to the stored one. The opened
version is the newest django-reversion Version whose revision count is at most the base
(workflow steps keep the count, so the newest such one has the words the editor saw).
Nothing here writes.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from reversion.models import Version
from taggit.models import Tag

from .editing import display_name
from .models import Article, Author, Byline, Section, Source, TaggedArticle
from .revisions import word_diff

# The fields an editor types or picks, in the form's order.
TEXT_FIELDS = [
    "headline",
    "slug",
    "standfirst",
    "body",
    "lead_image",
    "lead_image_alt",
    "lead_image_caption",
    "lead_image_credit",
    "original_url",
    "meta_description",
]
CHOSEN = {"section": Section, "source": Source}
FLAGS = ["is_featured", "is_breaking", "comments_open"]


@dataclass
class Saver:
    name: str
    at: datetime  # the time of their last save since the base


@dataclass
class Conflict:
    stored_revision: int
    savers: list[Saver] = field(default_factory=list)
    base_known: bool = True
    changes: list[dict] = field(default_factory=list)  # {"label", "runs"}: word_diff runs

    @property
    def names(self) -> str:
        names = [s.name for s in self.savers]
        return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)

    @property
    def last_saved_at(self) -> datetime | None:
        return max((s.at for s in self.savers), default=None)


def changes_since(*, article: Article, base_revision: int | None) -> Conflict:
    """Who saved `article` after revision `base_revision`, and what they changed, field by field."""
    stored = Article.objects.get(pk=article.pk)
    versions = Version.objects.get_for_object(stored).select_related("revision__user")
    savers: dict[str, Saver] = {}
    base = None
    for version in versions.iterator():  # newest first
        if base_revision is not None and version.field_dict.get("revision", 0) <= base_revision:
            base = version
            break
        user = version.revision.user
        name = display_name(user) if user else "Someone"
        savers.setdefault(name, Saver(name=name, at=timezone.localtime(version.revision.date_created)))
    conflict = Conflict(stored_revision=stored.revision, savers=list(reversed(savers.values())))
    now = stored_values(stored)
    if base is None:
        conflict.base_known = False
        conflict.changes = [
            {"label": label, "runs": [("", value)]} for label, value in now.items() if value not in ("", "—")
        ]
        return conflict
    then = version_values(base)
    conflict.changes = [
        {"label": label, "runs": word_diff(then.get(label, ""), value)}
        for label, value in now.items()
        if then.get(label, "") != value
    ]
    return conflict


def _label(name: str) -> str:
    verbose = str(Article._meta.get_field(name).verbose_name)
    return verbose if verbose != "caption" and verbose != "credit" else f"image {verbose}"


def _values(fields: dict, tags: list[str], authors: list[str]) -> dict[str, str]:
    """Every compared field as text, keyed by its label, from the attribute values in `fields`."""
    values = {}
    for name in TEXT_FIELDS[:4]:
        values[_label(name)] = str(fields.get(name) or "")
    for name, model in CHOSEN.items():
        pk = fields.get(f"{name}_id")
        values[_label(name)] = str(model.objects.filter(pk=pk).first() or "—") if pk else "—"
    values["tags"] = ", ".join(sorted(tags, key=str.casefold)) or "—"
    values["byline"] = ", ".join(authors) or "—"
    for name in TEXT_FIELDS[4:]:
        values[_label(name)] = str(fields.get(name) or "")
    for name in FLAGS:
        values[_label(name)] = "yes" if fields.get(name) else "no"
    return values


def stored_values(article: Article) -> dict[str, str]:
    fields = {name: getattr(article, name) for name in [*TEXT_FIELDS, *FLAGS, "section_id", "source_id"]}
    tags = [t.name for t in article.tags.all()]
    authors = [b.author.name for b in article.bylines.select_related("author")]
    return _values(fields, tags, authors)


def version_values(version: Version) -> dict[str, str]:
    """The story's fields as `version` kept them, with the tags and byline of the same revision."""
    related = version.revision.version_set.all()
    tag_type = ContentType.objects.get_for_model(TaggedArticle)
    byline_type = ContentType.objects.get_for_model(Byline)
    tag_ids, bylines = [], []
    article_pk = version.field_dict.get("id")
    for other in related:
        if other.content_type_id == tag_type.pk:
            if other.field_dict.get("content_object_id") == article_pk:
                tag_ids.append(other.field_dict.get("tag_id"))
        elif other.content_type_id == byline_type.pk and other.field_dict.get("article_id") == article_pk:
            bylines.append((other.field_dict.get("position", 0), other.field_dict.get("author_id")))
    tags = list(Tag.objects.filter(pk__in=tag_ids).values_list("name", flat=True))
    names = dict(Author.objects.filter(pk__in=[a for _, a in bylines]).values_list("pk", "name"))
    authors = [names.get(pk, "(deleted author)") for _, pk in sorted(bylines, key=lambda b: b[0])]
    return _values(version.field_dict, tags, authors)
