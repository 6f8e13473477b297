"""Fill the database with the demo newsroom that ``make run`` shows.

Loads the sources, sections, authors and 40 stories of ``demo/content.py``, the
conversations and starter blocklist of ``demo/comments.py``, the demo accounts (editor,
reporter, moderator and a superuser) and the site's domain. 32 of the stories get a lead
picture drawn for them (``demo/pictures.py``), with alt text, a caption and a credit, and
the renditions an upload gets; a picture already in MEDIA_ROOT is reused, not drawn again.

Running it again changes nothing: rows are found by slug or username, and a story that
already exists is left exactly as it is (its status and publication time included), so an
editor can play with the demo and reload it without losing their changes. Story times are
counted from the moment the story is first created. An existing story without its picture
gets it only with ``--pictures`` (for a demo loaded before there were pictures), so a
picture an editor removed stays removed.

Statuses are set directly, not through the workflow services: this is seeding, not editing.
The public stories get two weeks of readership figures (``demo/readership.py``): the hours
and days that have none yet, so a second run adds only the hours since the first.
"""

import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import urlsplit

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles.models import Article, Author, Byline, Correction, Section, Source
from comments.models import BlockedTerm, Comment, CommenterRule, Report
from comments.moderating import commenter_rule_create
from comments.services import comments_recount
from demo import comments as demo_comments
from demo import content as demo_content
from demo.accounts import demo_password
from demo.illustrations import illustrate
from demo.pictures import WIDTH
from demo.readership import readership_load
from readership.ranking import most_read_refresh

Status = Article.Status

# username, group (None for the superuser), what the account is for
ACCOUNTS = [
    ("editor", "Editor", "Editor: writes, reviews, publishes"),
    ("reporter", "Reporter", "Reporter: writes drafts, submits for review"),
    ("moderator", "Moderator", "Moderator: comments"),
    ("admin", None, "superuser"),
]
# The name a staff reply is signed with (the moderator's, on the story page), and the desk's
# names for who wrote a story (the reporter's is their byline's) and who else is editing one.
NAMES = {
    "moderator": ("Lena", "Ortiz"),
    "editor": ("Daniel", "Koh"),
    "reporter": ("Nur Aisyah", "Rahman"),
    "admin": ("Ines", "Moreau"),
}

STATE_LABELS = {
    "published": "published",
    "scheduled": "scheduled",
    "draft": "draft",
    "in_review": "in review",
    "archived": "archived",
}


def default_author(story) -> str:
    """Who created a story the demo does not say: the reporter's work in progress, the editor's the rest."""
    return "reporter" if story["state"] in ("draft", "in_review") else "editor"


class Command(BaseCommand):
    help = "Load the demo newsroom (stories, sources, sections, authors, accounts). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--pictures",
            action="store_true",
            help="Also give existing demo stories without a lead picture the one drawn for them.",
        )
        parser.add_argument(
            "--picture-width",
            type=int,
            default=WIDTH,
            help=f"Width of the drawn pictures, in pixels (3:2; default {WIDTH}).",
        )

    def handle(self, *args, **options):
        # One anchor for the whole run, so relative times are consistent with one another.
        self.anchor = timezone.now().replace(second=0, microsecond=0)
        self.tally = {}
        self.add_missing_pictures = options["pictures"]
        self.picture_width = options["picture_width"]
        with transaction.atomic():
            users = self.load_accounts()
            sources = self.load_rows(Source, demo_content.SOURCES, "sources")
            sections = self.load_rows(Section, demo_content.SECTIONS, "sections")
            authors = self.load_authors(users["reporter"])
            states = self.load_stories(users, sections, sources, authors)
            site = self.load_site()
            self.load_comments(users["moderator"])
            figures = readership_load(now=self.anchor)
        most_read_refresh()  # "Most read" from the figures now, not at the next fold
        self.report(states, site, figures)

    # ---- accounts, reference rows and the site

    def load_accounts(self):
        User = get_user_model()
        users = {}
        for username, group, _ in ACCOUNTS:
            user = User.objects.filter(username=username).first()
            created = user is None
            if created:
                email = f"{username}@newsroom.example"
                first, last = NAMES.get(username, ("", ""))
                if group is None:
                    user = User.objects.create_superuser(
                        username, email, demo_password(username), first_name=first, last_name=last
                    )
                else:
                    user = User.objects.create_user(
                        username,
                        email,
                        demo_password(username),
                        is_staff=True,
                        first_name=first,
                        last_name=last,
                    )
            if group is not None:
                user.groups.add(Group.objects.get(name=group))
            users[username] = user
            self.count("accounts", created)
        return users

    def load_rows(self, model, rows, label):
        by_slug = {}
        for row in rows:
            fields = {key: value for key, value in row.items() if key != "slug"}
            obj, created = model.objects.update_or_create(slug=row["slug"], defaults=fields)
            by_slug[obj.slug] = obj
            self.count(label, created)
        return by_slug

    def load_authors(self, reporter):
        authors = self.load_rows(Author, demo_content.AUTHORS, "authors")
        first = authors[demo_content.AUTHORS[0]["slug"]]
        if first.user_id is None and not Author.objects.filter(user=reporter).exists():
            first.user = reporter
            first.save(update_fields=["user"])
        return authors

    def load_site(self):
        site, _ = Site.objects.update_or_create(
            pk=settings.SITE_ID,
            defaults={"domain": urlsplit(settings.SITE_URL).netloc, "name": settings.SITE_NAME},
        )
        Site.objects.clear_cache()
        return site

    # ---- stories

    def load_stories(self, users, sections, sources, authors):
        slugs = [story["slug"] for story in demo_content.STORIES]
        existing = {article.slug: article for article in Article.objects.filter(slug__in=slugs)}
        new = {
            story["slug"]: self.new_story(story, users, sections, sources)
            for story in demo_content.STORIES
            if story["slug"] not in existing
        }
        pictured = [article for article in new.values() if article.slug in demo_content.PICTURES]
        missing = []
        if self.add_missing_pictures:
            missing = [a for a in existing.values() if not a.lead_image and a.slug in demo_content.PICTURES]
        self.add_pictures([*pictured, *missing])
        states = Counter()
        for story in demo_content.STORIES:
            created = story["slug"] in new
            if created:
                self.save_story(new[story["slug"]], story, authors)
                states[story["state"]] += 1
            self.count("stories", created)
        for article in missing:
            article.save()
        return states

    def add_pictures(self, articles):
        """Draw (or find) the stories' pictures and make their renditions, a few at a time.

        Encoding the renditions is what takes the time, and Pillow does it outside the GIL,
        so threads share it out over the cores; nothing here touches the database. The
        stories are saved afterwards, one by one, and their saves store the renditions.
        """
        with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
            for drawn in pool.map(self.add_picture, articles):
                self.count("pictures", drawn)

    def add_picture(self, article) -> bool:
        """Give the (unsaved) story its picture, checked as the story form checks an upload."""
        kind, caption = demo_content.PICTURES[article.slug]
        drawn = illustrate(
            article,
            kind=kind,
            caption=caption,
            credit=demo_content.PICTURE_CREDIT,
            width=self.picture_width,
        )
        article.clean()  # the form's check: alt text present, renditions made in memory
        return drawn

    def story_times(self, story):
        """The status and publication time a story of this demo state starts with."""
        state = story["state"]
        if state == "published":
            return Status.PUBLISHED, self.anchor - timedelta(hours=story["hours_ago"])
        if state == "scheduled":
            return Status.PUBLISHED, self.anchor + timedelta(hours=story["hours_ahead"])
        if state == "archived":
            return Status.ARCHIVED, self.anchor - timedelta(hours=story["hours_ago"])
        return Status(state), None  # draft, in_review

    def new_story(self, story, users, sections, sources):
        """The story as it starts, not yet saved."""
        status, published_at = self.story_times(story)
        article = Article(
            headline=story["headline"],
            slug=story["slug"],
            standfirst=story["standfirst"],
            body=story["body"],
            section=sections[story["section"]],
            source=sources[story["source"]] if story.get("source") else None,
            original_url=story.get("original_url", ""),
            status=status,
            published_at=published_at,
            comments_open=story.get("comments_open", True),
            is_featured=story.get("featured", False),
            is_breaking=story.get("breaking", False),
        )
        article.created_by = users[story.get("by") or default_author(story)]
        if "hours_in_review" in story:
            article.status_changed_at = self.anchor - timedelta(hours=story["hours_in_review"])
        if "sent_back_hours_ago" in story:
            article.sent_back_at = self.anchor - timedelta(hours=story["sent_back_hours_ago"])
        return article

    def save_story(self, article, story, authors):
        with reversion.create_revision():
            article.save()  # with a picture, stores it and its renditions as an upload's save does
            for position, slug in enumerate(story["authors"]):
                Byline.objects.get_or_create(
                    article=article, author=authors[slug], defaults={"position": position}
                )
            article.tags.add(*story["tags"])
            for correction in story.get("corrections", []):
                Correction.objects.get_or_create(
                    article=article,
                    text=correction["text"],
                    defaults={
                        "corrected_at": article.published_at
                        + timedelta(hours=correction["hours_after_publication"])
                    },
                )
            # Store the story as it ends up, bylines and tags included.
            reversion.add_to_revision(article)
            reversion.set_user(article.created_by)
            reversion.set_comment("Demo content")
        return article

    # ---- comments

    def load_comments(self, moderator):
        """Demo threads for stories that have none yet, the starter blocklist, a ban and a trust."""
        for kind, term, note in demo_comments.BLOCKED_TERMS:
            _, created = BlockedTerm.objects.get_or_create(kind=kind, term=term, defaults={"note": note})
        for kind, match, value, note in demo_comments.RULES:
            created = not CommenterRule.objects.filter(kind=kind, match=match, value=value).exists()
            if created:
                commenter_rule_create(kind=kind, match=match, value=value, note=note, moderator=moderator)
            self.count("bans and trusts", created)
        stories = Article.objects.filter(slug__in=demo_comments.THREADS)
        for article in stories:
            created = not Comment.objects.for_story(article).exists()
            for thread in demo_comments.THREADS[article.slug]:
                if created:
                    self.add_comment(article, thread, parent=None, minutes_after=30)
                self.count("threads", created)
            if created:
                comments_recount(article_pks=[article.pk])

    def add_comment(self, article, entry, parent, minutes_after):
        state = entry.get("state", "visible")
        comment = Comment(
            content_type=ContentType.objects.get_for_model(Article),
            object_pk=str(article.pk),
            site_id=settings.SITE_ID,
            user_name=entry["name"],
            user_email=entry["email"],
            comment=entry["text"],
            submit_date=article.published_at + timedelta(minutes=minutes_after),
            ip_address=entry.get("ip", "192.0.2.10"),
            parent_id=parent.pk if parent else 0,
            followup=entry.get("followup", False),
            is_public=state == "visible",
            is_removed=state == "spam",
            is_spam=state == "spam",
            hold_reasons=entry.get("hold_reasons", []),
        )
        comment.save()
        for n, reason in enumerate(entry.get("reported", [])):
            Report.objects.get_or_create(
                comment=comment, reporter_key=f"demo:{n}", defaults={"reason": reason}
            )
        for step, reply in enumerate(entry.get("replies", []), start=1):
            self.add_comment(article, reply, parent=comment, minutes_after=minutes_after + 25 * step)

    # ---- output

    def count(self, label, created):
        created_n, existing_n = self.tally.get(label, (0, 0))
        self.tally[label] = (created_n + created, existing_n + (not created))

    def report(self, states, site, figures):
        out = self.stdout
        out.write(self.style.SUCCESS("Demo content loaded."))
        for label in ("accounts", "sources", "sections", "authors", "stories", "threads"):
            created_n, existing_n = self.tally.get(label, (0, 0))
            out.write(f"  {label:<9} {created_n:>3} created, {existing_n:>3} already there")
        drawn_n, reused_n = self.tally.get("pictures", (0, 0))
        if drawn_n or reused_n:
            out.write(f"  pictures  {drawn_n:>3} drawn,   {reused_n:>3} already in media storage")
        if states:
            parts = ", ".join(
                f"{states[state]} {label}" for state, label in STATE_LABELS.items() if states[state]
            )
            out.write(f"  new stories: {parts}")
        out.write(f"  readership: {figures[0]} hours of views and {figures[1]} referring sites' days added")
        out.write(f"  site: {site.name} at {site.domain}")
        out.write("")
        out.write("Demo accounts (sign in at /admin/):")
        for username, _, purpose in ACCOUNTS:
            out.write(f"  {username:<10} / {demo_password(username):<19} ({purpose})")
