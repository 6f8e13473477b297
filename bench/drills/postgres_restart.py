"""PostgreSQL drill: the database stops under load and starts again; the app is not restarted.

    .venv/bin/python -m bench.drills.postgres_restart [--seconds 60] [--down-at 20] [--down-for 12]
        [--connections 50] [--rate 2]

Starts a throwaway PostgreSQL 15 cluster of its own on a spare port (the shared server on
5432 is left alone), seeds it, and runs the production stack against it (persistent
connections, CONN_MAX_AGE=60, CONN_HEALTH_CHECKS on) with wrk readers and comment posters.
At `--down-at` the cluster is stopped (fast shutdown: every connection is cut);
`--down-for` seconds later it starts again. Passes when
- no answer was a 5xx other than 503 (the "try again" page with Retry-After),
- 503s came only while the database was down (and in the few seconds it takes to start),
- the app server was never restarted, and answers normally afterwards,
- every comment the site accepted is in the database.
"""

import argparse
import sys
import threading
import time
import uuid

from bench.drills.common import (
    CommentPosters,
    PostgresCluster,
    comments_in_database,
    free_port,
    log,
    reader_paths,
    request,
    run_wrk,
    seed,
    timeline,
)
from bench.drills.load import DRILL_ENV
from bench.stack import Stack

GRACE = 5  # seconds after `pg_ctl start` returns in which a last 503 may still arrive


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--down-at", type=float, default=20)
    parser.add_argument("--down-for", type=float, default=12)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--rate", type=float, default=2.0, help="comment posts a second")
    args = parser.parse_args(argv)

    cluster = PostgresCluster(free_port())
    events: dict[int, str] = {}
    marks: dict[str, float] = {}
    try:
        log(f"a PostgreSQL cluster of our own on port {cluster.port} ({cluster.datadir})")
        cluster.init().start()
        log("seeding it")
        site = seed(cluster.url)
        run_id = uuid.uuid4().hex[:8]
        env = {**DRILL_ENV, "CONN_MAX_AGE": "60"}
        with Stack(database_url=cluster.url, redis_url=None, nginx=False, env=env) as stack:
            pid = stack.app_process.pid
            log(f"granian at {stack.app_url}; run {run_id}")
            posters = CommentPosters(
                stack.app_url, site["drill_stories"], run_id=run_id, rate=args.rate, seconds=args.seconds
            ).start()
            started = time.time()

            def outage():
                time.sleep(args.down_at)
                marks["down"] = time.time()
                events[int(marks["down"] - started)] = "PostgreSQL stopping (fast)"
                cluster.stop()
                log("PostgreSQL STOPPED")
                time.sleep(args.down_for)
                marks["starting"] = time.time()
                cluster.start()
                marks["up"] = time.time()
                events[int(marks["up"] - started)] = "PostgreSQL started"
                log("PostgreSQL STARTED")

            chaos = threading.Thread(target=outage, name="outage", daemon=True)
            chaos.start()
            paths = reader_paths(site)
            wrk = run_wrk(stack.app_url, paths, connections=args.connections, seconds=args.seconds)
            chaos.join()
            posts = posters.join()
            after = request(stack.app_url, "GET", site["stories"][0])[0]
            same_app = stack.app_process is not None and stack.app_process.pid == pid
            in_db = comments_in_database(cluster.url, run_id)
    finally:
        cluster.destroy()

    down, up = int(marks["down"]), int(marks["up"]) + GRACE
    by_second = wrk.by_second
    other_5xx = sum(n for c in by_second.values() for s, n in c.items() if s >= 500 and s != 503)
    outside = sum(c.get(503, 0) for s, c in by_second.items() if not down <= s <= up)
    inside = sum(c.get(503, 0) for s, c in by_second.items() if down <= s <= up)
    while_down = [c for s, c in by_second.items() if down < s < int(marks["starting"])]
    ok_during = sum(n for c in while_down for status, n in c.items() if status < 400)
    last_503 = max((s for s, c in by_second.items() if c.get(503)), default=None)
    accepted = set(posts.accepted)
    missing = accepted - in_db
    post_other_5xx = sum(n for s, n in posts.statuses.items() if isinstance(s, int) and s >= 500 and s != 503)
    lines = timeline(by_second, started, events)
    lines += [
        f"PostgreSQL drill: {args.connections} readers + {args.rate:g} comment posts/s for {args.seconds} s, "
        f"database stopped at +{args.down_at:g} s for {args.down_for:g} s (granian, 2 workers)",
        f"  reader requests         {wrk.requests}, statuses {dict(sorted(wrk.statuses.items()))}",
        f"  503 while down          {inside} (and {ok_during} pages still served from the page cache)",
        f"  503 outside the outage  {outside}",
        f"  other 5xx               {other_5xx}",
        f"  last 503                +{(last_503 - int(started)) if last_503 else '-'} s; database back at "
        f"+{marks['up'] - started:.1f} s (start took {marks['up'] - marks['starting']:.1f} s)",
        f"  after: story page       {after}; app restarted: {'no' if same_app else 'YES'}",
        f"  posts sent / accepted   {posts.sent} / {len(accepted)}  statuses {dict(posts.statuses)}",
        f"  accepted, missing in DB {len(missing)}",
    ]
    ok = other_5xx == 0 and post_other_5xx == 0 and outside == 0 and same_app and after == 200 and not missing
    lines.append(f"  result                  {'PASS' if ok else 'FAIL'}")
    print("\n".join(lines), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
