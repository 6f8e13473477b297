"""`make run`: web server, task worker, newsletter scheduler and readership fold, started and stopped as one.

    python -m newsroom.run [--port 8000]

Each runs as its own `manage.py` process with this one's environment, plus
SITE_URL=http://127.0.0.1:<port> unless SITE_URL is set: the settings build every
link in feeds, mail and the admin from it, so it must name the port served. Ctrl+C
(or SIGTERM) stops all four; if any of them exits, the others are stopped too,
so a broken worker never hides behind a running web server.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRACE_SECONDS = 15


def commands(port: int) -> dict[str, list[str]]:
    manage = [sys.executable, str(ROOT / "manage.py")]
    return {
        "web": [*manage, "runserver", f"127.0.0.1:{port}"],
        "worker": [*manage, "db_worker", "--interval", "1"],
        "scheduler": [*manage, "newsletter_scheduler"],
        "readership": [*manage, "readership_fold"],
    }


def environment(port: int) -> dict[str, str]:
    """The environment of the four: this one's, with SITE_URL on `port` unless it is set."""
    env = dict(os.environ)
    if not env.get("SITE_URL"):
        env["SITE_URL"] = f"http://127.0.0.1:{port}"
    return env


def signal_group(process: subprocess.Popen, signum: int) -> None:
    """Signal the process and its own children (runserver's autoreloader runs the server in one)."""
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


def stop(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        signal_group(process, signal.SIGKILL)  # whatever is left in its group
        process.wait()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    args = parser.parse_args(argv)

    processes: dict[str, subprocess.Popen] = {}
    stopping = False
    failed = False

    def on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    env = environment(args.port)
    print(f"[run] serving http://127.0.0.1:{args.port}/ (links point at {env['SITE_URL']})", flush=True)
    try:
        for name, command in commands(args.port).items():
            # Their own process group: Ctrl+C in the terminal reaches only us, and we stop them in order.
            processes[name] = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603 (our own commands)
            print(f"[run] started {name} (pid {processes[name].pid})", flush=True)
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    print(f"[run] {name} exited with {process.returncode}; stopping the others", flush=True)
                    stopping = failed = True
            time.sleep(0.5)
    finally:
        print("[run] stopping web, worker, scheduler and readership", flush=True)
        stop(processes)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
