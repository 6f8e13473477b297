"""`make run` starts the web server, worker, scheduler and readership fold as one, and stops them as one."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def in_group(pgid: int) -> list[int]:
    """Live processes in a process group (each child of newsroom.run leads its own)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def cmdline(pid: int) -> bytes:
    return (Path("/proc") / str(pid) / "cmdline").read_bytes()


def start(port: int, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "newsroom.run", "--port", str(port)], cwd=ROOT, env=env)


@pytest.fixture
def database(tmp_path):
    db = tmp_path / "run.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DJANGO_SETTINGS_MODULE": "newsroom.settings.dev"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    return env


def test_four_processes_start_together_and_stop_together(database):
    port = free_port()
    run = subprocess.Popen(
        [sys.executable, "-m", "newsroom.run", "--port", str(port)], cwd=ROOT, env=database
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:  # noqa: S310
                    assert response.status == 200
                break
            except OSError:
                assert time.monotonic() < deadline, "the web server never answered"
                time.sleep(0.3)
        children = children_of(run.pid)
        commands = {cmdline(pid) for pid in children}
        assert len(children) == 4
        assert any(b"runserver" in c for c in commands)
        assert any(b"db_worker" in c for c in commands)
        assert any(b"newsletter_scheduler" in c for c in commands)
        assert any(b"readership_fold" in c for c in commands)
        run.send_signal(signal.SIGTERM)
        assert run.wait(timeout=30) == 0
        time.sleep(0.2)
        assert not [pid for pid in children if alive(pid) or in_group(pid)]
    finally:
        if run.poll() is None:
            run.kill()


def test_if_one_dies_the_others_stop(database):
    run = subprocess.Popen(
        [sys.executable, "-m", "newsroom.run", "--port", str(free_port())], cwd=ROOT, env=database
    )
    try:
        deadline = time.monotonic() + 20
        while len(children_of(run.pid)) < 4:
            assert time.monotonic() < deadline
            time.sleep(0.2)
        children = children_of(run.pid)
        worker = next(
            pid for pid in children if b"db_worker" in (Path("/proc") / str(pid) / "cmdline").read_bytes()
        )
        os.kill(worker, signal.SIGKILL)
        assert run.wait(timeout=30) == 1
        time.sleep(0.2)
        assert not [pid for pid in children if alive(pid) or in_group(pid)]
    finally:
        if run.poll() is None:
            run.kill()


def environ_of(pid: int) -> dict[str, str]:
    raw = (Path("/proc") / str(pid) / "environ").read_bytes()
    return dict(entry.split("=", 1) for entry in raw.decode(errors="replace").split("\0") if "=" in entry)


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own test server)
                return
        except OSError:
            assert time.monotonic() < deadline, "the web server never answered"
            time.sleep(0.3)


def test_site_url_follows_the_port_unless_it_is_set(monkeypatch):
    from newsroom.run import environment

    monkeypatch.delenv("SITE_URL", raising=False)
    assert environment(8123)["SITE_URL"] == "http://127.0.0.1:8123"
    monkeypatch.setenv("SITE_URL", "")
    assert environment(8123)["SITE_URL"] == "http://127.0.0.1:8123"
    monkeypatch.setenv("SITE_URL", "https://news.example.org")
    assert environment(8123)["SITE_URL"] == "https://news.example.org"


def test_on_another_port_every_process_and_every_link_uses_it(database):
    """`make run PORT=…` used to hand out links on port 8000: feeds, mail, the admin's "View on site"."""
    env = {k: v for k, v in database.items() if k != "SITE_URL"}
    superuser = ["createsuperuser", "--noinput", "--username", "desk", "--email", "desk@example.org"]
    subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", *superuser],
        cwd=ROOT, env=env | {"DJANGO_SUPERUSER_PASSWORD": "a-long-test-password"}, check=True,
    )  # fmt: skip
    port = free_port()
    site = f"http://127.0.0.1:{port}"
    run = start(port, env)
    try:
        wait_for(f"{site}/")
        children = children_of(run.pid)
        assert len(children) == 4
        assert {environ_of(pid).get("SITE_URL") for pid in children} == {site}  # web, worker, scheduler, fold
        with urllib.request.urlopen(f"{site}/feed/", timeout=5) as response:  # noqa: S310
            feed = response.read().decode()
        assert f"<link>{site}/</link>" in feed and ":8000" not in feed

        # The admin's sign-in works on this port (CSRF_TRUSTED_ORIGINS follows SITE_URL).
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with browser.open(f"{site}/admin/login/", timeout=5) as response:
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode())[1]
        form = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "username": "desk",
                "password": "a-long-test-password",
                "next": "/admin/",
            }
        ).encode()
        signing_in = urllib.request.Request(f"{site}/admin/login/", data=form, headers={"Origin": site})  # noqa: S310
        with browser.open(signing_in, timeout=10) as response:
            assert response.url == f"{site}/admin/"
            assert "Log out" in response.read().decode()
    finally:
        run.send_signal(signal.SIGTERM)
        try:
            run.wait(timeout=30)
        except subprocess.TimeoutExpired:
            run.kill()
