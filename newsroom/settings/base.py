"""Settings shared by every environment.

Everything that differs between a laptop and production is read from the
environment, with defaults that are safe for development.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def mailers_from_url(url: str) -> dict:
    """Turn EMAIL_URL (smtp://user:pass@host:port, smtps://…, console:, locmem:) into MAILERS."""
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme in ("console", "locmem", "dummy"):
        return {"default": {"BACKEND": f"django.core.mail.backends.{scheme}.EmailBackend"}}
    if scheme not in ("smtp", "smtps", "smtp+tls"):
        raise ImproperlyConfigured(f"EMAIL_URL scheme {scheme!r} is not one of smtp, smtps, smtp+tls")
    query = parse_qs(parts.query)
    options = {
        "host": parts.hostname or "localhost",
        "port": parts.port or {"smtp": 25, "smtps": 465, "smtp+tls": 587}[scheme],
        "username": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "use_ssl": scheme == "smtps",
        "use_tls": scheme == "smtp+tls",
        "timeout": int(query.get("timeout", ["10"])[0]),
    }
    return {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}}


def redis_cache(url: str) -> dict:
    """Django's cache in Redis at `url` (django-redis): down, hung or full, it is a miss, never a 500.

    With IGNORE_EXCEPTIONS a failed call reads as nothing found (get gives the default,
    get_many {}, incr None) and a write is dropped; the short timeouts keep a hung Redis
    from holding a request for long (docs/reliability.md).
    """
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.25,  # seconds: a Redis nearby answers in well under 1 ms
            "SOCKET_TIMEOUT": 0.25,
        },
    }


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.environ.get("SITE_NAME", "Newsroom")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS") or [SITE_URL]

INSTALLED_APPS = [
    "newsroom.apps.NewsroomAdminConfig",  # django.contrib.admin, listing the newsroom's apps first
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "newsroom.apps.TagsConfig",  # taggit, named "Tags" in the admin
    "reversion",
    "django_prose_editor",
    "django_comments_xtd",
    "django_comments",
    "django_tasks_db",
    "axes",
    "articles",
    "comments",
    "subscriptions",
    "wordpress",
    "readership",
    "demo",  # `manage.py load_demo`, the demo newsroom `make run` shows; no models
]

SITE_ID = 1

MIDDLEWARE = [
    # The security headers come first, so they go on last: every response gets them, whatever
    # made it (a view, a cached page, the page fallback, a redirect, the sign-in lockout, a 404,
    # a 500). A middleware below that swaps the response would otherwise send it without them.
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "articles.pages.PageFallbackMiddleware",  # site pages at any address, shown safely
    "wordpress.middleware.OldAddressRedirectMiddleware",  # imported WordPress links answer 301
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
]

ROOT_URLCONF = "newsroom.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site",
                "articles.context_processors.navigation",
                "articles.caching.cache_versions",  # cache_generation, cache_timeout for {% cache %}
                "django.template.context_processors.csp",  # the admin's {% csp_nonce_attr %}
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"
ASGI_APPLICATION = "newsroom.asgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the task worker and the scheduler share the file: write-ahead
    # logging lets readers go on while one writes, and writers wait instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif os.environ.get("DATABASE_PREPARED_STATEMENTS", "1") == "1":
    # PostgreSQL: values sent apart from the SQL, and a query run five times on a
    # connection kept as a prepared statement, so PostgreSQL stops parsing and planning
    # the same few reader-page queries again and again (docs/performance.md). A pooler
    # in transaction mode needs prepared-statement support (PgBouncer 1.21+), or set
    # DATABASE_PREPARED_STATEMENTS=0.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis when REDIS_URL is set (production); else each process's own memory (development, tests).
CACHES = {
    "default": redis_cache(os.environ["REDIS_URL"])
    if os.environ.get("REDIS_URL")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True  # each Redis failure the cache passes over is logged

# Readership (readership/): each story view the site's beacon reports is one increment in
# this Redis, folded into the database each minute (`manage.py readership_fold`). Redis,
# not the cache: counts must not be evicted, and must be shared by every process. Without
# a Redis there (development without one), views are not counted and nothing else fails.
NEWSROOM_READERSHIP_REDIS_URL = os.environ.get(
    "READERSHIP_REDIS_URL", os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
)
NEWSROOM_READERSHIP_KEY_PREFIX = os.environ.get("READERSHIP_KEY_PREFIX", "newsroom:")
NEWSROOM_MOST_READ = 5  # stories in "Most read" (the last 24 hours)
# Whole reader pages for anonymous readers, and the shared parts of pages (a story's comment
# thread, story cards) kept between renders (docs/reader-site.md). Both on unless set to 0;
# the bench turns them off to measure what an uncached page costs.
_OFF = ("0", "false", "no", "off")
NEWSROOM_PAGE_CACHE = os.environ.get("NEWSROOM_PAGE_CACHE", "1").lower() not in _OFF
NEWSROOM_FRAGMENT_CACHE = os.environ.get("NEWSROOM_FRAGMENT_CACHE", "1").lower() not in _OFF
# {% cache %} keeps fragments in this alias: the default cache, or nothing when fragments are off.
CACHES["template_fragments"] = (
    CACHES["default"]
    if NEWSROOM_FRAGMENT_CACHE
    else {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Security (docs/security.md). Every environment runs under the same policy, so a page
# that breaks under it breaks in development and in the tests, not first in production.
# No inline script on our pages. The admin's few inline tags (the story editor's import
# map, a <style> or two) carry Django's per-request nonce ({% csp_nonce_attr %}); reader
# pages never ask for one, so their header has none and stays the same for every reader.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # The hash is the stylesheet Tiptap (inside django-prose-editor) writes into the story
    # editor's page; tests/e2e/test_csp.py fails with the new hash if an upgrade changes it.
    "style-src": [CSP.SELF, CSP.NONCE, "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Only staff sign in, at the admin; a refused `next` falls back to the admin's front page.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"
# A session lasts a working day from sign-in, however busy.
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Admin sign-in: django-axes counts failures per account *and* address, so a guesser
# locks out only themselves, not the reporter at the next desk or the account elsewhere.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the hour runs from the fifth failure
AXES_LOCKOUT_CALLABLE = "newsroom.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "newsroom.security.client_ip"
AXES_USERNAME_CALLABLE = "newsroom.security.axes_username"  # a 10,000-character name is not a 500
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2"]
AXES_VERBOSE = False  # no banner at every start
# Proxies (e.g. nginx on the same host: TRUSTED_PROXIES=127.0.0.1) whose X-Forwarded-For
# is believed. None by default: the client is the address the connection comes from.
NEWSROOM_TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: Django keeps anything larger than this on disk while it is read.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880

MAILERS = mailers_from_url(os.environ.get("EMAIL_URL", "console:"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Newsroom <newsroom@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TAGGIT_CASE_INSENSITIVE = True

# Notices after a form ("Your comment is awaiting moderation") travel in a cookie, so
# anonymous readers get no session; reader pages are not cached while one is pending.
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

# Newsroom's own knobs.
NEWSROOM_IMAGE_MAX_BYTES = 10 * 1024 * 1024
NEWSROOM_IMAGE_MAX_PIXELS = 40_000_000
NEWSROOM_IMAGE_MIN_SIDE = 16
NEWSROOM_RENDITION_WIDTHS = (480, 960, 1600)

# The story form: how often it tells the server its editor is still there, and how long
# after the first unsaved keystroke it keeps what was typed (seconds).
NEWSROOM_EDITING_HEARTBEAT_SECONDS = 30
NEWSROOM_AUTOSAVE_SECONDS = 30

# Comments: django-comments-xtd stores the threads; our `comments` app holds the rules.
# xtd reads its own COMMENTS_XTD_* settings once at import, so tests cannot override
# them; everything Newsroom decides at run time lives in COMMENTS_* below instead.
URLIZE_ASSUME_HTTPS = True  # "www.example.org" in a comment links to https://, Django 7's default
COMMENTS_APP = "django_comments_xtd"
COMMENTS_XTD_MODEL = "comments.models.Comment"
COMMENTS_XTD_MAX_THREAD_LEVEL = 64  # storage limit only; COMMENTS_MAX_DEPTH is the reader-facing one
COMMENTS_XTD_CONFIRM_EMAIL = False  # our own confirmation flow (comments/services.py)
COMMENTS_XTD_THREADED_EMAILS = False
COMMENT_MAX_LENGTH = 3000  # the column size django-contrib-comments migrated with

COMMENTS_MAX_DEPTH = int(os.environ.get("COMMENTS_MAX_DEPTH", "3"))  # a comment, a reply, a reply to that
COMMENTS_PER_PAGE = 50  # top-level threads per page of a story
COMMENTS_CLOSE_AFTER_DAYS = int(os.environ.get("COMMENTS_CLOSE_AFTER_DAYS", "30")) or None
COMMENTS_CONFIRM_EMAIL = (
    os.environ.get("COMMENTS_CONFIRM_EMAIL", "1") == "1"
)  # anonymous commenters whose browser has not proved their address
COMMENTS_CONFIRM_MAX_AGE = 7 * 24 * 3600
COMMENTS_CONFIRM_MAIL_INTERVAL = 3600  # at most one confirmation mail per address per hour
COMMENTS_TRUST_MAX_AGE = 180 * 24 * 3600  # a browser that confirmed an address is believed this long
COMMENTS_HOLD_FIRST_TIME = True
COMMENTS_HOLD_MAX_LINKS = 2  # more links than this holds a comment
# More than 5 comments an hour from one address or IP: held; more than 3 a minute: refused with
# "please wait". "COUNT/SECONDS" in the environment (the load drill posts from one IP: bench/drills/).
COMMENTS_HOLD_RATE = tuple(map(int, os.environ.get("COMMENTS_HOLD_RATE", "5/3600").split("/")))
COMMENTS_RATE_LIMIT = tuple(map(int, os.environ.get("COMMENTS_RATE_LIMIT", "3/60").split("/")))
COMMENTS_MODERATOR_MAIL_MINUTES = 30
COMMENTS_MAIL_ON_APPROVAL = True

# Background work: Django's tasks framework, stored in the database (django-tasks-db);
# `manage.py db_worker` runs them, `manage.py newsletter_scheduler` starts the daily digest.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The newsletter (subscriptions/).
NEWSLETTER_DIGEST_TIME = os.environ.get("NEWSLETTER_DIGEST_TIME", "07:00")  # local time (TIME_ZONE)
NEWSLETTER_MIN_STORIES = int(os.environ.get("NEWSLETTER_MIN_STORIES", "1"))  # fewer for a reader: no mail
NEWSLETTER_MAX_STORIES = 20
NEWSLETTER_CONFIRM_MAX_AGE = 3 * 24 * 3600
NEWSLETTER_MAIL_INTERVAL = 3600  # at most one sign-up mail per address per hour
NEWSLETTER_SIGNUP_RATE = (10, 3600)  # sign-ups per IP address per hour
NEWSLETTER_BOUNCE_LIMIT = 3  # permanent failures before an address is marked bouncing
NEWSLETTER_BATCH_SECONDS = 10  # one send task works this long, then hands over to the next
NEWSLETTER_LEASE_SECONDS = int(os.environ.get("NEWSLETTER_LEASE_SECONDS", "120"))  # a silent sender is dead
NEWSLETTER_RETRY_BASE_SECONDS = int(os.environ.get("NEWSLETTER_RETRY_BASE_SECONDS", "60"))
NEWSLETTER_MAX_ATTEMPTS = 8
NEWSLETTER_CONSENT_TEXT = (
    "Send me {site}'s daily newsletter. I can leave at any time with the link in every mail."
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
