"""
Settings for the Film Archive, read from the environment.

With no variable set, the project runs as the local demo: DEBUG on, a SQLite file in the project
directory and a development secret key. Production sets at least DJANGO_DEBUG=false,
DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL (see README.md).
"""

import hashlib
import os
import re
import urllib.parse
import zoneinfo
from pathlib import Path

import dj_database_url
import redis.connection
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    value = value.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name, default):
    """A count or a number of seconds: a whole number, 0 or more (not "2m", nor -1, which as
    DJANGO_PROXY_COUNT would read the client's own X-Forwarded-For entries)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    if not re.fullmatch(r"[0-9]+", value.strip()):
        raise ImproperlyConfigured(f"{name} must be a whole number, 0 or more, not {value!r}.")
    return int(value)


def env_list(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

# Only ever used when DEBUG is on: production refuses to start with it.
DEVELOPMENT_SECRET_KEY = "django-insecure-film-archive-development-key-not-for-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "").strip() or DEVELOPMENT_SECRET_KEY


def weak_secret_key(key):
    """Why `key` could be guessed, by Django's measure (its deploy check W009, which only
    `check --deploy` runs, never gunicorn), or None. Never the key itself."""
    if key == DEVELOPMENT_SECRET_KEY:
        return "it is missing or is the development default"
    if key.startswith(SECRET_KEY_INSECURE_PREFIX):
        return "it is one of the keys `django-admin startproject` writes"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"it has {len(key)} characters, fewer than {SECRET_KEY_MIN_LENGTH}"
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return f"it has only {len(set(key))} different characters"
    return None


if not DEBUG and (weakness := weak_secret_key(SECRET_KEY)):
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY cannot be used with DJANGO_DEBUG off: {weakness}. "
        "Set DJANGO_SECRET_KEY to a long random value, for example the output of "
        '`python -c "import secrets; print(secrets.token_urlsafe(50))"`.'
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    # Set and empty in production is a value forgotten, not "this machine only": the site
    # would answer 400 to every request for its real name.
    if not DEBUG and "DJANGO_ALLOWED_HOSTS" in os.environ:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS is set but names no host, and DJANGO_DEBUG is off: every "
            "request would be refused. Set it to the host names the site answers to, separated "
            "by commas (for example films.example.org), or unset it to answer on this machine "
            "only (localhost)."
        )
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
for host in ALLOWED_HOSTS:
    # Django compares a request's host name, without scheme, path or port, with each entry: an
    # address written as in DJANGO_CSRF_TRUSTED_ORIGINS, or with a port, matches no request.
    if not re.fullmatch(r"\*|\.?[^/:\s]+|\[[0-9A-Fa-f:.]+\]", host):
        raise ImproperlyConfigured(
            f"DJANGO_ALLOWED_HOSTS names host names, without scheme, path or port (such as "
            f"films.example.org), not {host!r}: no request would match it."
        )
    if "*" in host and host != "*":
        # Django reads a "*" inside a name as a letter: *.films.example.org matched nothing.
        raise ImproperlyConfigured(
            f"DJANGO_ALLOWED_HOSTS allows a name and its subdomains with a leading dot (such as "
            f".films.example.org), and any host with * alone, not {host!r}: no request would "
            "match it."
        )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
for origin in CSRF_TRUSTED_ORIGINS:
    # Compared whole with a form's Origin header, scheme://host[:port]: a path, even "/",
    # matches no form (Django's own check, not run in gunicorn, looks only for the scheme).
    if not re.fullmatch(
        r"https?://(\*\.)?[^/:\s*]+(:[0-9]+)?|https?://\[[0-9A-Fa-f:.]+\](:[0-9]+)?", origin
    ):
        raise ImproperlyConfigured(
            f"DJANGO_CSRF_TRUSTED_ORIGINS names origins, a scheme and a host name (and a port), "
            f"without a path (such as https://films.example.org), not {origin!r}: no form "
            "would match it."
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_countries",
    "taggit",
    "csp",
    "axes",
    "reversion",
    "rest_framework",
    "drf_spectacular",
    "archive",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "archive.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above the page cache: pages are stored uncompressed, compressed per client (see it).
    "archive.middleware.CompressionMiddleware",
    # A page served from the cache skips every middleware below it.
    "archive.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "archive.middleware.DatabaseUnavailableMiddleware",
    "archive.middleware.UnstorableValueMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "site_config.urls"
WSGI_APPLICATION = "site_config.wsgi.application"

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
            ],
        },
    },
]


DATABASE_ENGINES = ("django.db.backends.postgresql", "django.db.backends.sqlite3")
# What libpq's sslmode may be (https://www.postgresql.org/docs/current/libpq-ssl.html).
POSTGRESQL_SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


def env_database(name, default=None, **options):
    """The database an address in `name` names (dj-database-url); `default` when it is unset or
    blank. A malformed address is refused with a message that names the variable and never
    repeats its value, which holds a password."""
    value = os.environ.get(name, "").strip() or default
    try:
        database = dj_database_url.parse(value, **options)
        reason = None
    except ValueError as error:
        unknown = isinstance(error, dj_database_url.UnknownSchemeError)
        reason = "its scheme is unknown" if unknown else "it cannot be read"
    if reason is None and database["ENGINE"] not in DATABASE_ENGINES:
        # Another database's driver failed at the first query, or when Django loaded it.
        scheme = urllib.parse.urlsplit(value).scheme
        raise ImproperlyConfigured(
            f"{name} names a {scheme}:// database: the archive runs on PostgreSQL "
            "(postgres://…) or SQLite (sqlite:////…) only."
        )
    if reason is None and database["ENGINE"] == "django.db.backends.postgresql":
        # Django asks for the name only at the first query: every page, /healthz too, was a 500.
        if not database["NAME"] and not database.get("OPTIONS", {}).get("service"):
            reason = "it names no database"
        # libpq reads sslmode only when it connects: every page was a 500.
        sslmode = database.get("OPTIONS", {}).get("sslmode")
        if not reason and sslmode is not None and sslmode not in POSTGRESQL_SSL_MODES:
            raise ImproperlyConfigured(
                f"{name}'s sslmode must be {', '.join(POSTGRESQL_SSL_MODES[:-1])} or "
                f"{POSTGRESQL_SSL_MODES[-1]}, not {str(sslmode)[:30]!r}."
            )
    if reason:
        raise ImproperlyConfigured(
            f"{name} is not a database address ({reason}). Write it as "
            "postgres://user:password@host:5432/name (characters such as @, : or / in the "
            "password percent-encoded) or sqlite:////absolute/path/to/db.sqlite3."
        ) from None
    return database


DEMO_DATABASE_PATH = BASE_DIR / "db.sqlite3"
DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        default=f"sqlite:///{DEMO_DATABASE_PATH}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# Short web queries: PostgreSQL's JIT compiler costs more (~100 ms) than it saves, and parallel
# workers take cores that other requests need. Without parallel workers, and with a table read
# whole from its first page rather than from where another reader of it happens to be
# (synchronised scans), rows come back in the same order each time: a search for a word in more
# documents than it ranks gives the same results, and the same pages of them, each time.
POSTGRESQL_OPTIONS = "-c jit=off -c synchronize_seqscans=off -c max_parallel_workers_per_gather=0"


def with_postgresql_options(options):
    """The site's session settings, then those the address gives (`?options=-c search_path=…`),
    which come later and so win."""
    given = options.get("options", "").strip()
    options["options"] = f"{POSTGRESQL_OPTIONS} {given}".strip()
    return options


if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    with_postgresql_options(DATABASES["default"].setdefault("OPTIONS", {}))
    # A database host that stops answering is given up on (503) rather than holding a worker
    # until gunicorn kills it.
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serving several workers: write-ahead logging lets readers go on while an editor's
    # save commits (and a long read, a feed or a sitemap, never holds a save up), and commits
    # without waiting for the disk each time (`synchronous=NORMAL`: a power cut may lose the
    # last commits, never the file). Transactions take the write lock when they begin, so two
    # saves queue (for up to `timeout` seconds) instead of one failing as "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        transaction_mode="IMMEDIATE",
        timeout=20,
    )

# `manage.py demo` makes an editor account whose password README publishes: only for the local
# demo (DEBUG on, SQLite), never in a production archive, even one kept in SQLite.
DEMO_ACCOUNT = DEBUG and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"

# A PostgreSQL read replica, optional: anonymous readers' public pages read from it; the admin,
# writes, signed-in editors and commands use the primary (archive/replicas.py). In Django's test
# runs it is the test database itself ("MIRROR").
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env_database(
        "DATABASE_REPLICA_URL",
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
        test_options={"MIRROR": "default"},
    )
    if {DATABASES["default"]["ENGINE"], DATABASES["replica"]["ENGINE"]} != {
        "django.db.backends.postgresql"
    }:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL names a PostgreSQL streaming replica of the PostgreSQL "
            "database in DATABASE_URL (postgres://…); unset it to read everything from "
            "DATABASE_URL."
        )
    replica_options = with_postgresql_options(DATABASES["replica"].setdefault("OPTIONS", {}))
    # A replica host that stops answering is given up on (and the primary read) quickly.
    replica_options.setdefault("connect_timeout", 3)
    DATABASE_ROUTERS = ["archive.replicas.ReplicaRouter"]
    # Above the page cache, which asks after the view whether the page was read from it.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("archive.pagecache.PageCacheMiddleware"),
        "archive.middleware.ReplicaReadsMiddleware",
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# An interview's page posts eight fields an exchange: Django's 1,000 refused every save of one
# past about 120 exchanges (a long interview imported from text has hundreds) with a bare 400.
# A form's size stays capped by DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# The cache is shared by every worker and app server: Redis when REDIS_URL is set, otherwise
# files in DJANGO_CACHE_DIR, which all workers of one machine share. Never a per-process memory
# cache: one worker could not clear it for the others.
# Each database has a cache of its own, so that two sites (or a test run beside the demo) never
# see each other's pages. Every process writing to a database must find its cache, however its
# DATABASE_URL spells the database: the port PostgreSQL uses by default, this machine by any
# of its names, an SQLite file by its real path.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
for location in filter(None, (part.strip() for part in REDIS_URL.split(","))):
    # Read as the cache will read it, at start: redis-py refuses a malformed address only when
    # the cache is first used, with an error no request survives. The message names the
    # variable and never repeats its value, which may hold a password.
    if not location.startswith(("redis://", "rediss://", "unix://")):
        problem = "its scheme is not redis://, rediss:// or unix://"
    else:
        try:
            redis.connection.parse_url(location)
            problem = None
        except ValueError:
            problem = "it cannot be read"
        # redis-py drops a path that is no number (redis://host:6379/cache) without a word and
        # uses database 0, perhaps another application's.
        path = urllib.parse.urlsplit(location).path
        if not problem and location.startswith("redis") and not re.fullmatch(r"/?[0-9]*", path):
            problem = "its database is not a number"
    if problem:
        raise ImproperlyConfigured(
            f"REDIS_URL is not a Redis address ({problem}). Write it as "
            "redis://host:6379/0 (redis://:password@host:6379/0 with a password)."
        )


def writable_directory(name, path):
    """`path`, the value of the variable `name`, if it is a directory the site can write to or
    make (made when first written to); else the start is refused, naming the variable."""
    path = Path(path)
    nearest = next(p for p in (path.absolute(), *path.absolute().parents) if p.exists())
    if not nearest.is_dir() or not os.access(nearest, os.W_OK | os.X_OK):
        raise ImproperlyConfigured(
            f"{name} must be a directory the site can write to, or make, not "
            f"{str(path)!r} ({str(nearest)!r} is not one)."
        )
    return path


def database_identity(database):
    engine = database["ENGINE"]
    if engine.endswith("sqlite3"):
        name = str(database.get("NAME", ""))
        return f"sqlite|{os.path.realpath(name) if name and ':memory:' not in name else name}"
    host = str(database.get("HOST") or "").lower()
    if host in ("localhost", "127.0.0.1", "::1", "[::1]", ""):
        host = "this machine"  # a local socket too: the same server
    port = str(database.get("PORT") or "5432")
    return f"{engine}|{host}|{port}|{database.get('NAME', '')}"


CACHE_NAMESPACE = hashlib.blake2b(
    database_identity(DATABASES["default"]).encode(), digest_size=6
).hexdigest()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"film-archive:{CACHE_NAMESPACE}",
            "TIMEOUT": None,  # every entry says how long it lasts; the generation lasts
            # A Redis that stops answering costs a request a second at most, not ten or twenty:
            # pages are then rendered without the cache (archive.pagecache).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    # Django makes the directory when the cache is first used: one it cannot make stopped every
    # command (migrate, collectstatic) with a bare OSError, and left the workers without cache.
    CACHE_DIR = writable_directory(
        "DJANGO_CACHE_DIR", os.environ.get("DJANGO_CACHE_DIR", "").strip() or BASE_DIR / ".cache"
    )
    CACHES = {
        "default": {
            "BACKEND": "archive.filecache.FileCache",
            "LOCATION": str(CACHE_DIR / CACHE_NAMESPACE),
            "TIMEOUT": None,
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

# The server-side page cache (archive/pagecache.py): public pages are rendered once per change
# and served from the shared cache until the next change; at most this many seconds.
PAGE_CACHE = env_bool("DJANGO_PAGE_CACHE", True)
PAGE_CACHE_SECONDS = env_int("DJANGO_PAGE_CACHE_SECONDS", 24 * 60 * 60)

AUTHENTICATION_BACKENDS = [
    # Counts failed sign-ins and locks out brute-force attempts (django-axes).
    "archive.backends.SignInProtectionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "").strip() or "UTC"
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(
        f"DJANGO_TIME_ZONE must be a time zone's name, such as UTC or Europe/London, "
        f"not {TIME_ZONE!r}."
    ) from None
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", "").strip() or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
# Written to when an editor saves an image: one the site cannot write to failed that save
# with a 500, losing what the editor had typed.
MEDIA_ROOT = writable_directory(
    "DJANGO_MEDIA_ROOT", os.environ.get("DJANGO_MEDIA_ROOT", "").strip() or BASE_DIR / "media"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files in production; plain files while developing and testing.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# The admin's address; moving it off /admin/ spares it most automated probing.
ADMIN_URL = (os.environ.get("DJANGO_ADMIN_URL", "").strip() or "admin/").strip("/") + "/"
if ADMIN_URL == "/":
    # The site's own pages are at the root: an admin there would be found at no address.
    raise ImproperlyConfigured(
        "DJANGO_ADMIN_URL must be a path below the site's root, such as desk/, not '/'."
    )
# A browser sends what follows "?" or "#" as a query or not at all and resolves "." and ".."
# away, and Django reads "<…>" as a pattern: an admin there would be found at no address.
if not re.fullmatch(r"((?!\.{1,2}/)[\w.~-]+/)+", ADMIN_URL):
    raise ImproperlyConfigured(
        "DJANGO_ADMIN_URL must be a path of letters, digits, '-', '_', '.' or '~', in one or "
        f"more parts separated by '/' (such as desk/), not {ADMIN_URL!r}."
    )
# Addresses below STATIC_URL are answered by whitenoise (or a CDN, or the server in front)
# before Django's URLs are read, and those below MEDIA_URL by the server in front: an admin
# among them lost its pages to any file of the same name, and a cache or CDN keeping whatever
# is under /static/ for a year would keep the admin's pages too.
for prefix, served in ((STATIC_URL, "the static files"), (MEDIA_URL, "the uploaded images")):
    if ADMIN_URL.startswith(prefix) or prefix.startswith(ADMIN_URL):
        raise ImproperlyConfigured(
            f"DJANGO_ADMIN_URL must be an address of its own, such as desk/, not "
            f"{ADMIN_URL!r}: /{prefix} is where {served} are served."
        )

# Security. HTTPS is assumed in production (DEBUG off) unless DJANGO_HTTPS=false.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    # The proxy or CDN terminates TLS and says so in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features no page uses, refused to every page and to anything it embeds: the camera,
# the microphone, the reader's location, and the interest-based advertising topics Chromium
# would otherwise work out from visits (archive.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), browsing-topics=()"

# Content Security Policy (django-csp): no inline scripts or styles anywhere, admin included,
# and no per-request nonces, so that public pages stay cacheable.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Brute-force protection for sign-in (django-axes): after five failures for one username from
# one address, that pair waits an hour. Behind proxies, the client's address is read from
# X-Forwarded-For: DJANGO_PROXY_COUNT says how many trusted proxies append to it (see
# archive/proxies.py).
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 1 if BEHIND_PROXY else 0)
AXES_CLIENT_IP_CALLABLE = "archive.proxies.client_address"
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
if AXES_FAILURE_LIMIT < 1:
    # axes locks out once the failures reach the limit: at 0, every sign-in, the first too.
    raise ImproperlyConfigured(
        "DJANGO_LOGIN_FAILURE_LIMIT must be 1 or more (failed sign-ins before a lockout), "
        f"not {AXES_FAILURE_LIMIT}: at 0 no one could sign in."
    )
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Public pages may be cached by a CDN or browser for this long (seconds). Publishing shows on
# the site at once, and through a CDN within this time.
PUBLIC_CACHE_SECONDS = env_int("DJANGO_PUBLIC_CACHE_SECONDS", 120)

# The read-only content API under /api/v1/ (archive/api/): JSON only, anonymous, its errors as
# RFC 9457 problems. Every API request counts against its client address's rate (shared by
# all workers through the default cache), counted before the page cache answers.
API_RATE = os.environ.get("DJANGO_API_RATE", "").strip() or "120/min"
if not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", API_RATE):
    raise ImproperlyConfigured(
        f"DJANGO_API_RATE must be a number of requests per second, minute, hour or day, such as "
        f"120/min, not {API_RATE!r}."
    )
MIDDLEWARE.insert(
    MIDDLEWARE.index("archive.pagecache.PageCacheMiddleware"),
    "archive.api.middleware.ContentAPIMiddleware",
)
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "archive.api.negotiation.AlwaysJSON",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_METADATA_CLASS": None,
    "EXCEPTION_HANDLER": "archive.api.problems.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "URL_FORMAT_OVERRIDE": None,
    "STRICT_JSON": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Film Archive content API",
    "DESCRIPTION": "Read-only JSON: films with their credits, people, reviews, interviews with "
    "their exchanges, quotes with the passage they come from, and themes. Only what readers "
    "may see on the site.",
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "archive.api.problems.document_problems",
        "archive.api.views.without_word_patterns",
    ],
    "ENUM_NAME_OVERRIDES": {
        "FilmKind": "archive.api.serializers.FilmKind",
        "ArticleKind": "archive.api.serializers.ArticleKind",
        "CreditRole": "archive.api.serializers.CreditRole",
        "AwardOutcome": "archive.api.serializers.AwardOutcome",
    },
}

# Themes: "Syria" and "syria" are one theme; "civil defence" is one theme, not two.
TAGGIT_CASE_INSENSITIVE = True
TAGGIT_TAGS_FROM_STRING = "archive.themes.parse_themes"
TAGGIT_STRING_FROM_TAGS = "archive.themes.themes_to_string"

# The editors' history (django-reversion) stores each version with its themes' names, so that
# comparing, reverting and recovering include the themes (see archive/history.py).
SERIALIZATION_MODULES = {"history-json": "archive.history"}

LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "").strip().upper() or "INFO"
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured(
        f"DJANGO_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {LOG_LEVEL!r}."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}},
    "root": {
        "handlers": ["console"],
        "level": LOG_LEVEL,
    },
    # django-axes reports every sign-in at INFO; failures and lockouts are warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}
