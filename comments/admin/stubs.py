"""STUB ROUTES, TO DELETE AT MERGE: the queue links to views other helpers of issue 16 write.

The thread (keys helper), the commenter's history (people helper), the staff reply and the
on-site view (story helper) are named in the shared contract. Until their views land, these
routes carry the names so the queue can reverse them; each answers 404 to everyone. Delete
this file and its one use in queue.py (`*stub_urls(...)`) when the real views are merged.
"""

from django.http import Http404
from django.urls import path

NAMES = {
    "comments_comment_thread": "<int:pk>/thread/",
    "comments_comment_commenter": "commenter/",
    "comments_comment_reply": "<int:pk>/reply/",
    "comments_comment_on_site": "<int:pk>/on-site/",
}


def not_yet(request, **kwargs):
    raise Http404("This view is written by another part of issue 16.")


def stub_urls(admin_site, existing_names: set[str]):
    return [
        path(route, admin_site.admin_view(not_yet), name=name)
        for name, route in NAMES.items()
        if name not in existing_names
    ]
