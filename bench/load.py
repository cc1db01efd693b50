"""Sustained load on a large archive: many different pages, with the page cache off and on, and
with a read replica.

What it measures: requests per second, p50 and p99 latency and errors of gunicorn (production
settings) under wrk for --duration seconds with --connections connections, asking for --urls
different public addresses of a large archive made by bench/generate_archive.py: film,
article, person and theme pages, the lists (first pages and a few filters), feeds and the
sitemap index. As readers do, some addresses are asked for far more often than others: the
n-th most popular address as often as the first one divided by n (Zipf's law), the home page
and the lists first; every address at least once per cycle. wrk waits up to --timeout seconds
for an answer (gunicorn's own limit is 30 s) and counts a later one as an error. Run after
run: the page cache off, then on (each run starts with an empty cache, so every address is
rendered once before it can be served from it); with --replica, the same two again with
DATABASE_REPLICA_URL on a streaming replica.

How: the addresses are picked from the large database by a Django process. With --replica, a
throwaway PostgreSQL primary and its streaming replica are made on free local ports (as the
`postgres` user, in a temporary directory; see tests/clusters.py), the large database is copied
into the primary with pg_dump and psql, and the replica follows it by streaming replication;
both are stopped and removed at the end. The large database itself is only read.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres flock /tmp/film-archive-bench.lock \\
        python bench/load.py --large film_archive_large [--replica] [--duration 60]
"""

import argparse
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from pages import MIX_SCRIPT, WRK_SCRIPT, free_port, get, run, stop, table, wait_until_up, wrk  # noqa: E402

PICK_ADDRESSES = """
import json, random
from django.db.models import Count
from archive.models import Article, Film, Person, Theme
rng = random.Random(7)
n = {n}
def sample(queryset, k):
    ids = list(queryset.values_list("pk", flat=True))
    return queryset.model.objects.filter(pk__in=rng.sample(ids, min(k, len(ids))))
lists = ["/", "/films/", "/articles/", "/quotes/", "/themes/", "/sitemap.xml",
         "/feeds/articles/", "/films/?page=last", "/articles/?kind=review",
         "/articles/?kind=interview"]
urls = []
urls += [f.get_absolute_url() for f in sample(Film.objects.all(), n * 3 // 10)]
urls += [a.get_absolute_url() for a in sample(Article.objects.published(), n * 4 // 10)]
urls += [p.get_absolute_url() for p in sample(Person.objects.all(), n * 2 // 10)]
urls += [t.get_absolute_url() for t in sample(Theme.objects.public(), n // 10)]
rng.shuffle(urls)
print(json.dumps(lists + urls))
"""


def popular_first(paths, top=200):
    """One cycle of requests: the n-th address about top / n times (at least once), shuffled."""
    cycle = [path for rank, path in enumerate(paths, 1) for _ in range(max(1, top // rank))]
    random.Random(11).shuffle(cycle)
    return cycle


def database_url(base, name):
    parts = urllib.parse.urlsplit(base)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def start(options, env, temp, label):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "gunicorn", "site_config.wsgi", "--no-control-socket",
               "--bind", f"127.0.0.1:{port}", "--workers", str(options.workers),
               "--timeout", "30"]  # fmt: skip
    log = temp / f"gunicorn-{label}.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    wait_until_up(base, server, log)
    return server, base, log


def copy_into(cluster, source_url):
    """The large database, copied into the throwaway primary (its replica follows)."""
    target = cluster.url("primary")
    dump = subprocess.Popen(["pg_dump", "--no-owner", "-d", source_url], stdout=subprocess.PIPE)
    subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", target], stdin=dump.stdout, check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    if dump.wait() != 0:
        sys.exit("pg_dump failed")
    cluster.sql("primary", "ANALYZE")
    cluster.wait_for_replay(timeout=600)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--large", required=True, help="the large archive's database name")
    parser.add_argument("--duration", type=int, default=60, help="seconds per run (60)")
    parser.add_argument("--connections", type=int, default=64, help="open connections (64)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (5)")
    parser.add_argument("--urls", type=int, default=3000, help="different addresses (3000)")
    parser.add_argument("--replica", action="store_true", help="also run with a read replica")
    parser.add_argument("--timeout", type=int, default=30, help="wrk's answer timeout, s (30)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk, then run again.")
    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must name the PostgreSQL server that holds --large.")
    large = database_url(server_url, options.large)

    temp = Path(tempfile.mkdtemp(prefix="film-archive-load-"))
    base_env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_BEHIND_PROXY": "true",
        "DJANGO_STATIC_ROOT": str(temp / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": large,
    }
    base_env.pop("REDIS_URL", None)
    base_env.pop("DATABASE_REPLICA_URL", None)
    server = cluster = None
    results = {}
    try:
        run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], base_env)
        picked = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", PICK_ADDRESSES.format(n=options.urls)],
            cwd=ROOT, env=base_env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        paths = json.loads(picked.stdout.strip().splitlines()[-1])
        script = temp / "mix.lua"
        asked = popular_first(paths)
        script.write_text(MIX_SCRIPT % ", ".join(json.dumps(p) for p in asked) + WRK_SCRIPT)

        setups = [("primary", base_env)]
        if options.replica:
            from tests.clusters import Cluster, postgres_programs

            directory = Path(tempfile.mkdtemp(prefix="film-archive-load-cluster-"))
            if os.geteuid() == 0:
                shutil.chown(directory, "postgres", "postgres")
            cluster = Cluster(postgres_programs(), directory)
            cluster.create()
            copy_into(cluster, large)
            setups.append(
                ("with replica", {**base_env, "DATABASE_URL": cluster.url("primary"),
                                  "DATABASE_REPLICA_URL": cluster.url("replica")})
            )  # fmt: skip
        for name, env in setups:
            for page_cache in ("off", "on"):
                label = f"{name}, cache {page_cache}"
                slug = label.replace(" ", "-").replace(",", "")
                run_env = {**env, "DJANGO_PAGE_CACHE": "true" if page_cache == "on" else "false",
                           "DJANGO_CACHE_DIR": str(temp / f"cache-{slug}")}  # fmt: skip
                server, base, log = start(options, run_env, temp, slug)
                for path in paths[:20]:
                    if get(base + path, timeout=30) != 200:
                        sys.exit(f"{path} did not answer 200:\n{log.read_text()[-3000:]}")
                if not options.json:
                    print(f"wrk {options.duration} s, {options.connections} connections, "
                          f"{len(paths)} addresses: {label}", flush=True)  # fmt: skip
                results[label] = wrk(base + "/", options, script)
                stop(server)
                server = None
                time.sleep(2)
    finally:
        stop(server)
        if cluster is not None:
            cluster.destroy()
        shutil.rmtree(temp, ignore_errors=True)

    if options.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"\nPostgreSQL, {options.large}, gunicorn {options.workers} workers, "
              f"{os.cpu_count()} CPUs, {len(paths)} addresses, "
              f"{len(asked)} requests a cycle")  # fmt: skip
        print(table(results))


if __name__ == "__main__":
    main()
