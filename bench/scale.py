"""Each public page type's uncached median time on the demo archive and on a large one.

What it measures: the median (p50) time Django takes to answer each kind of public page, with
the server-side page cache off (DJANGO_PAGE_CACHE=false), on two databases of one engine
(PostgreSQL, or SQLite): the demo archive, and a large archive made by
bench/generate_archive.py. It prints one table: page, demo p50, large p50, their ratio (large /
demo), and how much of each median was spent waiting for the database.

How: for each database, a fresh Python process (production settings: DEBUG off, a random secret
key, collected static files) picks the pages by query — the film with the most public articles,
the person with the most credits, the theme carried by the most films, public articles and
quotes — and requests each page in turn through Django's test client (in-process: no HTTP
server, no network), first --warmups times unmeasured, then --requests times measured, one
request at a time. Every page must answer 200. This is done in --rounds rounds, each measuring
both archives in turn (the demo first in odd rounds, the large one first in even ones), and
each median is taken over the requests of every round: a shared machine's slower spells fall on
both archives rather than on one. The sitemap's section pages are requested in the first round
only, each fewer times (one warm-up, three measured), and the slowest is reported.

What the pages of a list share (the themes, years and kinds its filters offer) is read once per
content generation and then taken from the shared cache, with the page cache off too (see
`pagecache.shared_value`). So the first round also times each page right after a change (the
generation moved on before each of 7 requests): the last columns, what the first visitor after
an edit waits for.

With --baseline, another archive made by bench/generate_archive.py takes the demo's place (a
PostgreSQL database's name, or an SQLite file): the same pages, equally full, on an archive of
another size, which tells what grows with the archive's size from what grows with a page's
items (the demo's lists show two or three; a large archive's, twenty or thirty).

The demo database `film_archive_scale_demo` is (re)created on the server of DATABASE_URL, loaded
with the demo archive and dropped afterwards; the large one is named with --large, migrated (so
that it has the current indexes) and otherwise only read. With DATABASE_URL=sqlite:// the same
is measured on SQLite, the embedded default: the demo in a temporary file, the large archive in
the file --large names. Run benchmarks one at a time on a shared machine:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        flock /tmp/film-archive-bench.lock python bench/scale.py --large film_archive_large
    DATABASE_URL=sqlite:// \\
        flock /tmp/film-archive-bench.lock python bench/scale.py --large large.sqlite3
"""

import argparse
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import pg_admin, run  # noqa: E402  (the sibling benchmark's PostgreSQL helpers)

DEMO_DATABASE = "film_archive_scale_demo"
SECTION_WARMUPS, SECTION_REQUESTS = 1, 3
CHANGED_REQUESTS = 7
SLOWEST_SECTION = "sitemap section page, slowest"


def pages():
    """(label, address) of each page type, the busiest objects chosen by query."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count, Q

    from archive.models import Article, Film, Person, Quote, Theme, ThemedItem

    public = Q(article_links__article__in=Article.objects.published())
    film = Film.objects.annotate(n=Count("article_links", filter=public)).order_by("-n", "pk")[0]
    person = Person.objects.annotate(n=Count("credits")).order_by("-n", "pk")[0]
    kind = ContentType.objects.get_for_model
    carried = ThemedItem.objects.filter(
        Q(content_type=kind(Film))
        | Q(content_type=kind(Article), object_id__in=Article.objects.published().values("pk"))
        | Q(content_type=kind(Quote), object_id__in=Quote.objects.published().values("pk"))
    )
    busiest = carried.values("tag").annotate(n=Count("pk")).order_by("-n", "tag")[0]
    theme = Theme.objects.get(pk=busiest["tag"])
    return [
        ("home", "/"),
        ("film list, first page", "/films/"),
        ("film list, last page", "/films/?page=last"),
        ("article list, first page", "/articles/"),
        ("article list, last page", "/articles/?page=last"),
        ("most-covered film", film.get_absolute_url()),
        ("most-credited person", person.get_absolute_url()),
        ("largest theme", theme.get_absolute_url()),
        ("quotes", "/quotes/"),
        ("feed: latest articles", "/feeds/articles/"),
        ("feed: largest theme", f"/feeds/themes/{theme.slug}/"),
        ("sitemap index", "/sitemap.xml"),
    ]


class QueryTimer:
    """A database execute wrapper adding up the time spent in the database (queries)."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def timed(client, url, warmups, requests, after_a_change=False):
    """Milliseconds of each of `requests` sequential requests after `warmups`: the whole
    request, and the part of it spent waiting for the database. With `after_a_change`, each
    request follows a change (the content generation moved on, as any write moves it), so
    that nothing shared by the pages of a list (its filter options) is read from the cache."""
    from django.db import connection

    from archive import pagecache

    times, database = [], []
    for number in range(warmups + requests):
        if after_a_change:
            pagecache.invalidate()
        timer = QueryTimer()
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")
        if number >= warmups:
            times.append(elapsed * 1000)
            database.append(timer.seconds * 1000)
    return times, database, response


def measure(warmups, requests, sections):
    """Run inside the child process, on the database of DATABASE_URL: every request's times,
    and with `sections` the slowest sitemap section page."""
    import django

    django.setup()
    from xml.etree import ElementTree

    from django.test import Client

    client = Client()
    results = {}
    for label, url in pages():
        times, database, response = timed(client, url, warmups, requests)
        results[label] = {"url": url, "times": times, "db": database}
        if sections:  # the first round
            changed, _, _ = timed(client, url, 1, CHANGED_REQUESTS, after_a_change=True)
            results[label]["changed"] = changed
        if label == "sitemap index" and sections:
            index = ElementTree.fromstring(response.content)
            namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
            sections = [loc.text for loc in index.iter(f"{namespace}loc")]
    slowest = None
    for section in sections if sections else []:
        url = urllib.parse.urlsplit(section)
        path = url.path + (f"?{url.query}" if url.query else "")
        times, database, _ = timed(client, path, SECTION_WARMUPS, SECTION_REQUESTS)
        if slowest is None or statistics.median(times) > statistics.median(slowest["times"]):
            slowest = {"url": f"{path} (of {len(sections)})", "times": times, "db": database}
    if slowest:
        results[SLOWEST_SECTION] = slowest
    print(json.dumps(results))


def child(database_url, options, static_root, sections):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "site_config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_PAGE_CACHE": "false",  # the server-side page cache must not answer
        "DJANGO_HTTPS": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    arguments = ["--measure", f"--warmups={options.warmups}", f"--requests={options.requests}"]
    if sections:
        arguments.append("--sections")
    done = subprocess.run(
        [sys.executable, __file__, *arguments], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"measuring {database_url} failed:\n{done.stdout}{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def merged(rounds):
    """Each page's median time and database time over the requests of every round."""
    pages = {}
    for results in rounds:
        for label, result in results.items():
            page = pages.setdefault(
                label, {"url": result["url"], "times": [], "db": [], "changed": []}
            )
            page["times"] += result["times"]
            page["db"] += result["db"]
            page["changed"] += result.get("changed", [])
    return {
        label: {
            "url": page["url"],
            "p50_ms": round(statistics.median(page["times"]), 1),
            "db_ms": round(statistics.median(page["db"]), 1),
            "requests": len(page["times"]),
            "after_a_change_p50_ms": round(statistics.median(page["changed"]), 1)
            if page["changed"]
            else None,
        }
        for label, page in pages.items()
    }


def table(demo, large, name="demo"):
    """The table. "db": how much of each median was database time. "after a change": the
    median of requests that each follow a change (first round only), when a list's filter
    options, otherwise read once per change for all its pages, are read again. `name` names
    the first archive's columns."""
    width = len(name) + 6
    lines = [
        f"{'page':<34}{name + ' p50':>{width}}{'large p50':>12}{'ratio':>8}"
        f"{name + ' db':>{width}}{'large db':>10}"
        f"{'after a change: ' + name:>{width + 14}}{'large':>10}{'ratio':>8}"
    ]

    def after_a_change(small, big):
        if small["after_a_change_p50_ms"] is None:
            return ""
        first, second = small["after_a_change_p50_ms"], big["after_a_change_p50_ms"]
        return f"{first:>{width + 11}.1f} ms{second:>7.1f} ms{second / first:>7.2f}×"

    for (label, small), big in zip(demo.items(), large.values(), strict=True):
        ratio = big["p50_ms"] / small["p50_ms"]
        lines.append(
            f"{label:<34}{small['p50_ms']:>{width - 3}.1f} ms{big['p50_ms']:>9.1f} ms{ratio:>7.2f}×"
            f"{small['db_ms']:>{width - 3}.1f} ms{big['db_ms']:>7.1f} ms"
            + after_a_change(small, big)
        )
    lines.append("")
    if name != "demo":
        lines.append(f"{name} archive pages: " + ", ".join(r["url"] for r in demo.values()))
    lines.append("large archive pages: " + ", ".join(r["url"] for r in large.values()))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--large",
        default="film_archive_large",
        help="the large database (PostgreSQL: its name; SQLite: its file)",
    )
    parser.add_argument(
        "--baseline",
        help="an archive of another size to compare with instead of the demo (PostgreSQL: a "
        "database's name; SQLite: its file), made by bench/generate_archive.py",
    )
    parser.add_argument("--warmups", type=int, default=3, help="unmeasured requests (3)")
    parser.add_argument("--requests", type=int, default=15, help="measured requests per round (15)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds, each measuring both archives in turn, the first one first in odd rounds (3)",
    )
    parser.add_argument("--sections", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:
        return measure(options.warmups, options.requests, options.sections)

    server = os.environ.get("DATABASE_URL", "")
    if server.startswith(("postgres://", "postgresql://")):
        engine = "PostgreSQL"
    elif server.startswith("sqlite:"):
        engine = "SQLite"
        for archive in [options.large, *([options.baseline] if options.baseline else [])]:
            if not Path(archive).resolve().is_file():
                sys.exit(
                    f"{Path(archive).resolve()}: no such SQLite file (make it with "
                    "bench/generate_archive.py)"
                )
    else:
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL server (its maintenance database), or to sqlite:// "
            "with --large naming the large archive's SQLite file."
        )
    # Made once the run is refused no more: the `finally` below removes it.
    temp = Path(tempfile.mkdtemp(prefix="film-archive-scale-"))
    try:
        if engine == "PostgreSQL":
            parts = urllib.parse.urlsplit(server)
            demo_url = urllib.parse.urlunsplit(parts._replace(path="/" + DEMO_DATABASE))
            large_url = urllib.parse.urlunsplit(parts._replace(path="/" + options.large))
            if options.baseline:
                demo_url = urllib.parse.urlunsplit(parts._replace(path="/" + options.baseline))
            else:
                pg_admin(
                    server,
                    f"DROP DATABASE IF EXISTS {DEMO_DATABASE}",
                    f"CREATE DATABASE {DEMO_DATABASE}",
                )
        else:
            demo_url = f"sqlite:///{temp / 'demo.sqlite3'}"
            large_url = f"sqlite:///{Path(options.large).resolve()}"
            if options.baseline:
                demo_url = f"sqlite:///{Path(options.baseline).resolve()}"
        env = {**os.environ, "DATABASE_URL": demo_url, "DJANGO_STATIC_ROOT": str(temp / "static")}
        if options.baseline:
            run([sys.executable, "manage.py", "migrate", "--verbosity", "0"], env)
        else:
            run([sys.executable, "manage.py", "demo", "--no-serve"], env)
        production = {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
        collect = [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"]
        run(collect, {**env, **production})  # hashed names, as DEBUG off serves them
        env["DATABASE_URL"] = large_url
        run([sys.executable, "manage.py", "migrate", "--verbosity", "0"], env)
        # Rounds alternate the two archives, so that a slower spell of a shared machine falls on
        # both rather than on one.
        demo_rounds, large_rounds = [], []
        for number in range(options.rounds):
            first = number == 0
            order = [(demo_url, demo_rounds), (large_url, large_rounds)]
            for url, rounds in order if number % 2 == 0 else reversed(order):
                rounds.append(child(url, options, temp / "static", sections=first))
        demo, large = merged(demo_rounds), merged(large_rounds)
    finally:
        shutil.rmtree(temp, ignore_errors=True)  # first: a server gone away stops the drop
        if engine == "PostgreSQL" and not options.baseline:
            pg_admin(server, f"DROP DATABASE IF EXISTS {DEMO_DATABASE}")
    if options.json:
        print(json.dumps({"demo": demo, "large": large}, indent=2))
    else:
        print(f"{engine}, page cache off, test client in-process, {options.rounds} rounds of "
              f"{options.requests} requests after {options.warmups} warm-ups (sitemap sections: "
              f"one round of {SECTION_REQUESTS}), {os.cpu_count()} CPUs")  # fmt: skip
        print(table(demo, large, "baseline" if options.baseline else "demo"))


if __name__ == "__main__":
    main()
