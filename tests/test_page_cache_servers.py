"""The page cache across processes: every gunicorn worker, and a second app server, see a
change on their very next request, whoever made it.

The site runs under gunicorn with production settings on a database of its own (a SQLite file,
or a PostgreSQL database when the suite runs on PostgreSQL), loaded with the demo archive.
Changes are made by other processes: a Django shell, and an editor publishing in the admin of
one server while readers ask the other.
"""

import http.cookiejar
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings

from .conftest import need_redis
from .processes import (
    PROJECT,
    django_environment,
    gunicorn,
    postgres_admin,
    production_environment,
    run_django,
)

FILM = "/films/last-men-in-aleppo/"
POSTGRES_DATABASE = "film_archive_page_cache_test"
DRAFT_TITLE = "Fayyad at the premiere"


class Reader:
    """A browser without a session: requests through a cookie jar, headers kept."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path, data=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, body)
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def page(self, path=FILM):
        status, headers, body = self.get(path)
        assert status == 200, (path, status, body[:500])
        return headers.get("Cache-Status", ""), body

    def csrf_token(self, path):
        _, _, body = self.get(path)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)


@pytest.fixture(scope="module")
def environment(tmp_path_factory):
    """Production settings on a database of these tests' own, migrated and loaded with the demo,
    with a draft about the film and an editor to publish it."""
    folder = tmp_path_factory.mktemp("page-cache-servers")
    postgres = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    if postgres:
        postgres_admin(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)")
        postgres_admin(f"CREATE DATABASE {POSTGRES_DATABASE}")
        database_url = f"postgres://postgres@127.0.0.1:5432/{POSTGRES_DATABASE}"
    else:
        database_url = f"sqlite:///{folder / 'site.sqlite3'}"
    env = production_environment(
        folder / "static", DATABASE_URL=database_url, DJANGO_CACHE_DIR=str(folder / "cache")
    )
    for command in (["demo", "--no-serve"], ["collectstatic", "--no-input", "-v0"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=PROJECT,
            env=django_environment(**env),
            check=True,
            capture_output=True,
            timeout=300,
        )
    made = run_django(
        "from archive.models import Article, Film; from django.contrib.auth.models import User;"
        f"a = Article.objects.create(title={DRAFT_TITLE!r}, kind='feature', status='draft');"
        "a.film_links.create(film=Film.objects.get(slug='last-men-in-aleppo'));"
        "User.objects.create_superuser('chief', 'chief@example.org', 'a long pass phrase 7');"
        "print(a.pk)",
        **env,
    )
    assert made.returncode == 0, made.stderr
    yield env, int(made.stdout.strip())
    if postgres:
        postgres_admin(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)")


def change_from_another_process(env, synopsis):
    done = run_django(
        "from archive.models import Film;"
        f"Film.objects.filter(slug='last-men-in-aleppo').update(synopsis={synopsis!r})",
        **env,
    )
    assert done.returncode == 0, done.stderr


def test_every_worker_serves_the_cache_and_sees_a_change_at_once(environment):
    env, _ = environment
    with gunicorn(workers=2, **env) as base:
        reader = Reader(base)
        statuses = [reader.page()[0] for _ in range(8)]
        assert statuses[0] == "film-archive; fwd=miss; stored"
        assert set(statuses[1:]) == {"film-archive; hit"}

        change_from_another_process(env, "Changed by a shell on the same machine.")
        pages = [reader.page() for _ in range(8)]
        assert all("Changed by a shell on the same machine." in body for _, body in pages)
        assert pages[0][0] == "film-archive; fwd=miss; stored"
        assert {status for status, _ in pages[1:]} == {"film-archive; hit"}


def test_a_publication_through_one_server_is_served_by_the_other(environment):
    """Two app servers sharing one Redis: an editor publishes through the first; a reader of
    the second sees the piece on the next request."""
    env, draft = environment
    need_redis()
    shared = {**env, "REDIS_URL": "redis://127.0.0.1:6379/14"}
    import redis

    redis.Redis.from_url(shared["REDIS_URL"]).flushdb()  # nothing left from an earlier run
    with gunicorn(workers=2, **shared) as first, gunicorn(workers=2, **shared) as second:
        reader = Reader(second)
        reader.page()
        status, body = reader.page()
        assert status == "film-archive; hit" and DRAFT_TITLE not in body
        assert reader.page("/")[1].count(DRAFT_TITLE) == 0

        editor = Reader(first)
        token = editor.csrf_token("/admin/login/")
        editor.get(
            "/admin/login/",
            {"username": "chief", "password": "a long pass phrase 7",
             "csrfmiddlewaretoken": token, "next": "/admin/"},
        )  # fmt: skip
        token = editor.csrf_token("/admin/archive/article/")
        status, _, _ = editor.get(
            "/admin/archive/article/",
            {"action": "publish_now", "_selected_action": [str(draft)],
             "csrfmiddlewaretoken": token},
        )  # fmt: skip
        assert status == 200  # the list again, after the redirect

        status, body = reader.page()
        assert status == "film-archive; fwd=miss; stored"
        assert DRAFT_TITLE in body
        assert DRAFT_TITLE in reader.page("/")[1]
        # The editor, signed in on the first server, is never served from the cache.
        assert 'detail="signed-in"' in editor.get(FILM)[1]["Cache-Status"]
