"""`bench/generate_archive.py` writes a synthetic archive into an empty, migrated database."""

import os
import subprocess
import sys

import pytest
from django.contrib.auth.models import User
from django.db import connection

from .processes import PROJECT, django_environment, run_django


def generate(database, *args):
    return subprocess.run(
        [sys.executable, "bench/generate_archive.py", *args],
        cwd=PROJECT,
        env=django_environment(
            DATABASE_URL=f"sqlite:///{database}", DJANGO_CACHE_DIR=str(database.parent / "cache")
        ),
        capture_output=True,
        text=True,
        timeout=300,
    )


TINY = ("--films", "2", "--people", "3", "--articles", "6", "--quotes", "3", "--themes", "2")


@pytest.mark.once  # on SQLite files of its own, whatever the tests' database
def test_a_tiny_archive_is_generated_into_an_empty_migrated_database(tmp_path):
    """At a size to try it with (fewer than a hundred people, so one critic), it ended in a
    traceback, asked for two critics of one."""
    database = tmp_path / "tiny.sqlite3"
    migrated = run_django(
        "from django.core.management import call_command; call_command('migrate', verbosity=0)",
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_CACHE_DIR=str(tmp_path / "cache"),
    )
    assert migrated.returncode == 0, migrated.stderr
    result = generate(database, *TINY)
    assert result.returncode == 0, result.stderr
    assert "search index: 14 documents" in result.stdout

    again = generate(database, *TINY)
    assert again.returncode == 1
    assert again.stderr == (
        f"{database} already holds films, people, articles or themes: the archive is generated "
        "into an empty database (DATABASE_URL=sqlite:////tmp/large.sqlite3 after `migrate`, "
        "or --create-postgres NAME).\n"
    )


@pytest.mark.once  # on SQLite files of its own, whatever the tests' database
def test_a_database_not_migrated_or_a_size_of_nothing_is_refused_in_one_line(tmp_path):
    """Run into a database not migrated, it ended in a traceback ("no such table"); with
    --films 0, in another ("Cannot choose from an empty sequence"), after writing people."""
    database = tmp_path / "new.sqlite3"
    result = generate(database, *TINY)
    assert result.returncode == 1
    assert result.stderr == (
        f"{database} is not migrated: run `python manage.py migrate` with the same DATABASE_URL "
        "first, or give --create-postgres NAME.\n"
    )
    nothing = generate(database, "--films", "0")
    assert nothing.returncode == 2
    assert nothing.stderr.endswith("error: --films must be 1 or more\n")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="--create-postgres")
def test_create_postgres_never_drops_an_archive_in_use(transactional_db):
    """--create-postgres NAME drops the database NAME and makes it again: given the name of
    the publication's own database, it dropped that, editors' work and all (WITH (FORCE),
    their connections too). A database with accounts in it is refused, and left as it is."""
    User.objects.create_user("an-editor", password="their-own-password")
    name = connection.settings_dict["NAME"]
    result = subprocess.run(
        [sys.executable, "bench/generate_archive.py", "--create-postgres", name],
        cwd=PROJECT,
        env=django_environment(DATABASE_URL=os.environ["DATABASE_URL"]),  # the same server
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr == (
        f"The database {name} holds accounts people sign in with: it is an archive "
        "in use, not one this script made. Nothing was dropped; choose another name.\n"
    )
    connection.close()
    assert User.objects.filter(username="an-editor").exists()
