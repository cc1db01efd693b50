"""While the database is unreachable the site answers 503 and recovers by itself.

The app runs under gunicorn with production settings against the real PostgreSQL, reached
through a TCP relay that the test can cut and restore: from the app's side, the database
goes away (connections refused mid-flight) and comes back, while the test database stays up.
"""

import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import missing_tool

PROJECT = Path(__file__).resolve().parent.parent
POSTGRES = ("127.0.0.1", 5432)
DATABASE = "film_archive_outage_test"


class Relay:
    """Forwards TCP connections to PostgreSQL until cut; while cut, drops every connection."""

    def __init__(self, target):
        self.target = target
        self.open = True
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


def admin_sql(statement):
    import psycopg2

    connection = psycopg2.connect(
        host=POSTGRES[0], port=POSTGRES[1], user="postgres", dbname="postgres"
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(statement)
    connection.close()


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    try:
        socket.create_connection(POSTGRES, timeout=2).close()
    except OSError:
        missing_tool("PostgreSQL is not running at 127.0.0.1:5432")
    admin_sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    admin_sql(f"CREATE DATABASE {DATABASE}")
    relay = Relay(POSTGRES)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{relay.port}/{DATABASE}",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_HTTPS="false",
        DJANGO_STATIC_ROOT=str(tmp_path_factory.mktemp("static")),
        DJANGO_SETTINGS_MODULE="site_config.settings",
    )
    for command in (
        ["migrate", "-v0"],
        ["loaddata", "demo", "-v0"],
        ["collectstatic", "--no-input", "-v0"],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=PROJECT, env=env, check=True, timeout=300
        )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "site_config.wsgi",
            "--workers", "2", "--bind", f"127.0.0.1:{port}", "--timeout", "30",
            "--control-socket", str(tmp_path_factory.mktemp("gunicorn") / "ctl"),
        ],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            get(base + "/healthz")
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise
            time.sleep(0.2)
    yield base, relay
    server.terminate()
    server.wait(timeout=30)
    relay.close()
    admin_sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def test_outage_gives_503_and_the_site_recovers_by_itself(site):
    base, relay = site
    film = base + "/films/last-men-in-aleppo/"
    for _ in range(4):  # warm both workers' persistent connections
        assert get(film)[0] == 200
    assert get(base + "/healthz") == (200, '{"status": "ok", "database": "ok"}')

    relay.cut()
    for _ in range(4):
        status, page = get(film)
        assert status == 503
        assert "Back shortly" in page
    assert get(base + "/healthz") == (503, '{"status": "unavailable", "database": "unavailable"}')

    relay.restore()
    statuses = [get(film)[0] for _ in range(4)]
    assert statuses == [200, 200, 200, 200]
    assert "Last Men in Aleppo" in get(film)[1]
    assert get(base + "/healthz")[0] == 200
