"""What the admin walk needs besides the rules: the objects it opens, the forms it posts, a dump.

Kept apart from tests/security/test_admin_walk.py, which says who may do what.
"""

from datetime import timedelta
from html.parser import HTMLParser

import reversion
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.utils import timezone

from articles import services
from articles.models import Article
from comments.models import BlockedTerm, CommenterRule, Decision, RemovalReason, Report
from subscriptions.models import Delivery, Digest, Subscriber
from tests.comments.helpers import make_comment
from tests.factories import ArticleFactory, AuthorFactory, CorrectionFactory, SourceFactory, UserFactory
from wordpress.models import ImportedObject, OldAddress

# Rows the walk may change without a request having done anything: signing in.
NOT_DUMPED = {"sessions.session", "axes.accesslog", "axes.accessattempt", "axes.accessfailurelog"}


def dump() -> dict:
    """Every row of every table, in a stable order, to compare before and after a request."""
    return {
        model._meta.label_lower: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model._meta.label_lower not in NOT_DUMPED and model._meta.managed
    }


def _story(by, headline: str) -> Article:
    with reversion.create_revision():
        reversion.set_user(by)
        article = ArticleFactory(created_by=by, headline=headline, authors=[AuthorFactory()])
    with reversion.create_revision():
        reversion.set_user(by)
        article.standfirst = "A second revision, so there are two to compare."
        article.save()
    return article


def make_world() -> dict:
    """Users for each role, stories in each state and one object of every model the admin shows."""
    users = {
        "Reporter": UserFactory(username="walk-reporter", role="Reporter"),
        "Editor": UserFactory(username="walk-editor", role="Editor"),
        "Moderator": UserFactory(username="walk-moderator", role="Moderator"),
    }
    other = UserFactory(username="walk-other-reporter", role="Reporter")
    superuser = UserFactory(username="walk-admin", is_superuser=True)
    reporter, editor = users["Reporter"], users["Editor"]

    stories = {
        "own draft": _story(reporter, "Own draft"),
        "own in review": _story(reporter, "Own story in review"),
        "others' draft": _story(other, "Another reporter's draft"),
        "published": _story(editor, "Published story"),
        "scheduled": _story(editor, "Scheduled story"),
        "archived": _story(editor, "Archived story"),
    }
    services.article_submit_for_review(article=stories["own in review"], by=reporter)
    services.article_publish(article=stories["published"], by=editor)
    services.article_schedule(article=stories["scheduled"], at=timezone.now() + timedelta(days=2), by=editor)
    services.article_publish(article=stories["archived"], by=editor)
    services.article_archive(article=stories["archived"], by=editor)
    deleted = _story(other, "Deleted draft")
    with reversion.create_revision():
        deleted.delete()

    story = stories["published"]
    comment = make_comment(story)
    subscriber = Subscriber.objects.create(email="walker@example.org", status=Subscriber.Status.CONFIRMED)
    now = timezone.now()
    digest = Digest.objects.create(
        edition=now.date(), period_start=now - timedelta(days=1), period_end=now, subject="Walk digest"
    )
    page = FlatPage.objects.create(url="/walk-page/", title="Walk page", content="<p>Page.</p>")
    page.sites.add(Site.objects.get_current())
    objects = {
        "auth.group": users["Editor"].groups.get(),
        "auth.user": other,
        "sites.site": Site.objects.get_current(),
        "flatpages.flatpage": page,
        "articles.source": SourceFactory(),
        "articles.section": story.section,
        "articles.author": story.authors.get(),
        "taggit.tag": _tagged(story),
        "comments.comment": comment,
        "comments.decision": Decision.objects.create(
            comment=comment,
            moderator=users["Moderator"],
            action="approve",
            from_status="held",
            to_status="visible",
        ),
        "comments.report": Report.objects.create(comment=comment, reporter_key="ip:walk", reason="spam"),
        "comments.blockedterm": BlockedTerm.objects.create(term="walkword"),
        "comments.commenterrule": CommenterRule.objects.create(
            kind="ban", match="email", value="w@example.org"
        ),
        "comments.removalreason": RemovalReason.objects.create(label="Walk reason", explanation="Walked."),
        "subscriptions.subscriber": subscriber,
        "subscriptions.digest": digest,
        "subscriptions.delivery": Delivery.objects.create(digest=digest, subscriber=subscriber),
        "wordpress.oldaddress": OldAddress.objects.create(path="/2014/03/walk/", article=story),
        "wordpress.importedobject": ImportedObject.objects.create(
            site="https://old.example",
            kind="post",
            wp_key="7",
            content_type=ContentType.objects.get_for_model(story),
            object_id=str(story.pk),
            fingerprint="x",
        ),
    }
    CorrectionFactory(article=story)
    for label in ("axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"):
        objects[label] = _axes_row(label)
    objects["django_tasks_database.dbtaskresult"] = _task_row()
    return {
        "users": users,
        "superuser": superuser,
        "stories": stories,
        "deleted": deleted,
        "objects": objects,
    }


def _tagged(story):
    story.tags.add("Walk tag")
    return story.tags.get()


def _axes_row(label: str):
    model = apps.get_model(label)
    fields = {
        "user_agent": "walker",
        "ip_address": "192.0.2.1",
        "username": "nobody",
        "http_accept": "*/*",
        "path_info": "/admin/login/",
    }
    names = {f.name for f in model._meta.get_fields()}
    if "get_data" in names:
        fields.update(get_data="", post_data="", failures_since_start=1)
    if "attempt_time" in names:
        fields["attempt_time"] = timezone.now()
    return model.objects.create(**{k: v for k, v in fields.items() if k in names})


def _task_row():
    """A queued task, as the worker's queue holds them."""
    from django.db import transaction

    from subscriptions.tasks import daily_digest_task

    with transaction.atomic():
        result = daily_digest_task.enqueue("2026-01-01")
    return apps.get_model("django_tasks_database.dbtaskresult").objects.get(pk=result.id)


class FormFields(HTMLParser):
    """The fields a browser would send from a page's main admin form, as it stands."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._textarea = self._select = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._in_form = (a.get("id") or "").endswith("_form") and a.get("id") != "logout-form"
        if not self._in_form or "name" not in a and tag != "option":
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, "".join(self._text)))
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_data(html: str) -> dict[str, list[str]]:
    parser = FormFields()
    parser.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    return data
