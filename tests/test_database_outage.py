"""While the database is unreachable the site answers 503 and recovers by itself.

The app runs under gunicorn with production settings against the real PostgreSQL, reached
through a TCP relay that the test can cut and restore: from the app's side, the database
goes away (connections refused mid-flight) and comes back, while the test database stays up.
"""

import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from django.db.migrations.recorder import MigrationRecorder
from django.test import TestCase

from archive.views import latest_migrations

from .conftest import missing_tool
from .processes import (
    PROJECT,
    django_environment,
    get,
    gunicorn,
    postgres_admin,
    production_environment,
    run_django,
)

POSTGRES = ("127.0.0.1", 5432)
DATABASE = "film_archive_outage_test"


class Relay:
    """Forwards TCP connections to PostgreSQL until cut; while cut, drops every connection
    (a server that hangs up at once). Counts the connections it is asked for."""

    def __init__(self, target):
        self.target = target
        self.open = True
        self.connections = 0
        self.pairs = []
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            if not self.open:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.pairs.append((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self):
        self.open = False
        with self.lock:
            for pair in self.pairs:
                for end in pair:
                    try:
                        end.shutdown(socket.SHUT_RDWR)
                        end.close()
                    except OSError:
                        pass
            self.pairs.clear()

    def restore(self):
        self.open = True

    def close(self):
        self.cut()
        self.listener.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    try:
        socket.create_connection(POSTGRES, timeout=2).close()
    except OSError:
        missing_tool("PostgreSQL is not running at 127.0.0.1:5432")
    postgres_admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    postgres_admin(f"CREATE DATABASE {DATABASE}")
    relay = Relay(POSTGRES)
    env = production_environment(
        tmp_path_factory.mktemp("static"),
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{relay.port}/{DATABASE}",
        DJANGO_CACHE_DIR=str(tmp_path_factory.mktemp("cache")),
    )
    for command in (
        ["migrate", "-v0"],
        ["loaddata", "demo", "-v0"],
        ["collectstatic", "--no-input", "-v0"],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=PROJECT,
            env=django_environment(**env),
            check=True,
            timeout=300,
        )
    with gunicorn(**env) as base:
        yield base, relay, env
    relay.close()
    postgres_admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def test_outage_gives_503_and_the_site_recovers_by_itself(site):
    base, relay, _ = site
    film = base + "/films/last-men-in-aleppo/"
    for _ in range(4):  # warm both workers' persistent connections
        assert get(film)[0] == 200
    assert get(base + "/healthz") == (200, '{"status": "ok", "database": "ok"}')

    relay.cut()
    person = base + "/people/feras-fayyad/"  # not yet in the page cache
    for _ in range(4):
        status, page = get(person)
        assert status == 503
        assert "Back shortly" in page
    assert get(base + "/healthz") == (503, '{"status": "unavailable", "database": "unavailable"}')
    # The API says so as it says everything else: a problem, not the site's page.
    status, body = get(base + "/api/v1/films/?year=2017")
    assert status == 503 and '"status":503' in body and "<html" not in body
    # A page already in the page cache is still served: nothing can change while the
    # database is away.
    status, page = get(film)
    assert status == 200 and "Last Men in Aleppo" in page
    # Someone with a session cookie (perhaps signed in) is not served from the cache, and the
    # session cannot be read: the same 503, not an error page.
    with_session = urllib.request.build_opener()
    with_session.addheaders = [("Cookie", "sessionid=an-editors-session")]
    status, page = get(film, opener=with_session)
    assert status == 503 and "Back shortly" in page

    relay.restore()
    statuses = [get(person)[0] for _ in range(4)]
    assert statuses == [200, 200, 200, 200]
    assert "Last Men in Aleppo" in get(film)[1]
    assert get(base + "/healthz")[0] == 200


def test_a_scheduled_piece_due_during_the_outage_gives_503_not_an_error(site):
    """A page stored before a piece's scheduled time expires at that time; the cache then asks
    the database what is scheduled next, and the database is away: the reader gets the 503
    page (it answered 500 when the question was asked outside the view)."""
    base, relay, env = site
    schedule = (
        "import datetime as dt; from django.utils import timezone; "
        "from archive.models import Article; "
        "Article.objects.filter(slug='last-men-in-aleppo-review').update("
        "published_at=timezone.now() + dt.timedelta(seconds=4))"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", schedule],
        cwd=PROJECT,
        env=django_environment(**env),
        check=True,
        timeout=60,
    )
    films = base + "/films/"
    for _ in range(4):
        assert get(films)[0] == 200
    relay.cut()
    try:
        time.sleep(5)  # the piece's time comes while the database is away
        for _ in range(4):
            status, page = get(films)
            assert status == 503 and "Back shortly" in page
    finally:
        relay.restore()
    assert get(films)[0] == 200


@pytest.mark.once
@pytest.mark.parametrize("cookie", ["", "sessionid=an-editors-session-of-32-characters"])
@pytest.mark.parametrize("path", ["/films/", "/api/v1/films/"])
def test_a_page_tries_the_unreachable_database_once(tmp_path, path, cookie):
    """A page not in the page cache, while the database cannot be reached, answers 503 after
    one attempt to connect. The cache asked the database when the next piece is scheduled, and
    on failing let the view ask again: each request waited on the database twice (ten seconds,
    with a host that does not answer, rather than five)."""
    server = Relay(POSTGRES)
    server.cut()  # every connection dropped at once, as by a server that refuses it
    try:
        result = run_django(
            "from django.test import Client; "
            f"response = Client(HTTP_COOKIE={cookie!r}).get({path!r}); "
            "print('status', response.status_code, response['Content-Type'])",
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{server.port}/archive?sslmode=disable",
            DJANGO_CACHE_DIR=str(tmp_path),
            DJANGO_ALLOWED_HOSTS="testserver",
        )
    finally:
        server.close()
    assert result.returncode == 0, result.stderr
    status = next(line for line in result.stdout.splitlines() if line.startswith("status"))
    kind = "application/problem+json" if path.startswith("/api/") else "text/html"
    assert status.startswith(f"status 503 {kind}")
    assert server.connections == 1


class HealthTests(TestCase):
    """`/healthz`, which a load balancer asks before sending readers to a server."""

    def test_ok_when_the_database_answers_and_is_migrated(self):
        response = self.client.get("/healthz")
        self.assertEqual((response.status_code, response.json()["status"]), (200, "ok"))

    def test_unavailable_while_the_database_lacks_this_releases_migrations(self):
        """A new release started before `migrate` (or on an empty database): its pages would
        fail on a missing table or column, so the load balancer must not send readers to it.
        /healthz said 200 while every page answered 500 or 503."""
        app, name = max(latest_migrations())  # archive's, or another app's
        MigrationRecorder.Migration.objects.filter(app=app, name=name).delete()
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json(), {"status": "unavailable", "database": "not migrated"})

    def test_readme_gives_the_answers_as_they_are(self):
        """README said `/healthz` answers `200 {"status": "ok"}`; it answers with the database's
        state too, and a monitor written from README to match the body never matched it."""
        readme = " ".join((PROJECT / "README.md").read_text().split())
        answers = [self.client.get("/healthz")]
        app, name = max(latest_migrations())
        MigrationRecorder.Migration.objects.filter(app=app, name=name).delete()
        answers.append(self.client.get("/healthz"))
        for response in answers:
            with self.subTest(response.content):
                self.assertIn(f"`{response.status_code} {response.content.decode()}`", readme)
