"""The demo newsroom on the production stack, in a throwaway folder: for Lighthouse and the screenshots.

    with DemoSite() as site:
        site.url     # http://127.0.0.1:<port>: nginx in front of granian (granian alone without nginx)
        site.pages   # {"home": "/", "story": "/ports/2026/…/", …}: one address per reader page type
        site.story   # {"lead_image": True, "comments": 6}: what the story page shows

A fresh SQLite database is migrated and filled by `load_demo`; the static files are collected
(whitenoise's compressed, hashed files) into the same folder. granian runs the app with
newsroom.settings.bench, which is prod's settings over plain HTTP on 127.0.0.1, and nginx
(deploy/nginx.conf, as bench/stack.py fills it) serves /static/ and /media/ as in production.
Leaving the `with` block stops both and removes the folder.
"""

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.stack import ROOT, Stack

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)

# The page types, in the order a reader meets them; the addresses come from page_addresses().
PAGE_TYPES = (
    "home",
    "story",
    "section",
    "tag",
    "author",
    "source",
    "search",
    "search-empty",
    "404",
    "newsletter",
    "newsletter-preferences",
    "comment-report",
    "comment-reply",
    "corrections",
    "page",
)


class DemoSite:
    def __init__(self, nginx: bool | None = None):
        self.workdir = Path(tempfile.mkdtemp(prefix="newsroom-demo-site-"))
        self.workdir.chmod(0o755)  # nginx's workers run as nobody
        for folder in ("static", "media"):
            (self.workdir / folder).mkdir(mode=0o755)
        self.stack = Stack(
            database_url=f"sqlite:///{self.workdir / 'db.sqlite3'}",
            redis_url=None,
            server="granian",
            workers=1,
            nginx=bool(NGINX) if nginx is None else nginx,
            env={
                "STATIC_ROOT": str(self.workdir / "static"),
                "MEDIA_ROOT": str(self.workdir / "media"),
                "LOG_LEVEL": "WARNING",
            },
            prepare=False,
        )
        self.stack.static_root = self.workdir / "static"
        self.stack.media_root = self.workdir / "media"
        self.url = self.stack.nginx_url or self.stack.app_url
        self.pages: dict[str, str] = {}
        self.story: dict = {}  # the story page's: {"lead_image": bool, "comments": int}
        self.desk: dict[str, str] = {}  # the moderators' desk pages (admin), for the demo moderator

    def run(self, *args: str) -> str:
        """Run `python *args` in the site's environment; its standard output."""
        result = subprocess.run(  # noqa: S603 (our own interpreter and modules)
            [sys.executable, *args], cwd=ROOT, env=self.stack.env, capture_output=True, text=True
        )
        if result.returncode:
            raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        return result.stdout

    def start(self) -> "DemoSite":
        try:
            self.run("manage.py", "migrate", "--noinput", "--verbosity", "0")
            self.run("manage.py", "load_demo")
            self.run("manage.py", "collectstatic", "--noinput", "--verbosity", "0")
            for folder in (self.workdir / "static", self.workdir / "media"):
                for path in [folder, *folder.rglob("*")]:
                    path.chmod(0o755 if path.is_dir() else 0o644)
            found = json.loads(self.run("-m", "bench.demo_pages"))
            self.pages, self.story, self.desk = found["pages"], found["story"], found["desk"]
            self.stack.start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        self.stack.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> "DemoSite":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
