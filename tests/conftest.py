import importlib
import os
import shutil
import socket
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.test import override_settings

from .admin_pages import signed_in  # noqa: F401 (the admin browser tests' fixture)

GROUPS_MIGRATION = importlib.import_module("archive.migrations.0004_editors_and_contributors")


@receiver(post_migrate, sender=django_apps.get_app_config("archive"))
def groups_after_flush(using, **kwargs):
    """The editors' groups again after a transactional test has flushed the database.

    A flush empties every table and then re-creates only what post_migrate makes (content
    types, permissions), not the groups a data migration made (0004). In one process the
    tests that flush run last; the tests shared out among processes (pytest-xdist) run in
    another order, and the tests after a flush found no "Editors" group."""
    from django.contrib.auth.models import Group

    names = [GROUPS_MIGRATION.EDITORS, GROUPS_MIGRATION.CONTRIBUTORS]
    if Group.objects.using(using).filter(name__in=names).count() < len(names):
        state = MigrationLoader(connections[using]).project_state()
        GROUPS_MIGRATION.create_groups(state.apps, None)


# Playwright's sync API and pytest-django's live server share one process in the browser tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PROJECT = Path(__file__).resolve().parent.parent
VNU_JAR = PROJECT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def missing_tool(reason):
    """Skip when a real tool is missing on a developer's machine; in CI it must be there."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI installs it: see .ci/run)")
    pytest.skip(reason)


def need_redis():
    """The tests' Redis server at 127.0.0.1:6379, each test on a database of its own: skipped
    without it on a developer's machine, as the other tools are; in CI (.ci/run starts it) it
    must answer."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        missing_tool("Redis is not running at 127.0.0.1:6379")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (no browser download)."""
    if not CHROMIUM.exists():
        missing_tool("Chromium is not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextmanager
def csp_recording_page(browser, width=1280, height=900):
    """A new browser tab that records Content Security Policy violations, and must have none
    when the block ends."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and page.csp_violations.append(message.text)
        ),
    )
    yield page
    assert page.csp_violations == []
    context.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def vnu():
    """The Nu HTML Checker's command line, if Java and vnu-jar are installed."""
    java = shutil.which("java")
    if not java or not VNU_JAR.exists():
        missing_tool("The Nu HTML Checker needs Java and `npm install vnu-jar`")
    return [java, "-jar", str(VNU_JAR)]


@pytest.fixture(scope="session", autouse=True)
def page_cache_store(tmp_path_factory):
    """The tests' own cache directory, apart from the demo's."""
    location = tmp_path_factory.mktemp("cache")
    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "archive.filecache.FileCache",
                "LOCATION": str(location),
                "TIMEOUT": None,
                "OPTIONS": {"MAX_ENTRIES": 10_000},  # as the site's (settings.CACHES)
            }
        }
    ):
        yield location


@pytest.fixture(autouse=True)
def fresh_page_cache(page_cache_store):
    """Each test starts with no page cached: a test's rolled-back data never commits, so the
    generation would not move when the next test's data replaces it."""
    from archive import pagecache

    pagecache.invalidate()


@pytest.fixture(autouse=True)
def fresh_api_rate(page_cache_store):
    """Each test starts with the test client's API rate unused: the count is kept in the
    shared cache for a minute, so a test making hundreds of API requests (the hostile input
    tests) left the next tests' API requests refused (429) until the minute was over."""
    from django.core.cache import cache

    cache.delete_many(["throttle_api_127.0.0.1", "throttle_api_127.0.0.1_ends"])


@pytest.fixture
def film():
    """A film with its director and a published review, for the page cache's tests."""
    from .factories import make_article, make_credit, make_film, make_person

    film = make_film(title="Last Men in Aleppo", slug="last-men-in-aleppo", year=2017)
    make_credit(film, make_person(name="Feras Fayyad"))
    make_article(films=[film], title="An unforgettable portrait")
    return film
