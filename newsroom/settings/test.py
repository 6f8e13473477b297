"""The test suite: fast hashing, mail kept in memory, files in a throwaway folder."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Client.login() authenticates without a request; sign-ins over HTTP are checked as in production.
AUTHENTICATION_BACKENDS = [
    "newsroom.security.RequestOptionalAxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="newsroom-test-media-"))
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CACHES["template_fragments"] = CACHES["default"]  # {% cache %} fragments, in the same memory
# Readership counts in the real Redis, under a prefix of this process's own: the suite's
# passes run side by side (.ci/run) and never see each other's counts.
NEWSROOM_READERSHIP_REDIS_URL = os.environ.get("READERSHIP_REDIS_URL", "redis://127.0.0.1:6379/9")
NEWSROOM_READERSHIP_KEY_PREFIX = f"newsroom-test-{os.getpid()}:"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: the newsletter tests start real worker processes that share it.
    # One per test process, so parallel runs never share it.
    test_db = Path(tempfile.gettempdir()) / f"newsroom-test-{os.getpid()}.sqlite3"
    DATABASES["default"]["TEST"] = {"NAME": str(test_db)}  # noqa: F405
