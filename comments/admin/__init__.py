"""The moderators' admin: the queue of comments (queue.py) and the records beside it (records.py)."""

from django.contrib import admin
from django_comments.models import Comment as BaseComment
from django_comments.models import CommentFlag
from django_comments_xtd.models import BlackListedDomain, XtdComment

from . import people, queue, records  # noqa: F401 (they register the admins)

# The libraries' own admins show every comment as a plain row; ours replaces them.
for model in (XtdComment, CommentFlag, BlackListedDomain, BaseComment):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
