"""A realistic newsroom in PostgreSQL for `make bench` (not a test).

    .venv/bin/python -m bench.seed [--database-url postgres://…/newsroom_bench] [--reseed]

10,000 published stories over two years across eight sections (plus a hundred
drafts), 500 tags (3–6 a story), 80 authors, four wire sources, 200,000 comments
(threaded; mostly visible, some held, spam or removed) and 100,000 confirmed
subscribers. One story, two days old, has exactly 50 visible comments in 15
threads three levels deep: the story page the benchmark measures.

The database is dropped, created and migrated, then filled with bulk inserts
(COPY for the comments' three tables). The text is generated here from English
words; story bodies go through articles.sanitize like Article.save(), comments get
text_html from comment_html() like Comment.save(). A marker table records the seed
version: a database that already holds this version is left alone unless --reseed.
"""

import argparse
import itertools
import json
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SEED_VERSION = "1"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsroom_bench"

STORIES = 10_000
DRAFTS = 100
TAGS = 500
AUTHORS = 80
COMMENTS = 200_000
SUBSCRIBERS = 100_000
CHOSEN_THREADS = 15
CHOSEN_VISIBLE = 50
SECTIONS = [
    ("News", "news"), ("Politics", "politics"), ("Business", "business"), ("Sport", "sport"),
    ("Culture", "culture"), ("Science", "science"), ("Opinion", "opinion"), ("Travel", "travel"),
]  # fmt: skip
SOURCES = [
    ("Harbour Wire", "harbour-wire", "Harbour Wire"),
    ("Coastal Press Agency", "coastal-press", "Coastal Press Agency"),
    ("Northern Dispatch", "northern-dispatch", "Northern Dispatch"),
    ("Valley Herald", "valley-herald", "Valley Herald"),
]


# Text ---------------------------------------------------------------------------------


class Writer:
    """English-looking text from a Zipf-weighted vocabulary (common words are common, as in news)."""

    def __init__(self, rng: random.Random):
        from faker.providers.lorem.en_US import Provider as Lorem
        from faker.providers.person.en_US import Provider as Person

        self.rng = rng
        self.words = list(Lorem.word_list)
        rng.shuffle(self.words)
        self.cum_weights = list(
            itertools.accumulate(1 / (rank + 1) ** 0.9 for rank in range(len(self.words)))
        )
        self.first_names = list(Person.first_names)
        self.last_names = list(Person.last_names)

    def _words(self, n: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cum_weights, k=n)

    def sentence(self, low: int = 8, high: int = 24) -> str:
        words = self._words(self.rng.randint(low, high))
        return " ".join(words).capitalize() + "."

    def sentences(self, low: int, high: int) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(low, high)))

    def headline(self) -> str:
        return " ".join(self._words(self.rng.randint(6, 12))).capitalize()

    def name(self) -> str:
        return f"{self.rng.choice(self.first_names)} {self.rng.choice(self.last_names)}"

    def body(self) -> str:
        """Eight to fourteen paragraphs with a subheading, a quotation and a link or two."""
        rng = self.rng
        parts = []
        for n in range(rng.randint(8, 14)):
            if n and n % 5 == 0:
                parts.append(f"<h2>{self.headline()}</h2>")
            if n == 3 and rng.random() < 0.5:
                parts.append(f"<blockquote><p>{self.sentences(1, 2)}</p></blockquote>")
            text = self.sentences(2, 5)
            if rng.random() < 0.15:
                word = self._words(1)[0]
                text += f' Read <a href="https://example.org/{word}">the {word} report</a>.'
            parts.append(f"<p>{text}</p>")
        return "\n".join(parts)

    def comment(self) -> str:
        rng = self.rng
        text = "\n\n".join(self.sentences(1, 4) for _ in range(rng.choices((1, 2, 3), (6, 3, 1))[0]))
        if rng.random() < 0.04:
            text += f" More at https://example.org/{self._words(1)[0]}/{rng.randint(1, 999)}"
        return text


def address(name: str) -> str:
    """ "Ann O'Neil" -> "ann.oneil", for example addresses."""
    return ".".join("".join(ch for ch in word if ch.isalpha()) for word in name.lower().split())


# Database -----------------------------------------------------------------------------


def admin_connection(database_url: str):
    import psycopg

    parts = urlsplit(database_url)
    return psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True), parts.path.lstrip("/")


def seeded_version(database_url: str) -> str | None:
    """The seed version the database holds, or None (no database, no marker)."""
    import psycopg

    admin, name = admin_connection(database_url)
    with admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            return None
    with psycopg.connect(database_url) as conn:
        if conn.execute("SELECT to_regclass('bench_seed')").fetchone()[0] is None:
            return None
        row = conn.execute("SELECT version FROM bench_seed").fetchone()
        return row[0] if row else None


def recreate_database(database_url: str) -> None:
    from psycopg import sql

    admin, name = admin_connection(database_url)
    with admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(database_url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings.bench"
    os.environ["DATABASE_URL"] = database_url
    os.environ.pop("REDIS_URL", None)  # the seed needs no shared cache
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def copy_rows(cursor, table: str, columns: list[str], rows) -> None:
    quoted = ", ".join(f'"{column}"' for column in columns)
    with cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)


def reset_sequences(cursor, tables: list[str]) -> None:
    for table in tables:
        sequence = f"pg_get_serial_sequence('\"{table}\"', 'id')"
        cursor.execute(f'SELECT setval({sequence}, COALESCE(MAX(id), 1)) FROM "{table}"')  # noqa: S608 (our names)


# The newsroom -------------------------------------------------------------------------


def seed(database_url: str = DEFAULT_DATABASE_URL, reseed: bool = False, log=print) -> dict:
    """Fill the database unless it already holds this seed; returns the marker (the measured story)."""
    if not reseed and seeded_version(database_url) == SEED_VERSION:
        setup_django(database_url)
        migrate()  # migrations added since the seed
        return marker()
    started = time.monotonic()
    recreate_database(database_url)
    setup_django(database_url)
    migrate()
    log(f"[seed] database created and migrated in {time.monotonic() - started:.0f} s")
    rng = random.Random(20260301)
    writer = Writer(rng)
    info = fill(rng, writer, log)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_seed (version text, info jsonb, seeded_at timestamptz DEFAULT now())"
        )
        cursor.execute(
            "INSERT INTO bench_seed (version, info) VALUES (%s, %s)", [SEED_VERSION, json.dumps(info)]
        )
        # Statistics for the planner, and the visibility map index-only scans need (home reads
        # each section's newest stories from one): what autovacuum gives a live database.
        cursor.execute("VACUUM ANALYZE")
    log(f"[seed] done in {time.monotonic() - started:.0f} s")
    return info


def marker() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT info FROM bench_seed")
        info = cursor.fetchone()[0]
    return json.loads(info) if isinstance(info, str) else info


def fill(rng: random.Random, writer: Writer, log) -> dict:
    from django.db import transaction

    with transaction.atomic():
        step = time.monotonic()
        sections, sources, authors, tags = newsroom(rng, writer)
        stories, chosen = articles(rng, writer, sections, sources, authors, tags)
        log(f"[seed] {len(stories):,} stories, {len(tags)} tags in {time.monotonic() - step:.0f} s")
        step = time.monotonic()
        comment_count = comments(rng, writer, stories, chosen)
        log(f"[seed] {comment_count:,} comments in {time.monotonic() - step:.0f} s")
        step = time.monotonic()
        subscribers(rng, writer, sections, tags)
        log(f"[seed] {SUBSCRIBERS:,} subscribers in {time.monotonic() - step:.0f} s")
    chosen.refresh_from_db()
    tag_slug = tags[9].slug  # a popular tag: tags are used with Zipf weights, most popular first
    return {
        "story_url": chosen.get_absolute_url(),
        "story_id": chosen.pk,
        "story_comments": chosen.comment_count,
        "tag_url": f"/tag/{tag_slug}/",
        # Words from common (in a third of the stories) to rare (in a few percent), for varied searches.
        "search_words": writer.words[100:900],
        "search_url": f"/search/?q={writer.words[150]}+{writer.words[400]}",
        "home_url": "/",
        "feed_url": "/feed/",
    }


def newsroom(rng, writer):
    from django.utils.text import slugify
    from taggit.models import Tag

    from articles.models import Author, Section, Source

    sections = Section.objects.bulk_create(
        Section(name=name, slug=slug, position=n, description=writer.sentence())
        for n, (name, slug) in enumerate(SECTIONS)
    )
    sources = Source.objects.bulk_create(
        Source(name=name, slug=slug, attribution=attribution, homepage=f"https://example.org/{slug}/",
               terms="Republished under our syndication agreement.")
        for name, slug, attribution in SOURCES
    )  # fmt: skip
    names = set()
    while len(names) < AUTHORS:
        names.add(writer.name())
    authors = Author.objects.bulk_create(
        Author(name=name, slug=slugify(name), bio=writer.sentences(1, 2)) for name in sorted(names)
    )
    tag_names = set()
    while len(tag_names) < TAGS:
        words = (
            writer.words[rng.randrange(100, len(writer.words))],
            writer.words[rng.randrange(len(writer.words))],
        )
        name = " ".join(words[: rng.choice((1, 2, 2))]).title()
        if slugify(name) not in {slugify(existing) for existing in tag_names}:
            tag_names.add(name)
    tags = Tag.objects.bulk_create(Tag(name=name, slug=slugify(name)) for name in sorted(tag_names))
    rng.shuffle(tags)  # the first are the most used
    return sections, sources, authors, tags


def articles(rng, writer, sections, sources, authors, tags):
    from django.db.models import F
    from django.utils import timezone
    from django.utils.text import slugify

    from articles.models import Article, Byline, TaggedArticle
    from articles.sanitize import sanitize_html

    now = timezone.now().replace(microsecond=0)
    two_years = 2 * 365 * 24 * 3600
    section_weights = [30, 15, 14, 14, 9, 7, 7, 4]
    slugs = set()
    rows = []
    for n in range(STORIES + DRAFTS):
        headline = writer.headline()
        slug = slugify(headline)[:180]
        while slug in slugs:
            slug = f"{slugify(headline)[:180]}-{rng.randint(2, 99_999)}"
        slugs.add(slug)
        draft = n >= STORIES
        published_at = None if draft else now - timedelta(seconds=3600 + rng.randrange(two_years))
        syndicated = rng.random() < 0.1
        source = rng.choice(sources) if syndicated else None
        standfirst = writer.sentences(1, 2)[:600]
        rows.append(
            Article(
                headline=headline[:200],
                slug=slug,
                standfirst=standfirst,
                body=sanitize_html(writer.body()),
                section=rng.choices(sections, section_weights)[0],
                source=source,
                original_url=f"https://example.org/{source.slug}/{slug}" if source else "",
                status=Article.Status.DRAFT if draft else Article.Status.PUBLISHED,
                published_at=published_at,
                meta_description="",
                is_featured=False,
                comments_open=True,
            )
        )
    # The story the benchmark reads: two days old, so its comment form is open.
    chosen = rows[0]
    chosen.headline = "Harbour council approves the new ferry terminal after a long night of debate"
    chosen.slug = "harbour-council-approves-new-ferry-terminal"
    chosen.published_at = now - timedelta(days=2)
    chosen.section = sections[0]
    chosen.source = None
    chosen.original_url = ""
    public = [row for row in rows if row.published_at]
    for row in sorted(public, key=lambda row: row.published_at, reverse=True)[:12]:
        row.is_featured = True
    stories = Article.objects.bulk_create(rows, batch_size=500)
    Article.objects.filter(published_at__isnull=False).update(  # bulk_create stamped them all "now"
        created_at=F("published_at") - timedelta(hours=3), updated_at=F("published_at")
    )

    bylines = []
    tagged = []
    tag_weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(tags))))
    for story in stories:
        for position, author in enumerate(rng.sample(authors, rng.choices((1, 2, 3), (80, 17, 3))[0])):
            bylines.append(Byline(article=story, author=author, position=position))
        story_tags = set()
        while len(story_tags) < rng.randint(3, 6):
            story_tags.add(rng.choices(tags, cum_weights=tag_weights)[0])
        tagged.extend(TaggedArticle(content_object=story, tag=tag) for tag in story_tags)
    Byline.objects.bulk_create(bylines, batch_size=5000)
    TaggedArticle.objects.bulk_create(tagged, batch_size=5000)
    published = [story for story in stories if story.published_at]
    return published, stories[0]


def thread(rng, size: int, max_level: int = 2) -> list[tuple[int, int, int]]:
    """`size` comments as (parent index or -1, level, replied-to index or -1), in display order."""
    shape = [(-1, 0, -1)]
    while len(shape) < size:
        # Reply to an earlier comment above the deepest level; most replies answer the first comment.
        candidates = [i for i, (_, level, _) in enumerate(shape) if level < max_level]
        parent = rng.choice(candidates) if rng.random() < 0.6 else 0
        shape.append((parent, shape[parent][1] + 1, -1))
    return preorder(shape)


def preorder(shape: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Reorder a tree (each parent before its children) as xtd shows it: depth first, oldest first."""
    children: dict[int, list[int]] = {}
    for index, (parent, _, _) in enumerate(shape):
        if parent >= 0:
            children.setdefault(parent, []).append(index)
    order, stack = [], [0]
    while stack:
        index = stack.pop()
        order.append(index)
        stack.extend(reversed(children.get(index, [])))
    new = {old: position for position, old in enumerate(order)} | {-1: -1}
    return [(new[shape[old][0]], shape[old][1], new[shape[old][2]]) for old in order]


def chosen_threads(rng) -> list[list[tuple[int, int, int]]]:
    """15 threads of 50 comments on three levels; one answers a comment at the deepest level.

    Such an answer is stored as xtd and comments.threads do it: beside the comment it
    answers (a reply to that comment's parent) with replied_to set.
    """
    while True:
        sizes = [1] * CHOSEN_THREADS
        for _ in range(CHOSEN_VISIBLE - 1 - CHOSEN_THREADS):
            sizes[rng.randrange(CHOSEN_THREADS)] += 1
        threads = [thread(rng, size) for size in sizes]
        biggest = max(threads, key=len)
        deepest = [i for i, (_, level, _) in enumerate(biggest) if level == 2]
        if deepest:
            break
    answered = deepest[0]
    biggest.append((biggest[answered][0], 2, answered))
    threads[threads.index(biggest)] = preorder(biggest)
    return threads


def comments(rng, writer, stories, chosen) -> int:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone

    from articles.models import Article
    from comments.services import comments_recount
    from comments.templatetags.comment_display import comment_html

    ctype = ContentType.objects.get_for_model(Article).pk
    now = timezone.now()
    # Heavy-tailed: a few stories draw hundreds of comments, most a handful or none.
    others = [story for story in stories if story.pk != chosen.pk]
    weights = [rng.paretovariate(1.2) for _ in others]
    remaining = COMMENTS - CHOSEN_VISIBLE - 3
    counts = dict.fromkeys((story.pk for story in others), 0)
    for story in rng.choices(others, weights, k=remaining):
        counts[story.pk] += 1

    base, xtd, ours = [], [], []
    next_id = itertools.count(1)

    def add_thread(story, shape, statuses):
        ids = []
        when = story.published_at + timedelta(minutes=rng.randint(5, 600))
        for (parent, level, replied_to), status in zip(shape, statuses, strict=True):
            pk = next(next_id)
            ids.append(pk)
            when = min(when + timedelta(minutes=rng.randint(1, 240)), now)
            name = writer.name()
            text = writer.comment()
            email = f"{address(name)}@example.org"
            ip = f"198.51.100.{rng.randint(1, 254)}"
            public = status in ("visible", "spam", "removed")
            removed = status in ("spam", "removed")
            base.append((pk, str(story.pk), name, email, "", text, when, ip, public, removed, ctype, 1, None))
            thread_id = ids[0]
            parent_id = ids[parent] if parent >= 0 else pk
            xtd.append([pk, thread_id, parent_id, level, 0, False, 0])
            hold = ["first_time"] if status == "held" else []
            answered = ids[replied_to] if replied_to >= 0 else None
            ours.append((pk, comment_html(text), json.dumps(hold), status == "spam", answered, False))
        # xtd's order (1… in display order) and nested_count (replies under each comment)
        first = len(xtd) - len(shape)
        for position, (parent, _, _) in enumerate(shape):
            xtd[first + position][4] = position + 1
            while parent >= 0:
                xtd[first + parent][6] += 1
                parent = shape[parent][0]

    for shape in chosen_threads(rng):
        add_thread(chosen, shape, ["visible"] * len(shape))
    for status in ("held", "spam", "held"):  # not shown to readers; the count stays 50
        add_thread(chosen, [(-1, 0, -1)], [status])
    statuses = ("visible", "held", "spam", "removed")
    for story in others:
        left = counts[story.pk]
        while left:
            size = min(left, rng.choices((1, 2, 3, 5, 8), (40, 25, 15, 12, 8))[0])
            shape = thread(rng, size)
            add_thread(story, shape, rng.choices(statuses, (92, 4, 2, 2), k=size))
            left -= size

    with connection.cursor() as cursor:
        columns = [
            "id", "object_pk", "user_name", "user_email", "user_url", "comment", "submit_date",
            "ip_address", "is_public", "is_removed", "content_type_id", "site_id", "user_id",
        ]  # fmt: skip
        copy_rows(cursor.cursor, "django_comments", columns, base)
        columns = ["comment_ptr_id", "thread_id", "parent_id", "level", "order", "followup", "nested_count"]
        copy_rows(cursor.cursor, "django_comments_xtd_xtdcomment", columns, xtd)
        columns = ["xtdcomment_ptr_id", "text_html", "hold_reasons", "is_spam", "replied_to_id", "by_staff"]
        copy_rows(cursor.cursor, "comments_comment", columns, ours)
        reset_sequences(cursor, ["django_comments"])
        # Fresh statistics first: without them the planner counts 10,000 stories' comments by scanning.
        cursor.execute("ANALYZE django_comments, django_comments_xtd_xtdcomment, comments_comment")
    comments_recount(article_pks=[story.pk for story in stories])
    return len(base)


def subscribers(rng, writer, sections, tags) -> None:
    from django.db.models import F
    from django.utils import timezone

    from subscriptions.models import Subscriber

    now = timezone.now()
    consent = "Send me Newsroom's daily newsletter. I can leave at any time with the link in every mail."
    rows = []
    for n in range(SUBSCRIBERS):
        name = writer.name()
        created = now - timedelta(seconds=rng.randrange(3 * 365 * 24 * 3600))
        rows.append(
            Subscriber(
                email=f"{address(name)}.{n}@example.org",
                name=name if rng.random() < 0.7 else "",
                status=Subscriber.Status.CONFIRMED,
                created_at=created,
                confirmed_at=created + timedelta(minutes=rng.randint(1, 600)),
                consent_at=created,
                consent_ip=f"203.0.113.{rng.randint(1, 254)}",
                consent_text=consent,
            )
        )
    created = Subscriber.objects.bulk_create(rows, batch_size=5000)
    Subscriber.objects.update(created_at=F("consent_at"))  # bulk_create stamped them all "now"
    through_sections = Subscriber.sections.through
    through_tags = Subscriber.tags.through
    section_rows, tag_rows = [], []
    for subscriber in created:
        choice = rng.random()
        if choice < 0.35:  # some sections
            for section in rng.sample(sections, rng.randint(1, 3)):
                section_rows.append(through_sections(subscriber_id=subscriber.pk, section_id=section.pk))
        elif choice < 0.45:  # some topics
            for tag in rng.sample(tags[:50], rng.randint(1, 4)):
                tag_rows.append(through_tags(subscriber_id=subscriber.pk, tag_id=tag.pk))
    through_sections.objects.bulk_create(section_rows, batch_size=10_000)
    through_tags.objects.bulk_create(tag_rows, batch_size=10_000)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--reseed", action="store_true", help="drop and fill the database even if seeded")
    args = parser.parse_args(argv)
    info = seed(args.database_url, reseed=args.reseed)
    print(f"[seed] the measured story: {info['story_url']} ({info['story_comments']} comments)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
