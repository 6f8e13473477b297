"""nginx's own answers carry the protective headers too: a 502 while the app is away, static files.

Runs the real deploy/nginx.conf (placeholders filled in) in front of a port where nothing
listens. Needs nginx (`apt-get install nginx`); skipped without it, required in CI.
"""

import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}

pytestmark = pytest.mark.skipif(
    NGINX is None and not os.environ.get("CI"),
    reason="needs nginx (apt-get install nginx) to check deploy/nginx.conf",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class App(BaseHTTPRequestHandler):
    """Stands for Django: answers every page with the app's own headers."""

    def do_GET(self):  # noqa: N802 (the standard library's name)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Security-Policy", APP_POLICY)
        for name, value in HEADERS.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(b"<!doctype html><title>Story</title>")

    def log_message(self, *args):
        pass


APP_POLICY = "default-src 'self'; script-src 'self'"


@pytest.fixture
def app_port():
    server = ThreadingHTTPServer(("127.0.0.1", 0), App)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()


@pytest.fixture
def start_nginx(tmp_path):
    """Start deploy/nginx.conf in front of `upstream` (a port); returns its address."""
    assert NGINX, "nginx is required in CI: apt-get install nginx"
    processes = []

    def start(upstream: int) -> str:
        static = tmp_path / "static"
        static.mkdir()
        (static / "site.css").write_text("body { margin: 0 }\n")
        (static / "favicon.ico").write_bytes((ROOT / "static" / "favicon.ico").read_bytes())
        (tmp_path / "media").mkdir()
        port = free_port()
        site = (ROOT / "deploy" / "nginx.conf").read_text()
        for placeholder, value in {
            "__APP_SERVER__": f"127.0.0.1:{upstream}",
            "__LISTEN__": f"127.0.0.1:{port}",
            "__SERVER_NAME__": "localhost",
            "__STATIC_ROOT__": str(static),
            "__MEDIA_ROOT__": str(tmp_path / "media"),
            "__CACHE_DIR__": str(tmp_path / "cache"),
        }.items():
            site = site.replace(placeholder, value)
        (tmp_path / "site.conf").write_text(site)
        (tmp_path / "nginx.conf").write_text(
            # As root, nginx's workers would run as nobody, who cannot enter pytest's private folders.
            ("user root;\n" if os.geteuid() == 0 else "")
            + f"worker_processes 1;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
            f"events {{}}\nhttp {{\n  include /etc/nginx/mime.types;\n  access_log off;\n"
            f"  include {tmp_path}/site.conf;\n}}\n"
        )
        processes.append(subprocess.Popen([NGINX, "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"]))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        return f"http://127.0.0.1:{port}"

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def nginx(start_nginx):
    return start_nginx(free_port())  # nothing listens there: nginx answers 502


@pytest.fixture
def nginx_before_app(start_nginx, app_port):
    return start_nginx(app_port)


def head(url: str):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (our own nginx on loopback)
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def test_a_502_from_nginx_carries_the_headers(nginx):
    status, headers = head(nginx + "/")
    assert status == 502
    for name, value in HEADERS.items():
        assert headers[name] == value, name
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src" not in headers["Content-Security-Policy"]  # default-src 'none': no script at all


def test_a_static_file_carries_the_headers_once(nginx):
    status, headers = head(nginx + "/static/site.css")
    assert status == 200
    for name, value in HEADERS.items():
        assert headers.get_all(name) == [value], name
    assert headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_favicon_ico_is_served_by_nginx_with_the_headers(nginx):
    status, headers = head(nginx + "/favicon.ico")  # nothing listens upstream: nginx itself answers
    assert status == 200
    assert headers["Content-Type"] == "image/x-icon"
    assert headers["Cache-Control"] == "public, max-age=86400"
    for name, value in HEADERS.items():
        assert headers.get_all(name) == [value], name


def test_the_apps_own_headers_pass_through_unchanged_and_not_doubled(nginx_before_app):
    status, headers = head(nginx_before_app + "/")
    assert status == 200
    assert headers.get_all("Content-Security-Policy") == [APP_POLICY]
    for name, value in HEADERS.items():
        assert headers.get_all(name) == [value], name
