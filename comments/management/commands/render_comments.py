"""Render every comment's reader HTML again, after the display rules change (or after a raw import)."""

from django.core.management.base import BaseCommand

from comments.models import Comment
from comments.templatetags.comment_display import comment_html


class Command(BaseCommand):
    help = "Re-render the stored HTML of every comment with the current rules."

    def handle(self, *args, **options):
        changed = 0
        for pk, text, html in Comment.objects.values_list("pk", "comment", "text_html").iterator(
            chunk_size=2000
        ):
            fresh = comment_html(text)
            if fresh != html:
                Comment.objects.filter(pk=pk).update(text_html=fresh)
                changed += 1
        self.stdout.write(f"{changed} comment(s) re-rendered.")
