"""The moderation queue at scale: 200,000 comments, 10,000 waiting (not a test).

    .venv/bin/python -m bench.moderation                 # build once, then measure
    .venv/bin/python -m bench.moderation --reseed        # build the database again
    .venv/bin/python -m bench.moderation --compare       # also measure without the queue's indexes

PostgreSQL's `newsroom_bench_moderation` (BENCH_MODERATION_DATABASE_URL to change it) gets
2,000 published stories in 10 sections and 200,000 comments in threads up to three levels
deep: 8,000 held, 2,000 published with an open report (so 10,000 waiting), 3,000 spam,
3,000 removed, the rest published; resolved reports and a decision log for the
moderated ones. A marker table records the fixture's version, so a second run measures
at once. Comments are a three-level multi-table model (django_comments -> xtd -> ours),
which `bulk_create` refuses; like bench/seed.py the fixture writes the three tables with
PostgreSQL's COPY (bench only: the app never writes comments but through its services).

Each case is the queue's first page as a moderator sees it, through Django's test client
in this process with the production settings (newsroom.settings.bench): 3 requests to
warm up, then the median and p95 of 20, and the SQL queries of one request. The tab counts
the page shows are compared with a plain `.count()` of each tab's queryset. The table is
printed and written to bench/results/moderation.md.
"""

import argparse
import importlib
import itertools
import json
import os
import random
import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.seed import (  # noqa: E402
    Writer,
    address,
    copy_rows,
    recreate_database,
    reset_sequences,
    seeded_version,
    thread,
)
from bench.stack import base_env, prepare  # noqa: E402

DATABASE_URL = os.environ.get(
    "BENCH_MODERATION_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom_bench_moderation"
)
RESULTS = ROOT / "bench" / "results" / "moderation.md"
VERSION = "moderation-1"
STORIES = 2_000
COMMENTS = 200_000
HELD = 8_000
REPORTED = 2_000
SPAM = 3_000
REMOVED = 3_000
RESOLVED = 3_000  # published comments whose reports a moderator dismissed
SECTIONS = ["News", "Politics", "Business", "Sport", "Culture", "Science", "Opinion", "Travel", "Health",
            "Local"]  # fmt: skip
WARMUPS = 3
RUNS = 20
INDEX_MIGRATION = "0006_queue_indexes"
TABS = ["waiting", "reported", "held", "visible", "spam", "removed"]


# The fixture ------------------------------------------------------------------------------


def build(log=print) -> None:
    """Stories, comments, reports and decisions, in one transaction."""
    from django.db import connection, transaction

    rng = random.Random(20261206)
    writer = Writer(rng)
    started = time.monotonic()
    with transaction.atomic():
        sections, stories = newsroom(rng, writer)
        comment_ids = comments(rng, writer, stories)
        moderate(rng, comment_ids)
        moderator = make_moderator()
        info = {"moderator": moderator.pk, **chosen(stories, sections)}
        info["search"] = writer.words[40]
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_seed (version text, info jsonb)")
            cursor.execute("INSERT INTO bench_seed VALUES (%s, %s)", [VERSION, json.dumps(info)])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # what autovacuum gives a live database
    log(f"[moderation] built in {time.monotonic() - started:.0f} s")


def newsroom(rng, writer):
    from django.utils import timezone
    from django.utils.text import slugify

    from articles.models import Article, Section

    sections = Section.objects.bulk_create(
        Section(name=name, slug=slugify(name), position=n) for n, name in enumerate(SECTIONS)
    )
    now = timezone.now().replace(microsecond=0)
    stories = []
    for n in range(STORIES):
        headline = writer.headline()[:190]
        stories.append(
            Article(
                headline=headline,
                slug=f"{slugify(headline)[:170]}-{n}",
                standfirst=writer.sentence(),
                body=f"<p>{writer.sentences(3, 6)}</p>",
                section=rng.choice(sections),
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(hours=2 + rng.randrange(365 * 24)),
                comments_open=True,
            )
        )
    return sections, Article.objects.bulk_create(stories, batch_size=500)


def comments(rng, writer, stories) -> list[int]:
    """200,000 comments in threads, all published for now; their ids in order."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone

    from articles.models import Article
    from comments.templatetags.comment_display import comment_html

    ctype = ContentType.objects.get_for_model(Article).pk
    now = timezone.now()
    texts = [writer.comment() for _ in range(4_000)]
    htmls = [comment_html(text) for text in texts]
    names = [writer.name() for _ in range(20_000)]
    weights = [rng.paretovariate(1.1) for _ in stories]  # a few stories draw thousands
    base, xtd, ours = [], [], []
    story_of = iter(rng.choices(stories, weights, k=COMMENTS))
    pk = 0
    while pk < COMMENTS:
        story = next(story_of)
        shape = thread(rng, min(COMMENTS - pk, rng.choices((1, 2, 3, 5, 8), (30, 25, 20, 15, 10))[0]))
        first = pk + 1
        when = story.published_at + timedelta(minutes=rng.randint(5, 600))
        for position, (parent, level, _) in enumerate(shape):
            pk += 1
            when = min(when + timedelta(minutes=rng.randint(1, 300)), now - timedelta(seconds=pk))
            name = rng.choice(names)
            text = rng.randrange(len(texts))
            ip = f"198.51.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
            email = f"{address(name)}@example.org"
            base.append(
                (pk, str(story.pk), name, email, "", texts[text], when, ip, True, False, ctype, 1, None)
            )
            parent_id = first + parent if parent >= 0 else pk
            xtd.append((pk, first, parent_id, level, position + 1, False, 0))
            ours.append((pk, htmls[text], "[]", False, None, False))
    with connection.cursor() as cursor:
        columns = ["id", "object_pk", "user_name", "user_email", "user_url", "comment", "submit_date",
                   "ip_address", "is_public", "is_removed", "content_type_id", "site_id",
                   "user_id"]  # fmt: skip
        copy_rows(cursor.cursor, "django_comments", columns, base)
        columns = ["comment_ptr_id", "thread_id", "parent_id", "level", "order", "followup", "nested_count"]
        copy_rows(cursor.cursor, "django_comments_xtd_xtdcomment", columns, xtd)
        columns = ["xtdcomment_ptr_id", "text_html", "hold_reasons", "is_spam", "replied_to_id", "by_staff"]
        copy_rows(cursor.cursor, "comments_comment", columns, ours)
        reset_sequences(cursor, ["django_comments"])
    return [row[0] for row in base]


def moderate(rng, comment_ids: list[int]) -> None:
    """Hold, report, remove and mark as spam a random few, through the ORM's bulk updates."""
    from django.utils import timezone

    from articles.models import Article
    from comments.models import Comment, Decision, HoldReason, Report
    from comments.services import comments_recount

    now = timezone.now()
    picked = rng.sample(comment_ids, HELD + REPORTED + SPAM + REMOVED + RESOLVED)
    held, rest = picked[:HELD], picked[HELD:]
    reported, rest = rest[:REPORTED], rest[REPORTED:]
    spam, rest = rest[:SPAM], rest[SPAM:]
    removed, resolved = rest[:REMOVED], rest[REMOVED:]
    reasons = [[HoldReason.FIRST_TIME], [HoldReason.LINKS], [HoldReason.BLOCKLIST, HoldReason.FIRST_TIME],
               [HoldReason.RATE], [HoldReason.STAFF_NAME]]  # fmt: skip
    for n, chunk in enumerate(chunks(held, len(reasons))):
        Comment.objects.filter(pk__in=chunk).update(is_public=False, hold_reasons=reasons[n])
    Comment.objects.filter(pk__in=spam).update(is_removed=True, is_spam=True)
    Comment.objects.filter(pk__in=removed).update(is_removed=True)
    keys = itertools.count(1)
    closed = set(resolved)
    Report.objects.bulk_create(
        [Report(comment_id=pk, reporter_key=f"ip-{next(keys)}", reason=rng.choice(Report.Reason.values),
                resolved_at=now if pk in closed else None)
         for pk in reported + resolved for _ in range(rng.choice((1, 1, 1, 2, 3)))],
        batch_size=5_000,
    )  # fmt: skip
    decisions = [(spam, Decision.Action.SPAM, "spam"), (removed, Decision.Action.REMOVE, "removed"),
                 (resolved, Decision.Action.DISMISS, "visible")]  # fmt: skip
    Decision.objects.bulk_create(
        [Decision(comment_id=pk, action=action, from_status="visible", to_status=to, decided_at=now)
         for pks, action, to in decisions for pk in pks],
        batch_size=5_000,
    )  # fmt: skip
    comments_recount(article_pks=list(Article.objects.values_list("pk", flat=True)))


def chunks(items: list, n: int) -> list[list]:
    size = -(-len(items) // n)
    return [items[i : i + size] for i in range(0, len(items), size)]


def make_moderator():
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("moderator", "moderator@example.org", "moderator", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderator"))
    return user


def chosen(stories, sections) -> dict:
    """The story and the section with the most comments waiting: the busiest scoped queues."""
    from django.db.models import Count

    from comments.models import Comment

    busiest = (
        Comment.objects.waiting().order_by().values("object_pk").annotate(n=Count("pk")).order_by("-n")[0]
    )
    story = next(story for story in stories if str(story.pk) == busiest["object_pk"])
    return {"story": story.pk, "section": story.section.slug}


# Measuring ----------------------------------------------------------------------------------


def cases(info: dict) -> dict[str, str]:
    queue = "/admin/comments/comment/"
    return {
        "Waiting (default tab)": queue,
        "Held": f"{queue}?status=held",
        "Reported": f"{queue}?status=reported",
        "Published": f"{queue}?status=visible",
        "a story's queue": f"{queue}?story={info['story']}",
        "a section's queue": f"{queue}?section={info['section']}",
        "a search": f"{queue}?status=all&q={info['search']}",
    }


def expected_counts(url: str) -> dict[str, int]:
    """Each tab's count as a plain `.count()` of its queryset, in the scope the address names."""
    from urllib.parse import parse_qs, urlsplit

    from articles.models import Article
    from comments.models import Comment

    query = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
    scope = Comment.objects.all()
    if "story" in query:
        scope = scope.filter(object_pk=query["story"])
    if "section" in query:
        pks = Article.objects.filter(section__slug=query["section"]).values_list("pk", flat=True)
        scope = scope.filter(object_pk__in=[str(pk) for pk in pks])
    tabs = {"waiting": scope.waiting, "reported": scope.reported, "held": scope.held,
            "visible": scope.visible, "spam": scope.spam, "removed": scope.removed}  # fmt: skip
    return {tab: count().count() for tab, count in tabs.items()}


def measure_case(client, url: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUPS):
        response = client.get(url)
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    timings.sort()
    html = response.content.decode()
    shown = {tab: int(n.replace(",", "")) for tab, n in re.findall(r'data-count="(\w+)">([\d,]+)<', html)}
    rows = len(re.findall(r'class="mod-item"', html)) or len(re.findall(r'name="_selected_action"', html))
    slowest = sorted(queries.captured_queries, key=lambda query: float(query["time"]), reverse=True)
    return {
        "status": response.status_code,
        "median": statistics.median(timings),
        "p95": timings[int(RUNS * 0.95) - 1],
        "queries": len(queries),
        "sql_ms": sum(float(query["time"]) for query in queries.captured_queries) * 1000,
        "slowest": slowest[:3],
        "rows": rows,
        "shown": shown,
    }


def measure(info: dict, label: str, explain: bool) -> list[dict]:
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=info["moderator"]))
    results = []
    for name, url in cases(info).items():
        print(f"[moderation] {label}: {name} …", flush=True)
        figures = measure_case(client, url)
        expected = expected_counts(url) if figures["shown"] else {}
        results.append({"name": name, "url": url, **figures, "expected": expected})
        if explain:
            write_plans(name, figures["slowest"], label)
    return results


def write_plans(name: str, slowest: list[dict], label: str) -> None:
    """EXPLAIN ANALYZE of a case's three slowest queries, to bench/results/moderation-plans.txt."""
    from django.db import connection

    with open(RESULTS.with_name("moderation-plans.txt"), "a") as out:
        for query in slowest:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")  # the app's own SQL
                plan = "\n".join(row[0] for row in cursor.fetchall())
            out.write(
                f"## {label}: {name}, {float(query['time']) * 1000:.1f} ms\n{query['sql']}\n\n{plan}\n\n"
            )


def counts_cell(result: dict) -> str:
    if not result["shown"]:
        return "not shown"
    wrong = [f"{tab} {result['shown'].get(tab)}≠{n}" for tab, n in result["expected"].items()
             if tab in result["shown"] and result["shown"][tab] != n]  # fmt: skip
    shown = ", ".join(f"{tab} {n:,}" for tab, n in result["shown"].items())
    return f"WRONG: {'; '.join(wrong)}" if wrong else f"right ({shown})"


def render(runs: dict[str, list[dict]], took: float) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    lines = [
        f"# `make bench-moderation`, {datetime.now(UTC):%Y-%m-%d %H:%M UTC}",
        "",
        f"{os.cpu_count()} cores, PostgreSQL {postgres}. 200,000 comments on {STORIES:,} stories in "
        f"{len(SECTIONS)} sections; waiting {HELD + REPORTED:,} ({HELD:,} held, {REPORTED:,} published "
        f"with an open report), {SPAM:,} spam, {REMOVED:,} removed. Django's test client in one process, "
        f"production settings, signed in as a moderator: median and p95 of {RUNS} requests after "
        f"{WARMUPS} warm-ups; SQL: the queries of one request and the time PostgreSQL took for them.",
        "",
        "| indexes | case | status | median ms | p95 ms | SQL | SQL ms | slowest query ms | rows "
        "| tab counts |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for label, results in runs.items():
        for r in results:
            slowest = float(r["slowest"][0]["time"]) * 1000 if r["slowest"] else 0
            lines.append(
                f"| {label} | {r['name']} | {r['status']} | {r['median']:.0f} | {r['p95']:.0f} | "
                f"{r['queries']} | {r['sql_ms']:.0f} | {slowest:.0f} | {r['rows']} | {counts_cell(r)} |"
            )
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    lines += ["", f"Target (issue 16): the first page under 300 ms. The run took {took:.0f} s; the load "
              f"average at its end was {load} (above 2, other work shared the cores)."]  # fmt: skip
    return "\n".join(lines)


# The run ------------------------------------------------------------------------------------


def index_migration_before() -> str | None:
    """The migration the queue's indexes follow, or None when there is no such migration."""
    try:
        module = importlib.import_module(f"comments.migrations.{INDEX_MIGRATION}")
    except ImportError:
        return None
    return next(name for app, name in module.Migration.dependencies if app == "comments")


def migrate(*args: str) -> None:
    from django.core.management import call_command

    call_command("migrate", *args, verbosity=0, interactive=False)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reseed", action="store_true", help="build the database again")
    parser.add_argument("--compare", action="store_true", help="also measure without the queue's indexes")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest queries")
    parser.add_argument("--label", default="", help="what the rows measure, e.g. a branch's name")
    args = parser.parse_args(argv)
    started = time.monotonic()
    if args.reseed or seeded_version(DATABASE_URL) != VERSION:
        recreate_database(DATABASE_URL)
    prepare(DATABASE_URL)  # migrated, and the admin's static files collected
    os.environ.update(base_env(DATABASE_URL, None))
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    if seeded_version(DATABASE_URL) != VERSION:
        build()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT info FROM bench_seed")
        info = cursor.fetchone()[0]
    info = json.loads(info) if isinstance(info, str) else info
    if args.explain:
        RESULTS.with_name("moderation-plans.txt").write_text("")
    runs = {}
    before = index_migration_before()
    prefix = f"{args.label}, " if args.label else ""
    if args.compare and before:
        migrate("comments", before)
        runs[f"{prefix}without"] = measure(info, f"{prefix}without", args.explain)
        migrate()
    label = prefix + ("with" if before else "landed")
    runs[label] = measure(info, label, args.explain)
    table = render(runs, time.monotonic() - started)
    print()
    print(table)
    RESULTS.write_text(table + "\n")
    print(f"[moderation] written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
