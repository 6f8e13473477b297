"""One daily digest to 100,000 confirmed subscribers through a real worker and a local SMTP sink (not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench .venv/bin/python bench/newsletter.py
    .venv/bin/python bench/newsletter.py --subscribers 5000          # a quick run (SQLite file)

It builds a throwaway database (`test_` + the configured name; a temporary file on
SQLite), adds the subscribers (a realistic mix: most follow everything, others some
sections or topics) and a day of stories, assembles the daily digest, then starts the
SMTP sink (tests/subscriptions/smtp_sink.py) and ONE `manage.py db_worker`, each in a
process of its own, and enqueues the send. While it runs the worker's resident memory
is read from /proc every half second. It prints the figures and drops the database.
With `--profile FILE` the worker runs under cProfile and the top 15 functions by
cumulative time are printed (the profiler slows the worker: take the rate from a run
without it).

The worker runs with the production settings (DEBUG off), EMAIL_URL pointing at the sink.
The sink only counts here, and reads DATA in chunks rather than aiosmtpd's line by line:
it shares the two cores with the worker and the database, and a real mail server would not.
"""

import argparse
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

SECTIONS = ["News", "Business", "Sport", "Culture", "Opinion", "Science", "Travel", "Food"]
TAGS = [f"topic-{n}" for n in range(24)]
STORIES = 48  # a busy day


def seed(subscribers: int) -> None:
    from taggit.models import Tag

    from articles.models import Section
    from subscriptions.models import Subscriber
    from tests.factories import ArticleFactory, SectionFactory

    rng = random.Random(20260302)
    sections = [SectionFactory(name=name, slug=name.lower()) for name in SECTIONS]
    tags = [Tag.objects.create(name=name, slug=name) for name in TAGS]
    now = timezone.now()
    for n in range(STORIES):
        story = ArticleFactory(
            live=True,
            section=sections[n % len(sections)],
            published_at=now - timedelta(minutes=30 * n + 1),
            headline=f"Story {n}: the council meets about the harbour, again",
            standfirst="What was decided, who voted for it and what happens next for the town.",
            body="<p>" + "The meeting went on late into the evening. " * 40 + "</p>",
        )
        story.tags.add(tags[n % len(tags)], tags[(n * 7) % len(tags)])

    SectionLink, TagLink = Subscriber.sections.through, Subscriber.tags.through
    batch = 5_000
    for start in range(0, subscribers, batch):
        count = min(batch, subscribers - start)
        rows = Subscriber.objects.bulk_create(
            Subscriber(
                email=f"reader{i}@example.org",
                name=f"Reader {i}" if i % 3 else "",
                status=Subscriber.Status.CONFIRMED,
                confirmed_at=now,
                consent_at=now,
            )
            for i in range(start, start + count)
        )
        section_links, tag_links = [], []
        for subscriber in rows:
            kind = rng.random()
            if kind < 0.55:
                continue  # everything
            if kind < 0.85:
                for section in rng.sample(sections, rng.randint(1, 3)):
                    section_links.append(SectionLink(subscriber_id=subscriber.pk, section_id=section.pk))
            else:
                for tag in rng.sample(tags, rng.randint(1, 4)):
                    tag_links.append(TagLink(subscriber_id=subscriber.pk, tag_id=tag.pk))
                if rng.random() < 0.5:
                    section = rng.choice(sections)
                    section_links.append(SectionLink(subscriber_id=subscriber.pk, section_id=section.pk))
        SectionLink.objects.bulk_create(section_links)
        TagLink.objects.bulk_create(tag_links)
    assert Section.objects.count() == len(SECTIONS)


def rss_mb(pid: int) -> tuple[float, float]:
    """The process's resident memory and its peak (VmRSS, VmHWM), in MB."""
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def cpu_seconds(pid: int) -> float:
    """The process's CPU time so far, user and system (/proc/PID/stat), in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def run(subscribers: int, profile: str | None = None) -> None:
    from subscriptions import services
    from subscriptions.models import Delivery, Digest

    started = time.perf_counter()
    seed(subscribers)
    seeded = time.perf_counter()
    digest = services.digest_assemble(kind=Digest.Kind.DAILY)
    assembled = time.perf_counter()
    deliveries = digest.deliveries.count()
    print(f"database            {connection.vendor}")
    print(f"subscribers         {subscribers:,} confirmed ({seeded - started:.1f} s to create)")
    print(f"digest              {len(digest.story_ids)} stories; {deliveries:,} deliveries queued "
          f"(assembled in {assembled - seeded:.1f} s)")  # fmt: skip

    log = Path(tempfile.mkdtemp(prefix="newsroom-bench-")) / "worker.log"
    sink = subprocess.Popen(  # noqa: S603 (our own script)
        [sys.executable, str(ROOT / "tests/subscriptions/smtp_sink.py"), "--no-headers"],
        stdout=subprocess.PIPE,
        text=True,
    )
    worker = None
    try:
        host_port = sink.stdout.readline().split()[-1]
        env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "newsroom.settings.prod",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "news.example.org",
            "SITE_URL": "https://news.example.org",
            "DATABASE_URL": database_url(),
            "EMAIL_URL": f"smtp://{host_port}?timeout=30",
            "LOG_LEVEL": "WARNING",
        }
        command = ["manage.py", "db_worker", "--no-startup-delay", "--interval", "0.2", "--no-reload"]
        if profile:  # written when the worker stops on SIGTERM, below
            command = ["-m", "cProfile", "-o", profile, *command]
        worker = subprocess.Popen(  # noqa: S603 (our manage.py, fixed arguments)
            [sys.executable, *command], cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
        )
        time.sleep(1.0)  # let it start before the clock does (Django's start-up is not sending)
        clock = time.perf_counter()
        cpu_start = {"worker": cpu_seconds(worker.pid), "sink": cpu_seconds(sink.pid)}
        services.digest_enqueue(digest=digest)
        peak_sampled, last_line = 0.0, clock
        while True:
            rss, _ = rss_mb(worker.pid)
            peak_sampled = max(peak_sampled, rss)
            if worker.poll() is not None:
                raise SystemExit(f"The worker died (exit {worker.returncode}); see {log}.")
            digest.refresh_from_db()
            if digest.status == Digest.Status.DONE:
                break
            if time.perf_counter() - last_line >= 10:
                counts = Delivery.objects.progress([digest.pk])[digest.pk]
                elapsed = time.perf_counter() - clock
                print(f"  {elapsed:5.0f} s  sent {counts['sent']:,}  ({counts['sent'] / elapsed:,.0f}/s)  "
                      f"worker RSS {rss:.0f} MB", flush=True)  # fmt: skip
                last_line = time.perf_counter()
            time.sleep(0.5)
        total = time.perf_counter() - clock
        cpu = {name: cpu_seconds(p.pid) - cpu_start[name] for name, p in (("worker", worker), ("sink", sink))}
        _, peak = rss_mb(worker.pid)
        counts = Delivery.objects.progress([digest.pk])[digest.pk]
        first_last = Delivery.objects.filter(digest=digest, state="sent").order_by("sent_at")
        first = first_last.values_list("sent_at", flat=True).first()
        last = first_last.reverse().values_list("sent_at", flat=True).first()
        sending_seconds = (last - first).total_seconds() if first and last else 0
    finally:
        if worker is not None and worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(30)
        sink.send_signal(signal.SIGTERM)
        lines = sink.stdout.read().strip().splitlines()
        summary = json.loads(lines[-1]) if lines else {}
        sink.wait(10)

    sent = counts["sent"]
    print(f"messages sent       {sent:,} (failed {counts['failed']}, cancelled {counts['cancelled']}, "
          f"unknown {counts['unknown']})")  # fmt: skip
    print(f"total time          {total:.1f} s from enqueue to done")
    print(f"messages per second {sent / total:,.0f} (first to last message: "
          f"{sent / max(sending_seconds, 1e-6):,.0f}/s over {sending_seconds:.1f} s)")  # fmt: skip
    print(f"CPU per message     worker {cpu['worker'] / max(sent, 1) * 1000:.2f} ms, "
          f"sink {cpu['sink'] / max(sent, 1) * 1000:.2f} ms (the rest: waiting)")  # fmt: skip
    print(f"worker peak RSS     {max(peak, peak_sampled):.0f} MB "
          f"(VmHWM; the highest of the samples every 0.5 s: {peak_sampled:.0f} MB)")  # fmt: skip
    print(f"sink messages       {summary.get('messages', 0):,} to {summary.get('recipients', 0):,} "
          f"recipients over {summary.get('connections', 0)} connections")  # fmt: skip
    print(f"duplicates          {summary.get('duplicates', 0)}")
    print(f"worker log          {log}")
    if profile:
        import pstats

        print(f"\nThe worker's time by function, top 15 by cumulative time ({profile}):")
        pstats.Stats(profile).sort_stats("cumulative").print_stats(15)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--profile", metavar="FILE", help="Run the worker under cProfile, writing FILE.")
    args = parser.parse_args()
    if connection.vendor == "sqlite":  # a file, so that the worker process can open it
        folder = tempfile.mkdtemp(prefix="newsroom-bench-")
        connection.settings_dict.setdefault("TEST", {})["NAME"] = os.path.join(folder, "bench.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        run(args.subscribers, args.profile)
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
