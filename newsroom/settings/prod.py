"""Production: every secret comes from the environment; nothing insecure by default."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_list

DEBUG = False

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("Set SECRET_KEY to a random string of at least 50 characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS to the host names the site answers to.")

# Persistent database connections: each app-server thread keeps its own for ten minutes,
# checked at the start of a request, so a connection a restarted PostgreSQL dropped is replaced.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "600"))  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

# Templates are compiled once per process (Django's cached loader; a deploy restarts the server).
_loaders = ["django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader"]
TEMPLATES = [  # a copy: base's TEMPLATES stays as it was
    {
        **{key: value for key, value in TEMPLATES[0].items() if key != "APP_DIRS"},  # noqa: F405
        "OPTIONS": {
            **TEMPLATES[0]["OPTIONS"],  # noqa: F405
            "loaders": [("django.template.loaders.cached.Loader", _loaders)],
        },
    }
]

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}

# HTTPS only (docs/security.md). The CSP, nosniff, Referrer-Policy, X-Frame-Options,
# COOP, session lifetime and sign-in lockout are in base.py, for every environment.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # set by nginx, which owns the port
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
