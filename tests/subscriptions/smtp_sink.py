"""A real SMTP server on 127.0.0.1 that keeps what it receives: for tests and benchmarks.

    with SmtpSink() as sink:          # aiosmtpd in a thread, on a free port
        settings.MAILERS = mailers_from_url(sink.url)
        ...
        assert sink.counts()["reader@example.org"] == 1

Its behaviour can be switched while it runs:

    sink.reject({"a@example.org"}, code=550)            # permanent failure at RCPT, every time
    sink.reject({"b@example.org"}, code=421, times=1)   # temporary, once, then accepted
    sink.reject({"c@example.org"}, code=451, at="data") # answered after the final dot instead
    sink.go_down_after(100)  # after 100 messages: drop every connection, refuse new ones
    sink.stall_after(100)    # after 100 messages: leave MAIL FROM unanswered until sink.resume()
    sink.stop()              # refuse connections ...
    sink.start()             # ... and come back on the same port

A message is recorded only when the sink answered 250 to its final dot; a client that
disconnects in the middle of DATA leaves nothing behind, as a real server does.

Alone, in its own process (the benchmark does this so that its CPU is not the sender's):

    .venv/bin/python tests/subscriptions/smtp_sink.py [--port N] [--no-headers]

prints `listening 127.0.0.1:PORT`, and on SIGTERM or SIGINT one JSON line with
messages, unique recipients, duplicates and connections.
"""

import argparse
import asyncio
import json
import logging
import signal
import sys
import threading
from collections import Counter
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesHeaderParser

from aiosmtpd.smtp import SMTP

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every connection at INFO


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    headers: Message | None  # the parsed header block; None when the sink keeps no headers
    size: int
    connection: int  # which connection (1, 2, …) carried it
    content: bytes | None = None  # the whole message, when the sink keeps it (keep_content=True)


class _Session(SMTP):
    """aiosmtpd's SMTP protocol, telling the sink which connections are open."""

    def __init__(self, sink: "SmtpSink", number: int):
        super().__init__(sink, hostname="sink.localhost", loop=sink._loop, timeout=60)
        self.sink = sink
        self.number = number

    def connection_made(self, transport):
        super().connection_made(transport)
        self.session.number = self.number
        self.sink._open.add(self)

    def connection_lost(self, error):
        self.sink._open.discard(self)
        super().connection_lost(error)

    async def smtp_DATA(self, arg):
        """aiosmtpd's DATA reads line by line (~2 ms of CPU for a 30 KB mail); counting only, read in chunks.

        The benchmark's sink shares two cores with the sender; this keeps it from eating
        the sender's CPU. Tests keep aiosmtpd's own reading.
        """
        if self.sink.keep_headers or arg or not self.envelope.rcpt_tos or not self.session.host_name:
            return await super().smtp_DATA(arg)
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        data = bytearray(b"\r\n")  # so that an empty message's lone dot is found too
        while True:
            chunk = await self._reader.read(1 << 16)
            if not chunk:
                return  # the client went away: nothing was received
            data += chunk
            end = data.find(b"\r\n.\r\n", max(0, len(data) - len(chunk) - 4))
            if end >= 0:
                break
        content = bytes(data[: end + 2]).replace(b"\r\n..", b"\r\n.")[2:]
        self.envelope.content = self.envelope.original_content = content
        status = await self._call_handler_hook("DATA")
        self._set_post_data_state()
        await self.push(status)


class SmtpSink:
    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, *, keep_headers: bool = True, keep_content=False
    ):
        self.host = host
        self.port = port
        self.keep_headers = keep_headers
        self.keep_content = keep_content
        self.messages: list[Received] = []
        self.rejected: list[tuple[str, int]] = []  # (recipient, code) of each refusal
        self.connections = 0  # connections opened, over the sink's whole life
        self._counts: Counter = Counter()
        self._rules: dict[str, list] = {}  # address -> [code, at, times left or None]
        self._down_after: int | None = None
        self._stall_after: int | None = None
        self._resume = asyncio.Event()
        self.held = 0  # sessions waiting for an answer to MAIL FROM (see stall_after)
        self._lock = threading.Condition()
        self._open: set[_Session] = set()
        self._server: asyncio.AbstractServer | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="smtp-sink", daemon=True)
        self._thread.start()
        self._parser = BytesHeaderParser()

    # Life.

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}?timeout=5"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> "SmtpSink":
        if self._server is None:
            self._server = self._call(self._listen())
            self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        """Stop listening and drop every open connection: clients now get 'connection refused'."""
        if self._server is not None:
            self._call(self._shut())

    def close(self) -> None:
        self.stop()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    def __enter__(self) -> "SmtpSink":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    # Behaviour.

    def reject(self, addresses, *, code: int = 550, at: str = "rcpt", times: int | None = None) -> None:
        """Answer `code` for these recipients at RCPT (or after the final dot), `times` times or always."""
        assert at in ("rcpt", "data")
        with self._lock:
            for address in addresses:
                self._rules[address.lower()] = [code, at, times]

    def accept_all(self) -> None:
        with self._lock:
            self._rules.clear()
            self._down_after = None

    def stall_after(self, count: int) -> None:
        """Once `count` messages have come in, leave every MAIL FROM unanswered until `resume()`.

        A client then waits with no message in hand: the moment to kill it that is
        certain to fall outside the instant between its commit and its final dot.
        """
        with self._lock:
            self._stall_after = count
        self._loop.call_soon_threadsafe(self._resume.clear)

    def resume(self) -> None:
        with self._lock:
            self._stall_after = None
        self._loop.call_soon_threadsafe(self._resume.set)

    @property
    def open_connections(self) -> int:
        return len(self._open)

    def go_down_after(self, count: int) -> None:
        """Once `count` messages in all have been received, stop as `stop()` does."""
        with self._lock:
            self._down_after = count

    # What came in.

    def counts(self) -> Counter:
        """How many messages each recipient received."""
        with self._lock:
            return Counter(self._counts)

    @property
    def received(self) -> int:
        with self._lock:
            return len(self.messages)

    def to(self, address: str) -> list[Received]:
        with self._lock:
            return [m for m in self.messages if address.lower() in m.rcpt_tos]

    def wait_for(self, count: int, timeout: float = 30) -> bool:
        """Wait until at least `count` messages have come in; False on time-out."""
        with self._lock:
            return self._lock.wait_for(lambda: len(self.messages) >= count, timeout)

    def summary(self) -> dict:
        with self._lock:
            return {
                "messages": len(self.messages),
                "recipients": len(self._counts),
                "duplicates": sum(n - 1 for n in self._counts.values() if n > 1),
                "rejected": len(self.rejected),
                "connections": self.connections,
            }

    # aiosmtpd's handler hooks (run in the sink's thread).

    def _rule(self, address: str, at: str) -> int | None:
        with self._lock:
            rule = self._rules.get(address.lower())
            if rule is None or rule[1] != at:
                return None
            code, _, times = rule
            if times is not None:
                if times <= 0:
                    return None
                rule[2] = times - 1
            self.rejected.append((address.lower(), code))
            return code

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        with self._lock:
            stalled = self._stall_after is not None and len(self.messages) >= self._stall_after
            self.held += stalled
        if stalled:
            try:
                await self._resume.wait()
            finally:
                with self._lock:
                    self.held -= 1
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        code = self._rule(address, "rcpt")
        if code is not None:
            return _REPLIES.get(code, f"{code} Refused by the test sink")
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        for address in envelope.rcpt_tos:
            code = self._rule(address, "data")
            if code is not None:
                return _REPLIES.get(code, f"{code} Refused by the test sink")
        content = envelope.original_content
        headers = self._parser.parsebytes(content) if self.keep_headers else None
        rcpts = tuple(a.lower() for a in envelope.rcpt_tos)
        with self._lock:
            kept = content if self.keep_content else None
            self.messages.append(
                Received(envelope.mail_from, rcpts, headers, len(content), session.number, kept)
            )
            self._counts.update(rcpts)
            going_down = self._down_after is not None and len(self.messages) >= self._down_after
            if going_down:
                self._down_after = None
            self._lock.notify_all()
        if going_down:
            self._loop.call_soon(lambda: asyncio.ensure_future(self._shut()))
        return "250 OK: queued"

    # The event loop side.

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)

    def _new_session(self) -> _Session:
        with self._lock:
            self.connections += 1
            return _Session(self, self.connections)

    async def _listen(self) -> asyncio.AbstractServer:
        return await self._loop.create_server(self._new_session, self.host, self.port, reuse_address=True)

    async def _shut(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for session in list(self._open):
            if session.transport is not None:
                session.transport.abort()
        self._open.clear()


_REPLIES = {
    421: "421 4.3.2 Service shutting down for a moment, try again later",
    450: "450 4.2.1 Mailbox busy, try again later",
    451: "451 4.3.0 Temporary local problem, try again later",
    452: "452 4.3.1 Insufficient system storage",
    550: "550 5.1.1 No such user here",
    552: "552 5.2.2 Mailbox full",
    554: "554 5.7.1 Message refused",
}


def main() -> None:
    parser = argparse.ArgumentParser(description="A local SMTP sink that counts what it receives.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--no-headers", action="store_true", help="count only; don't parse headers")
    args = parser.parse_args()
    sink = SmtpSink(port=args.port, keep_headers=not args.no_headers).start()
    print(f"listening {sink.host}:{sink.port}", flush=True)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    while not stopping.wait(0.2):
        pass
    summary = sink.summary()
    sink.close()
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    sys.exit(main())
