"""What the resilience drills share: a seeded newsroom, reader load (wrk), comment posters,
our own throwaway Redis and PostgreSQL servers, and the result blocks they print.

Every process a drill starts is stopped when the drill ends, on failure too.
"""

import html
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PG_BIN = Path("/usr/lib/postgresql/15/bin")
DRILL_DATABASE = "postgres://postgres@127.0.0.1:5432/newsroom_drill"
SETTINGS = "newsroom.settings.bench"
LUA = Path(__file__).with_name("readers.lua")
MARKER_STORIES = 24  # fresh stories (open to comments) the seed adds to the demo newsroom


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def manage(*args: str, database_url: str, env: dict | None = None, check=True) -> str:
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "DATABASE_URL": database_url, **(env or {})}
    full_env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
    )
    if check and result.returncode:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result.stdout


SEED = f"""
import json
from datetime import timedelta
from django.utils import timezone
from taggit.models import Tag
from articles.models import Article, Section, Author
from tests.factories import ArticleFactory
sections = list(Section.objects.all())
have = Article.objects.filter(slug__startswith="drill-story-").count()
for n in range(have, {MARKER_STORIES}):
    ArticleFactory(
        live=True, slug=f"drill-story-{{n}}", headline=f"Harbour drill story number {{n}}",
        section=sections[n % len(sections)], tags=["harbour", "drill"],
        body="<p>" + "The harbour board met again on Tuesday. " * 40 + "</p>",
    )
# Keep the drill stories open to comments: publication within the last day.
ours = Article.objects.filter(slug__startswith="drill-story-")
ours.update(published_at=timezone.now() - timedelta(hours=2))
stories = [a.get_absolute_url() for a in Article.objects.published().order_by("-published_at")[:60]]
drill = [(a.pk, a.get_absolute_url()) for a in ours]
print(json.dumps({{
    "stories": stories,
    "drill_stories": drill,
    "sections": [f"/section/{{s.slug}}/" for s in sections],
    "tags": [f"/tag/{{t.slug}}/" for t in Tag.objects.all()[:20]],
    "authors": [f"/author/{{a.slug}}/" for a in Author.objects.all()[:10]],
}}))
"""


def seed(database_url: str) -> dict:
    """Migrate, load the demo newsroom and add the drill's stories; the addresses to read and post to."""
    from bench.stack import ensure_database

    ensure_database(database_url)
    manage("migrate", "--noinput", database_url=database_url)
    manage("load_demo", database_url=database_url)
    out = manage("shell", "-c", SEED, database_url=database_url)
    return json.loads(out.strip().splitlines()[-1])


SEARCHES = ["harbour", "port strike", "ferry", "weather", '"harbour board"', "storm -rail", "council budget"]


def reader_paths(site: dict) -> list[str]:
    """The mix 200 readers ask for: half story pages, then home, lists, search and the feed."""
    paths = []
    paths += site["stories"] * 2  # ~120 lines: about half
    paths += ["/"] * 40
    paths += (site["sections"] + site["tags"] + site["authors"]) * 1
    paths += [f"/search/?{urlencode({'q': q})}" for q in SEARCHES] * 3
    paths += ["/feed/", "/feed/atom/", "/sitemap.xml", "/news-sitemap.xml"] * 3
    return paths


# Reader load: wrk -------------------------------------------------------------------------------


@dataclass
class WrkResult:
    requests: int = 0
    seconds: float = 0.0
    socket_errors: dict = field(default_factory=dict)
    latency_ms: dict = field(default_factory=dict)
    by_second: dict = field(default_factory=lambda: defaultdict(Counter))  # unix second -> status -> n

    @property
    def statuses(self) -> Counter:
        total = Counter()
        for counts in self.by_second.values():
            total.update(counts)
        return total

    def count(self, low: int, high: int) -> int:
        return sum(n for status, n in self.statuses.items() if low <= status <= high)


def run_wrk(
    base_url: str, paths: list[str], *, connections: int, seconds: int, threads: int = 2
) -> WrkResult:
    from bench.run import ensure_tools

    ensure_tools()  # wrk from Debian's packages on a fresh machine
    workdir = Path(tempfile.mkdtemp(prefix="drill-wrk-"))
    try:
        (workdir / "paths.txt").write_text("\n".join(paths) + "\n")
        env = {
            **os.environ,
            "DRILL_PATHS": str(workdir / "paths.txt"),
            "DRILL_WRK_OUT": str(workdir / "out.txt"),
        }
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
                   "-s", str(LUA), base_url]  # fmt: skip
        completed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 60)
        if completed.returncode:
            raise RuntimeError(f"wrk failed: {completed.stderr}")
        result = WrkResult()
        for line in (workdir / "out.txt").read_text().splitlines():
            parts = line.split()
            if parts[0] == "summary":
                requests, duration_us, connect, read, write, status, timeout = map(int, parts[1:])
                result.requests, result.seconds = requests, duration_us / 1e6
                result.socket_errors = {"connect": connect, "read": read, "write": write, "timeout": timeout}
            elif parts[0] == "latency":
                result.latency_ms[parts[1]] = int(parts[2]) / 1000
            else:
                second, status, n = map(int, parts)
                result.by_second[second][status] += n
        result.wrk_text = completed.stdout
        return result
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def non_2xx_3xx(wrk_text: str) -> int:
    match = re.search(r"Non-2xx or 3xx responses: (\d+)", wrk_text)
    return int(match.group(1)) if match else 0


# Comment posters --------------------------------------------------------------------------------

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?')


def request(base_url: str, method: str, path: str, body: bytes | None = None, headers=None, timeout=30):
    """One HTTP request on a fresh connection: (status, headers, body)."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return response.status, headers, response.read()
    finally:
        connection.close()


def comment_form(page: bytes) -> dict | None:
    """The hidden fields of the comment form on a story page."""
    text = page.decode("utf-8", "replace")
    start = text.find('action="/comments/post/"')
    if start < 0:
        return None
    end = text.find("</form>", start)
    fields = {name: html.unescape(value or "") for name, value in HIDDEN.findall(text[start:end])}
    return fields if "stamp" in fields else None


@dataclass
class PostLog:
    sent: int = 0
    accepted: list = field(default_factory=list)  # marker texts the site accepted
    statuses: Counter = field(default_factory=Counter)  # of the POSTs
    form_statuses: Counter = field(default_factory=Counter)  # of the GETs that fetched the forms
    errors: Counter = field(default_factory=Counter)  # connection errors and the like
    lock: threading.Lock = field(default_factory=threading.Lock)


class CommentPosters:
    """`rate` comment posts a second for `seconds`, each by a different reader.

    Each reader GETs a story page, waits `think` seconds (as a person writing would), then
    POSTs /comments/post/ with a unique marker text. Accepted: a 302 back to the story
    (published or held for moderation).
    """

    def __init__(self, base_url: str, stories: list, *, run_id: str, rate: float, seconds: float, think=3.5):
        self.base_url, self.stories, self.run_id = base_url, stories, run_id
        self.rate, self.seconds, self.think = rate, seconds, think
        self.log = PostLog()
        self._thread: threading.Thread | None = None

    def marker(self, n: int) -> str:
        return f"Drill {self.run_id} comment {n}: the dredging plan leaves out the north basin."

    def start(self) -> "CommentPosters":
        self._thread = threading.Thread(target=self._run, name="posters", daemon=True)
        self._thread.start()
        return self

    def join(self) -> PostLog:
        if self._thread:
            self._thread.join()
        return self.log

    def _run(self) -> None:
        total = int(self.rate * self.seconds)
        begin = time.monotonic()
        workers = int(self.rate * (self.think + 4)) + 8
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="reader") as pool:
            for n in range(total):
                pool.submit(self._one, n, begin + n / self.rate)

    def _one(self, n: int, at: float) -> None:
        time.sleep(max(0.0, at - time.monotonic()))
        pk, path = self.stories[n % len(self.stories)]
        try:
            status, _, page = request(self.base_url, "GET", path)
        except OSError as error:
            with self.log.lock:
                self.log.form_statuses["error"] += 1
                self.log.errors[type(error).__name__] += 1
            return
        with self.log.lock:
            self.log.form_statuses[status] += 1
        fields = comment_form(page) if status == 200 else None
        if fields is None:
            return
        time.sleep(self.think)  # after the page came: the form's time is when it was rendered
        text = self.marker(n)
        fields.update(
            name=f"Drill reader {self.run_id}-{n}", email=f"drill-{self.run_id}-{n}@example.org",
            url="", comment=text, honeypot="",
        )  # fmt: skip
        body = urlencode(fields).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.base_url}
        with self.log.lock:
            self.log.sent += 1
        try:
            status, response_headers, _ = request(self.base_url, "POST", "/comments/post/", body, headers)
        except OSError as error:
            with self.log.lock:
                self.log.statuses["error"] += 1
                self.log.errors[type(error).__name__] += 1
            return
        with self.log.lock:
            self.log.statuses[status] += 1
            location = response_headers.get("location", "")
            if status == 302 and ("posted=" in location or "held=" in location):  # held: shown to its author
                self.log.accepted.append(text)


def comments_in_database(database_url: str, run_id: str) -> set[str]:
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT comment FROM django_comments WHERE comment LIKE %s", [f"Drill {run_id} comment %"]
        ).fetchall()
    return {row[0] for row in rows}


# Our own servers ---------------------------------------------------------------------------------


@contextmanager
def redis_server(port: int):
    """A throwaway redis-server on 127.0.0.1:`port`, nothing saved to disk; yields start/stop controls."""
    process: dict = {"p": None}

    def start():
        process["p"] = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        wait_for_port(port, 10)

    def stop():
        p = process["p"]
        if p is not None and p.poll() is None:
            p.send_signal(signal.SIGKILL)  # as a crash would: no goodbye to the clients
            p.wait(10)
        process["p"] = None

    start()
    try:
        yield start, stop
    finally:
        stop()


def wait_for_port(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


class PostgresCluster:
    """A throwaway PostgreSQL 15 cluster of our own on a spare port (the shared one on 5432 is left alone)."""

    def __init__(self, port: int, datadir: Path | None = None):
        self.port = port
        self.datadir = datadir or Path(tempfile.mkdtemp(prefix="drill-pg-"))
        self.log = self.datadir.parent / f"{self.datadir.name}.log"

    def _as_postgres(self, *command: str, check: bool = True):
        return subprocess.run(
            ["runuser", "-u", "postgres", "--", *command],
            capture_output=True,
            text=True,
            check=check,
            timeout=120,
        )

    def init(self) -> "PostgresCluster":
        shutil.chown(self.datadir, "postgres", "postgres")
        self.datadir.chmod(0o700)
        self._as_postgres(str(PG_BIN / "initdb"), "-D", str(self.datadir), "-A", "trust", "-U", "postgres")
        self.log.touch()
        shutil.chown(self.log, "postgres", "postgres")
        return self

    def pg_ctl(self, action: str, *extra: str):
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.datadir}"
        return self._as_postgres(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.datadir),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            action,
            *extra,
        )

    def start(self) -> None:
        self.pg_ctl("start")

    def stop(self) -> None:
        self.pg_ctl("stop", "-m", "fast")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/newsroom_drill"

    def destroy(self) -> None:
        self.pg_ctl("stop", "-m", "immediate") if (self.datadir / "postmaster.pid").exists() else None
        shutil.rmtree(self.datadir, ignore_errors=True)
        self.log.unlink(missing_ok=True)


# Printing ----------------------------------------------------------------------------------------


def timeline(by_second: dict, start: float, events: dict[int, str]) -> list[str]:
    """One line per second of load: what readers got, and what happened then."""
    lines = ["  second   2xx/3xx   4xx   503  other5xx  event"]
    first = int(start)
    for second in sorted(by_second):
        counts = by_second[second]
        ok = sum(n for s, n in counts.items() if s < 400)
        c4 = sum(n for s, n in counts.items() if 400 <= s < 500)
        c503 = counts.get(503, 0)
        other = sum(n for s, n in counts.items() if s >= 500 and s != 503)
        t = second - first
        lines.append(f"  {t:6d}  {ok:8d}  {c4:4d}  {c503:4d}  {other:8d}  {events.get(t, '')}")
    return lines
