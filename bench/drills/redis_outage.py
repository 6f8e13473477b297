"""Redis drill: the cache server dies under reader load and comes back.

    .venv/bin/python -m bench.drills.redis_outage [--seconds 60] [--down-at 20] [--down-for 15]
        [--connections 50] [--database-url postgres://postgres@127.0.0.1:5432/newsroom_drill]

Runs its own redis-server on a spare port (nothing saved to disk), the production stack
with REDIS_URL pointing at it, and wrk readers for `--seconds`. At `--down-at` the Redis
process is SIGKILLed; `--down-for` seconds later a new one starts on the same port.
Every second it records what readers got, the cache hits Redis counted, and the time a
probe reader waited for a story page. Passes when no answer was a 5xx and Redis counts
cache hits again after it returned, without the app being restarted.
"""

import argparse
import socket
import statistics
import sys
import threading
import time

from bench.drills.common import (
    DRILL_DATABASE,
    free_port,
    log,
    reader_paths,
    redis_server,
    request,
    run_wrk,
    seed,
    timeline,
)
from bench.stack import Stack

DRILL_ENV = {"LOG_LEVEL": "WARNING"}


def redis_hits(port: int) -> int | None:
    """Redis's own count of cache hits (INFO stats keyspace_hits); None while it is down."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"INFO stats\r\n")
            data = b""
            while b"keyspace_hits:" not in data or not data.endswith(b"\r\n"):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
    except OSError:
        return None
    for line in data.decode(errors="replace").splitlines():
        if line.startswith("keyspace_hits:"):
            return int(line.split(":")[1])
    return None


class Sampler:
    """Twice a second: Redis's hit counter; four times a second: one probe reader's wait for a story."""

    def __init__(self, base_url: str, story: str, redis_port: int):
        self.base_url, self.story, self.redis_port = base_url, story, redis_port
        self.hits: dict[int, int | None] = {}  # unix second -> the counter then (None: Redis down)
        self.probes: dict[int, list[float]] = {}
        self.probe_statuses: dict[int, list] = {}
        self.stopping = threading.Event()
        self.threads = [
            threading.Thread(target=self._count_hits, daemon=True),
            threading.Thread(target=self._probe, daemon=True),
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join()

    def _count_hits(self) -> None:
        while not self.stopping.is_set():
            self.hits[int(time.time())] = redis_hits(self.redis_port)
            self.stopping.wait(0.5)

    def _probe(self) -> None:
        while not self.stopping.is_set():
            second, began = int(time.time()), time.monotonic()
            try:
                status, _, _ = request(self.base_url, "GET", self.story, timeout=10)
            except OSError:
                status = "error"
            self.probes.setdefault(second, []).append((time.monotonic() - began) * 1000)
            self.probe_statuses.setdefault(second, []).append(status)
            self.stopping.wait(0.25)

    def hits_in(self, second: int) -> str:
        now, before = self.hits.get(second, "?"), self.hits.get(second - 1, "?")
        if now is None:
            return "down"
        if now == "?":
            return "-"
        return str(now - before) if isinstance(before, int) and now >= before else str(now)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DRILL_DATABASE)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--down-at", type=float, default=20)
    parser.add_argument("--down-for", type=float, default=15)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args(argv)

    log("seeding the drill newsroom")
    site = seed(args.database_url)
    port = free_port()
    events: dict[int, str] = {}
    with redis_server(port) as (start_redis, stop_redis):
        redis_url = f"redis://127.0.0.1:{port}/0"
        with Stack(database_url=args.database_url, redis_url=redis_url, nginx=False, env=DRILL_ENV) as stack:
            pid = stack.app_process.pid
            log(f"granian at {stack.app_url}, Redis at {redis_url}")
            sampler = Sampler(stack.app_url, site["stories"][0], port)
            sampler.start()
            started = time.time()

            def outage():
                time.sleep(args.down_at)
                stop_redis()
                events[int(time.time() - started)] = "Redis killed"
                log("Redis KILLED")
                time.sleep(args.down_for)
                start_redis()
                events[int(time.time() - started)] = "Redis back (empty)"
                log("Redis STARTED again")

            chaos = threading.Thread(target=outage, name="outage", daemon=True)
            chaos.start()
            paths = reader_paths(site)
            wrk = run_wrk(stack.app_url, paths, connections=args.connections, seconds=args.seconds)
            chaos.join()
            sampler.stop()
            same_app = stack.app_process is not None and stack.app_process.pid == pid

    first = int(started)
    down = first + int(args.down_at)
    up = down + int(args.down_for)
    lines = timeline(wrk.by_second, started, events)
    lines[0] += "   redis hits/s  probe ms"
    for i, second in enumerate(sorted(wrk.by_second)):
        probes = sampler.probes.get(second)
        probe = f"{statistics.median(probes):8.0f}" if probes else "       -"
        lines[i + 1] += f"   {sampler.hits_in(second):>12}  {probe}"

    def probe_median(low, high):
        values = [ms for s, v in sampler.probes.items() if low <= s < high for ms in v]
        return statistics.median(values) if values else float("nan")

    hits_after = [
        sampler.hits[s] for s in sorted(sampler.hits) if s >= up + 2 and sampler.hits[s] is not None
    ]
    hits_resumed = len(hits_after) >= 2 and hits_after[-1] > hits_after[0]
    server_errors = wrk.count(500, 599)
    probe_5xx = sum(1 for v in sampler.probe_statuses.values() for s in v if isinstance(s, int) and s >= 500)
    summary = [
        f"Redis drill: {args.connections} readers for {args.seconds} s, Redis killed at +{args.down_at:g} s "
        f"for {args.down_for:g} s (granian, 2 workers, PostgreSQL)",
        f"  reader requests       {wrk.requests} ({wrk.requests / wrk.seconds:.0f} req/s), "
        f"statuses {dict(sorted(wrk.statuses.items()))}",
        f"  5xx                   {server_errors} (readers), {probe_5xx} (probe)",
        f"  socket errors         {wrk.socket_errors}",
        f"  probe story, median   before {probe_median(first, down):.0f} ms, Redis down "
        f"{probe_median(down + 1, up):.0f} ms, after {probe_median(up + 3, first + args.seconds):.0f} ms",
        f"  cache hits resumed    {'yes' if hits_resumed else 'no'} (Redis counted "
        f"{(hits_after[-1] - hits_after[0]) if len(hits_after) >= 2 else 0} hits after it came back)",
        f"  app restarted         {'no' if same_app else 'YES'}",
    ]
    ok = server_errors == 0 and probe_5xx == 0 and hits_resumed and same_app
    summary.append(f"  result                {'PASS' if ok else 'FAIL'}")
    print("\n".join(lines + summary), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
