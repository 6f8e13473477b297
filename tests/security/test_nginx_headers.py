"""nginx's own answers carry the protective headers too: a 502 while the app is away, static files.
And the readership beacon's location: POST only, small, limited per client address, not logged.

Runs the real deploy/nginx.conf (placeholders filled in) in front of a port where nothing
listens, or of a stand-in for the app. Needs nginx (`apt-get install nginx`); skipped
without it, required in CI.
"""

import http.client
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
    """Stands for Django: answers every page with the app's own headers, and a beacon with 204."""

    protocol_version = "HTTP/1.1"  # keep-alive, as granian speaks to nginx
    beacons = 0

    def do_GET(self):  # noqa: N802 (the standard library's name)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Security-Policy", APP_POLICY)
        for name, value in HEADERS.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        App.beacons += 1
        self.send_response(204)
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    def log_message(self, *args):
        pass


APP_POLICY = "default-src 'self'; script-src 'self'"
PAGE = b"<!doctype html><title>Story</title>"


@pytest.fixture
def app_port():
    App.beacons = 0
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
            f"events {{}}\nhttp {{\n  include /etc/nginx/mime.types;\n  access_log {tmp_path}/access.log;\n"
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


# The readership beacon --------------------------------------------------------------------

BEACON = "/readership/view/"


def beacon_location() -> str:
    """The text of deploy/nginx.conf's beacon location, up to its closing brace."""
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    start = conf.index(f"location = {BEACON} {{")
    depth, end = 0, start
    for end in range(start, len(conf)):
        depth += {"{": 1, "}": -1}.get(conf[end], 0)
        if conf[end] == "}" and depth == 0:
            break
    return conf[start : end + 1]


def beacons(base: str, count: int, source: str, body: bytes = b"story=1&ref=") -> list:
    """`count` beacons on one keep-alive connection from `source`, one after another: the answers."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5, source_address=(source, 0))
    answers = []
    for _ in range(count):
        connection.request("POST", BEACON, body, {"Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read()
        answers.append(response)
    connection.close()
    return answers


def test_the_beacon_location_is_limited_uncached_and_unlogged_in_the_file():
    location = beacon_location()
    assert "limit_req zone=newsroom_beacons" in location
    assert "limit_req_status 429;" in location
    assert "access_log off;" in location
    assert "proxy_cache off;" in location
    assert "proxy_cache newsroom_pages" not in location
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "limit_req_zone $binary_remote_addr zone=newsroom_beacons:" in conf  # shared memory, no path


def test_beacons_past_the_burst_from_one_address_get_429_and_never_reach_the_app(nginx_before_app, tmp_path):
    started = time.monotonic()
    answers = beacons(nginx_before_app, 160, "127.250.0.1")
    elapsed = time.monotonic() - started
    statuses = [answer.status for answer in answers]
    assert set(statuses) == {204, 429}
    allowed = statuses.count(204)
    # burst=100 on top of the one at the rate; 20 a second come back while they are sent
    assert 101 <= allowed <= 102 + 20 * elapsed
    assert App.beacons == allowed  # nginx refused the rest itself
    refused = next(answer for answer in answers if answer.status == 429)
    for name, value in HEADERS.items():
        assert refused.headers[name] == value, name
    assert [answer.status for answer in beacons(nginx_before_app, 3, "127.250.0.2")] == [204] * 3
    head(nginx_before_app + "/")  # a page is logged; no beacon, answered or refused, is
    log = ""
    deadline = time.monotonic() + 5
    while '"GET / HTTP/1.1"' not in log and time.monotonic() < deadline:  # logged once answered
        time.sleep(0.05)
        log = (tmp_path / "access.log").read_text()
    assert '"GET / HTTP/1.1"' in log
    assert BEACON not in log


def test_a_beacon_must_be_a_small_post(nginx_before_app):
    status, headers = head(nginx_before_app + BEACON)
    assert status == 405
    assert headers["Allow"] == "POST"
    assert [answer.status for answer in beacons(nginx_before_app, 1, "127.250.0.3", b"a" * 2000)] == [413]
    assert App.beacons == 0
