import re
import time

import pytest
import time_machine

from comments.forms import CommentForm
from tests.factories import ArticleFactory


@pytest.fixture
def story(db):
    return ArticleFactory(live=True, headline="Harbour dredging starts in spring")


@pytest.fixture
def open_door(settings):
    """No confirmation mail and no first-time hold: a comment publishes at once."""
    settings.COMMENTS_CONFIRM_EMAIL = False
    settings.COMMENTS_HOLD_FIRST_TIME = False
    return settings


def form_data(article, *, age: int = 30, **fields) -> dict:
    """What a reader's browser sends, with a form shown `age` seconds ago (its signed stamp made then)."""
    with time_machine.travel(time.time() - age, tick=False):
        stamp = CommentForm(article).initial["stamp"]
    data = {
        "content_type": "articles.article",
        "object_pk": str(article.pk),
        "stamp": stamp,
        "honeypot": "",
        "name": "Ada Reader",
        "email": "ada@example.org",
        "url": "",
        "comment": "The dredging plan leaves out the silt from the north basin.",
        "reply_to": "0",
        "replied_to": "",
    }
    data.update({key: str(value) for key, value in fields.items()})
    return data


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """Send the comment form as a browser would; mail goes out as the transaction commits."""

    def _post(article, follow=False, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/comments/post/", form_data(article, **fields), follow=follow)

    return _post


def text_of(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
