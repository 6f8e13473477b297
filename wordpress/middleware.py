"""Old WordPress addresses answer 301 with the imported story's current address.

A permalink (/2014/03/12/harbour-opens/) is looked up only when nothing else
answered (a 404), so it never shadows a Newsroom page. WordPress's own short
links (/?p=123, /?page_id=45) would otherwise show the home page, so they are
checked first. The address is worked out at request time from the story, so it
follows later changes of slug or section; a story no longer public is a 404.
WordPress pages became site pages (flatpages); their ?page_id= links lead there.
"""

from django.http import HttpResponsePermanentRedirect

from .models import OldAddress

SHORT_LINK_PARAMETERS = ("p", "page_id")


def short_link(request) -> str | None:
    if request.path != "/" or request.method not in ("GET", "HEAD"):
        return None
    for name in SHORT_LINK_PARAMETERS:
        value = request.GET.get(name, "")
        if value.isascii() and value.isdigit() and len(value) < 19:
            return f"/?{name}={int(value)}"
    return None


def _redirect(path: str):
    if "\x00" in path:  # no address holds a NUL (and PostgreSQL text cannot)
        return None
    old = OldAddress.objects.filter(path=path).select_related("article__section", "page").first()
    address = old and old.current_address()
    return HttpResponsePermanentRedirect(address) if address else None


class OldAddressRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if path := short_link(request):
            if redirect := _redirect(path):
                return redirect
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        path = request.path
        if len(path) > 500:
            return response
        for candidate in (path, path + "/") if not path.endswith("/") else (path,):
            if redirect := _redirect(candidate):
                return redirect
        return response
