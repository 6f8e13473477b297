"""Every admin URL, as every role, on stories in every state, with GET and POST.

Who may do what is written here, apart from the admin's code: RIGHTS says what each role
may do with each model, `story_rule` what a reporter may do with a story in each state.
The walk takes its URLs from the admin itself (ours and the libraries'), so a URL with no
rule here fails the test: a new admin view joins by construction. An allowed request must
not be refused; a refused one must answer 403, 404 or 405 (the sign-in page, for someone
signed out) and leave every table exactly as it was.
"""

from dataclasses import dataclass

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, reverse
from reversion.models import Version

from .admin_walk import dump, form_data, make_world

ROLES = ("anonymous", "Reporter", "Editor", "Moderator")

# v view, a add, c change, d delete; what each role's work needs and nothing more.
RIGHTS = {
    "Reporter": {
        "articles.article": "vacd",  # their own stories only, and only drafts to change: story_rule
        "articles.section": "v",
        "articles.source": "v",
        "articles.author": "v",
        "taggit.tag": "v",
    },
    "Editor": {
        **{f"articles.{m}": "vacd" for m in ("article", "section", "source", "author")},
        "taggit.tag": "vacd",
        "flatpages.flatpage": "vacd",
        "auth.user": "v",
        "subscriptions.subscriber": "vcd",
        "subscriptions.digest": "v",  # sending one by hand is its own view
        "subscriptions.delivery": "v",
        "wordpress.oldaddress": "vacd",
        "wordpress.importedobject": "v",
        # The moderation queue and its records, to look at: the count waiting is theirs to watch.
        "comments.comment": "v",
        "comments.report": "v",
        "comments.decision": "v",
    },
    "Moderator": {
        "comments.comment": "vc",
        "comments.report": "v",
        "comments.decision": "v",
        "comments.blockedterm": "vacd",
        "comments.commenterrule": "va",  # lifted, never edited or deleted: the log keeps them
        "comments.removalreason": "vac",  # no longer offered, never deleted: decisions name them
    },
}
# Records the software writes: nobody adds, changes or deletes them by hand.
READ_ONLY = {"comments.decision", "comments.report", "subscriptions.delivery", "wordpress.importedobject"}
# Actions besides "delete selected" (which needs the delete right), and who may run them.
ACTIONS = {
    "articles.article": ("submit_for_review", "publish_now", "schedule", "unpublish", "archive"),
    "comments.comment": ("approve", "remove", "mark_spam", "mark_not_spam", "dismiss_reports"),
    "comments.commenterrule": ("lift",),
    "subscriptions.subscriber": ("export_csv",),
}
ACTION_ROLES = {
    "comments.comment": "Moderator",
    "comments.commenterrule": "Moderator",
    "subscriptions.subscriber": "Editor",
}
OWN = ("own draft", "own in review")


@dataclass
class Case:
    url: str
    kind: str  # what the URL does: "changelist", "change", "revision", ...
    label: str = ""  # the model, for per-model URLs
    state: str = ""  # the story's state, for story URLs
    post: dict | None = None  # what a POST sends (None: an empty body)


def letters(role: str, label: str) -> str:
    found = RIGHTS.get(role, {}).get(label, "")
    return "v" if label in READ_ONLY and found else found


def story_rule(role: str, state: str, need: str) -> bool:
    """A reporter opens only their own stories, and changes or deletes only their own drafts."""
    if need not in letters(role, "articles.article"):
        return False
    if role != "Reporter":
        return True
    if state not in OWN:
        return False
    return need == "v" or state == "own draft"


def action_allowed(role: str, case: Case, name: str) -> bool:
    if name == "delete_selected":
        need = "d"
    elif case.state:  # a story: submitting is a reporter's change; the rest is publishing
        need = "c" if name == "submit_for_review" else "publish"
    else:
        return role == ACTION_ROLES[case.label]
    if case.state:
        return role == "Editor" if need == "publish" else story_rule(role, case.state, need)
    return need in letters(role, case.label) and case.label not in ("comments.comment", *READ_ONLY)


def allowed(role: str, case: Case, method: str) -> bool:
    if role == "anonymous":
        return case.kind == "login"
    label, state = case.label, case.state
    may = (
        (lambda need: story_rule(role, state, need)) if state else (lambda need: need in letters(role, label))
    )
    match case.kind:
        case "index" | "login" | "password_change" | "password_change_done" | "jsi18n" | "object_redirect":
            return True
        case "catch_all":
            return False
        case "app_list":
            return any(lbl.startswith(f"{label}.") for lbl in RIGHTS.get(role, {}))
        case "autocomplete":
            return "v" in letters(role, "articles.source")
        case "changelist":
            return may("v") or may("c")
        case "add":
            return may("a") and label not in READ_ONLY and label != "subscriptions.subscriber"
        case "view_on_site":
            return case.post is None and (may("v") or may("c"))
        case "change" | "history" | "compare" | "preview":
            if method == "POST" and case.kind == "change":
                return may("c")
            return may("v") or may("c")
        case "delete":
            return may("d") and (label != "comments.comment")
        case "revision":
            return may("c") and case.post is not None and "cross" not in case.url
        case "recoverlist" | "recover":
            return role == "Editor" and case.state != "live version"
        case "user_password":
            return may("c")
        case "moderate" | "undo":
            return method == "POST" and role == "Moderator"
        case "commenter":  # a commenter's history: editors look, moderators also get the buttons
            return method == "GET" and role in ("Editor", "Moderator")
        case "lift":
            return method == "POST" and role == "Moderator"
        case "thread":
            return method == "GET" and role in ("Moderator", "Editor")
        case "comment_on_site":  # a redirect to the story's staff view: whoever may see comments
            return method == "GET" and role in ("Moderator", "Editor")
        case "comment_reply":
            return role == "Moderator"
        case "digest_preview":
            return role == "Editor"
        case "digest_test":
            return method == "POST" and role == "Editor"
        case "digest_send":
            return role == "Editor"
        case "presence":  # the change form's heartbeat and its leaving: whoever may change the story
            return method == "POST" and may("c")
        case "autosave":  # keeping one's unsaved form: whoever may change the story (or add one)
            return method == "POST" and may("c" if state else "a")
        case "autosave_discard":  # a GET asks first
            return may("c" if state else "a")
        case "readership":  # a story's readership page: whoever may open the story; read-only
            return method == "GET" and (may("v") or may("c"))
    raise AssertionError(f"no rule for {case.kind}")


def admin_patterns(patterns=None, prefix=""):
    for pattern in admin.site.get_urls() if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from admin_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            assert isinstance(pattern, URLPattern)
            yield pattern.name, prefix + str(pattern.pattern)


SITE_KINDS = {
    "index": "index",
    "login": "login",
    "logout": "logout",
    "password_change": "password_change",
    "password_change_done": "password_change_done",
    "jsi18n": "jsi18n",
    "autocomplete": "autocomplete",
    "view_on_site": "view_on_site",
    "app_list": "app_list",
}
MODEL_KINDS = (
    "changelist",
    "add",
    "history",
    "delete",
    "change",
    "revision",
    "recoverlist",
    "recover",
    "compare",
)
CUSTOM = {
    "comments_comment_moderate": "moderate",
    "comments_comment_commenter": "commenter",
    "comments_commenterrule_lift": "lift",
    "comments_comment_undo": "undo",
    "comments_comment_thread": "thread",
    "comments_comment_on_site": "comment_on_site",
    "comments_comment_reply": "comment_reply",
    "subscriptions_digest_preview_next": "digest_preview",
    "subscriptions_digest_preview": "digest_preview",
    "subscriptions_digest_test_next": "digest_test",
    "subscriptions_digest_test": "digest_test",
    "subscriptions_digest_send": "digest_send",
    "auth_user_password_change": "user_password",
    "articles_article_presence": "presence",
    "articles_article_presence_leave": "presence",
    "articles_article_autosave": "autosave",
    "articles_article_autosave_discard": "autosave_discard",
    "articles_article_autosave_new": "autosave",
    "articles_article_autosave_new_discard": "autosave_discard",
    "articles_article_readership": "readership",
}


class AdminWalk(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_world()

    def setUp(self):
        self.superuser_client = Client()
        self.superuser_client.force_login(self.world["superuser"])
        self.forms = {}

    def form_of(self, url: str) -> dict:
        """The page's form as the superuser sees it: data that would be accepted, were it allowed."""
        if url not in self.forms:
            response = self.superuser_client.get(url)
            self.forms[url] = form_data(response.content.decode()) if response.status_code == 200 else {}
        return self.forms[url]

    # --- the URLs ---------------------------------------------------------------------

    def cases(self):
        stories, objects = self.world["stories"], self.world["objects"]
        unknown = []
        for name, pattern in admin_patterns():
            if name in SITE_KINDS:
                yield from self.site_cases(SITE_KINDS[name])
            elif name in CUSTOM:
                yield from self.custom_cases(name, CUSTOM[name])
            elif name is None and pattern.endswith("<path:object_id>/"):
                label = ".".join(pattern.split("/")[:2])
                obj = objects.get(label) or stories["published"]
                yield Case(
                    reverse(f"admin:{label.replace('.', '_')}_changelist") + f"{obj.pk}/", "object_redirect"
                )
            elif name is None and "(?P<url>" in pattern:
                yield Case("/admin/no-such-page/", "catch_all")
            elif name and name.rsplit("_", 1)[-1] in MODEL_KINDS:
                app_model, kind = name.rsplit("_", 1)
                label = next(
                    (lbl for lbl in (*objects, "articles.article") if lbl.replace(".", "_") == app_model),
                    None,
                )
                if label is None:
                    unknown.append(name)
                    continue
                yield from self.model_cases(name, kind, label)
            else:
                unknown.append(name or pattern)
        assert not unknown, f"admin URLs with no rule in this test: {unknown}"
        for state, story in stories.items():
            yield Case(reverse("articles:preview", args=[story.pk]), "preview", "articles.article", state)

    def site_cases(self, kind):
        if kind == "app_list":
            for app_label in {lbl.split(".")[0] for lbl in self.world["objects"]} | {"articles"}:
                yield Case(reverse("admin:app_list", args=[app_label]), "app_list", app_label)
        elif kind == "view_on_site":
            for label, obj in self.world["objects"].items():
                ct = ContentType.objects.get_for_model(obj)
                # An object without a page of its own has nothing to show to anyone (post={} marks it).
                no_page = None if hasattr(obj, "get_absolute_url") else {}
                yield Case(reverse("admin:view_on_site", args=[ct.pk, obj.pk]), kind, label, post=no_page)
            ct = ContentType.objects.get_for_model(self.world["stories"]["published"])
            for state, story in self.world["stories"].items():
                yield Case(
                    reverse("admin:view_on_site", args=[ct.pk, story.pk]), kind, "articles.article", state
                )
        elif kind == "autocomplete":
            query = "?app_label=articles&model_name=article&field_name=source&term=W"
            yield Case(reverse("admin:autocomplete") + query, kind)
        elif kind != "logout":  # signing out is walked last, by test_sign_out
            yield Case(reverse(f"admin:{kind}"), kind)

    def custom_cases(self, name, kind):
        objects = self.world["objects"]
        if kind == "moderate":
            for action in ("approve", "remove", "spam", "not_spam", "dismiss"):
                yield Case(reverse(f"admin:{name}", args=[objects["comments.comment"].pk, action]), kind)
        elif kind == "commenter":
            email = objects["comments.comment"].user_email
            yield Case(reverse(f"admin:{name}") + f"?email={email}", kind)
        elif kind == "lift":
            yield Case(reverse(f"admin:{name}", args=[objects["comments.commenterrule"].pk]), kind)
        elif kind == "thread":
            yield Case(reverse(f"admin:{name}", args=[objects["comments.comment"].pk]), kind)
        elif kind == "undo":
            yield Case(reverse(f"admin:{name}", args=[objects["comments.decision"].pk]), kind)
        elif kind in ("presence", "readership"):
            for state, story in self.world["stories"].items():
                yield Case(reverse(f"admin:{name}", args=[story.pk]), kind, "articles.article", state)
        elif kind in ("comment_on_site", "comment_reply"):
            yield Case(reverse(f"admin:{name}", args=[objects["comments.comment"].pk]), kind)
        elif kind == "user_password":
            url = reverse(f"admin:{name}", args=[objects["auth.user"].pk])
            new = "a-new-long-password-for-the-walk"
            yield Case(
                url, kind, "auth.user", post={"password1": new, "password2": new, "usable_password": "true"}
            )
        elif kind.startswith("autosave"):
            post = {"headline": "Kept by the walk", "body": "<p>Unsaved.</p>"} if kind == "autosave" else None
            if name.endswith("_new") or name.endswith("_new_discard"):
                yield Case(reverse(f"admin:{name}"), kind, "articles.article", post=post)
            else:
                for state, story in self.world["stories"].items():
                    yield Case(
                        reverse(f"admin:{name}", args=[story.pk]), kind, "articles.article", state, post
                    )
        elif name.endswith(("_preview", "_test")):
            yield Case(reverse(f"admin:{name}", args=[objects["subscriptions.digest"].pk]), kind)
        else:
            yield Case(reverse(f"admin:{name}"), kind)

    def model_cases(self, name, kind, label):
        if label == "articles.article":
            yield from self.story_cases(name, kind)
            return
        obj = self.world["objects"][label]
        if kind == "changelist":
            yield Case(reverse(f"admin:{name}"), kind, label)
            for action in (*ACTIONS.get(label, ()), "delete_selected"):
                post = {"action": action, ACTION_CHECKBOX_NAME: [obj.pk], "index": "0", "post": "yes"}
                yield Case(reverse(f"admin:{name}"), f"action:{action}", label, post=post)
        elif kind == "add":
            yield Case(reverse(f"admin:{name}"), kind, label, post=self.form_of(reverse(f"admin:{name}")))
        else:
            url = reverse(f"admin:{name}", args=[obj.pk])
            post = {"post": "yes"} if kind == "delete" else self.form_of(url) if kind == "change" else None
            yield Case(url, kind, label, post=post)

    def story_cases(self, name, kind):
        stories, label = self.world["stories"], "articles.article"
        if kind == "changelist":
            yield Case(reverse(f"admin:{name}"), kind, label)
            for action in (*ACTIONS[label], "delete_selected"):
                for state, story in stories.items():
                    post = {
                        "action": action,
                        ACTION_CHECKBOX_NAME: [story.pk],
                        "index": "0",
                        "post": "yes",
                        "apply": "1",
                        "at_0": "2031-01-01",
                        "at_1": "10:00",
                    }
                    yield Case(reverse(f"admin:{name}"), f"action:{action}", label, state, post=post)
        elif kind == "add":
            yield Case(reverse(f"admin:{name}"), kind, label, post=self.form_of(reverse(f"admin:{name}")))
        elif kind == "recoverlist":
            yield Case(reverse(f"admin:{name}"), kind, label)
        elif kind == "recover":
            deleted = Version.objects.get_deleted(type(self.world["deleted"])).first()
            live = Version.objects.get_for_object(stories["published"]).first()
            for state, version in (("deleted version", deleted), ("live version", live)):
                url = reverse(f"admin:{name}", args=[version.pk])
                yield Case(url, kind, label, state, post=self.form_of(url))
        elif kind == "revision":
            others = Version.objects.get_for_object(stories["published"]).last()
            for state, story in stories.items():
                own = Version.objects.get_for_object(story).last()
                url = reverse(f"admin:{name}", args=[story.pk, own.pk])
                yield Case(url, kind, label, state, post=self.form_of(url) | {"_save": ["Save"]})
                if story != stories["published"]:  # another story's revision, under this story's number
                    cross = reverse(f"admin:{name}", args=[story.pk, others.pk])
                    yield Case(cross + "#cross", kind, label, state, post=self.form_of(cross))
        else:
            for state, story in stories.items():
                url = reverse(f"admin:{name}", args=[story.pk])
                post = {"post": "yes"} if kind == "delete" else None
                if kind == "change":
                    post = self.form_of(url) | {"headline": ["Changed by the walk"], "_save": ["Save"]}
                yield Case(url, kind, label, state, post=post)

    # --- the walk -----------------------------------------------------------------------

    def request(self, client, method, case):
        url = case.url.split("#")[0]
        with transaction.atomic():
            try:
                response = client.post(url, case.post or {}) if method == "POST" else client.get(url)
            except Exception as error:  # noqa: BLE001 (a 500: reported with the rest)
                transaction.set_rollback(True)
                return None, repr(error)
            after = dump()
            transaction.set_rollback(True)
        return response, after

    def verdict(self, role, case, method, response, after, before) -> str | None:
        if response is None:
            return f"500 ({after})"
        status = response.status_code
        action = case.kind.startswith("action:")
        if action:
            may = action_allowed(role, case, case.kind.split(":", 1)[1])
            if status >= 500:
                return f"{status}"
            if not may and after != before:
                return f"refused, but the database changed ({status})"
            return None
        if allowed(role, case, method):
            if status in (403, 404) or (status == 302 and "/login/" in response.get("Location", "")):
                return f"allowed, but answered {status}"
            if status >= 500:
                return f"{status}"
            return None
        if after != before:
            return f"refused, but the database changed ({status})"
        if role == "anonymous":
            if status != 302 or "/admin/login/" not in response["Location"]:
                return f"anonymous got {status}, not the sign-in page"
            return None
        if status not in (403, 404, 405):
            return f"refused, but answered {status}"
        return None

    def test_every_admin_url_as_every_role(self):
        cases = list(self.cases())
        failures, walked = [], 0
        users = self.world["users"]
        for role in ROLES:
            client = Client()
            if role != "anonymous":
                client.force_login(users[role])
            before = dump()  # signing in changes the user's last_login
            for case in cases:
                methods = ("POST",) if case.kind.startswith("action:") else ("GET", "POST")
                for method in methods:
                    response, after = self.request(client, method, case)
                    walked += 1
                    problem = self.verdict(role, case, method, response, after, before)
                    if problem:
                        failures.append(
                            f"{role:9} {method:4} {case.url} [{case.label} {case.state}]: {problem}"
                        )
        print(f"\nadmin walk: {len(cases)} URL cases x {len(ROLES)} roles: {walked} requests")
        assert not failures, f"{len(failures)} of {walked}:\n" + "\n".join(failures)

    def test_sign_out_is_a_post_for_everyone(self):
        for role, user in self.world["users"].items():
            client = Client()
            client.force_login(user)
            assert client.get(reverse("admin:logout")).status_code == 405, role
            assert client.post(reverse("admin:logout")).status_code == 200, role
            assert client.get(reverse("admin:index")).status_code == 302, role
