"""The admin's readership helpers: `{% readership_desk as readership %}` (the desk's panel), `thousands`."""

from django import template
from django.utils.formats import number_format

from ..desk import ReadershipDesk, desk_readership

register = template.Library()


@register.simple_tag
def readership_desk() -> ReadershipDesk:
    """The most read stories of today and this week (readership/desk.py)."""
    return desk_readership()


@register.filter
def thousands(value) -> str:
    """A count with its thousands grouped: 12,345."""
    return number_format(value or 0, force_grouping=True)
