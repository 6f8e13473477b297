"""`make bench-readership`: readers load a story through nginx while 2,000 beacons a second come in.

    .venv/bin/python -m bench.readership            # 30 s of readers alone, then 60 s with beacons
    .venv/bin/python -m bench.readership --quick    # 5 s and 10 s, for working on the harness

The bar (issue 18): 2,000 beacons a second for 60 s through deploy/nginx.conf while
readers load the story page; every beacon answered, the counts in PostgreSQL equal to
what was sent, and the story page's p99 through nginx within 1.5× of its figure
without beacons.

The same seeded newsroom and stack as `make bench` (bench/run.py, bench/stack.py:
granian 2 × 2, nginx, PostgreSQL's newsroom_bench, Redis database 5). The readers are
a steady ~1,000 story pages a second from wrk (`-t2 -c20`, each connection pausing
20 ms after each answer: see READERS), from 127.0.0.1; the beacons come from
bench/beacons.py, 200 addresses × 10 a second, each for one of 1,000 public stories.
Then `manage.py readership_fold --once` with the stack's environment, and the views it
added to readership_storyhour are compared with the beacons sent. Before all
that, 200 beacons in a row from one address check that nginx's limit refuses the rest.
CPU time of each part during the load is read from /proc. The table is printed and
written to bench/results/readership.md.
"""

import argparse
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import beacons  # noqa: E402
from bench import run as main_bench  # noqa: E402
from bench.run import DATABASE_URL, REDIS_URL, SERVER, THREADS, WORKERS, Load  # noqa: E402
from bench.stack import Stack, prepare  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "readership.md"
RATE = 2000  # beacons a second, all addresses together (the bar; --rate measures another)
ADDRESSES = 200  # so 10 a second from each, half nginx's limit per address
STORIES = 1000  # the beacons are for this many public stories, the measured one among them
# The readers: a steady ~1,000 story pages a second (20 connections, each waiting 20 ms after
# every answer), not wrk flat out. Flat out, readers alone take both cores, and any other work
# at all, a beacon or a cron job, shows as queueing in their p99: that measures the machine's
# saturation, not what beacons cost readers. A steady rate is what a site's readers are.
READERS = 20
PAUSE_MS = 20
BURST = 200  # beacons in a row from one address, to see the limit refuse
P99_BAR = 1.5
RATE_BAR = 0.99  # the load generator must reach 99 % of RATE


@dataclass
class Figures:
    rate: int
    info: dict
    baseline_seconds: int
    seconds: int
    baseline: Load
    loaded: Load
    sent: beacons.Sent
    burst: beacons.Sent
    counted: int
    referred: int
    cpu: dict[str, float]
    busy: float
    load_before: float
    app_warnings: list[str]  # the app's log lines about readership (a beacon Redis did not take)


# The database --------------------------------------------------------------------------


def public_stories(story_id: int) -> list[int]:
    import psycopg

    with psycopg.connect(DATABASE_URL) as conn:
        rows = conn.execute(
            "SELECT id FROM articles_article WHERE status = 'published' AND published_at <= now() "
            "AND id <> %s ORDER BY published_at DESC LIMIT %s",
            [story_id, STORIES - 1],
        ).fetchall()
    return [story_id, *(row[0] for row in rows)]


def counted(stories: list[int]) -> tuple[int, int]:
    """Views in readership_storyhour and in readership_storyreferrer of these stories, all hours."""
    import psycopg

    with psycopg.connect(DATABASE_URL) as conn:
        views = conn.execute(
            "SELECT coalesce(sum(views), 0) FROM readership_storyhour WHERE article_id = ANY(%s)", [stories]
        ).fetchone()[0]
        referred = conn.execute(
            "SELECT coalesce(sum(views), 0) FROM readership_storyreferrer WHERE article_id = ANY(%s)",
            [stories],
        ).fetchone()[0]
    return int(views), int(referred)


def fold(stack: Stack) -> str:
    """One fold, as the scheduler's `readership_fold` does each minute, with the stack's settings."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "readership_fold", "--once", "--verbosity", "2"],
        cwd=ROOT, env=stack.env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if result.returncode:
        raise RuntimeError(f"readership_fold failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout.strip()


# CPU time from /proc -----------------------------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_by_part(groups: dict[str, int], pids: dict[str, int]) -> dict[str, float]:
    """CPU seconds so far of each process group (by its leader's pid), pid, redis-server and postgres."""
    totals = dict.fromkeys([*groups, *pids, "redis", "postgres"], 0.0)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        pgid, seconds = int(fields[2]), (int(fields[11]) + int(fields[12])) / TICKS
        part = next((name for name, leader in groups.items() if leader == pgid), None)
        part = part or next((name for name, pid in pids.items() if pid == int(entry.name)), None)
        part = part or {"redis-server": "redis", "postgres": "postgres"}.get(comm)
        if part:
            totals[part] += seconds
    return totals


def machine_busy() -> tuple[float, float]:
    """Busy and total CPU seconds of the whole machine so far (/proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / TICKS, sum(values[:8]) / TICKS


# The run ---------------------------------------------------------------------------------


def under_load(stack: Stack, story_url: str, stories: list[int], seconds: int, rate: int):
    """wrk's readers and the beacons together; CPU seconds per part over the same time."""
    port = int(stack.nginx_url.rsplit(":", 1)[1])
    url = stack.nginx_url + story_url
    command = main_bench.wrk_command(url, READERS, seconds, PAUSE_MS)
    readers = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    groups = {"nginx": stack.nginx_process.pid, "granian": stack.app_process.pid}
    pids = {"wrk": readers.pid, "beacons": os.getpid()}
    cpu_before, busy_before = cpu_by_part(groups, pids), machine_busy()
    sent = beacons.paced(port, stories, rate, seconds, ADDRESSES)
    cpu_after, busy_after = cpu_by_part(groups, pids), machine_busy()  # wrk is still there to read
    stdout, stderr = readers.communicate(timeout=seconds + 60)
    loaded = main_bench.wrk_load(url, readers.returncode, stdout, stderr)
    took = sent.seconds
    cpu = {part: (cpu_after[part] - cpu_before[part]) / took for part in cpu_before}
    busy = (busy_after[0] - busy_before[0]) / (busy_after[1] - busy_before[1])
    return loaded, sent, cpu, busy


def bench(args) -> int:
    main_bench.ensure_tools()
    main_bench.check_service("PostgreSQL", "127.0.0.1", 5432)
    main_bench.check_service("Redis", "127.0.0.1", 6379)
    load_before = os.getloadavg()[0]
    seed_command = [sys.executable, "-m", "bench.seed", "--database-url", DATABASE_URL]
    subprocess.run(seed_command + (["--reseed"] if args.reseed else []), cwd=ROOT, check=True)
    info = main_bench.seed_info()
    story_url = info["story_url"]
    stories = public_stories(info["story_id"])
    baseline_seconds, seconds = (5, 10) if args.quick else (30, 60)
    prepare(DATABASE_URL, REDIS_URL)
    with Stack(database_url=DATABASE_URL, redis_url=REDIS_URL, server=SERVER, workers=WORKERS,
               threads=THREADS, nginx=True) as stack:  # fmt: skip
        status, _, _ = main_bench.fetch(stack.nginx_url + story_url)
        if status != 200:
            raise RuntimeError(f"{story_url} answered {status}")
        main_bench.settle(stack.nginx_url + story_url)
        print(f"[bench] the limit: {BURST} beacons in a row from one address …", flush=True)
        burst = beacons.burst(int(stack.nginx_url.rsplit(":", 1)[1]), info["story_id"], BURST)
        print(f"[bench] {fold(stack) or 'nothing waiting'} (the fold before)", flush=True)
        views_before, referred_before = counted(stories)
        print(f"[bench] readers alone: wrk -t2 -c{READERS}, {PAUSE_MS} ms pauses, {baseline_seconds} s …",
              flush=True)  # fmt: skip
        baseline = main_bench.wrk(stack.nginx_url + story_url, READERS, baseline_seconds, PAUSE_MS)
        main_bench.settle(stack.nginx_url + story_url)
        print(f"[bench] readers and {args.rate:,} beacons a second from {ADDRESSES} addresses, {seconds} s …",
              flush=True)  # fmt: skip
        loaded, sent, cpu, busy = under_load(stack, story_url, stories, seconds, args.rate)
        print(f"[bench] {fold(stack)}", flush=True)
        views_after, referred_after = counted(stories)
        problems = [
            line for line in stack.app_log.read_text(errors="replace").splitlines() if "Readership" in line
        ]
    figures = Figures(args.rate, info, baseline_seconds, seconds, baseline, loaded, sent, burst,
                      views_after - views_before, referred_after - referred_before, cpu, busy,
                      load_before, problems)  # fmt: skip
    table, passed = render(figures)
    print()
    print(table)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(table + "\n")
    print(f"[bench] written to {RESULTS.relative_to(ROOT)}")
    return 0 if passed else 1


# The table ---------------------------------------------------------------------------------


def checks(f: Figures) -> list[tuple[str, bool, str]]:
    sent, ratio = f.sent, f.loaded.p99_ms / f.baseline.p99_ms
    unanswered = sent.sent - sent.answered
    refused = f.burst.statuses[429]
    allowed = f.burst.statuses[204]
    return [
        (f"{f.rate:,} beacons a second kept (≥ {RATE_BAR:.0%})", f.sent.rate >= RATE_BAR * f.rate,
         f"{sent.rate:,.0f} a second over {sent.seconds:.1f} s"),
        ("every beacon answered 2xx", unanswered == 0,
         f"{sent.answered:,} of {sent.sent:,}; {unanswered:,} not"),
        ("views in PostgreSQL = beacons sent", f.counted == sent.sent,
         f"{f.counted:,} = {sent.sent:,}: {'yes' if f.counted == sent.sent else 'NO'}"),
        ("referred views in PostgreSQL = beacons sent naming a site", f.referred == sent.referred,
         f"{f.referred:,} = {sent.referred:,}: {'yes' if f.referred == sent.referred else 'NO'}"),
        (f"story p99 through nginx with beacons ≤ {P99_BAR}× without", ratio <= P99_BAR,
         f"{f.loaded.p99_ms:.2f} / {f.baseline.p99_ms:.2f} ms = {ratio:.2f}×"),
        (f"one address past its limit is refused ({BURST} in a row)", refused > 0 and allowed >= 100,
         f"{allowed} answered 204, {refused} refused 429 in {f.burst.seconds:.2f} s"),
    ]  # fmt: skip


def render(f: Figures) -> tuple[str, bool]:
    facts = main_bench.versions()
    sent = f.sent
    statuses = ", ".join(f"{status}: {n:,}" for status, n in sorted(sent.statuses.items()))
    errors = ", ".join(f"{kind}: {n:,}" for kind, n in sorted(sent.errors.items())) or "none"
    cpu = ", ".join(f"{part} {share:.2f}" for part, share in sorted(f.cpu.items(), key=lambda kv: -kv[1]))
    results = checks(f)
    lines = [
        f"# `make bench-readership`, {datetime.now(UTC):%Y-%m-%d %H:%M UTC}",
        "",
        f"{facts['machine']}; Python {facts['python']}, Django {facts['django']}, "
        f"PostgreSQL {facts['postgresql']}, nginx {facts['nginx']}, {facts['wrk']}.",
        f"App server: granian {facts['granian']} (WSGI), {WORKERS} workers × {THREADS} threads; "
        f"Redis database 5; nginx with deploy/nginx.conf. Story: `{f.info['story_url']}`.",
        f"Readers: `wrk -t2 -c{READERS}` with {PAUSE_MS} ms between each connection's requests, "
        f"on the story page through nginx, {f.baseline_seconds} s alone, "
        f"then {f.seconds} s with the beacons: {f.rate:,} a second from {ADDRESSES} addresses "
        f"(bench/beacons.py), for {STORIES:,} public stories.",
        "",
        "| figure | without beacons | with beacons |",
        "| --- | ---: | ---: |",
        f"| story through nginx, req/s | {f.baseline.rps:,.0f} | {f.loaded.rps:,.0f} |",
        f"| story through nginx, p50 ms | {f.baseline.p50_ms:.2f} | {f.loaded.p50_ms:.2f} |",
        f"| story through nginx, p99 ms | {f.baseline.p99_ms:.2f} | {f.loaded.p99_ms:.2f} |",
        f"| story, wrk errors or non-2xx | {f.baseline.errors:,} | {f.loaded.errors:,} |",
        f"| beacons sent | | {sent.sent:,} in {sent.seconds:.1f} s ({sent.rate:,.0f} a second) |",
        f"| beacons answered, by status | | {statuses} |",
        f"| beacons unanswered (errors, timeouts) | | {errors} |",
        f"| beacon p50 / p99 ms | | {sent.latency_ms(0.5):.2f} / {sent.latency_ms(0.99):.2f} |",
        f"| views added in PostgreSQL (StoryHour) | | {f.counted:,} |",
        f"| referred views added (StoryReferrer) | | {f.referred:,} (sent naming one: {sent.referred:,}) |",
        "",
        f"The app's log on readership: {'; '.join(f.app_warnings[:5]) or 'nothing'}.",
        "",
        f"CPU during the load, in cores (2 in all; the machine was {f.busy:.0%} busy): {cpu}. "
        f"The beacon generator's own: {sent.cpu_s / sent.seconds:.2f}.",
        "",
        *(f"- {'PASS' if ok else 'FAIL'}: {bar} ({value})" for bar, ok, value in results),
        "",
        f"The load average before the run was {f.load_before:.1f} "
        "(above 1 or so, other work shared the two cores: compare such figures with care).",
    ]
    return "\n".join(lines), all(ok for _, ok, _ in results)


def main(argv=None) -> int:
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))  # stop the stack on the way out
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 and 10 seconds instead of 30 and 60")
    parser.add_argument("--reseed", action="store_true", help="fill the database again")
    parser.add_argument(
        "--rate", type=int, default=RATE, help=f"beacons a second (default {RATE:,}, the bar)"
    )
    return bench(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
