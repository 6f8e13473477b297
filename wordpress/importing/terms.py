"""WordPress categories and tags: a post's first category becomes its section, the rest tags."""

from collections import Counter

from django.utils.text import slugify
from taggit.models import Tag

from articles.models import Section
from articles.slugs import unique_slug
from newsroom.text import clean_text

from .. import wxr
from ..models import ImportedObject
from .tally import fingerprint

UNCATEGORIZED = wxr.Term(kind="category", slug="uncategorized", name="Uncategorized")


class TermsMixin:
    """Sections and tags, created when a post first uses them. Needs the Importer's bookkeeping."""

    def term(self, term: wxr.Term) -> None:
        """Remember a term the channel declares (its name wins over the one on a post)."""
        if not term.slug and not term.name:
            return
        slug = term.slug or slugify(term.name)
        if term.kind == "category":
            self.categories[slug] = term
        elif term.kind == "post_tag":
            self.tag_terms[slug] = term

    def report_unused_terms(self) -> None:
        declared = {("category", s) for s in self.categories} | {("post_tag", s) for s in self.tag_terms}
        for kind, n in Counter(kind for kind, _ in declared - self.used_terms).items():
            where, what = ("sections", "categories") if kind == "category" else ("tags", "tags")
            self.tally.skip(where, f"{what} used by no imported post", n)

    def section(self, term: wxr.Term) -> Section:
        slug = term.slug or slugify(term.name) or UNCATEGORIZED.slug
        name = (self.categories.get(slug) or term).name or slug
        self.used_terms.add(("category", slug))
        record, section = self.target(ImportedObject.Kind.SECTION, slug, Section)
        if section is not None:
            if record.fingerprint != fingerprint(name):
                section.name = name[:80]
                section.save()
                self.remember(ImportedObject.Kind.SECTION, slug, section, fingerprint(name), record)
                self.tally.count("sections", "updated")
            return section
        section = Section.objects.filter(slug=slugify(slug)[:80]).first()
        if section is None:
            section = Section.objects.create(name=name[:80], slug=unique_slug(Section, slug, max_length=80))
            self.tally.count("sections", "created")
        else:
            self.tally.notes[f"section {section.slug!r} already existed and was used as it is"] += 1
        self.remember(ImportedObject.Kind.SECTION, slug, section, fingerprint(name), None)
        return section

    def tag(self, term: wxr.Term) -> Tag:
        kind = "category" if term.kind == "category" else "post_tag"
        slug = term.slug or slugify(term.name)
        declared = (self.categories if kind == "category" else self.tag_terms).get(slug)
        # Cleaned as saving will clean it (newsroom.text), so "\u202ePorts" finds the tag "Ports".
        name = (clean_text((declared or term).name, multiline=False).strip() or slug)[:100]
        self.used_terms.add((kind, slug))
        tag = Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            tag = Tag.objects.create(name=name)
            self.tally.count("tags", "created")
        return tag

    def note_terms_used(self, item: wxr.Item) -> None:
        """An unchanged post still uses its terms (so they are not reported as unused)."""
        for term in item.categories[:1] or [UNCATEGORIZED]:
            self.used_terms.add(("category", term.slug))
        for term in [*item.categories[1:], *item.tags]:
            self.used_terms.add(("category" if term.kind == "category" else "post_tag", term.slug))
