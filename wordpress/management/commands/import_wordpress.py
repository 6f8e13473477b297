"""manage.py import_wordpress EXPORT.xml [--media-dir DIR] [--dry-run] [--continue-on-error] [--create-users]

Reads the export as a stream, shows a progress bar and ends with a summary by kind.
"""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wordpress.importing import Importer, ImportFailed
from wordpress.wxr import WXRError


class Progress:
    """A one-line progress bar on a terminal; a line every 10% elsewhere (logs, CI)."""

    def __init__(self, stream, total: int, enabled: bool):
        self.stream, self.total, self.enabled = stream, max(total, 1), enabled
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.started = time.monotonic()
        self.last_tenth = -1

    def __call__(self, done: int) -> None:
        if not self.enabled:
            return
        share = min(done / self.total, 1.0)
        if self.tty:
            bar = "#" * int(share * 30)
            mb = f"{done / 1e6:,.1f}/{self.total / 1e6:,.1f} MB"
            self.stream.write(f"\r[{bar:<30}] {share:4.0%} {mb} {time.monotonic() - self.started:5.1f} s")
            self.stream.flush()
        elif int(share * 10) > self.last_tenth:
            self.last_tenth = int(share * 10)
            self.stream.write(f"read {share:.0%} of the export\n")

    def end(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")


class Command(BaseCommand):
    help = "Import a WordPress export (WXR): authors, categories, tags, posts, pages, comments and old links."

    def add_arguments(self, parser):
        parser.add_argument("export", help="the .xml file from WordPress's Tools → Export")
        parser.add_argument("--media-dir", help="a copy of wp-content/uploads, for the images")
        parser.add_argument("--dry-run", action="store_true", help="read and report; save nothing")
        parser.add_argument(
            "--continue-on-error",
            action="store_true",
            help="import each item on its own and report failures (default: all or nothing)",
        )
        parser.add_argument(
            "--create-users",
            action="store_true",
            help="also make an inactive user account for each WordPress author",
        )
        parser.add_argument(
            "--replace-pages",
            action="store_true",
            help="let WordPress pages replace Newsroom's site pages at the same address (About, …)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        export, media_dir, dry_run = options["export"], options["media_dir"], options["dry_run"]
        continue_on_error = options["continue_on_error"]
        path = Path(export)
        if not path.is_file():
            raise CommandError(f"{export}: no such file.")
        if media_dir and not Path(media_dir).is_dir():
            raise CommandError(f"--media-dir {media_dir}: no such folder.")
        progress = Progress(sys.stderr, path.stat().st_size, enabled=not options["no_progress"])
        importer = Importer(
            media_dir=media_dir,
            dry_run=dry_run,
            create_users=options["create_users"],
            replace_pages=options["replace_pages"],
            continue_on_error=continue_on_error,
            on_progress=progress,
        )
        started = time.monotonic()
        try:
            with path.open("rb") as stream:
                tally = importer.run(stream)
        except (WXRError, ImportFailed) as error:
            progress.end()
            if continue_on_error and not dry_run:
                self.stderr.write(importer.tally.as_text())
                raise CommandError(f"{path.name}: {error} The items before it were imported.") from None
            raise CommandError(f"{path.name}: {error} Nothing was imported.") from None
        progress.end()
        self.stdout.write(tally.as_text())
        took = time.monotonic() - started
        if dry_run:
            self.stdout.write(self.style.WARNING(f"Dry run: nothing was saved ({took:.1f} s)."))
        elif tally.failures:
            failed = len(tally.failures)
            self.stdout.write(self.style.WARNING(f"Imported with {failed} failures in {took:.1f} s."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {path.name} in {took:.1f} s."))
