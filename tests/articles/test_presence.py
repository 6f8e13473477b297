"""Who else is editing a story: the heartbeat URL, the leave URL, the banner, and who may beat."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.editing import PRESENCE_TIMEOUT, EditingSession, others_editing
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(aisha):
    return ArticleFactory(created_by=aisha)


def beat_url(article):
    return f"/admin/articles/article/{article.pk}/presence/"


def leave_url(article):
    return f"/admin/articles/article/{article.pk}/presence/leave/"


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def banner(response) -> str:
    return re.search(r'<div class="desk-presence".*?</div>', response.content.decode(), re.S).group(0)


def test_a_beat_records_the_editor_and_answers_with_the_others(client, story, aisha, ben):
    client.force_login(ben)
    assert client.post(beat_url(story)).json() == {"others": []}
    client.force_login(aisha)
    answer = client.post(beat_url(story)).json()
    since = timezone.localtime(EditingSession.objects.get(user=ben).started_at).strftime("%H:%M")
    assert answer == {"others": [{"name": "ben", "since": since}]}
    assert [s.user for s in others_editing(article=story, user=ben)] == [aisha]


def test_beats_keep_the_start_and_a_return_after_going_quiet_starts_anew(client, story, ben):
    client.force_login(ben)
    client.post(beat_url(story))
    started = timezone.now() - timedelta(minutes=10)
    EditingSession.objects.update(started_at=started, seen_at=timezone.now() - timedelta(seconds=20))
    client.post(beat_url(story))
    assert EditingSession.objects.get().started_at == started
    EditingSession.objects.update(seen_at=timezone.now() - PRESENCE_TIMEOUT - timedelta(seconds=1))
    client.post(beat_url(story))
    assert EditingSession.objects.get().started_at > started


def test_an_editor_who_went_quiet_is_no_longer_listed(client, story, aisha, ben):
    client.force_login(ben)
    client.post(beat_url(story))
    EditingSession.objects.update(seen_at=timezone.now() - PRESENCE_TIMEOUT - timedelta(seconds=1))
    client.force_login(aisha)
    assert client.post(beat_url(story)).json() == {"others": []}


def test_leaving_drops_the_editor_from_the_others_lists(client, story, aisha, ben):
    client.force_login(ben)
    client.post(beat_url(story))
    assert client.post(leave_url(story)).status_code == 204
    assert not EditingSession.objects.filter(user=ben).exists()
    client.force_login(aisha)
    assert client.post(beat_url(story)).json() == {"others": []}


def test_opening_the_form_is_a_beat_and_shows_who_else_is_editing(client, story, aisha, ben, settings):
    settings.NEWSROOM_EDITING_HEARTBEAT_SECONDS = 7
    client.force_login(aisha)
    alone = banner(client.get(change_url(story)))
    assert "is editing" not in alone
    assert 'data-heartbeat-seconds="7"' in alone and f'data-beat-url="{beat_url(story)}"' in alone

    client.force_login(ben)
    shown = banner(client.get(change_url(story)))
    since = timezone.localtime(EditingSession.objects.get(user=aisha).started_at).strftime("%H:%M")
    assert f"<li>Aisha Rahman is editing this story since {since}.</li>" in shown
    assert 'aria-live="polite"' in shown


def test_several_editors_are_listed_longest_first(client, story, aisha, ben):
    carol = UserFactory(username="carol", role="Editor", first_name="Carol", last_name="Ng")
    for user, minutes in ((ben, 3), (aisha, 9)):
        client.force_login(user)
        client.post(beat_url(story))
        started = timezone.now() - timedelta(minutes=minutes)
        EditingSession.objects.filter(user=user).update(started_at=started)
    client.force_login(carol)
    items = re.findall(r"<li>(.*?) is editing", banner(client.get(change_url(story))))
    assert items == ["Aisha Rahman", "ben"]


def test_the_times_are_in_the_sites_time_zone(client, story, aisha, ben, settings):
    settings.TIME_ZONE = "Asia/Kuala_Lumpur"
    client.force_login(aisha)
    client.post(beat_url(story))
    EditingSession.objects.update(started_at=timezone.now().replace(hour=2, minute=2))  # UTC
    client.force_login(ben)
    assert client.post(beat_url(story)).json()["others"][0]["since"] == "10:02"
    assert "since 10:02." in banner(client.get(change_url(story)))


# --- rights -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [beat_url, leave_url])
def test_get_is_not_allowed(client, story, aisha, url):
    client.force_login(aisha)
    assert client.get(url(story)).status_code == 405
    assert not EditingSession.objects.exists()


@pytest.mark.parametrize("bad", ["999999", "abc", "1%20or%201"])
def test_a_bad_story_number_is_not_found(client, aisha, bad):
    client.force_login(aisha)
    assert client.post(f"/admin/articles/article/{bad}/presence/").status_code == 404
    assert client.post(f"/admin/articles/article/{bad}/presence/leave/").status_code == 404


def test_a_reporter_beats_on_their_own_draft_only(client, db):
    reporter = UserFactory(username="rep", role="Reporter")
    own = ArticleFactory(created_by=reporter)
    others = ArticleFactory(created_by=UserFactory(username="rep2", role="Reporter"))
    in_review = ArticleFactory(created_by=reporter, status="in_review")
    client.force_login(reporter)
    assert client.post(beat_url(own)).status_code == 200
    assert client.post(beat_url(others)).status_code == 404
    assert client.post(beat_url(in_review)).status_code == 403  # theirs to read, no longer to change
    assert [s.article for s in EditingSession.objects.all()] == [own]


def test_a_view_only_reader_neither_beats_nor_appears(client, story, aisha):
    reporter = UserFactory(username="rep", role="Reporter")
    in_review = ArticleFactory(created_by=reporter, status="in_review")
    client.force_login(reporter)
    page = client.get(change_url(in_review))
    assert page.status_code == 200 and "data-beat-url" not in banner(page)
    assert not EditingSession.objects.exists()
    client.force_login(aisha)
    assert client.post(beat_url(in_review)).json() == {"others": []}


def test_a_moderator_is_refused(client, story):
    client.force_login(UserFactory(username="mod", role="Moderator"))
    assert client.post(beat_url(story)).status_code == 403
    assert client.post(leave_url(story)).status_code == 403
    assert not EditingSession.objects.exists()


def test_signed_out_is_sent_to_sign_in(client, story):
    response = client.post(beat_url(story))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_beat_costs_a_few_queries_however_many_edit(client, story, aisha, django_assert_max_num_queries):
    for i in range(5):
        client.force_login(UserFactory(username=f"e{i}", role="Editor"))
        client.post(beat_url(story))
    client.force_login(aisha)
    with django_assert_max_num_queries(12):
        assert len(client.post(beat_url(story)).json()["others"]) == 5
