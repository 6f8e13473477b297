"""The demo conversations `make run` shows: threads, held, spam and reported comments: a queue with work."""

import io

import pytest
from django.core.management import call_command

from articles.models import Article
from comments.models import Comment

pytestmark = pytest.mark.django_db


def load_demo():
    call_command("load_demo", picture_width=240, stdout=io.StringIO())  # small pictures: quick


def test_demo_threads_show_on_their_story_and_the_queue_has_work(client):
    load_demo()
    story = Article.objects.get(slug="kembang-gateway-opens-deepwater-berths")
    assert story.comment_count == 5
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Has the port said anything about the second gate?" in page
    assert "in reply to" not in page  # the demo threads stay within the depth
    assert "Will the new cranes be remote-operated?" not in page  # held
    assert "verified shipper leads" not in page  # spam
    statuses = sorted(c.status for c in Comment.objects.for_story(story))
    assert statuses == ["held", "spam", "visible", "visible", "visible", "visible", "visible"]
    assert Comment.objects.waiting().count() == 13  # nine held, four reported: a queue's first screen


def test_loading_twice_adds_no_comments():
    load_demo()
    before = Comment.objects.count()
    load_demo()
    assert Comment.objects.count() == before == 23
