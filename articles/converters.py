"""Path converters shared by the reader's URL modules (registered once, on import)."""

from django.urls import register_converter


class TagSlug:
    """A tag's slug, which may hold letters of any script ("περιεχόμενο"): taggit keeps Unicode in slugs."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TagSlug, "tag_slug")
