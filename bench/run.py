"""`make bench`: seed a newsroom, start the production stack, run wrk, print one table (not a test).

    .venv/bin/python -m bench.run               # 15-second runs at 32 connections, as in docs/performance.md
    .venv/bin/python -m bench.run --quick       # 3-second runs, for working on the harness
    .venv/bin/python -m bench.run --reseed      # fill the database again even if it holds this seed
    .venv/bin/python -m bench.run --servers     # granian against gunicorn on the story page instead

What it needs: wrk and nginx (installed from Debian's packages when missing),
PostgreSQL at 127.0.0.1:5432 and Redis at 127.0.0.1:6379 as they run on this
machine. The database is `newsroom_bench` (BENCH_DATABASE_URL to change it).

The rows: the story page with 50 threaded comments (a) with the page and fragment
caches off, on the ORM and templates, (b) from Django's cache, through Django's own
handler and middleware, (c) through deploy/nginx.conf and its micro-cache, (d) the same
HTML as a static file from the same nginx, the ceiling of the machine; then the
home page, a tag page, a search and the RSS feed, uncached and cached. wrk gives
requests per second and latency; SQL queries and CPU time per page are measured
in a separate process with Django's test client against the same database and
settings, since wrk cannot see them. The table is printed and written to
bench/results/latest.md.
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.stack import Stack, base_env, prepare  # noqa: E402

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
RESULTS = ROOT / "bench" / "results" / "latest.md"
WRK_SCRIPT = ROOT / "bench" / "wrk_report.lua"
UNCACHED = {"NEWSROOM_PAGE_CACHE": "0", "NEWSROOM_FRAGMENT_CACHE": "0"}
SERVER = "granian"
WORKERS = 2
THREADS = 2
CPU_RUNS = 50
SEARCHES = 200

TARGETS = (
    "Targets (issue 14; 2 cores, wrk on the same machine): (a) caches off ≥ 120 req/s and ≤ 8 SQL queries; "
    "(b) from Django's cache through its handler and middleware ≥ 3,000 req/s with p99 < 20 ms; "
    "(c) through nginx ≥ 0.9 of (d); search over 10,000 stories p95 < 50 ms."
)


# The machine --------------------------------------------------------------------------


def ensure_tools() -> None:
    """wrk and nginx from Debian's packages, installed only when missing."""
    missing = [tool for tool in ("wrk", "nginx") if not shutil.which(tool)]
    if not missing:
        return
    print(f"[bench] installing {' '.join(missing)} from Debian's packages", flush=True)
    subprocess.run(["apt-get", "update"], check=True)
    subprocess.run(["apt-get", "install", "-y", "wrk", "nginx"], check=True)


def check_service(name: str, host: str, port: int) -> None:
    try:
        socket.create_connection((host, port), timeout=3).close()
    except OSError as error:
        sys.exit(f"[bench] {name} is not answering at {host}:{port} ({error}); start it first")


def versions() -> dict[str, str]:
    import django
    import granian
    import psycopg

    def first_line(command):
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=10)
            return (result.stdout or result.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "?"

    with psycopg.connect(DATABASE_URL) as conn:
        postgres = conn.execute("SHOW server_version").fetchone()[0].split()[0]
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return {
        "machine": f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "django": django.get_version(),
        "granian": granian.__version__,
        "nginx": first_line(["nginx", "-v"]).removeprefix("nginx version: "),
        "wrk": first_line(["wrk", "-v"]).split(" [")[0],
        "postgresql": postgres,
    }


# wrk ----------------------------------------------------------------------------------


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


def wrk_command(url: str, connections: int, seconds: int, pause_ms: int = 0) -> list[str]:
    """wrk as fast as the server answers, or with `pause_ms` between each connection's requests."""
    threads = min(2, connections)
    return [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",  # a slow answer is counted in the latencies, not dropped as an error
        "-s",
        str(WRK_SCRIPT),
        url,
        *(["--", str(pause_ms)] if pause_ms else []),
    ]


def wrk_load(url: str, returncode: int, stdout: str, stderr: str) -> Load:
    """The figures of one wrk run, from the line bench/wrk_report.lua adds to its output."""
    found = re.search(r"^WRK_JSON (\{.*\})$", stdout, re.MULTILINE)
    if returncode or not found:
        raise RuntimeError(f"wrk failed on {url}:\n{stdout}\n{stderr}")
    data = json.loads(found.group(1))
    errors = sum(data[key] for key in ("connect", "read", "write", "status", "timeout"))
    return Load(
        rps=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=errors,
        requests=data["requests"],
    )


def wrk(url: str, connections: int, seconds: int, pause_ms: int = 0) -> Load:
    command = wrk_command(url, connections, seconds, pause_ms)
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    return wrk_load(url, result.returncode, result.stdout, result.stderr)


def settle(url: str, limit: float = 60) -> None:
    """Fetch `url` one at a time until answers are as quick as they get (a queue left by wrk is gone)."""
    deadline = time.monotonic() + limit
    timings: list[float] = []
    while time.monotonic() < deadline:
        started = time.perf_counter()
        fetch(url)
        timings.append(time.perf_counter() - started)
        if len(timings) >= 10 and timings[-1] <= 2 * min(timings):
            return


def fetch(url: str) -> tuple[int, dict, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (127.0.0.1)
        return response.status, dict(response.headers), response.read()


# In-process figures: SQL queries and CPU time per page ----------------------------------


def measure_in_process(pages: dict[str, str], redis_url: str | None, cached: bool, search_words=()) -> dict:
    """Run this module with --measure in a fresh process, the caches on or off; its JSON answer."""
    env = base_env(DATABASE_URL, redis_url, {} if cached else UNCACHED)
    env |= {"BENCH_PAGES": json.dumps(pages), "BENCH_SEARCH_WORDS": json.dumps(list(search_words))}
    result = subprocess.run(
        [sys.executable, "-m", "bench.run", "--measure"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(f"the in-process measurement failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure() -> None:
    """--measure: in this process, with the environment run.py gave it."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    figures = {}
    for name, url in json.loads(os.environ["BENCH_PAGES"]).items():
        for _ in range(3):  # templates compiled, connection open, caches filled
            response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        query_count = len(queries)  # now: the next request empties the query log
        cpu, wall = [], []
        for _ in range(CPU_RUNS):
            started_cpu, started = time.process_time(), time.perf_counter()
            client.get(url)
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
        figures[name] = {
            "queries": query_count,
            "cpu_ms": statistics.median(cpu),
            "wall_ms": statistics.median(wall),
            "bytes": len(response.content),
        }
    words = json.loads(os.environ.get("BENCH_SEARCH_WORDS", "[]"))
    if words:
        import random

        rng = random.Random(7)
        timings = []
        for _ in range(SEARCHES):
            query = " ".join(rng.sample(words, rng.choice((1, 1, 2, 2, 3))))
            started = time.perf_counter()
            response = client.get("/search/", {"q": query})
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"search for {query!r} answered {response.status_code}")
        timings.sort()
        figures["_search"] = {
            "count": len(timings),
            "p50_ms": statistics.median(timings),
            "p95_ms": timings[int(len(timings) * 0.95) - 1],
        }
    print(json.dumps(figures))


# The run -------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    url: str
    load: Load
    single: Load
    queries: int | None = None
    cpu_ms: float | None = None
    kib: float | None = None
    notes: list[str] = field(default_factory=list)


def run_case(name: str, url: str, seconds: int, single_seconds: int, figures: dict | None = None) -> Row:
    status, headers, body = fetch(url)
    if status != 200:
        raise RuntimeError(f"{url} answered {status}")
    settle(url)  # warm: connections, compiled templates, caches
    print(f"[bench] {name}: wrk 32 connections, {seconds} s …", flush=True)
    load = wrk(url, 32, seconds)
    settle(url)  # the app server may still be answering requests wrk gave up waiting for
    single = wrk(url, 1, single_seconds)
    row = Row(name, url, load, single, kib=len(body) / 1024)
    if figures:
        row.queries, row.cpu_ms = figures["queries"], figures["cpu_ms"]
    if load.errors or single.errors:
        row.notes.append(f"{load.errors + single.errors} errors or non-2xx answers")
    if headers.get("X-Cache"):
        row.notes.append(f"nginx X-Cache after warming: {fetch(url)[1].get('X-Cache')}")
    return row


def bench(args) -> int:
    ensure_tools()
    check_service("PostgreSQL", "127.0.0.1", 5432)
    redis_url = REDIS_URL
    check_service("Redis", "127.0.0.1", 6379)
    started = time.monotonic()
    load_before = os.getloadavg()[0]
    seed_command = [sys.executable, "-m", "bench.seed", "--database-url", DATABASE_URL]
    subprocess.run(seed_command + (["--reseed"] if args.reseed else []), cwd=ROOT, check=True)
    info = seed_info()
    story = info["story_url"]
    pages = {"story": story, "home": info["home_url"], "tag": info["tag_url"], "search": info["search_url"],
             "feed": info["feed_url"]}  # fmt: skip
    seconds, single_seconds = (3, 2) if args.quick else (15, 5)
    if args.seconds:
        seconds, single_seconds = args.seconds, max(2, args.seconds // 3)

    if args.servers:
        return compare_servers(story, seconds, redis_url)

    prepare(DATABASE_URL, redis_url)  # the pages link to the collected static files' hashed names
    print("[bench] SQL queries and CPU time per page (Django's test client, 50 renders each) …", flush=True)
    uncached_figures = measure_in_process(pages, redis_url, cached=False, search_words=info["search_words"])
    cached_figures = measure_in_process(pages, redis_url, cached=True)

    def case(name, url, figures=None):
        return run_case(name, url, seconds, single_seconds, figures)

    def stack(**options):
        return Stack(database_url=DATABASE_URL, redis_url=redis_url, server=SERVER, workers=WORKERS,
                     threads=THREADS, **options)  # fmt: skip

    rows: list[Row] = []
    others = {name: url for name, url in pages.items() if name != "story"}
    with stack(nginx=False, env=UNCACHED) as app:
        rows.append(case("(a) story, caches off", app.app_url + story, uncached_figures["story"]))
        uncached = {name: case(f"{name}, uncached", app.app_url + url, uncached_figures[name])
                    for name, url in others.items()}  # fmt: skip
    with stack(nginx=True) as app:
        rows.append(case("(b) story, Django's cache", app.app_url + story, cached_figures["story"]))
        rows.append(case("(c) story, through nginx", app.nginx_url + story))
        static = app.static_root / "bench" / "story.html"
        static.parent.mkdir(exist_ok=True)
        static.parent.chmod(0o755)
        static.write_bytes(fetch(app.app_url + story)[2])
        static.chmod(0o644)
        rows.append(case("(d) story, static file", app.nginx_url + "/static/bench/story.html"))
        for name, url in others.items():
            rows.append(uncached[name])
            rows.append(case(f"{name}, cached", app.app_url + url, cached_figures[name]))
    search = uncached_figures["_search"]
    took = time.monotonic() - started
    table = render(rows, search, info, seconds, took, load_before)
    print()
    print(table)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(table + "\n")
    print(f"[bench] written to {RESULTS.relative_to(ROOT)}")
    return 0


def seed_info() -> dict:
    import psycopg

    with psycopg.connect(DATABASE_URL) as conn:
        return conn.execute("SELECT info FROM bench_seed").fetchone()[0]


def render(rows, search: dict, info: dict, seconds: int, took: float, load: float) -> str:
    ceiling = next(row.load.rps for row in rows if row.name.startswith("(d)"))
    by_name = {row.name[:3]: row for row in rows}
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    facts = versions()
    lines = [
        f"# `make bench`, {when}",
        "",
        f"{facts['machine']}; Python {facts['python']}, Django {facts['django']}, "
        f"PostgreSQL {facts['postgresql']},",
        f"nginx {facts['nginx']}, {facts['wrk']}. App server: granian {facts['granian']} (WSGI), "
        f"{WORKERS} workers × {THREADS} threads; cache: django-redis ({REDIS_URL}).",
        f"wrk on the same machine: `wrk -t2 -c32 -d{seconds}s` (req/s, p50, p99) and `-t1 -c1` (p50 @1), "
        "no compression asked for. SQL and CPU: Django's test client in one process, median of 50.",
        "Seed: 10,000 stories, 500 tags, 200,000 comments, 100,000 subscribers; "
        f"story: `{info['story_url']}` "
        f"({info['story_comments']} comments).",
        "",
        "| case | req/s | p50 ms | p99 ms | p50 ms @1 | SQL/req | CPU ms/page | KiB | × (d) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        queries = "" if row.queries is None else str(row.queries)
        cpu = "" if row.cpu_ms is None else f"{row.cpu_ms:.1f}"
        single = f"{row.single.p50_ms:.2f}" if row.single.requests else "none in time"
        name = row.name + (f" ({'; '.join(row.notes)})" if row.notes else "")
        lines.append(
            f"| {name} | {row.load.rps:,.0f} | {row.load.p50_ms:.2f} | {row.load.p99_ms:.2f} | "
            f"{single} | {queries} | {cpu} | {row.kib:.0f} | "
            f"{row.load.rps / ceiling:.3f} |"
        )
    a, b, c = by_name["(a)"], by_name["(b)"], by_name["(c)"]
    checks = [
        ("(a) ≥ 120 req/s", a.load.rps >= 120, f"{a.load.rps:,.0f}"),
        ("(a) ≤ 8 SQL queries", a.queries is not None and a.queries <= 8, str(a.queries)),
        ("(b) ≥ 3,000 req/s", b.load.rps >= 3000, f"{b.load.rps:,.0f}"),
        ("(b) p99 < 20 ms", b.load.p99_ms < 20, f"{b.load.p99_ms:.1f} ms"),
        ("(c) ≥ 0.9 of (d)", c.load.rps >= 0.9 * ceiling, f"{c.load.rps / ceiling:.2f} of (d)"),
        ("search p95 < 50 ms", search["p95_ms"] < 50, f"{search['p95_ms']:.1f} ms"),
    ]
    lines += [
        "",
        f"Search, {search['count']} searches of 1–3 words from the seeded text, page and fragment caches off "
        f"(whole search page, in process): p50 {search['p50_ms']:.1f} ms, p95 {search['p95_ms']:.1f} ms.",
        "",
        TARGETS,
        "",
        *(f"- {'met' if ok else 'MISSED'}: {target} ({value})" for target, ok, value in checks),
        "",
        f"The whole run took {took / 60:.1f} minutes. The load average before it was {load:.1f} "
        "(above 1 or so, other work shared the two cores: compare such figures with care).",
    ]
    return "\n".join(lines)


# Choosing the app server ---------------------------------------------------------------

SERVER_CHOICES = [
    ("granian", 2, 1),
    ("granian", 2, 2),
    ("granian", 2, 4),
    ("gunicorn", 2, 1),
    ("gunicorn", 4, 1),
    ("gunicorn-gthread", 2, 4),
]


def compare_servers(story: str, seconds: int, redis_url: str | None) -> int:
    """The story page uncached and cached through each app server straight (no nginx)."""
    lines = [
        "| server | workers × threads | uncached req/s | p99 ms | cached req/s | p99 ms | cached p50 ms @1 |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for server, workers, threads in SERVER_CHOICES:
        loads = {}
        for cached in (False, True):
            with Stack(database_url=DATABASE_URL, redis_url=redis_url, server=server, workers=workers,
                       threads=threads, nginx=False, env={} if cached else UNCACHED) as stack:  # fmt: skip
                url = stack.app_url + story
                for _ in range(20):
                    fetch(url)
                print(
                    f"[bench] {server} {workers}×{threads} {'cached' if cached else 'uncached'} …", flush=True
                )
                loads[cached] = wrk(url, 32, seconds)
                if cached:
                    single = wrk(url, 1, max(2, seconds // 3))
        uncached, cached = loads[False], loads[True]
        errors = uncached.errors + cached.errors + single.errors
        lines.append(
            f"| {server}{' (' + str(errors) + ' errors)' if errors else ''} | {workers} × {threads} | "
            f"{uncached.rps:,.0f} | {uncached.p99_ms:.1f} | {cached.rps:,.0f} | {cached.p99_ms:.1f} | "
            f"{single.p50_ms:.2f} |"
        )
    table = "\n".join(lines)
    print()
    print(table)
    out = RESULTS.with_name("servers.md")
    out.write_text(
        f"# App servers, {datetime.now(UTC):%Y-%m-%d %H:%M UTC}, {seconds}-second runs\n\n{table}\n"
    )
    print(f"[bench] written to {out.relative_to(ROOT)}")
    return 0


def main(argv=None) -> int:
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))  # stop the stacks on the way out
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3-second runs instead of 15")
    parser.add_argument("--seconds", type=int, help="the length of each run at 32 connections")
    parser.add_argument("--reseed", action="store_true", help="fill the database again")
    parser.add_argument("--servers", action="store_true", help="compare granian and gunicorn instead")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        measure()
        return 0
    return bench(args)


if __name__ == "__main__":
    sys.exit(main())
