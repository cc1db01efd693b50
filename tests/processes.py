"""Running Django in a fresh interpreter, or serving it with gunicorn, configured only by the
environment a test gives it."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
CONFIG_VARIABLES = ("DATABASE_URL", "DATABASE_REPLICA_URL", "REDIS_URL")


def django_environment(**environ):
    """This process's environment without any of the project's configuration, plus `environ`."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DJANGO_") and name not in CONFIG_VARIABLES
    }
    env.update(environ, DJANGO_SETTINGS_MODULE="site_config.settings")
    return env


def run_django(code, setup=True, timeout=120, **environ):
    """Run `code` with the settings module and `environ` as the only configuration.

    With `setup`, Django is set up first (the settings are read); without, `code` does it.
    """
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}" if setup else code],
        cwd=PROJECT,
        env=django_environment(**environ),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def production_environment(static_root, **environ):
    """Production settings (DEBUG off, a random secret key) for plain HTTP on 127.0.0.1.

    `static_root` must hold the output of `collectstatic` run with these settings.
    """
    return {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_HTTPS": "false",
        "DJANGO_STATIC_ROOT": str(static_root),
        **environ,
    }


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url, opener=None, data=None):
    """The status and body of a request to `url` (a POST with `data`), whatever the status."""
    try:
        with (opener or urllib.request.build_opener()).open(url, data, timeout=20) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@contextmanager
def gunicorn(workers=2, config=None, log=None, **environ):
    """The site served by gunicorn on a free local port, configured by `environ`: its address.

    `config` is a gunicorn configuration file (its server hooks), `log` a file that receives
    what the site logs. Ready once `/healthz` answers; stopped on leaving the block.
    """
    port = free_port()
    options = ["--config", str(config)] if config else []
    output = open(log, "a") if log else subprocess.DEVNULL  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "site_config.wsgi",
            "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--timeout", "30",
            "--no-control-socket", *options,
        ],
        cwd=PROJECT,
        env=django_environment(**environ),
        stdout=output,
        stderr=output,
    )  # fmt: skip
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get(address + "/healthz")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        yield address
    finally:
        server.terminate()
        server.wait(timeout=30)
        if log:
            output.close()


def postgres_admin(statement):
    """Run `statement` on the local PostgreSQL server's maintenance database, outside a
    transaction (CREATE DATABASE, DROP DATABASE)."""
    import psycopg2

    connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()
