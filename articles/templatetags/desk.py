"""The admin front page's desk: `{% newsroom_desk as desk %}`, the signed-in user's panels (articles/desk.py).

The comments app adds its own to the same page (templates/admin/index.html): the count of
comments waiting, and the moderators' queue.
"""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.formats import date_format

from ..desk import Desk, desk_for

register = template.Library()


@register.simple_tag(takes_context=True)
def newsroom_desk(context) -> Desk:
    return desk_for(context["request"].user)


@register.filter
def desk_time(value: datetime | None, now: datetime | None = None) -> str:
    """A time as a desk says it: "today 14:05", "tomorrow 09:00", "yesterday 18:30", "Mon 8 Dec 09:00"."""
    if value is None:
        return ""
    now = timezone.localtime(now or timezone.now())
    local = timezone.localtime(value)
    days = (local.date() - now.date()).days
    clock = date_format(local, "H:i")
    named = {0: "today", 1: "tomorrow", -1: "yesterday"}
    if days in named:
        return f"{named[days]} {clock}"
    if abs(days) < 180:
        return date_format(local, "D j M H:i")
    return date_format(local, "j M Y H:i")


@register.filter
def desk_age(value: datetime | None, now: datetime | None = None) -> str:
    """How long ago, in one unit: "3 hours", "2 days", "5 minutes", "moments"."""
    if value is None:
        return ""
    seconds = max(0, int(((now or timezone.now()) - value) / timedelta(seconds=1)))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'' if n == 1 else 's'}"
    return "moments"


@register.filter
def desk_iso(value: datetime | None) -> str:
    """A <time datetime> value: to the second, as HTML wants it (no microseconds)."""
    return value.isoformat(timespec="seconds") if value else ""
