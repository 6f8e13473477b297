"""The production stack on 127.0.0.1: the app server (granian or gunicorn) and nginx with deploy/nginx.conf.

    from bench.stack import Stack
    with Stack(database_url="postgres://postgres@127.0.0.1:5432/newsroom_bench",
               redis_url="redis://127.0.0.1:6379/5", server="granian", workers=2, nginx=True,
               env={"NEWSROOM_PAGE_CACHE": "0"}) as stack:
        stack.app_url    # the app server itself
        stack.nginx_url  # the same app through deploy/nginx.conf (None without nginx)
        stack.restart_app()

The app runs with DJANGO_SETTINGS_MODULE=newsroom.settings.bench (prod's settings over
plain HTTP). Before the first start the database is created if missing and migrated,
and the static files are collected into STATIC_ROOT (once per process; a file lock
keeps two stacks from doing it at the same time). Each server runs in a process group
of its own; leaving the `with` block stops every process of both groups.
"""

import fcntl
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
BENCH_DIR = Path(os.environ.get("NEWSROOM_BENCH_DIR", Path(tempfile.gettempdir()) / "newsroom-bench"))
STATIC_ROOT = BENCH_DIR / "staticfiles"
MEDIA_ROOT = BENCH_DIR / "media"
SETTINGS = "newsroom.settings.bench"
SERVERS = ("granian", "gunicorn", "gunicorn-gthread")
START_TIMEOUT = 60
STOP_GRACE = 10

_prepared: set[tuple[str, str]] = set()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(database_url: str, redis_url: str | None, extra: dict | None = None) -> dict[str, str]:
    """The environment the app and manage.py run with."""
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DATABASE_URL=database_url,
        STATIC_ROOT=str(STATIC_ROOT),
        MEDIA_ROOT=str(MEDIA_ROOT),
        PYTHONUNBUFFERED="1",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra or {})
    return env


def ensure_database(database_url: str) -> None:
    """Create the PostgreSQL database named in the URL if it does not exist yet."""
    parts = urlsplit(database_url)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg
    from psycopg import sql

    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


@contextmanager
def _lock(name: str):
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    with open(BENCH_DIR / f".{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def manage(*args: str, env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")


def prepare(database_url: str, redis_url: str | None = None) -> None:
    """Create and migrate the database and collect the static files, once per process."""
    env = base_env(database_url, redis_url)
    with _lock("prepare"):
        if ("db", database_url) not in _prepared:
            ensure_database(database_url)
            manage("migrate", "--noinput", env=env)
            _prepared.add(("db", database_url))
        if ("static", str(STATIC_ROOT)) not in _prepared:
            manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
            for folder in (BENCH_DIR, STATIC_ROOT, MEDIA_ROOT):  # nginx's workers run as nobody
                folder.mkdir(parents=True, exist_ok=True)
                folder.chmod(0o755)
            _prepared.add(("static", str(STATIC_ROOT)))


def wait_until_answering(url: str, process: subprocess.Popen, log: Path, timeout: float = START_TIMEOUT):
    """Poll `url` until it answers with anything but a server error; fail if the process dies."""
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}:\n{tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (127.0.0.1)
                return response.status
        except urllib.error.HTTPError as error:
            if error.code < 500:
                return error.code
            last = f"HTTP {error.code}"
        except OSError as error:
            last = str(error)
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s ({last}):\n{tail(log)}")


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def stop_group(process: subprocess.Popen | None, signum: int = signal.SIGTERM, grace: float = STOP_GRACE):
    """Stop a process started with start_new_session and everything left in its group."""
    if process is None:
        return
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # workers that outlived their master
    except ProcessLookupError:
        pass
    process.wait()


class Stack:
    """The app server and (optionally) nginx in front of it, on free ports of 127.0.0.1."""

    def __init__(
        self,
        database_url: str = "postgres://postgres@127.0.0.1:5432/newsroom_bench",
        redis_url: str | None = "redis://127.0.0.1:6379/5",
        server: str = "granian",
        workers: int = 2,
        nginx: bool = True,
        env: dict[str, str] | None = None,
        threads: int | None = None,
        prepare: bool = True,
    ):
        if server not in SERVERS:
            raise ValueError(f"server must be one of {', '.join(SERVERS)}")
        self.database_url = database_url
        self.redis_url = redis_url
        self.server = server
        self.workers = workers
        self.threads = threads or {"granian": 2, "gunicorn": 1, "gunicorn-gthread": 4}[server]
        self.use_nginx = nginx
        self.extra_env = dict(env or {})
        self.run_prepare = prepare
        self.app_port = free_port()
        self.nginx_port = free_port() if nginx else None
        self.app_url = f"http://127.0.0.1:{self.app_port}"
        self.nginx_url = f"http://127.0.0.1:{self.nginx_port}" if nginx else None
        self.static_root = STATIC_ROOT
        self.media_root = MEDIA_ROOT
        self.workdir: Path | None = None
        self.app_process: subprocess.Popen | None = None
        self.nginx_process: subprocess.Popen | None = None

    # The environment -----------------------------------------------------------

    @property
    def env(self) -> dict[str, str]:
        site = self.nginx_url or self.app_url
        extra = {"SITE_URL": site, "TRUSTED_PROXIES": "127.0.0.1"} if self.use_nginx else {"SITE_URL": site}
        return base_env(self.database_url, self.redis_url, extra | self.extra_env)

    @property
    def app_log(self) -> Path:
        return self.workdir / "app.log"

    def app_command(self) -> list[str]:
        if self.server == "granian":
            return [
                str(BIN / "granian"), "--interface", "wsgi", "--no-ws",
                "--host", "127.0.0.1", "--port", str(self.app_port),
                "--workers", str(self.workers), "--blocking-threads", str(self.threads),
                "--log-level", "warning", "--workers-kill-timeout", "5", "--respawn-failed-workers",
                "newsroom.wsgi:application",
            ]  # fmt: skip
        worker_class = "gthread" if self.server == "gunicorn-gthread" else "sync"
        return [
            str(BIN / "gunicorn"), "newsroom.wsgi:application", "--bind", f"127.0.0.1:{self.app_port}",
            "--workers", str(self.workers), "--worker-class", worker_class, "--threads", str(self.threads),
            "--log-level", "warning", "--graceful-timeout", "5",
        ]  # fmt: skip

    # Starting and stopping -----------------------------------------------------

    def start(self) -> "Stack":
        self.workdir = Path(tempfile.mkdtemp(prefix="newsroom-stack-"))
        self.workdir.chmod(0o755)
        try:
            if self.run_prepare:
                prepare(self.database_url, self.redis_url)
            self.start_app()
            if self.use_nginx:
                self.start_nginx()
        except BaseException:
            self.stop()
            raise
        return self

    def start_app(self) -> None:
        with open(self.app_log, "ab") as log:
            self.app_process = subprocess.Popen(
                self.app_command(), cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        wait_until_answering(f"{self.app_url}/robots.txt", self.app_process, self.app_log)

    def stop_app(self) -> None:
        stop_group(self.app_process)
        self.app_process = None

    def restart_app(self) -> None:
        """Stop the app server and start it again on the same port (nginx keeps running)."""
        self.stop_app()
        self.start_app()

    def nginx_config(self) -> Path:
        """deploy/nginx.conf with its placeholders filled, inside a minimal main configuration."""
        site = NGINX_CONF.read_text()
        values = {
            "__APP_SERVER__": f"127.0.0.1:{self.app_port}",
            "__LISTEN__": f"127.0.0.1:{self.nginx_port}",
            "__SERVER_NAME__": "127.0.0.1 localhost",
            "__STATIC_ROOT__": str(self.static_root),
            "__MEDIA_ROOT__": str(self.media_root),
            "__CACHE_DIR__": str(self.workdir / "cache"),
        }
        for placeholder, value in values.items():
            site = site.replace(placeholder, value)
        left = set(re.findall(r"__[A-Z_]+__", site))
        if left:
            raise RuntimeError(f"deploy/nginx.conf has placeholders the stack does not fill: {left}")
        (self.workdir / "newsroom.conf").write_text(site)
        w = self.workdir
        main = f"""worker_processes 2;
error_log {w}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    access_log {w}/nginx-access.log combined buffer=256k flush=2s;
    client_body_temp_path {w}/body;
    proxy_temp_path {w}/proxy;
    fastcgi_temp_path {w}/fastcgi;
    uwsgi_temp_path {w}/uwsgi;
    scgi_temp_path {w}/scgi;
    include {w}/newsroom.conf;
}}
"""
        path = self.workdir / "nginx.conf"
        path.write_text(main)
        return path

    def start_nginx(self) -> None:
        config = self.nginx_config()
        log = self.workdir / "nginx-error.log"
        command = [
            shutil.which("nginx") or "/usr/sbin/nginx", "-p", str(self.workdir), "-c", str(config),
            "-g", f"daemon off; pid {self.workdir}/nginx.pid;",
        ]  # fmt: skip
        with open(self.workdir / "nginx.out", "ab") as out:
            self.nginx_process = subprocess.Popen(
                command, cwd=self.workdir, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        try:
            wait_until_answering(f"{self.nginx_url}/robots.txt", self.nginx_process, log)
        except RuntimeError as error:
            raise RuntimeError(f"{error}\n{tail(self.workdir / 'nginx.out')}") from None

    def stop_nginx(self) -> None:
        stop_group(self.nginx_process, signal.SIGQUIT)  # graceful: finish the requests in flight
        self.nginx_process = None

    def stop(self) -> None:
        self.stop_nginx()
        self.stop_app()
        if self.workdir and not os.environ.get("NEWSROOM_BENCH_KEEP"):
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> "Stack":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
