"""Small factories for the suite: a story is one call away, with sensible defaults."""

from datetime import timedelta

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

import articles.roles
import comments.roles
import subscriptions.roles
import wordpress.roles
from articles.models import Article, Author, Byline, Correction, Section, Source


def create_roles() -> None:
    """The role groups as the migrations leave them: each app grants its own (see articles/roles.py)."""
    for roles in (articles.roles, comments.roles, subscriptions.roles, wordpress.roles):
        roles.grant_roles()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    is_staff = True
    password = factory.django.Password("a-long-test-password")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            if not Group.objects.filter(name=extracted).exists():
                create_roles()  # a transactional test flushed the ones the migrations made
            self.groups.add(Group.objects.get(name=extracted))


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Wire {n}")
    slug = factory.Sequence(lambda n: f"wire-{n}")
    homepage = "https://wire.example.org/"
    attribution = factory.LazyAttribute(lambda s: s.name)


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Reporter {n}")
    slug = factory.Sequence(lambda n: f"reporter-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"Port authority approves berth number {n}")
    slug = factory.Sequence(lambda n: f"story-{n}")
    standfirst = "The decision ends a year of talks."
    body = "<p>The board voted on Tuesday.</p>"
    section = factory.SubFactory(SectionFactory)
    status = Article.Status.DRAFT

    class Params:
        live = factory.Trait(
            status=Article.Status.PUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1)),
        )
        scheduled = factory.Trait(
            status=Article.Status.PUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=1)),
        )

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create and extracted:
            for position, author in enumerate(extracted):
                Byline.objects.create(article=self, author=author, position=position)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correction

    article = factory.SubFactory(ArticleFactory, live=True)
    text = "An earlier version gave the wrong tonnage."
