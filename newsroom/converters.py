"""The path converters the apps' URLconfs share, registered when the first of them imports this.

- `row_id`: a database id, at most 18 digits, so a longer number is a 404 and not an
  integer overflow in the database.
- `dd`: a two-digit month or day in a story's address.
- `tag_slug`: a tag's slug, which may hold letters of any script ("περιεχόμενο"):
  taggit keeps Unicode in slugs, which Django's `slug` converter would not match.
"""

from django.urls import register_converter


class RowId:
    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


class TwoDigits:
    regex = "[0-9]{2}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


class TagSlug:
    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(RowId, "row_id")
register_converter(TwoDigits, "dd")
register_converter(TagSlug, "tag_slug")
