"""Load drill: 200 concurrent readers and 10 comment posts a second for 60 s against the production stack.

    .venv/bin/python -m bench.drills.load [--seconds 60] [--connections 200] [--rate 10]
        [--database-url postgres://postgres@127.0.0.1:5432/newsroom_drill] [--server granian]

Passes when no answer was a 5xx and every comment the site accepted (a 302 back to the
story: published, or held for moderation) is a row in the database.
"""

import argparse
import sys
import time
import uuid

from bench.drills.common import (
    DRILL_DATABASE,
    CommentPosters,
    comments_in_database,
    log,
    non_2xx_3xx,
    reader_paths,
    run_wrk,
    seed,
)
from bench.stack import Stack

DRILL_ENV = {
    "COMMENTS_CONFIRM_EMAIL": "0",
    "COMMENTS_RATE_LIMIT": "100000/60",  # every post comes from 127.0.0.1
    "COMMENTS_HOLD_RATE": "100000/3600",
    "LOG_LEVEL": "WARNING",
}


def server_errors_in(statuses) -> int:
    return sum(n for status, n in statuses.items() if isinstance(status, int) and status >= 500)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DRILL_DATABASE)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--rate", type=float, default=10.0, help="comment posts a second")
    parser.add_argument("--server", default="granian")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)

    log("seeding the drill newsroom")
    site = seed(args.database_url)
    run_id = uuid.uuid4().hex[:8]
    with Stack(
        database_url=args.database_url, redis_url=None, server=args.server, workers=args.workers,
        nginx=False, env=DRILL_ENV,
    ) as stack:  # fmt: skip
        log(f"{args.server} ({args.workers} workers) at {stack.app_url}; run {run_id}")
        posters = CommentPosters(
            stack.app_url, site["drill_stories"], run_id=run_id, rate=args.rate, seconds=args.seconds
        ).start()
        started = time.time()
        wrk = run_wrk(stack.app_url, reader_paths(site), connections=args.connections, seconds=args.seconds)
        posts = posters.join()
        elapsed = time.time() - started
        log(f"load over after {elapsed:.0f} s; checking the database")
        in_db = comments_in_database(args.database_url, run_id)

    accepted = set(posts.accepted)
    missing = accepted - in_db
    server_errors = wrk.count(500, 599)
    post_5xx = server_errors_in(posts.statuses)
    form_5xx = server_errors_in(posts.form_statuses)
    lines = [
        f"load drill: {args.connections} readers + {args.rate:g} comment posts/s for {args.seconds} s "
        f"({args.server}, {args.workers} workers, PostgreSQL)",
        f"  reader requests       {wrk.requests}  ({wrk.requests / wrk.seconds:.0f} req/s)",
        f"  reader statuses       {dict(sorted(wrk.statuses.items()))}",
        f"  5xx (readers)         {server_errors}",
        f"  non-2xx/3xx (wrk)     {non_2xx_3xx(wrk.wrk_text)}",
        f"  socket errors         {wrk.socket_errors}",
        f"  latency p50/p90/p99   {wrk.latency_ms.get('p50')} / {wrk.latency_ms.get('p90')} / "
        f"{wrk.latency_ms.get('p99')} ms (max {wrk.latency_ms.get('max')} ms)",
        f"  comment forms fetched {dict(posts.form_statuses)}",
        f"  posts sent            {posts.sent}  statuses {dict(posts.statuses)}",
        f"  posts accepted        {len(accepted)}",
        f"  accepted, in database {len(accepted & in_db)}",
        f"  accepted, missing     {len(missing)}",
        f"  5xx (posters)         {post_5xx + form_5xx}",
    ]
    ok = server_errors == 0 and post_5xx + form_5xx == 0 and not missing and len(accepted) > 0
    lines.append(f"  result                {'PASS' if ok else 'FAIL'}")
    print("\n".join(lines), flush=True)
    if missing:
        print("missing:", sorted(missing)[:5])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
