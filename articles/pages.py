"""The site's own pages (About, Contact, Privacy…): Django's flatpages, shown safely.

Django's flatpage view marks a page's title and content safe, and its fallback
middleware answers after the middleware that adds the security headers has run.
An editor could put a script on a page that a signed-in administrator then opens.
So Newsroom keeps Django's FlatPage model and serves it itself:

- `page` shows flatpages/default.html with the title escaped and the content cleaned
  by the story-body allowlist (`articles.sanitize`), whatever is already stored;
- `PageFallbackMiddleware` answers a 404 with the page at that address, through `page`;
- `PageForm` and `PageAdmin` check and clean what editors type, and `clean_page` (a
  pre_save) cleans what arrives any other way (the WordPress import, the shell);
- an address starts with exactly one "/": to a browser "//evil.example/" is another site.
"""

import re

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.contrib.flatpages.admin import FlatPageAdmin
from django.contrib.flatpages.forms import FlatpageForm
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.db.models.signals import pre_save
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_safe

from .sanitize import sanitize_html

TEMPLATE = "flatpages/default.html"
_ADDRESS = re.compile(r"/(?!/)[-\w/.~]*\Z")
ADDRESS_HELP = "A path on this site, e.g. “/rates/”: one “/” first, then letters, digits and - _ . ~ /."


def valid_address(url: str) -> bool:
    """True for a path on this site: one leading "/", then only letters, digits and - _ . ~ /."""
    return bool(_ADDRESS.match(url))


def validate_address(url: str) -> None:
    if not valid_address(url):
        raise ValidationError(f"{url!r} is not a page address. {ADDRESS_HELP}", code="page_address")


# Reading ------------------------------------------------------------------------------------


@require_safe
def page(request, url: str):
    """The site page at `url`, for the routes in newsroom/urls.py and for the fallback."""
    if not url.startswith("/"):
        url = "/" + url
    if not valid_address(url):
        raise Http404("No such page.")
    site_id = get_current_site(request).id
    found = FlatPage.objects.filter(url=url, sites=site_id).first()
    if found is None:
        with_slash = FlatPage.objects.filter(url=url + "/", sites=site_id)
        if settings.APPEND_SLASH and not url.endswith("/") and with_slash.exists():
            return HttpResponsePermanentRedirect(f"{request.path}/")
        raise Http404("No such page.")
    return _show(request, found)


@csrf_protect  # the fallback answers after CsrfViewMiddleware's view step; the page may hold a form
def _show(request, flatpage: FlatPage):
    if flatpage.registration_required and not request.user.is_authenticated:
        return redirect_to_login(request.path)
    content = mark_safe(sanitize_html(flatpage.content))  # noqa: S308 (cleaned by the allowlist)
    return render(request, TEMPLATE, {"flatpage": flatpage, "content": content})


class PageFallbackMiddleware:
    """A GET or HEAD that found nothing (404) gets the site page at that address, if there is one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        try:
            return page(request, request.path_info)
        except Http404:
            return response


# Writing ------------------------------------------------------------------------------------


def clean_page(sender, instance: FlatPage, **kwargs) -> None:
    """pre_save: page content is held to the story-body allowlist however it is saved."""
    instance.content = sanitize_html(instance.content)


class PageForm(FlatpageForm):
    def clean_url(self):
        url = super().clean_url()
        validate_address(url)
        return url

    def clean_content(self):
        return sanitize_html(self.cleaned_data["content"])


class PageAdmin(FlatPageAdmin):
    """Django's flatpage admin with our form; no template choice (every page uses flatpages/default.html)."""

    form = PageForm
    fieldsets = (
        (None, {"fields": ("url", "title", "content", "sites")}),
        ("Advanced options", {"classes": ("collapse",), "fields": ("registration_required",)}),
    )


def connect() -> None:
    """Called from ArticlesConfig.ready(), after the admin has registered Django's own FlatPageAdmin."""
    pre_save.connect(clean_page, sender=FlatPage, dispatch_uid="articles-pages-clean")
    if admin.site.is_registered(FlatPage):
        admin.site.unregister(FlatPage)
    admin.site.register(FlatPage, PageAdmin)
