"""The production settings as `make bench` runs them: one machine, 127.0.0.1, plain HTTP.

For measuring on one machine only, never for serving: it turns off the HTTPS
redirect, secure cookies and HSTS, and falls back to a fixed, public SECRET_KEY.
Everything that decides speed (persistent connections, the cached template
loader, whitenoise's hashed files, Redis when REDIS_URL is set) is prod's.
"""

import os
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "bench-only-not-secret-" + "0123456789abcdef" * 3)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

from .prod import *  # noqa: E402, F403

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# The bench collects static files into its own folder (nginx serves them from there).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", STATIC_ROOT))  # noqa: F405
LOGGING = {**LOGGING, "root": {**LOGGING["root"], "level": os.environ.get("LOG_LEVEL", "WARNING")}}  # noqa: F405
