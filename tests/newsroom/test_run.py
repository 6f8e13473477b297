"""`make run` starts the web server, the worker and the scheduler together, and stops them together."""

import os
import signal
import socket
import subprocess
import sys
import time
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


def test_three_processes_start_together_and_stop_together(database):
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
        assert len(children) == 3
        assert any(b"runserver" in c for c in commands)
        assert any(b"db_worker" in c for c in commands)
        assert any(b"newsletter_scheduler" in c for c in commands)
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
        while len(children_of(run.pid)) < 3:
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
