"""A small newsroom for the browser tests, and one address for every reader page type.

make_reader_site() builds it: a story with a lead image, a conversation, a tag, an author,
a source and a correction; a second section; stories with and without pictures (enough
for the front page's lead, secondary row and section blocks); an About page. The page
types are named as the issue names them; READER_PAGES maps each to its address.
"""

import io
from types import SimpleNamespace

from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from PIL import Image, ImageDraw

from comments.tokens import mute_token
from readership.folding import hour_of
from readership.models import StoryHour
from subscriptions import tokens
from tests.comments.helpers import make_pending
from tests.factories import ArticleFactory, AuthorFactory, CorrectionFactory, SectionFactory, SourceFactory
from tests.subscriptions.conftest import make_subscriber


def picture(name: str, size=(960, 540)) -> SimpleUploadedFile:
    """A JPEG with some structure (a sky, a quay, a crane), big enough for every rendition."""
    width, height = size
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height * 2 // 3, width, height), fill=(40, 70, 110))
    draw.line((width // 3, height // 5, width // 3, height * 2 // 3), fill=(200, 60, 40), width=12)
    draw.line((width // 3, height // 5, width * 2 // 3, height // 4), fill=(200, 60, 40), width=10)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


# The pictures this test session has stored, by name: their files and renditions are made once
# (encoding WebP renditions is most of what building the site costs) and reused after.
STORED_PICTURES: dict[str, dict] = {}


def with_picture(name: str) -> dict:
    """The fields of a lead picture: uploaded the first time, its stored files every time after."""
    words = {
        "lead_image_alt": "A red crane over the container quay",
        "lead_image_caption": "The new terminal's first crane.",
        "lead_image_credit": "Newsroom test desk",
    }
    kept = STORED_PICTURES.get(name)
    if kept and default_storage.exists(kept["lead_image"]):
        return {**kept, **words}
    return {"lead_image": picture(f"{name}.jpg"), **words}


def story(name: str | None = None, **fields):
    """ArticleFactory(**fields), with the lead picture `name` when one is named."""
    if name is None:
        return ArticleFactory(**fields)
    article = ArticleFactory(**fields, **with_picture(name))
    STORED_PICTURES[name] = {
        "lead_image": article.lead_image.name,
        "lead_image_renditions": article.lead_image_renditions,
        "lead_image_width": article.lead_image_width,
        "lead_image_height": article.lead_image_height,
    }
    return article


def make_reader_site():
    """One live story with everything a reader page can link to, among others with and without pictures."""
    section = SectionFactory(name="Ports", slug="ports")
    city = SectionFactory(name="City", slug="city")
    source = SourceFactory(name="Harbour Wire", slug="harbour-wire")
    author = AuthorFactory(name="Aida Lim", slug="aida-lim")
    article = story(
        "terminal",
        live=True,
        headline="Johor port opens its fourth terminal",
        slug="johor-port-opens-its-fourth-terminal",
        standfirst="The terminal doubles the port's capacity.",
        body=(
            "<p>The terminal opened on Monday, <a href='https://example.org/plan'>a year early</a>.</p>"
            "<p><strong>Ships are already queuing.</strong></p>"
        ),
        section=section,
        source=source,
        authors=[author],
        tags=["Shipping"],
    )
    CorrectionFactory(article=article, text="An earlier version gave the wrong number of berths.")
    others = []
    for n in range(8):
        others.append(
            story(
                f"story-{n}" if n % 3 != 1 else None,
                live=True,
                section=section if n % 2 else city,
                headline=f"Port story number {n} with a headline long enough to wrap on a phone",
                slug=f"port-story-{n}",
                source=source,
                authors=[author],
                tags=["Shipping"],
            )
        )
    comment = add_conversation(article)
    # Readers' figures for this hour, so the pages show "Most read" as a read site does.
    hour = hour_of(timezone.now())
    for rank, read in enumerate([article, *others[:4]]):
        StoryHour.objects.create(article=read, hour=hour, views=500 - rank * 70)
    page = FlatPage.objects.create(
        url="/about/",
        title="About this newsroom",
        content="<p>We cover the port and <a href='/section/city/'>the city</a> around it.</p>",
    )
    page.sites.add(Site.objects.get_current())
    return SimpleNamespace(
        article=article,
        others=others,
        section=section,
        source=source,
        author=author,
        tag=article.tags.get(),
        comment=comment,
        flatpage=page,
    )


def add_conversation(article):
    """A thread deeper than the nesting shows, a website link, a staff reply, a removed one with a reply."""
    from comments.services import comments_recount
    from tests.comments.helpers import make_comment

    def add(name, parent=None, **fields):
        return make_comment(
            article,
            user_name=name,
            user_email=f"{name.split()[0].lower()}@example.org",
            comment=f"{name} writes about the terminal: https://example.org/terminal\n\nA second paragraph.",
            parent_id=parent.pk if parent else 0,
            **fields,
        )

    first = add("Ana Cruz", user_url="https://ana.example.org/")
    chain = first
    for name in ("Ben Ong", "Cai Lun", "Dee Raj"):
        chain = add(name, parent=chain)
    add("Mira Desk", parent=first, by_staff=True)  # a reply from the newsroom: the "Staff" badge
    gone = add("Removed Person", is_removed=True)
    add("Eli Tan", parent=gone)
    comments_recount(article_pks=[article.pk])
    return first


def confirm_token(article):
    _, path = make_pending(article, email="fay@example.org", user_name="Fay Lim", text="Waiting for a click.")
    return path.rstrip("/").rsplit("/", 1)[1]


def preferences_token(site) -> str:
    subscriber = make_subscriber(email="ada@example.org", sections=[site.section], tags=[site.tag])
    return tokens.manage_token(subscriber)


# Every reader page type, by the names, from the site make_reader_site() built.
PAGE_TYPES = {
    "home": lambda site: reverse("articles:home"),
    "story": lambda site: site.article.get_absolute_url(),
    "section": lambda site: reverse("articles:section", args=[site.section.slug]),
    "tag": lambda site: reverse("articles:tag", args=[site.tag.slug]),
    "author": lambda site: reverse("articles:author", args=[site.author.slug]),
    "source": lambda site: reverse("articles:source", args=[site.source.slug]),
    "search": lambda site: reverse("articles:search") + "?q=port",
    "search_empty": lambda site: reverse("articles:search") + "?q=quokka",
    "not_found": lambda site: "/no-such-page/",
    "newsletter_signup": lambda site: reverse("subscriptions:signup"),
    "newsletter_manage": lambda site: reverse("subscriptions:manage", args=[preferences_token(site)]),
    "comment_report": lambda site: reverse("comments:report", args=[site.comment.pk]),
    "comment_reply": lambda site: reverse("comments:reply", args=[site.comment.pk]),
    "corrections": lambda site: reverse("articles:corrections"),
    "flat_page": lambda site: site.flatpage.url,
}

# The rest of the pages a reader can reach (from a mail, a form, a broken link).
MORE_READER_PAGES = {
    "comment_confirm": lambda site: reverse("comments:confirm", args=[confirm_token(site.article)]),
    "comment_muted": lambda site: reverse(
        "comments:mute", args=[mute_token("ana@example.org", site.article.pk)]
    ),
    "comment_bad_link": lambda site: reverse("comments:confirm", args=["broken"]),
    "newsletter_sent": lambda site: reverse("subscriptions:sent"),
    "newsletter_confirm": lambda site: reverse(
        "subscriptions:confirm",
        args=[tokens.confirm_token(make_subscriber(email="pen@example.org", status="pending"))],
    ),
    "newsletter_manage_left": lambda site: reverse(
        "subscriptions:manage",
        args=[tokens.manage_token(make_subscriber(email="left@example.org", status="unsubscribed"))],
    ),
    "newsletter_unsubscribe": lambda site: reverse(
        "subscriptions:unsubscribe", args=[tokens.manage_token(make_subscriber(email="bo@example.org"))]
    ),
    "newsletter_unsubscribed": lambda site: reverse(
        "subscriptions:unsubscribe",
        args=[tokens.manage_token(make_subscriber(email="gone@example.org", status="unsubscribed"))],
    ),
    "newsletter_bad_link": lambda site: reverse("subscriptions:confirm", args=["broken"]),
}

STATUS = {"not_found": 404, "comment_bad_link": 400, "newsletter_bad_link": 400}


def page_url(name: str, site) -> str | None:
    try:
        return {**PAGE_TYPES, **MORE_READER_PAGES}[name](site)
    except NoReverseMatch:
        return None
