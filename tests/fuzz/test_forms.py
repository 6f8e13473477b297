"""Every public form, sent with hostile values in any field (and fields of its own), answers below 500.

Each example starts from what a real browser would send (valid signed stamps, a
real story, real comment ids) and replaces some fields, so the fuzz reaches the
checks behind the first one as well as the first one.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comments.models import Report

from .strategies import assert_no_server_error, fetch, headers, keys, values

FUZZ = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

ORIGINS = st.dictionaries(
    st.sampled_from(["Origin", "Sec-Fetch-Site"]),
    st.sampled_from(["null", "http://testserver", "https://evil.example", "http://[", "same-origin", "none",
                     "cross-site", "http://testserver:99999", "://", ""]) | values,
    max_size=2,
)  # fmt: skip


def changed(base: dict, replacements: dict, extra: list, dropped: list) -> list:
    form = {**base, **replacements}
    for name in dropped:
        form.pop(name, None)
    return list(form.items()) + extra


def field_changes(names):
    return st.dictionaries(st.sampled_from(names), values, max_size=4)


COMMENT_FIELDS = ["content_type", "object_pk", "stamp", "honeypot", "name", "email",
                  "url", "comment", "reply_to", "replied_to", "followup"]  # fmt: skip


@FUZZ
@given(
    replacements=field_changes(COMMENT_FIELDS),
    extra=st.lists(st.tuples(keys, values), max_size=2),
    dropped=st.lists(st.sampled_from(COMMENT_FIELDS), max_size=2),
    parent=st.sampled_from([None, 0, 1, 2, 3]),
    sent_headers=ORIGINS,
)
def test_comment_post(replacements, extra, dropped, parent, sent_headers, newsroom, fresh_client):
    base = dict(newsroom["comment_fields"])
    if parent is not None:
        comments = newsroom["comments"]
        base["reply_to"] = str(comments[parent].pk)
        base["replied_to"] = str(comments[(parent + 1) % 4].pk)
    form = changed(base, replacements, extra, dropped)
    response = fetch(fresh_client(), "POST", "/comments/post/", form=form, headers=sent_headers)
    assert_no_server_error(response, f"comment post {form!r} {sent_headers!r}")


@FUZZ
@given(
    reason=st.sampled_from(Report.Reason.values) | values,
    note=values,
    which=st.sampled_from([0, 1, 2, 3]),
    extra=st.lists(st.tuples(keys, values), max_size=2),
)
def test_report_form(reason, note, which, extra, newsroom, fresh_client):
    path = f"/comments/{newsroom['comments'][which].pk}/report/"
    form = [("reason", reason), ("note", note), *extra]
    assert_no_server_error(fetch(fresh_client(), "POST", path, form=form), f"report {form!r}")


SIGNUP_FIELDS = ["email", "name", "honeypot", "stamp"]
choice_ids = st.lists(
    st.one_of(st.sampled_from(["real"]), values, st.integers(-1, 10**30).map(str)), max_size=3
)


@FUZZ
@given(
    replacements=field_changes(SIGNUP_FIELDS),
    sections=choice_ids,
    tags=choice_ids,
    extra=st.lists(st.tuples(keys, values), max_size=2),
    dropped=st.lists(st.sampled_from(SIGNUP_FIELDS), max_size=2),
    sent_headers=ORIGINS,
)
def test_newsletter_signup(
    replacements, sections, tags, extra, dropped, sent_headers, newsroom, fresh_client
):
    real_section, real_tag = str(newsroom["sections"][0].pk), str(newsroom["tags"][0].pk)
    choices = [("sections", real_section if s == "real" else s) for s in sections]
    choices += [("tags", real_tag if t == "real" else t) for t in tags]
    form = changed(newsroom["signup_fields"], replacements, extra + choices, dropped)
    response = fetch(fresh_client(), "POST", "/newsletter/", form=form, headers=sent_headers)
    assert_no_server_error(response, f"sign-up {form!r} {sent_headers!r}")


@FUZZ
@given(email=values, extra=st.lists(st.tuples(keys, values), max_size=2))
def test_newsletter_signup_page_with_an_address(email, extra, newsroom, fresh_client):
    response = fetch(fresh_client(), "GET", "/newsletter/", query=[("email", email), *extra])
    assert_no_server_error(response, f"sign-up page email={email!r}")


@FUZZ
@given(
    action=st.sampled_from(["save", "pause", "resume", "unsubscribe", "erase"]) | values,
    sections=choice_ids,
    tags=choice_ids,
    page=st.sampled_from(["manage", "unsubscribe", "confirm"]),
    extra=st.lists(st.tuples(keys, values), max_size=2),
)
def test_newsletter_token_pages(action, sections, tags, page, extra, newsroom, fresh_client):
    token = newsroom["tokens"]["newsletter-confirm" if page == "confirm" else "newsletter-manage"]
    real_section, real_tag = str(newsroom["sections"][0].pk), str(newsroom["tags"][0].pk)
    form = [("action", action), *extra]
    form += [("sections", real_section if s == "real" else s) for s in sections]
    form += [("tags", real_tag if t == "real" else t) for t in tags]
    path = f"/newsletter/{page}/{token}/"
    assert_no_server_error(fetch(fresh_client(), "POST", path, form=form), f"POST {path} {form!r}")
    assert_no_server_error(fetch(fresh_client(), "GET", path), f"GET {path} after {form!r}")


@FUZZ
@given(token=st.sampled_from(["comment-confirm", "comment-mute"]), method=st.sampled_from(["GET", "POST"]),
       extra=st.lists(st.tuples(keys, values), max_size=3), sent_headers=headers)  # fmt: skip
def test_comment_token_pages(token, method, extra, sent_headers, newsroom, fresh_client):
    kind = "confirm" if token == "comment-confirm" else "mute"
    path = f"/comments/{kind}/{newsroom['tokens'][token]}/"
    response = fetch(fresh_client(), method, path, form=extra, headers=sent_headers)
    assert_no_server_error(response, f"{method} {path} {extra!r}")


@FUZZ
@given(username=values, password=values, extra=st.lists(st.tuples(keys, values), max_size=2))
def test_admin_sign_in(username, password, extra, newsroom, fresh_client):
    form = [("username", username), ("password", password), *extra]
    response = fetch(fresh_client(), "POST", "/admin/login/", form=form)
    assert_no_server_error(response, f"admin sign-in {form!r}")


CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xyz",
    "multipart/form-data",
    "application/json",
    "text/plain; charset=utf-16",
    "application/x-www-form-urlencoded; charset=bogus",
]
RAW_TARGETS = ["/comments/post/", "/newsletter/", "/admin/login/", "report", "manage", "unsubscribe"]


@FUZZ
@given(
    body=st.binary(max_size=300),
    content_type=st.sampled_from(CONTENT_TYPES),
    path=st.sampled_from(RAW_TARGETS),
)
def test_raw_bodies(body, content_type, path, newsroom, fresh_client):
    if path == "report":
        path = f"/comments/{newsroom['comments'][0].pk}/report/"
    elif path in ("manage", "unsubscribe"):
        path = f"/newsletter/{path}/{newsroom['tokens']['newsletter-manage']}/"
    response = fresh_client().generic("POST", path, data=body, content_type=content_type)
    assert_no_server_error(response, f"POST {path} {content_type} {body!r}")


# Found by this pass: "²" is a digit to str.isdigit() but not to int(), and int() refuses
# more than 4,300 digits. Every numeric field and parameter gets each of these, every run.
NUMBER_LOOKALIKES = ["²", "١٢", "１２", "½", "Ⅻ", "9" * 5000, "-1", "+1", " 1", "1\n", "0x10", "1e3", "1_000"]


def test_numbers_that_are_not_numbers(newsroom, fresh_client):
    story = newsroom["story"].get_absolute_url()
    for value in NUMBER_LOOKALIKES:
        for name in ("object_pk", "reply_to", "replied_to"):
            form = {**newsroom["comment_fields"], name: value}
            response = fetch(fresh_client(), "POST", "/comments/post/", form=form)
            assert_no_server_error(response, f"comment post {name}={value[:20]!r}")
        for path, key in ((story, "comments"), ("/search/", "page"), ("/section/harbour/", "page")):
            response = fetch(fresh_client(), "GET", path, query=[(key, value), ("q", "harbour")])
            assert_no_server_error(response, f"GET {path}?{key}={value[:20]!r}")
        form = {**newsroom["signup_fields"], "sections": value, "tags": value}
        response = fetch(fresh_client(), "POST", "/newsletter/", form=form)
        assert_no_server_error(response, f"sign-up {value[:20]!r}")
