"""Settings come from the environment; production mode refuses an unsafe secret key."""

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import need_redis
from .processes import PROJECT, django_environment, run_django

GOOD_KEY = "k7#Qv2-the-production-key-is-long-and-random-9fz0Lw3x8pA5dRtY1mN6bVc"
run_settings = run_django


def test_out_of_the_box_is_the_demo_on_sqlite():
    result = run_settings(
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'])"
    )
    assert result.returncode == 0, result.stderr
    debug, engine, name = result.stdout.split()
    assert (debug, engine) == ("True", "django.db.backends.sqlite3")
    assert Path(name) == PROJECT / "db.sqlite3"


DEVELOPMENT_KEY = "django-insecure-film-archive-development-key-not-for-production"


@pytest.mark.parametrize("key", [None, "", DEVELOPMENT_KEY])
def test_production_refuses_a_missing_or_default_secret_key(key):
    environ = {"DJANGO_DEBUG": "false"}
    if key is not None:
        environ["DJANGO_SECRET_KEY"] = key
    result = run_settings("print('started')", **environ)
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "Set DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    "key, reason",
    [
        ("changeme", "it has 8 characters"),
        ("k7#Qv2-a-key-of-forty-nine-characters-9fz0Lw3x8pA", "it has 49 characters"),
        ("ab" * 40, "it has only 2 different characters"),
        ("django-insecure-" + GOOD_KEY, "it is one of the keys `django-admin startproject` writes"),
    ],
)
def test_production_refuses_a_weak_secret_key(key, reason):
    """A key anyone could guess signs sessions an attacker can forge, and Django's warning
    about it (W009) is seen only by `check --deploy`, which gunicorn never runs: production
    refuses to start with it, saying why without repeating the key."""
    result = run_settings("print('started')", DJANGO_DEBUG="false", DJANGO_SECRET_KEY=key)
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "Set DJANGO_SECRET_KEY" in result.stderr
    assert reason in result.stderr
    assert key not in result.stderr
    demo = run_settings("print('started')", DJANGO_SECRET_KEY=key)
    assert demo.returncode == 0, demo.stderr


def test_gunicorn_entry_point_defaults_to_production_mode():
    result = run_settings("import site_config.wsgi", setup=False)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("entry_point", ["site_config.wsgi", "site_config.asgi"])
@pytest.mark.parametrize("debug", ["", "  "])
def test_a_blank_debug_is_production_mode_for_the_servers(entry_point, debug):
    """`DJANGO_DEBUG=` in a server's environment file, its value left out, is no value: the
    entry points gunicorn and uvicorn load read it as unset, production, and refuse the
    development secret key. It turned DEBUG on, showing every visitor Django's diagnostic pages
    with the settings in them."""
    result = run_settings(f"import {entry_point}", setup=False, DJANGO_DEBUG=debug)
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_production_with_a_real_key_starts():
    result = run_settings(
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.STORAGES['staticfiles']['BACKEND'])",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="films.example.org, www.films.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "False ['films.example.org', 'www.films.example.org']" in result.stdout
    assert "CompressedManifestStaticFilesStorage" in result.stdout


@pytest.mark.parametrize("hosts", ["", " , "])
def test_production_refuses_allowed_hosts_set_to_nothing(hosts):
    """An environment file's `DJANGO_ALLOWED_HOSTS=` with its value forgotten would have the
    site answer 400 to every request for its real name; it is refused, saying what to set."""
    result = run_settings(
        "print('started')",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS=hosts,
    )
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "DJANGO_ALLOWED_HOSTS is set but names no host" in result.stderr


@pytest.mark.parametrize(
    "hosts", ["https://films.example.org", "films.example.org/", "films.example.org:443"]
)
def test_allowed_hosts_that_name_no_host_are_refused(hosts):
    """DJANGO_ALLOWED_HOSTS=https://films.example.org (written as the CSRF origins beside it
    are) was taken as it came, and every request was then refused as a bad request (400):
    Django compares the request's bare host name with each entry."""
    result = run_settings(
        "print('started')",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS=f"www.films.example.org, {hosts}",
    )
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "DJANGO_ALLOWED_HOSTS names host names, without scheme, path or port" in result.stderr
    assert repr(hosts) in result.stderr


@pytest.mark.parametrize("hosts", ["*.films.example.org", "films.*"])
def test_allowed_hosts_with_a_wildcard_inside_a_name_are_refused(hosts):
    """DJANGO_ALLOWED_HOSTS=*.films.example.org, written as a certificate's wildcard, matched
    no request (Django takes a name's "*" as a letter; its own way to allow subdomains is a
    leading dot), and every request was refused as a bad request (400). The message names
    the way that works."""
    result = run_settings(
        "print('started')",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS=hosts,
    )
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert repr(hosts) in result.stderr
    assert ".films.example.org" in result.stderr
    allowed = run_settings(
        "from django.conf import settings as s; print(s.ALLOWED_HOSTS)",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS=".films.example.org,*",
    )
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.strip() == "['.films.example.org', '*']"


@pytest.mark.parametrize(
    "origins",
    ["films.example.org", "https://films.example.org/", "https://films.example.org/admin/"],
)
def test_csrf_trusted_origins_that_name_no_origin_are_refused(origins):
    """An origin is a scheme and a host (and a port), as a browser's Origin header sends it:
    `https://films.example.org/`, copied from the address bar, matched no form, and every
    sign-in through a proxy that renames the host was refused (403, "Origin checking failed")
    by a site that had started without a word (Django's own check runs with `check` and
    `migrate`, not in gunicorn, and took the slash for part of the origin)."""
    result = run_settings(
        "print('started')",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_CSRF_TRUSTED_ORIGINS=f"https://www.films.example.org, {origins}",
    )
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "DJANGO_CSRF_TRUSTED_ORIGINS names origins" in result.stderr
    assert repr(origins) in result.stderr
    trusted = run_settings(
        "from django.conf import settings as s; print(s.CSRF_TRUSTED_ORIGINS)",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://films.example.org, https://*.example.org, "
        "http://127.0.0.1:8000",
    )
    assert trusted.returncode == 0, trusted.stderr
    assert trusted.stdout.strip() == (
        "['https://films.example.org', 'https://*.example.org', 'http://127.0.0.1:8000']"
    )


def test_allowed_hosts_default_to_this_machine():
    show = "from django.conf import settings as s; print(s.ALLOWED_HOSTS)"
    in_production = run_settings(show, DJANGO_DEBUG="false", DJANGO_SECRET_KEY=GOOD_KEY)
    blank_in_the_demo = run_settings(show, DJANGO_ALLOWED_HOSTS=" , ")
    for result in (in_production, blank_in_the_demo):
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "['localhost', '127.0.0.1', '[::1]']"


def test_database_url():
    result = run_settings(
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['ENGINE'], d['NAME'], d['HOST'], d['CONN_HEALTH_CHECKS'])",
        DATABASE_URL="postgres://editor@db.internal:5432/archive",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "archive",
        "db.internal",
        "True",
    ]


def test_postgresql_options_in_the_database_url_are_kept():
    """`?options=-c search_path=archive` (a schema of its own on a shared server) or a
    statement timeout in DATABASE_URL were dropped without a word: the site's own session
    settings replaced them. Both now apply, the address's after the site's (so they win)."""
    result = run_settings(
        "from django.conf import settings as s; print(s.DATABASES['default']['OPTIONS'])",
        DATABASE_URL="postgres://editor@db.internal:5432/archive"
        "?sslmode=require&options=-c%20search_path%3Darchive%20-c%20statement_timeout%3D5000",
    )
    assert result.returncode == 0, result.stderr
    options = result.stdout.strip()
    assert "'sslmode': 'require'" in options
    assert (
        "'options': '-c jit=off -c synchronize_seqscans=off -c max_parallel_workers_per_gather=0"
        " -c search_path=archive -c statement_timeout=5000'"
    ) in options


def test_a_blank_database_url_is_the_demo_database():
    """An environment file with `DATABASE_URL=` and nothing after it means the default."""
    result = run_settings(
        "from django.conf import settings as s; print(s.DATABASES['default']['NAME'])",
        DATABASE_URL=" ",
    )
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()) == PROJECT / "db.sqlite3"


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("DATABASE_URL", "archive.internal/archive", "its scheme is unknown"),
        ("DATABASE_URL", "postgresql+psycopg://archive:s3cret@db/archive", "its scheme is unknown"),
        ("DATABASE_URL", "postgres://archive:s3cret@db:5432x/archive", "it cannot be read"),
        ("DATABASE_REPLICA_URL", "postgres://archive:s3cret@db:port/archive", "it cannot be read"),
    ],
)
def test_a_malformed_database_address_is_explained(name, value, reason):
    """The operator is told which variable is wrong and how to write it, and the password in
    it is not printed."""
    environ = {"DATABASE_URL": "postgres://archive@db.internal/archive", name: value}
    result = run_settings("pass", **environ)
    assert result.returncode != 0
    assert f"{name} is not a database address ({reason})" in result.stderr
    assert "postgres://user:password@host:5432/name" in result.stderr
    assert "s3cret" not in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "postgres://archive:s3cret@db.internal:5432"),
        ("DATABASE_URL", "postgres://archive:s3cret@db.internal:5432/"),
        ("DATABASE_REPLICA_URL", "postgres://archive:s3cret@db-replica.internal"),
    ],
)
def test_a_postgresql_address_without_a_database_is_explained(name, value):
    """DATABASE_URL=postgres://archive:…@db.internal:5432, the database's name forgotten, let
    the site start, and then every page, /healthz included, was a 500 ("settings.DATABASES is
    improperly configured. Please supply the NAME"). It is refused at start, naming the
    variable; a service file's `?service=` still names the database."""
    environ = {"DATABASE_URL": "postgres://archive@db.internal/archive", name: value}
    result = run_settings("print('started')", **environ)
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert f"{name} is not a database address (it names no database)" in result.stderr
    assert "s3cret" not in result.stderr
    service = run_settings(
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['OPTIONS']['service'])",
        DATABASE_URL="postgres://?service=archive",
    )
    assert service.returncode == 0, service.stderr
    assert service.stdout.strip() == "archive"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "DATABASE_URL",
            "mysql://archive:s3cret@db.internal/archive",
            "DATABASE_URL names a mysql:// database: the archive runs on PostgreSQL",
        ),
        (
            "DATABASE_REPLICA_URL",
            "oracle://archive:s3cret@db.internal/archive",
            "DATABASE_REPLICA_URL names a oracle:// database",
        ),
        (
            "DATABASE_URL",
            "postgres://archive:s3cret@db.internal/archive?sslmode=bogus",
            "DATABASE_URL's sslmode must be disable, allow, prefer, require, verify-ca or "
            "verify-full, not 'bogus'",
        ),
    ],
)
def test_a_database_the_archive_cannot_use_is_explained(name, value, message):
    """DATABASE_URL=mysql://… was taken as it came and failed in Django's loading of a driver
    ("Error loading MySQLdb module"), and ?sslmode=bogus let the site start and then failed
    at every page in libpq ("invalid sslmode value"). Each is refused at start, naming the
    variable and not its password."""
    environ = {"DATABASE_URL": "postgres://archive@db.internal/archive", name: value}
    result = run_settings("print('started')", **environ)
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert message in result.stderr
    assert "s3cret" not in result.stderr
    required = run_settings(
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['OPTIONS']['sslmode'])",
        DATABASE_URL="postgres://archive@db.internal/archive?sslmode=verify-full",
    )
    assert required.returncode == 0, required.stderr
    assert required.stdout.strip() == "verify-full"


def test_a_replica_must_be_postgresql():
    result = run_settings(
        "pass",
        DATABASE_URL="postgres://archive@db.internal/archive",
        DATABASE_REPLICA_URL="sqlite:////srv/replica.sqlite3",
    )
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL names a PostgreSQL streaming replica" in result.stderr


def test_nonsense_debug_value_is_explained():
    result = run_settings("pass", DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr


@pytest.mark.parametrize("command", ["check", "migrate", "collectstatic --no-input"])
def test_manage_py_says_what_to_set_in_one_line(command):
    """An operator who mistyped a variable got fifty lines of traceback from every command,
    the sentence naming the variable at the bottom of it; it is now all that is said."""
    result = subprocess.run(
        [sys.executable, "manage.py", *command.split()],
        cwd=PROJECT,
        env=django_environment(DJANGO_DEBUG="maybe"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr == "Error: DJANGO_DEBUG must be true or false, not 'maybe'.\n"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DJANGO_HSTS_SECONDS", "6 months"),
        ("DJANGO_CONN_MAX_AGE", "2m"),
        ("DJANGO_PUBLIC_CACHE_SECONDS", "1.5"),
        ("DJANGO_PAGE_CACHE_SECONDS", "²"),
        ("DJANGO_LOGIN_FAILURE_LIMIT", "five"),
        ("DJANGO_PROXY_COUNT", "-1"),  # would read the client's own X-Forwarded-For entries
    ],
)
def test_a_number_that_is_none_is_explained(name, value):
    result = run_settings("pass", **{name: value})
    assert result.returncode != 0
    assert f"{name} must be a whole number, 0 or more" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DJANGO_TIME_ZONE", "Mars/Olympus_Mons", "DJANGO_TIME_ZONE must be a time zone's name"),
        ("DJANGO_TIME_ZONE", "../etc/passwd", "DJANGO_TIME_ZONE must be a time zone's name"),
        ("DJANGO_LOG_LEVEL", "LOUD", "DJANGO_LOG_LEVEL must be DEBUG, INFO, WARNING"),
    ],
)
def test_a_name_that_is_none_is_explained(name, value, message):
    """Django's own errors said "Incorrect timezone setting" and "Unable to configure root
    logger", naming no variable."""
    result = run_settings("pass", **{name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_a_login_failure_limit_of_zero_is_refused():
    """django-axes locks a username and address out once their failures reach the limit: at 0
    every sign-in was refused as "Too many sign-in attempts", the first one with the right
    password too, so no editor could reach the admin."""
    result = run_settings("pass", DJANGO_LOGIN_FAILURE_LIMIT="0")
    assert result.returncode != 0
    assert "DJANGO_LOGIN_FAILURE_LIMIT must be 1 or more" in result.stderr
    one = run_settings(
        "from django.conf import settings as s; print(s.AXES_FAILURE_LIMIT)",
        DJANGO_LOGIN_FAILURE_LIMIT="1",
    )
    assert one.returncode == 0, one.stderr
    assert one.stdout.strip() == "1"


def test_time_zone_and_log_level_are_read():
    show = "from django.conf import settings as s; print(s.TIME_ZONE, s.LOG_LEVEL)"
    result = run_settings(show, DJANGO_TIME_ZONE=" Europe/Copenhagen ", DJANGO_LOG_LEVEL="warning")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["Europe/Copenhagen", "WARNING"]
    blank = run_settings(show, DJANGO_TIME_ZONE="", DJANGO_LOG_LEVEL=" ")
    assert blank.returncode == 0, blank.stderr
    assert blank.stdout.split() == ["UTC", "INFO"]


def test_the_admin_address():
    """A blank DJANGO_ADMIN_URL is the default; the root, where the site's pages are, is
    refused (the admin was then found at no address, /admin/ included)."""
    show = "from django.conf import settings as s; print(s.ADMIN_URL)"
    assert run_settings(show, DJANGO_ADMIN_URL="/desk/").stdout.strip() == "desk/"
    assert run_settings(show, DJANGO_ADMIN_URL="").stdout.strip() == "admin/"
    root = run_settings(show, DJANGO_ADMIN_URL="/")
    assert root.returncode != 0
    assert "DJANGO_ADMIN_URL must be a path below the site's root" in root.stderr


@pytest.mark.parametrize(
    "address", ["desk?editors/", "desk#top/", "../", "desk/./", "<slug:desk>/"]
)
def test_an_admin_address_no_browser_can_reach_is_refused(address):
    """DJANGO_ADMIN_URL=desk?editors/ was taken as it came: a browser sends what follows "?"
    or "#" as a query or not at all, and "../" or "./" are resolved away before sending, so
    the admin was at no address anyone could reach (and "<slug:desk>/" was read by Django as
    a pattern of its own, handing the admin's views an argument they do not take)."""
    result = run_settings("print('started')", DJANGO_ADMIN_URL=address)
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "DJANGO_ADMIN_URL must be a path of letters, digits" in result.stderr
    nested = run_settings(
        "from django.conf import settings as s; print(s.ADMIN_URL)",
        DJANGO_ADMIN_URL="/back-office/desk_2.0/",
    )
    assert nested.returncode == 0, nested.stderr
    assert nested.stdout.strip() == "back-office/desk_2.0/"


@pytest.mark.parametrize("address", ["static/", "/static/", "static/desk/", "media/"])
def test_an_admin_address_among_the_files_is_refused(address):
    """DJANGO_ADMIN_URL=static/ was taken as it came: the admin was then at the static files'
    address, which whitenoise (or a CDN, or the server in front) answers before the site's
    URLs are read, and media/ at the uploaded images', which the server in front answers. It
    is refused at start, as the other addresses where the admin would not be found are."""
    result = run_settings("print('started')", DJANGO_ADMIN_URL=address)
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "DJANGO_ADMIN_URL must be an address of its own" in result.stderr
    assert "is where the" in result.stderr
    beside = run_settings(
        "from django.conf import settings as s; print(s.ADMIN_URL)", DJANGO_ADMIN_URL="statics/"
    )
    assert beside.returncode == 0, beside.stderr
    assert beside.stdout.strip() == "statics/"


@pytest.mark.parametrize("address", ["films/", "/api/v1/", "api", "feeds/", "people/someone"])
def test_an_admin_address_of_the_sites_own_pages_is_refused(address):
    """DJANGO_ADMIN_URL=films/ was taken as it came: the admin's patterns come first, so every
    film page answered with the admin's sign-in (302 to /films/login/), and api/v1/ did the
    same to the whole API; so did api/ or feeds/, above them (the admin's last pattern takes
    every address below its own). Django's checks (`check`, `migrate`, `runserver`) refuse it."""
    check = "from django.core.management import call_command; call_command('check')"
    refused = run_settings(check, DJANGO_ADMIN_URL=address)
    assert refused.returncode != 0
    assert "archive.E001" in refused.stderr
    assert "an address of the site's own pages" in refused.stderr
    own = run_settings(check, DJANGO_ADMIN_URL="desk/")
    assert own.returncode == 0, own.stderr


def test_blank_static_and_media_roots_are_the_defaults():
    """An environment file with `DJANGO_STATIC_ROOT=` and nothing after it means the default,
    as for every other variable: it was the current directory, so `collectstatic` copied the
    site's static files among the project's own (and `DJANGO_MEDIA_ROOT= ` stored uploads in a
    directory named by a space)."""
    result = run_settings(
        "from django.conf import settings as s; print(s.STATIC_ROOT); print(s.MEDIA_ROOT)",
        DJANGO_STATIC_ROOT="",
        DJANGO_MEDIA_ROOT=" ",
    )
    assert result.returncode == 0, result.stderr
    static_root, media_root = result.stdout.splitlines()
    assert Path(static_root) == PROJECT / "staticfiles"
    assert Path(media_root) == PROJECT / "media"


def test_a_cache_directory_that_cannot_be_made_is_explained(tmp_path):
    """Django makes the cache's directory when the cache is first used: one it could not make
    (below a file, or where the site may not write) stopped `migrate`, `collectstatic` and
    every other command with a bare NotADirectoryError or PermissionError naming no variable,
    and left gunicorn's workers without a cache."""
    a_file = tmp_path / "cache"
    a_file.write_text("")
    result = run_settings("print('started')", DJANGO_CACHE_DIR=str(a_file / "pages"))
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "DJANGO_CACHE_DIR must be a directory the site can write to" in result.stderr
    to_be_made = run_settings(
        "from django.conf import settings as s; print(s.CACHES['default']['LOCATION'])",
        DJANGO_CACHE_DIR=str(tmp_path / "not-yet" / "cache"),
    )
    assert to_be_made.returncode == 0, to_be_made.stderr
    assert to_be_made.stdout.startswith(str(tmp_path / "not-yet" / "cache"))


def test_a_media_directory_that_cannot_be_made_is_explained(tmp_path):
    """DJANGO_MEDIA_ROOT below a file (or where the site may not write) started the site,
    and the first editor to save a film's or an article's image got a server error and lost
    the form; the start is now refused, naming the variable."""
    a_file = tmp_path / "media"
    a_file.write_text("")
    result = run_settings("print('started')", DJANGO_MEDIA_ROOT=str(a_file / "uploads"))
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "DJANGO_MEDIA_ROOT must be a directory the site can write to" in result.stderr
    to_be_made = run_settings(
        "from django.conf import settings as s; print(s.MEDIA_ROOT)",
        DJANGO_MEDIA_ROOT=str(tmp_path / "not-yet" / "media"),
    )
    assert to_be_made.returncode == 0, to_be_made.stderr
    assert to_be_made.stdout.strip() == str(tmp_path / "not-yet" / "media")


def test_numbers_are_read():
    result = run_settings(
        "from django.conf import settings as s; print(s.PROXY_COUNT, s.PUBLIC_CACHE_SECONDS)",
        DJANGO_PROXY_COUNT=" 2 ",
        DJANGO_PUBLIC_CACHE_SECONDS="0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2", "0"]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("cache.internal:6379", "its scheme is not redis://, rediss:// or unix://"),
        ("redis://cache.internal:63 79/0", "it cannot be read"),
        ("redis://cache.internal:6379/cache", "its database is not a number"),
        ("redis://cache.internal:6379/1/pages", "its database is not a number"),
    ],
)
def test_a_malformed_redis_url_is_explained(value, reason):
    """REDIS_URL=cache.internal:6379 (no redis://) was taken as it came: the site started, and
    then every page and API answer was a 500 (redis-py's ValueError, which the page cache does
    not take for an unreachable cache). A database that is no number (redis://…/cache) was
    dropped without a word by redis-py, which then used database 0, perhaps another
    application's. Each is refused at start, naming the variable."""
    result = run_settings("print('started')", REDIS_URL=value)
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert f"REDIS_URL is not a Redis address ({reason})" in result.stderr


def test_a_redis_database_its_server_has_not_is_explained():
    """REDIS_URL=redis://…/99, on a server of 16 databases, let the site start: the server
    refused every connection, and every page was rendered without the cache, with only a
    warning that the cache "cannot be reached". Whether the server has a database only the
    server knows: Django's checks (`check`, `migrate`, `runserver`) ask it, and refuse one it
    has not; a server that does not answer is an outage, not reported there. Against the
    real server (Redis's default of 16 databases, as CI starts it)."""
    need_redis()
    check = "from django.core.management import call_command; call_command('check')"
    refused = run_settings(check, REDIS_URL="redis://127.0.0.1:6379/99")
    assert refused.returncode != 0
    assert "archive.E002" in refused.stderr
    assert "REDIS_URL names database 99, which its Redis server refuses" in refused.stderr
    assert "DB index is out of range" in refused.stderr
    had = run_settings(check, REDIS_URL="redis://127.0.0.1:6379/15")
    assert had.returncode == 0, had.stderr
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    away = run_settings(check, REDIS_URL=f"redis://127.0.0.1:{port}/99")
    assert away.returncode == 0, away.stderr


def test_redis_url_selects_a_shared_cache_that_works():
    need_redis()
    result = run_settings(
        "from django.core.cache import caches; cache = caches['default']; "
        "cache.set('settings-test', 'shared', 10); "
        "print(type(cache).__name__, cache.get('settings-test'))",
        REDIS_URL="redis://127.0.0.1:6379/15",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["RedisCache", "shared"]


SAVE_DURING_A_LONG_READ = """
import copy
from django.db import connection, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE page (title TEXT)")
    cursor.execute("INSERT INTO page VALUES ('first')")
reader = DatabaseWrapper(copy.deepcopy(connection.settings_dict), alias="reader")
reading = reader.cursor()
reading.execute("BEGIN")
reading.execute("SELECT count(*) FROM page")
with transaction.atomic(), connection.cursor() as cursor:
    cursor.execute("INSERT INTO page VALUES ('second')")
reading.execute("SELECT count(*) FROM page")
during = reading.fetchone()[0]
reading.execute("COMMIT")
reading.execute("SELECT count(*) FROM page")
print(during, reading.fetchone()[0])
"""


def test_on_sqlite_a_save_commits_while_a_reader_is_reading(tmp_path):
    """A worker in the middle of a long read (a feed, a sitemap) does not hold an editor's save
    up: the save commits at once, the reader goes on with what it began with, and sees the
    save once it starts again."""
    result = run_settings(
        SAVE_DURING_A_LONG_READ, DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "2"]
