"""One address for each reader page type of the demo newsroom, as JSON on standard output.

    DJANGO_SETTINGS_MODULE=… DATABASE_URL=… python -m bench.demo_pages

Run by bench/demo_site.py after `load_demo`, in the site's own environment. The story is
the published one with a lead image and the most comments (the most comments when no
story has an image yet); the section, tag, author and source are that story's (the source
with the most stories when it has none). A subscriber
(for the preferences page) and an About page are added when the demo has none.
"""

import json

import django


def story_with_picture_and_comments():
    from articles.models import Article

    published = Article.objects.published().select_related("section", "source")
    with_picture = published.exclude(lead_image="").filter(comment_count__gt=0)
    return (with_picture or published).order_by("-comment_count", "-published_at").first()


def most_used_source():
    from django.db.models import Count

    from articles.models import Source

    return Source.objects.annotate(stories=Count("articles")).order_by("-stories", "name").first()


def newsletter_preferences(section, tag) -> str:
    from django.utils import timezone

    from subscriptions import services, tokens
    from subscriptions.models import Subscriber

    now = timezone.now()
    subscriber, _ = Subscriber.objects.get_or_create(
        email="ada.reader@example.org",
        defaults={
            "name": "Ada Reader",
            "status": Subscriber.Status.CONFIRMED,
            "confirmed_at": now,
            "consent_at": now,
            "consent_ip": "192.0.2.10",
            "consent_text": services.consent_text(),
        },
    )
    subscriber.sections.set([section])
    if tag is not None:
        subscriber.tags.set([tag])
    return tokens.manage_token(subscriber)


def about_page() -> str:
    from django.contrib.flatpages.models import FlatPage
    from django.contrib.sites.models import Site

    page = FlatPage.objects.filter(sites=Site.objects.get_current()).order_by("url").first()
    if page is None:
        page = FlatPage.objects.create(
            url="/about/",
            title="About Newsroom",
            content=(
                "<p>Newsroom is a demonstration publication about ports, shipping and the "
                "cities around them.</p><p>Write to the desk with corrections and tips.</p>"
            ),
        )
        page.sites.add(Site.objects.get_current())
    return page.url


def page_addresses() -> dict[str, str]:
    from django.urls import reverse

    from comments.models import Comment

    story = story_with_picture_and_comments()
    tag = story.tags.order_by("name").first()
    author = story.authors.order_by("name").first()
    comment = (
        Comment.objects.filter(object_pk=str(story.pk), is_public=True, is_removed=False)
        .order_by("submit_date")
        .first()
    )
    pages = {
        "home": reverse("articles:home"),
        "story": story.get_absolute_url(),
        "section": reverse("articles:section", args=[story.section.slug]),
        "search": reverse("articles:search") + f"?q={story.section.name.split()[0].lower()}",
        "search-empty": reverse("articles:search") + "?q=quokka",
        "404": "/no-such-page/",
        "newsletter": reverse("subscriptions:signup"),
        "newsletter-preferences": reverse(
            "subscriptions:manage", args=[newsletter_preferences(story.section, tag)]
        ),
        "corrections": reverse("articles:corrections"),
        "page": about_page(),
    }
    if tag is not None:
        pages["tag"] = reverse("articles:tag", args=[tag.slug])
    if author is not None:
        pages["author"] = reverse("articles:author", args=[author.slug])
    source = story.source or most_used_source()
    if source is not None:
        pages["source"] = reverse("articles:source", args=[source.slug])
    if comment is not None:
        pages["comment-report"] = reverse("comments:report", args=[comment.pk])
        pages["comment-reply"] = reverse("comments:reply", args=[comment.pk])
    return pages


def desk_addresses() -> dict[str, str]:
    """The desk as the demo moderator sees it: the queue, a thread, a commenter, a ban, a story."""
    from django.urls import reverse

    from comments.models import Comment

    waiting = Comment.objects.waiting().order_by("-submit_date")
    held = waiting.filter(is_public=False).first()
    reported = Comment.objects.reported().order_by("-submit_date").first()
    if held is None or reported is None:
        return {}
    queue = reverse("admin:comments_comment_changelist")
    return {
        "desk-index": reverse("admin:index"),
        "desk-queue": queue,
        "desk-story-queue": f"{queue}?story={held.object_pk}",
        "desk-thread": reverse("admin:comments_comment_thread", args=[reported.pk]),
        "desk-commenter": reverse("admin:comments_comment_commenter") + f"?email={reported.user_email}",
        "desk-ban": reverse("admin:comments_commenterrule_add")
        + f"?kind=ban&match=email&value={reported.user_email}",
        "desk-reply": reverse("admin:comments_comment_reply", args=[reported.pk]),
        "desk-story": reverse("admin:comments_comment_on_site", args=[held.pk]),
        "desk-log": reverse("admin:comments_decision_changelist"),
    }


def editor_addresses() -> dict[str, str]:
    """The story desk as the demo editor sees it: the story list and a syndicated story's form."""
    from django.urls import reverse

    from articles.models import Article

    story = Article.objects.published().filter(source__isnull=False).order_by("-published_at").first()
    if story is None:
        return {}
    from readership.ranking import most_read_ids

    most_read = most_read_ids(limit=1) or [story.pk]
    return {
        "editor-list": reverse("admin:articles_article_changelist"),
        "editor-story": reverse("admin:articles_article_change", args=[story.pk]),
        "editor-readership": reverse("admin:articles_article_readership", args=most_read),
    }


if __name__ == "__main__":
    django.setup()
    story = story_with_picture_and_comments()
    facts = {"lead_image": bool(story.lead_image), "comments": story.comment_count}
    desk = desk_addresses() | editor_addresses()
    print(json.dumps({"pages": page_addresses(), "story": facts, "desk": desk}))
