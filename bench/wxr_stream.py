"""Memory and speed of reading, or wholly importing, a large WordPress export (not a test).

    .venv/bin/python bench/wxr_stream.py                 # read a 500 MB export, generated as it is read
    .venv/bin/python bench/wxr_stream.py --mb 100
    .venv/bin/python bench/wxr_stream.py --import --mb 5  # import it into a throwaway SQLite file in /tmp
    .venv/bin/python bench/wxr_stream.py --import --database-url postgres://postgres@127.0.0.1:5432/wxr_bench
    .venv/bin/python bench/wxr_stream.py --import --mb 2 --profile   # and where the time goes

The export is made on the fly (tests/wordpress/synthetic.py), so no file of that
size needs to exist. It prints the peak resident memory of the process after
each tenth of the file (flat means the reader streams), then the elapsed time,
posts per second and the peak. --import migrates the database named (created
afresh; a SQLite file is deleted first) and runs the importer as
`manage.py import_wordpress` does, in one transaction.
"""

import argparse
import cProfile
import io
import os
import pstats
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.wordpress.synthetic import SyntheticExport, item  # noqa: E402

SQLITE = "sqlite:////tmp/wxr_bench.sqlite3"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fresh_database(url: str) -> None:
    """Point Django at a new, migrated database."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        import psycopg

        base, _, name = url.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.dev")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def importer(on_progress):
    """The importer, in the package it lives in (so the bench runs on older checkouts too)."""
    try:
        from wordpress.importing import Importer
    except ImportError:  # before the importer was split by record type
        from wordpress.importer import Importer
    return Importer(on_progress=on_progress)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=500, help="size of the export in megabytes")
    parser.add_argument("--import", dest="whole", action="store_true", help="import it, not only read it")
    parser.add_argument("--database-url", default=SQLITE, help=f"for --import (default {SQLITE})")
    parser.add_argument("--profile", action="store_true", help="print the top 15 functions by time")
    args = parser.parse_args()
    if args.whole:
        fresh_database(args.database_url)
    items = int(args.mb * 1_000_000 // len(item(1)))
    export = SyntheticExport(items=items)
    total = export.size
    marks = iter(range(1, 11))
    next_mark = next(marks)
    started = time.perf_counter()
    what = f"importing into {args.database_url}" if args.whole else "reading"
    print(f"{what}: {total / 1e6:,.0f} MB, {items:,} posts with 3 comments each")
    print(f"{'read':>6} {'seconds':>8} {'peak RSS MB':>12}")

    def progress(done):
        nonlocal next_mark
        while next_mark is not None and done >= total * next_mark / 10:
            elapsed = time.perf_counter() - started
            print(f"{next_mark * 10:>5}% {elapsed:>8.1f} {peak_rss_mb():>12.1f}", flush=True)
            next_mark = next(marks, None)

    stream = io.BufferedReader(export, buffer_size=1 << 20)
    profile = cProfile.Profile() if args.profile else None
    if profile:
        profile.enable()
    if args.whole:
        tally = importer(progress).run(stream)
    else:
        from wordpress import wxr

        tally = None
        for _record in wxr.read(stream, on_progress=progress):
            pass
    elapsed = time.perf_counter() - started
    if profile:
        profile.disable()
    if tally:
        print(tally.as_text())
    speed = f"{items / elapsed:,.0f} posts/s, {total / 1e6 / elapsed:.1f} MB/s"
    size = f"{items:,} posts, {items * 3:,} comments, {total / 1e6:,.1f} MB"
    print(f"done: {size} in {elapsed:.1f} s: {speed}; peak RSS {peak_rss_mb():.1f} MB")
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(15)


if __name__ == "__main__":
    main()
