"""The beacon: POST /readership/view/, answered 204 at once, counted when the rules allow."""

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import beacon, counting

MAX_BODY = 1024


def _answer(status: int = 204) -> HttpResponse:
    response = HttpResponse(status=status) if status == 204 else HttpResponseBadRequest("Not a beacon.")
    response["Cache-Control"] = "no-store"
    return response


def _body_too_big(meta) -> bool:
    try:
        return int(meta.get("CONTENT_LENGTH") or 0) > MAX_BODY
    except ValueError:
        return True


def _staff(request) -> bool:
    """A signed-in member of staff. Only a request with a session cookie is asked: reading the
    session of one without would cost nothing but add "Vary: Cookie" to every reader's answer."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_staff


@csrf_exempt  # a beacon changes nothing but a count, and carries no cookie it could abuse
@require_POST
def view(request):
    """Count one view of a story. Every well-formed beacon gets 204, counted or not (no oracle)."""
    if _body_too_big(request.META):
        return _answer(400)
    story = beacon.story_id(request.POST.get("story", ""))
    if story is None:
        return _answer(400)
    domain = beacon.referring_domain(request.POST.get("ref", ""), request.get_host().partition(":")[0])
    meta = request.META
    if (
        beacon.asked_not_to_be_counted(meta)
        or beacon.from_another_site(meta)
        or beacon.is_bot(meta.get("HTTP_USER_AGENT", ""))
        or _staff(request)
    ):
        return _answer()
    counting.view_record(story_id=story, domain=domain, at=timezone.now())
    return _answer()
