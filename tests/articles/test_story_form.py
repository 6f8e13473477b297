"""The story form (issue 17, frictions 3 to 7): one tag field, free slugs, sources, pickers, syndication."""

import pytest
from taggit.models import Tag

from articles.models import Article, Section, Source
from tests.articles.helpers import admin_payload, article_form_data, form_errors, messages_of
from tests.factories import ArticleFactory, SectionFactory, SourceFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/articles/article/add/"


def change_url(story: Article) -> str:
    return f"/admin/articles/article/{story.pk}/change/"


def saved(client, data, url=ADD):
    response = client.post(url, data, follow=True)
    assert response.redirect_chain, form_errors(response)
    return response


class TestTags:
    def test_one_field_of_comma_separated_names_reuses_existing_tags_whatever_their_capitals(
        self, editor_client
    ):
        ports = Tag.objects.create(name="Ports")
        saved(editor_client, admin_payload(SectionFactory(), tags="ports, Green fuel, green FUEL, Dredging"))
        story = Article.objects.get()
        assert sorted(story.tags.names()) == ["Dredging", "Green fuel", "Ports"]
        assert story.tags.get(name="Ports") == ports and Tag.objects.count() == 3

    def test_a_name_with_spaces_alone_is_one_tag_and_quotes_keep_a_comma(self, editor_client):
        saved(editor_client, admin_payload(SectionFactory(), tags="Green fuel"))
        assert list(Article.objects.get().tags.names()) == ["Green fuel"]
        story = Article.objects.get()
        saved(
            editor_client,
            article_form_data(story, tags='"Ships, boats", Ports', _save="1"),
            change_url(story),
        )
        assert sorted(story.tags.names()) == ["Ports", "Ships, boats"]

    def test_the_change_form_shows_the_tags_as_typed_and_saving_them_back_changes_nothing(
        self, editor_client
    ):
        story = ArticleFactory(tags=["Ships, boats", "Container shipping", "ports"])
        page = editor_client.get(change_url(story)).content.decode()
        assert 'value="Container shipping, ports, &quot;Ships, boats&quot;"' in page
        assert (
            'data-tag-names="[&quot;Container shipping&quot;, &quot;ports&quot;, &quot;Ships, boats&quot;]"'
            in page
        )
        assert "/admin/autocomplete/?app_label=articles&amp;model_name=article&amp;field_name=tags" in page
        assert 'name="new_tags"' not in page
        before = set(Tag.objects.values_list("pk", flat=True))
        saved(editor_client, article_form_data(story, _save="1"), change_url(story))
        assert set(story.tags.values_list("pk", flat=True)) == before

    def test_an_empty_field_clears_the_tags(self, editor_client):
        story = ArticleFactory(tags=["Ports"])
        saved(editor_client, article_form_data(story, tags="", _save="1"), change_url(story))
        assert not story.tags.exists()

    @pytest.mark.parametrize(
        "typed, error",
        [('Ports, "\u202e"', "A tag needs a visible name"), ("x" * 101, "at most 100 characters")],
    )
    def test_a_bad_name_is_a_form_error_and_nothing_is_saved(self, editor_client, typed, error):
        response = editor_client.post(ADD, admin_payload(SectionFactory(), tags=typed))
        assert response.status_code == 200 and error in response.content.decode()
        assert not Article.objects.exists() and not Tag.objects.exists()

    def test_reporters_use_the_same_field_and_its_suggestions(self, reporter_client):
        Tag.objects.create(name="Container shipping")
        saved(reporter_client, admin_payload(SectionFactory(), tags="container SHIPPING, Weather"))
        assert sorted(Article.objects.get().tags.names()) == ["Container shipping", "Weather"]
        url = "/admin/autocomplete/?app_label=articles&model_name=article&field_name=tags&term=contain"
        assert [r["text"] for r in reporter_client.get(url).json()["results"]] == ["Container shipping"]


class TestSlugs:
    def test_the_same_headline_three_times_gives_three_addresses_and_says_so(self, editor_client):
        section = SectionFactory()
        slugs = []
        for _ in range(3):
            response = saved(
                editor_client, admin_payload(section, headline="Port strike ends", slug="port-strike-ends")
            )
            slugs.append(Article.objects.latest("pk").slug)
        assert slugs == ["port-strike-ends", "port-strike-ends-2", "port-strike-ends-3"]
        assert (
            "The address “port-strike-ends” was taken, so this story’s is “port-strike-ends-3”."
            in messages_of(response)
        )

    def test_a_story_keeps_its_own_slug_and_hears_nothing_of_it(self, editor_client):
        story = ArticleFactory(slug="port-strike-ends")
        ArticleFactory(slug="port-strike-ends-2")
        response = saved(
            editor_client, article_form_data(story, headline="New words", _save="1"), change_url(story)
        )
        story.refresh_from_db()
        assert story.slug == "port-strike-ends" and story.headline == "New words"
        assert not any("was taken" in m for m in messages_of(response))

    def test_changing_to_another_storys_slug_gives_the_next_free_one(self, editor_client):
        ArticleFactory(slug="port-strike-ends")
        story = ArticleFactory(slug="draft")
        response = saved(
            editor_client, article_form_data(story, slug="port-strike-ends", _save="1"), change_url(story)
        )
        story.refresh_from_db()
        assert story.slug == "port-strike-ends-2"
        assert "so this story’s is “port-strike-ends-2”" in " ".join(messages_of(response))

    def test_a_long_taken_slug_still_fits_and_a_refused_save_says_nothing_of_addresses(self, editor_client):
        long_slug = "a" * 200
        ArticleFactory(slug=long_slug)
        saved(editor_client, admin_payload(SectionFactory(), slug=long_slug))
        new = Article.objects.latest("pk")
        assert new.slug == "a" * 195  # unique_slug keeps room for a number; this one was free
        response = editor_client.post(ADD, admin_payload(SectionFactory(), headline="", slug=long_slug))
        assert response.status_code == 200
        assert not any("was taken" in m for m in messages_of(response))


class TestSourceForm:
    def test_an_empty_credit_saves_as_the_name_and_a_typed_dash_is_dropped(self, editor_client, client):
        base = {"name": "The Star Online", "slug": "the-star", "homepage": "", "description": "", "terms": ""}
        assert (
            editor_client.post("/admin/articles/source/add/", {**base, "attribution": ""}).status_code == 302
        )
        assert Source.objects.get(slug="the-star").attribution == "The Star Online"
        other = {**base, "name": "Bernama", "slug": "bernama", "attribution": "– Bernama wire"}
        assert editor_client.post("/admin/articles/source/add/", other).status_code == 302
        source = Source.objects.get(slug="bernama")
        assert source.attribution == "Bernama wire"

        story = ArticleFactory(live=True, source=source)
        page = client.get(story.get_absolute_url()).content.decode()
        assert "– Bernama wire</a>" in page and "– – " not in page

    def test_the_form_shows_what_an_empty_credit_gives_and_reads_in_plain_words(self, editor_client):
        add = editor_client.get("/admin/articles/source/add/").content.decode()
        assert 'placeholder="The name above"' in add
        source = SourceFactory(name="The Star Online")
        change = editor_client.get(f"/admin/articles/source/{source.pk}/change/").content.decode()
        assert 'placeholder="The Star Online"' in change
        assert "Search engines should list the original, not our copy" in change
        assert ">Republishing<" in change

    def test_the_list_shows_each_credit_as_readers_see_it_in_a_fixed_number_of_queries(
        self, editor_client, django_assert_max_num_queries
    ):
        for n in range(30):
            SourceFactory(name=f"Wire {n}", attribution=f"Wire desk {n}")
        with django_assert_max_num_queries(12):
            page = editor_client.get("/admin/articles/source/").content.decode()
        assert "– Wire desk 29" in page and "Credit under its stories" in page


class TestPickers:
    def test_a_section_added_from_the_story_forms_popup_goes_last(self, editor_client):
        SectionFactory(name="Ports", position=1)
        SectionFactory(name="Courts", position=7)
        url = "/admin/articles/section/add/?_to_field=id&_popup=1"
        page = editor_client.get(url).content.decode()
        assert 'name="position" value="8"' in page
        data = {"name": "Weather", "slug": "weather", "position": "8", "_popup": "1", "_to_field": "id"}
        response = editor_client.post(url, data)
        assert response.status_code == 200 and "popup_response" in response.content.decode()
        assert list(Section.objects.values_list("name", "position")) == [
            ("Ports", 1),
            ("Courts", 7),
            ("Weather", 8),
        ]

    def test_the_story_form_offers_add_and_change_but_no_delete_beside_section_and_source(
        self, editor_client
    ):
        story = ArticleFactory(section=SectionFactory(), source=SourceFactory())
        for url in (ADD, change_url(story)):
            page = editor_client.get(url).content.decode()
            for field in ("section", "source"):
                assert f'id="add_id_{field}"' in page and f'id="change_id_{field}"' in page, url
                assert f'id="delete_id_{field}"' not in page, url


def syndication_collapsed(response) -> bool:
    fieldset = next(f for f in response.context["adminform"] if f.name == "Syndication")
    return fieldset.is_collapsible


class TestSyndication:
    def test_open_for_a_story_with_a_source_or_original_address_collapsed_otherwise(self, editor_client):
        source = SourceFactory()
        with_source = ArticleFactory(source=source)
        with_url = ArticleFactory(source=source, original_url="https://wire.example.org/a")
        plain = ArticleFactory()
        assert not syndication_collapsed(editor_client.get(change_url(with_source)))
        assert not syndication_collapsed(editor_client.get(change_url(with_url)))
        assert syndication_collapsed(editor_client.get(change_url(plain)))
        assert syndication_collapsed(editor_client.get(ADD))

    def test_open_after_saving_and_when_a_refused_form_has_a_source_chosen(self, editor_client):
        source = SourceFactory()
        section = SectionFactory()
        refused = editor_client.post(ADD, admin_payload(section, headline="", source=source.pk))
        assert refused.status_code == 200 and not syndication_collapsed(refused)
        refused_plain = editor_client.post(ADD, admin_payload(section, headline=""))
        assert syndication_collapsed(refused_plain)
        data = admin_payload(section, source=source.pk, _continue="1")
        del data["_save"]
        response = saved(editor_client, data)
        assert not syndication_collapsed(response)
