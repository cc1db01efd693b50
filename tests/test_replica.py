"""Readers' pages come from a real PostgreSQL streaming replica; editors and writes use the primary.

The module builds its own primary and replica on this machine (initdb, `pg_basebackup -R`, two
servers on free ports), loads the demo into the primary and serves the site with gunicorn and
production settings: DATABASE_URL on the primary, DATABASE_REPLICA_URL on the replica. Pausing
the replica's replay makes the difference visible: a piece published meanwhile is on the primary
only.
"""

import http.cookiejar
import os
import secrets
import shutil
import tempfile
import time
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from archive.replicas import RETRY_SECONDS

from .clusters import Cluster, postgres_programs
from .conftest import missing_tool
from .processes import get, gunicorn, production_environment, run_django

EDITOR = "replica-editor"
EDITOR_PASSWORD = secrets.token_urlsafe(16)


@pytest.fixture(scope="module")
def cluster():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("A streaming replica is PostgreSQL's: run with DATABASE_URL=postgres://…")
    programs = postgres_programs()
    if programs is None:
        missing_tool("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    directory = Path(tempfile.mkdtemp(prefix="film-archive-replica-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    cluster = Cluster(programs, directory)
    try:
        cluster.create()
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture(scope="module")
def environ(cluster, tmp_path_factory):
    """Production settings on the primary, with static files and a cache directory of their own;
    the page cache is off, so that every page is read from the database."""
    return production_environment(
        tmp_path_factory.mktemp("static"),
        DATABASE_URL=cluster.url("primary"),
        DJANGO_CACHE_DIR=str(tmp_path_factory.mktemp("cache")),
        DJANGO_PAGE_CACHE="false",
    )


@pytest.fixture(scope="module")
def site(cluster, environ):
    """The demo archive, loaded into the primary, served by gunicorn; an editor's account."""
    result = run_django(
        "from django.core.management import call_command; "
        "call_command('demo', no_serve=True); "
        "call_command('collectstatic', interactive=False, verbosity=0); "
        "from django.contrib.auth.models import Group, User; "
        f"editor = User.objects.create_user({EDITOR!r}, password={EDITOR_PASSWORD!r}, "
        "is_staff=True); "
        "editor.groups.add(Group.objects.get(name='Editors'))",
        **environ,
    )
    assert result.returncode == 0, result.stderr
    with gunicorn(**environ, DATABASE_REPLICA_URL=cluster.url("replica")) as address:
        yield address


def publish(environ, title):
    """A new article, published now on the primary by a separate Django process: its id and slug."""
    result = run_django(
        "from archive.models import Article; "
        f"article = Article.objects.create(title={title!r}, standfirst='Fresh from the desk.', "
        "status=Article.Status.PUBLISHED); "
        "print(article.pk, article.slug)",
        **environ,
    )
    assert result.returncode == 0, result.stderr
    pk, slug = result.stdout.split()
    return int(pk), slug


class FormFields(HTMLParser):
    """What a browser would submit from the form `form_id` in `page`, as (name, value) pairs."""

    def __init__(self, page, form_id):
        super().__init__()
        self.form_id = form_id
        self.in_form = False
        self.fields = []
        self.select = None
        self.textarea = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("id") == self.form_id
        if not self.in_form or "disabled" in attrs:
            return
        if tag == "input" and "name" in attrs:
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            if kind not in {"submit", "button", "image", "reset", "file"}:
                self.fields.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append((self.select, attrs.get("value") or ""))

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea" and self.textarea:
            name, text = self.textarea
            # A newline right after <textarea> is not part of its value.
            self.fields.append((name, text.removeprefix("\n")))
            self.textarea = None
        elif tag == "select":
            self.select = None

    def submit(self, **changes):
        fields = [(name, changes.get(name, value)) for name, value in self.fields]
        return urllib.parse.urlencode(fields).encode()


def sign_in(address):
    """An editor's browser, signed in through the admin's sign-in form."""
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    sign_in_page = f"{address}/{settings.ADMIN_URL}login/"
    form = FormFields(get(sign_in_page, browser)[1], "login-form")
    form.fields += [("username", EDITOR), ("password", EDITOR_PASSWORD)]
    status, page = get(sign_in_page, browser, data=form.submit())
    assert status == 200 and "Log out" in page, page
    return browser


def test_readers_pages_come_from_the_replica(site, cluster, environ):
    """While the replica's replay is paused, a new piece is missing from the home page and its
    own page answers 404; once the replica has replayed it, readers see it."""
    with cluster.replay_paused():
        _, slug = publish(environ, "Published while the replica waits")
        assert cluster.has_article("primary", slug) and not cluster.has_article("replica", slug)
        for _ in range(4):  # whichever worker answers
            status, home = get(site)
            assert status == 200
            assert "Last Men in Aleppo" in home
            assert "Published while the replica waits" not in home
            assert get(f"{site}/articles/{slug}/")[0] == 404

    status, home = get(site)
    assert status == 200 and "Published while the replica waits" in home
    status, page = get(f"{site}/articles/{slug}/")
    assert status == 200 and "Published while the replica waits" in page


def test_editors_and_writes_use_the_primary(site, cluster, environ):
    """A signed-in editor sees a piece the replica does not have yet, in the admin, its preview
    and the public page, and saves it through the admin; readers see it once it is replayed."""
    editor = sign_in(site)
    with cluster.replay_paused():
        pk, slug = publish(environ, "Filed while the replica waits")
        assert get(f"{site}/articles/{slug}/")[0] == 404

        status, articles = get(f"{site}/{settings.ADMIN_URL}archive/article/", editor)
        assert status == 200 and "Filed while the replica waits" in articles
        status, preview = get(f"{site}/preview/articles/{pk}/", editor)
        assert status == 200 and "Filed while the replica waits" in preview
        status, page = get(f"{site}/articles/{slug}/", editor)
        assert status == 200 and "Filed while the replica waits" in page

        change = f"{site}/{settings.ADMIN_URL}archive/article/{pk}/change/"
        form = FormFields(get(change, editor)[1], "article_form")
        status, articles = get(
            change, editor, data=form.submit(title="Filed and corrected while the replica waits")
        )
        assert status == 200
        assert "was changed successfully" in articles
        assert "Filed and corrected while the replica waits" in articles
        assert cluster.sql("primary", "SELECT title FROM archive_article WHERE id = %s", (pk,)) == (
            "Filed and corrected while the replica waits",
        )
        assert not cluster.has_article("replica", slug)
        assert get(f"{site}/articles/{slug}/")[0] == 404

    status, page = get(f"{site}/articles/{slug}/")
    assert status == 200 and "Filed and corrected while the replica waits" in page


def test_readers_are_served_from_the_primary_while_the_replica_is_down(site, cluster, environ):
    """With the replica stopped, pages answer 200 with what the primary has; once it is back,
    readers' pages come from it again."""
    for _ in range(4):  # both workers hold a connection to the replica, which is about to go away
        assert get(site)[0] == 200
    cluster.stop("replica")
    try:
        _, slug = publish(environ, "Published while the replica is down")
        for _ in range(6):
            status, home = get(site)
            assert status == 200 and "Published while the replica is down" in home
        status, page = get(f"{site}/articles/{slug}/")
        assert status == 200 and "Published while the replica is down" in page
    finally:
        cluster.start("replica")

    with cluster.replay_paused():
        _, slug = publish(environ, "Published once the replica is back")
        # Each worker tries the replica again RETRY_SECONDS after it failed; until then it
        # reads from the primary and shows the new piece.
        deadline = time.monotonic() + RETRY_SECONDS + 15
        from_replica = 0
        while from_replica < 6:
            assert time.monotonic() < deadline, "readers' pages did not return to the replica"
            status, home = get(site)
            assert status == 200
            from_replica = 0 if "Published once the replica is back" in home else from_replica + 1
            time.sleep(0.1)
    assert "Published once the replica is back" in get(site)[1]


def cache_status(url):
    with urllib.request.urlopen(url, timeout=20) as response:
        return response.headers.get("Cache-Status", ""), response.read().decode()


def test_the_page_cache_keeps_no_page_the_replica_had_not_caught_up_with(
    cluster, environ, site, tmp_path
):
    """With the page cache on: right after a publication the replica may not have replayed it;
    such a page is served but not stored, and the page stored once it has is current."""
    cached = {**environ, "DJANGO_PAGE_CACHE": "true", "DJANGO_CACHE_DIR": str(tmp_path)}
    with gunicorn(**cached, DATABASE_REPLICA_URL=cluster.url("replica")) as address:
        cache_status(address + "/")
        assert cache_status(address + "/")[0] == "film-archive; hit"
        with cluster.replay_paused():
            publish(cached, "Published while the cache waits")
            for _ in range(4):
                status, home = cache_status(address + "/")
                assert status == "film-archive; fwd=miss"
                assert "Published while the cache waits" not in home
        status, home = cache_status(address + "/")
        assert status == "film-archive; fwd=miss; stored"
        assert "Published while the cache waits" in home
        assert cache_status(address + "/")[0] == "film-archive; hit"


def test_list_filters_keep_nothing_the_replica_had_not_caught_up_with(site, cluster, environ):
    """A list's theme options, read once per change for all its pages, are not kept while read
    from a replica behind that change: once it has replayed the change, they show it."""
    get(f"{site}/articles/")
    with cluster.replay_paused():
        result = run_django(
            "from archive.models import Article; "
            "article = Article.objects.create(title='Themed while the replica waits', "
            "status=Article.Status.PUBLISHED); "
            "article.themes.add('replica lag')",
            **environ,
        )
        assert result.returncode == 0, result.stderr
        for _ in range(4):  # whichever worker answers
            status, page = get(f"{site}/articles/")
            assert status == 200 and "replica lag" not in page
    status, page = get(f"{site}/articles/")
    assert status == 200 and "replica lag" in page


def test_the_replica_is_set_up_only_by_its_variable():
    """Without DATABASE_REPLICA_URL nothing changes; with it, the replica is configured like the
    primary, mirrors it in tests, and the router and middleware are installed."""
    show = (
        "from django.conf import settings as s; "
        "print(sorted(s.DATABASES), s.DATABASE_ROUTERS, "
        "'archive.middleware.ReplicaReadsMiddleware' in s.MIDDLEWARE); "
        "r = s.DATABASES.get('replica'); "
        "r and print(r['HOST'], r['TEST']['MIRROR'], r['CONN_HEALTH_CHECKS'], r['OPTIONS'])"
    )
    primary = "postgres://archive@db.internal:5432/archive"
    result = run_django(show, DATABASE_URL=primary)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["['default'] [] False"]

    result = run_django(
        show,
        DATABASE_URL=primary,
        DATABASE_REPLICA_URL="postgres://archive@replica.internal/archive",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "['default', 'replica'] ['archive.replicas.ReplicaRouter'] True",
        "replica.internal default True "
        "{'options': '-c jit=off -c synchronize_seqscans=off "
        "-c max_parallel_workers_per_gather=0', 'connect_timeout': 3}",
    ]


# A gunicorn configuration whose hooks stop the replica server (`pg_ctl … stop`) in the middle of
# a request sent with X-Stop-Replica-After-Reads: N, once the request has read N times from it.
STOPS_THE_REPLICA = """
import subprocess

from django.db import connections

STOP = {stop!r}


def pre_request(worker, req):
    after = dict(req.headers).get("X-STOP-REPLICA-AFTER-READS")
    if after is None:
        return
    reads = []

    def stop_after(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        reads.append(sql)
        if len(reads) == int(after):
            subprocess.run(STOP, check=True, capture_output=True)
        return result

    connections["replica"].execute_wrappers.append(stop_after)
    worker.stops_the_replica = stop_after


def post_request(worker, req, environ, resp):
    stop_after = getattr(worker, "stops_the_replica", None)
    if stop_after is not None:
        connections["replica"].execute_wrappers.remove(stop_after)
        del worker.stops_the_replica
"""


def test_a_replica_gone_in_the_middle_of_a_page_leaves_it_to_the_primary(
    cluster, environ, site, tmp_path
):
    """The replica stops between two reads of a reader's page: the page is read again, whole,
    from the primary, and the replica is given up on as when it fails a page's first read (the
    log says so once), so that the worker's next pages do not wait on it. The reader got the
    503 page though the primary could answer, and the worker asked the replica again at once."""
    stop = cluster.command(
        "pg_ctl", "-D", str(cluster.directory / "replica"), "-m", "fast", "-w", "stop"
    )
    config = tmp_path / "gunicorn.conf.py"
    config.write_text(STOPS_THE_REPLICA.format(stop=stop))
    log = tmp_path / "site.log"
    replica = cluster.url("replica")
    with gunicorn(
        workers=1, config=config, log=log, **environ, DATABASE_REPLICA_URL=replica
    ) as address:
        assert get(address)[0] == 200  # the worker holds a connection to the replica
        cluster.pause_replay()
        try:
            publish(environ, "Published before the replica goes")
            assert "Published before the replica goes" not in get(address)[1]
            # Its first read is the check that the replica answers; the page's own come next.
            dropped = urllib.request.Request(address, headers={"X-Stop-Replica-After-Reads": "2"})
            status, home = get(dropped)
            assert not cluster.running("replica")
            assert status == 200 and "Published before the replica goes" in home
            assert log.read_text().count("Read replica unavailable") == 1
        finally:
            if not cluster.running("replica"):
                cluster.start("replica")
    cluster.wait_for_replay()


def test_a_replica_that_stops_answering_is_given_up_on(site, cluster, environ):
    """A replica that keeps its connections but answers nothing (its host paused): each worker
    gives up on it after a few seconds and serves readers from the primary. Its open
    connection's `SELECT 1` waited until gunicorn killed the worker, thirty seconds later, and
    the reader got no answer. Last in the module: afterwards a worker that gave up reads from
    the primary for RETRY_SECONDS, which the tests that pause the replica's replay would see."""
    for _ in range(4):  # both workers hold an open connection to the replica
        assert get(site)[0] == 200
    with cluster.frozen("replica"):
        _, slug = publish(environ, "Published while the replica is frozen")
        started = time.monotonic()
        for _ in range(4):
            status, home = get(site)
            assert status == 200 and "Published while the replica is frozen" in home
        assert time.monotonic() - started < 20  # each worker waits once, then reads the primary
    cluster.wait_for_replay()
