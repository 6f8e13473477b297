"""A load of readership beacons from many client addresses at a constant rate (bench/readership.py).

wrk sends everything from one address, and nginx limits beacons per address
(deploy/nginx.conf), so this sends them itself from many (127.1.0.1, 127.1.0.2, …: any
address of 127.0.0.0/8 can be bound on Linux), each paced to its share of the total rate,
their sends spread evenly over each interval. Like readers' browsers, an address sends
each beacon when it is due, not when the one before is answered: up to CONNECTIONS
keep-alive connections an address, opened as needed. One asyncio loop in one process,
standard library only. An address that falls behind (all its connections waiting)
catches up no faster than twice its rate, as a crowd of readers would not all send at
once; the rate reached is measured, not assumed.

Each beacon is what static/js/site.js sends from a browser: `story=<id>&ref=<domain>`
with a browser's user agent and `Sec-Fetch-Site: same-origin`, so each is counted.
"""

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
# Most readers arrive from no other site (the front page, a bookmark); some from a search or a social site.
REFERRERS = ("", "", "", "", "search.example.com", "social.example.net", "www.example.org")
TIMEOUT = 10.0  # seconds: an answer later than this is a timeout, counted as unanswered
CATCH_UP = 2  # an address that fell behind sends at most this many times its rate
CONNECTIONS = 8  # at most this many beacons of one address awaiting their answers at once


def address(n: int, subnet: int = 1) -> str:
    """The n-th client address (n from 0) of 127.<subnet>.0.0/16."""
    return f"127.{subnet}.{n // 250}.{1 + n % 250}"


@dataclass
class Sent:
    """What a run of beacons got back."""

    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    sent: int = 0
    referred: int = 0  # beacons sent that named a referring site
    started: float = 0.0
    finished: float = 0.0
    cpu_s: float = 0.0

    @property
    def answered(self) -> int:
        return sum(n for status, n in self.statuses.items() if 200 <= status < 300)

    @property
    def seconds(self) -> float:
        return self.finished - self.started

    @property
    def rate(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0

    def latency_ms(self, percentile: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * percentile))] * 1000 if ordered else 0.0


def request(port: int, story: int, ref: str) -> bytes:
    body = urlencode({"story": story, "ref": ref}).encode()
    head = (
        f"POST /readership/view/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: {BROWSER}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nSec-Fetch-Site: same-origin\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def answer(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """The status of one HTTP/1.1 answer (its body read and dropped), and whether the server closes."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    length, close = 0, False
    for line in head[1:]:
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "connection":
            close = value == "close"
    if length:
        await reader.readexactly(length)
    return status, close


async def one_beacon(port, source, connection, body, sent: Sent, pool: asyncio.Queue) -> None:
    """Send one beacon on `connection` (None: open one from `source`); give the connection back."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    close = True
    try:
        if connection is None:
            connection = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
        reader, writer = connection
        writer.write(body)
        status, close = await asyncio.wait_for(answer(reader), TIMEOUT)
    except TimeoutError:
        sent.errors["timeout"] += 1
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as error:
        sent.errors[type(error).__name__] += 1
    else:
        sent.statuses[status] += 1
        sent.latencies.append(loop.time() - started)
    finally:
        if close and connection is not None:
            connection[1].close()
            connection = None
        pool.put_nowait(connection)


async def one_address(port, source, stories, count, interval, first, sent: Sent, rng) -> None:
    """`count` beacons from `source`, the n-th due at first + n × interval, whether or not the
    ones before were answered (as readers' browsers send them), on up to CONNECTIONS at once."""
    loop = asyncio.get_running_loop()
    pool: asyncio.Queue = asyncio.Queue()
    for _ in range(CONNECTIONS):
        pool.put_nowait(None)  # opened when first needed
    tasks, last = [], float("-inf")
    for n in range(count):
        delay = max(first + n * interval, last + interval / CATCH_UP) - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        connection = await pool.get()  # all busy: this beacon is late, and the rate shows it
        ref = rng.choice(REFERRERS)
        body = request(port, rng.choice(stories), ref)
        last = loop.time()
        sent.sent += 1
        sent.referred += ref != ""
        tasks.append(asyncio.create_task(one_beacon(port, source, connection, body, sent, pool)))
    await asyncio.gather(*tasks)
    while not pool.empty():
        connection = pool.get_nowait()
        if connection is not None:
            connection[1].close()


async def _paced(port, stories, rate, seconds, addresses, subnet, seed) -> Sent:
    loop = asyncio.get_running_loop()
    sent = Sent()
    interval = addresses / rate  # each address's gap between two beacons
    count = round(rate * seconds / addresses)
    start = loop.time() + 0.5  # time to open the connections' tasks
    rng = random.Random(seed)
    tasks = [
        one_address(port, address(n, subnet), stories, count, interval,
                    start + n * interval / addresses, sent, random.Random(rng.random()))
        for n in range(addresses)
    ]  # fmt: skip
    cpu = time.process_time()
    sent.started = start
    await asyncio.gather(*tasks)
    sent.finished = loop.time()
    sent.cpu_s = time.process_time() - cpu
    return sent


def paced(port: int, stories: list[int], rate: float, seconds: float, addresses: int, subnet: int = 1,
          seed: int = 18) -> Sent:  # fmt: skip
    """`rate` beacons a second in all for `seconds`, from `addresses` addresses, to nginx on `port`."""
    return asyncio.run(_paced(port, stories, rate, seconds, addresses, subnet, seed))


async def _burst(port: int, story: int, count: int, source: str) -> Sent:
    sent = Sent()
    loop = asyncio.get_running_loop()
    reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
    sent.started = loop.time()
    for _ in range(count):
        writer.write(request(port, story, ""))
        sent.sent += 1
        status, close = await asyncio.wait_for(answer(reader), TIMEOUT)
        sent.statuses[status] += 1
        if close:
            writer.close()
            reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
    sent.finished = loop.time()
    writer.close()
    return sent


def burst(port: int, story: int, count: int, source: str = "127.250.0.1") -> Sent:
    """`count` beacons one after another from one address, as fast as they are answered."""
    return asyncio.run(_burst(port, story, count, source))
