"""Throughput and latency of public pages served the way production serves them.

What it measures: requests per second, median (p50) and 99th-percentile (p99) latency, and
errors for a film page (/films/last-men-in-aleppo/) and an article page
(/articles/feras-fayyad-interview/), with the server-side page cache on and then off
(DJANGO_PAGE_CACHE=false, so that every request is rendered), a static file (css/site.css
under its hashed name, served by whitenoise) and, with the cache off, /robots.txt (the least a
request through Django costs here), all in one run; then each page's throughput as a fraction
of the static file's.

How: in a temporary directory it builds a fresh database (a SQLite file, or with DATABASE_URL set
to PostgreSQL a dedicated database `film_archive_bench` on that server, dropped afterwards), loads
the demo archive (`manage.py demo --no-serve`), collects the static files into a temporary
STATIC_ROOT, and starts gunicorn with production settings (DEBUG off, a random secret key) on a
free port of 127.0.0.1. Each URL is then loaded by wrk for --duration seconds with --connections
open connections; requests carry `X-Forwarded-Proto: https`, as from the TLS-terminating proxy of
production, so that pages are served rather than redirected to HTTPS. Every page is checked to
answer 200 before it is measured. gunicorn is always stopped and the temporary files and database
always removed. Traffic goes to 127.0.0.1 only.

Usage, from the project root with the virtualenv active:
    python bench/pages.py [--duration 10] [--connections 10] [--threads 2] [--workers 3] [--json]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/pages.py
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_BENCH_DATABASE = "film_archive_bench"
HEADERS = {"X-Forwarded-Proto": "https"}
FILM = "/films/last-men-in-aleppo/"
ARTICLE = "/articles/feras-fayyad-interview/"
TARGETS = {  # page cache: [(column title, path; None stands for the hashed name of the CSS)]
    "on": [("static CSS", None), ("film, cached", FILM), ("article, cached", ARTICLE)],
    "off": [
        ("film, rendered", FILM),
        ("article, rendered", ARTICLE),
        ("robots.txt", "/robots.txt"),
    ],
}
# robots.txt, rendered with the cache off, is the least a request to Django costs here (every
# middleware, a view of a few lines, no query): the ceiling of any rendered page's fraction.
# With --mix, one wrk run cycles through every kind of demo page (and the stylesheet).
MIX_PATHS = [
    "/",
    "/films/",
    "/films/last-men-in-aleppo/",
    "/films/the-white-helmets/",
    "/articles/feras-fayyad-interview/",
    "/articles/last-men-in-aleppo-review/",
    "/people/feras-fayyad/",
    "/people/khaled-omar-harrah/",
    "/themes/",
    "/themes/civil-defence/",
    "/quotes/",
    "/search/?q=White+Helmets",
    "/feeds/articles/",
    "/sitemap.xml",
]
MIX_SCRIPT = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""
# wrk calls done() once at the end; printing one JSON line avoids parsing "1.23ms"-style units.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, '
    .. '"p50_us": %d, "p99_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, '
    .. '"timeout": %d}\\n', summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99), e.connect, e.read, e.write, e.status,
    e.timeout))
end
"""


def run(args, env):
    """Run a manage.py step, showing its output only if it fails."""
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def pg_admin(url, *statements):
    """Run statements on the server's maintenance database `postgres`, outside transactions."""
    import psycopg2

    parts = urllib.parse.urlsplit(url)
    connection = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=urllib.parse.unquote(parts.username or ""),
        password=urllib.parse.unquote(parts.password or "") or None,
        dbname="postgres",
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        connection.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, timeout=5):
    """The status of a GET to 127.0.0.1, redirects not followed (a 301 counts as a failure)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=HEADERS), timeout=timeout) as r:
            return r.status
    except urllib.error.HTTPError as error:
        return error.code


def wait_until_up(base, server, log, seconds=30):
    deadline = time.monotonic() + seconds
    status = None
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            status = get(base + "/healthz", timeout=1)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    if status == 503:
        sys.exit(
            "/healthz answered 503: the database is unreachable or lacks this release's "
            "migrations (run `python manage.py migrate` on it)"
        )
    sys.exit(f"gunicorn did not answer within {seconds} s:\n{log.read_text()[-3000:]}")


def stop(server):
    if server is None or server.poll() is not None:
        return
    server.terminate()  # SIGTERM to the master: graceful shutdown of its workers
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, 9)  # the process group started below for this server only
        server.wait()


def wrk(url, options, script):
    wrk_options = f"-t{options.threads} -c{options.connections} -d{options.duration}s"
    # wrk gives up on a response after --timeout (2 s by default) and counts it as an error.
    wrk_options += f" --timeout {getattr(options, 'timeout', 2)}s"
    command = ["wrk", *wrk_options.split(), "-s", str(script)]
    for name, value in HEADERS.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run(command + [url], capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("WRK_JSON ")]
    if done.returncode != 0 or not lines:
        sys.exit(f"wrk failed on {url}:\n{done.stdout}{done.stderr}")
    raw = json.loads(lines[0].removeprefix("WRK_JSON "))
    return {
        "url": url,
        "requests": raw["requests"],
        "requests_per_second": round(raw["requests"] / raw["duration_us"] * 1e6, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "non_2xx_3xx": raw["status"],
        "socket_errors": raw["connect"] + raw["read"] + raw["write"] + raw["timeout"],
    }


def table(results):
    rows = [
        ("requests/s", lambda r: f"{r['requests_per_second']:,.0f}"),
        ("p50 latency", lambda r: f"{r['p50_ms']:.2f} ms"),
        ("p99 latency", lambda r: f"{r['p99_ms']:.2f} ms"),
        ("requests", lambda r: f"{r['requests']:,}"),
        ("non-2xx/3xx", lambda r: str(r["non_2xx_3xx"])),
        ("socket errors", lambda r: str(r["socket_errors"])),
    ]
    lines = [f"{'':<14}" + "".join(f"{title:>24}" for title in results)]
    for label, cell in rows:
        lines.append(f"{label:<14}" + "".join(f"{cell(r):>24}" for r in results.values()))
    return "\n".join(lines)


def start(options, env, temp, page_cache):
    """gunicorn with production settings and the page cache on or off: (server, base, log)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_options = f"--bind 127.0.0.1:{port} --workers {options.workers} --timeout 30"
    gunicorn = [sys.executable, "-m", "gunicorn", "site_config.wsgi", *server_options.split()]
    gunicorn_help = subprocess.run(gunicorn[:3] + ["--help"], capture_output=True, text=True)
    if "--no-control-socket" in gunicorn_help.stdout:
        gunicorn.append("--no-control-socket")  # else gunicorn 27 makes ~/.gunicorn/*.ctl
    log = temp / f"gunicorn-cache-{page_cache}.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(
            gunicorn,
            cwd=ROOT,
            env={**env, "DJANGO_PAGE_CACHE": "true" if page_cache == "on" else "false"},
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    wait_until_up(base, server, log)
    return server, base, log


def ratios(results, static="static CSS"):
    """Each page's throughput as a fraction of the static file's, served by the same server."""
    reference = results[static]["requests_per_second"]
    return {
        title: round(result["requests_per_second"] / reference, 3)
        for title, result in results.items()
        if title != static
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per URL (10)")
    parser.add_argument("--connections", type=int, default=10, help="open connections (10)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (3)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--mix",
        action="store_true",
        help="one run cycling through every kind of demo page, instead of the pages in turn",
    )
    parser.add_argument(
        "--page-cache",
        choices=["on", "off"],
        default="on",
        help="with --mix: the server-side page cache on (the default) or off",
    )
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk (Debian/Ubuntu), then run again.")

    # A plain `kill` cleans up too: SIGTERM unwinds through the finally block below, like Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("Interrupted."))
    database_url = os.environ.get("DATABASE_URL", "").strip()
    postgres = database_url.startswith(("postgres://", "postgresql://"))
    if database_url and not postgres:
        sys.exit("DATABASE_URL must be PostgreSQL (a dedicated database is made) or unset.")
    temp = Path(tempfile.mkdtemp(prefix="film-archive-bench-"))
    if postgres:
        parts = urllib.parse.urlsplit(database_url)
        database_url = urllib.parse.urlunsplit(parts._replace(path="/" + PG_BENCH_DATABASE))
    else:
        database_url = f"sqlite:///{temp / 'bench.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_BEHIND_PROXY": "true",  # trust X-Forwarded-Proto, as behind the TLS proxy
        "DJANGO_STATIC_ROOT": str(temp / "static"),
        "DJANGO_MEDIA_ROOT": str(temp / "media"),
        "DJANGO_CACHE_DIR": str(temp / "cache"),
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    server = None
    try:
        if postgres:
            drop = f"DROP DATABASE IF EXISTS {PG_BENCH_DATABASE}"
            pg_admin(database_url, drop, f"CREATE DATABASE {PG_BENCH_DATABASE}")
        manage = [sys.executable, "manage.py"]
        run(manage + ["demo", "--no-serve"], env)
        run(manage + ["collectstatic", "--no-input", "--verbosity", "0"], env)
        manifest = json.loads((temp / "static" / "staticfiles.json").read_text())
        css = "/static/" + manifest["paths"]["css/site.css"]

        script = temp / "report.lua"
        script.write_text(WRK_SCRIPT)
        results = {}
        if options.mix:
            server, base, log = start(options, env, temp, options.page_cache)
            paths = [*MIX_PATHS, css]
            for path in paths:
                if get(base + path) != 200:
                    sys.exit(f"{path} did not answer 200:\n{log.read_text()[-3000:]}")
            quoted = ", ".join(json.dumps(path) for path in paths)
            script.write_text(MIX_SCRIPT % quoted + WRK_SCRIPT)
            title = f"{len(paths)} URLs, cache {options.page_cache}"
            if not options.json:
                print(f"wrk {options.duration} s, {options.connections} connections: {title}")
            results[title] = wrk(base + "/", options, script)
        else:
            for page_cache, targets in TARGETS.items():
                server, base, log = start(options, env, temp, page_cache)
                for title, path in targets:
                    url = base + (path or css)
                    status = get(url)
                    if status != 200:
                        sys.exit(f"{url} answered {status}, not 200:\n{log.read_text()[-3000:]}")
                    if not options.json:
                        print(f"wrk {options.duration} s, {options.connections} connections: {url}")
                    results[title] = wrk(url, options, script)
                stop(server)
    finally:
        stop(server)
        if postgres:
            try:
                pg_admin(database_url, f"DROP DATABASE IF EXISTS {PG_BENCH_DATABASE}")
            except Exception as error:  # report, but still remove the temporary directory
                print(f"Could not drop {PG_BENCH_DATABASE}: {error}", file=sys.stderr)
        shutil.rmtree(temp, ignore_errors=True)

    setup = {
        "database": "postgresql" if postgres else "sqlite",
        "gunicorn_workers": options.workers,
        "wrk_duration_s": options.duration,
        "wrk_connections": options.connections,
        "wrk_threads": options.threads,
        "cpus": os.cpu_count(),
    }
    compared = {} if options.mix else ratios(results)
    if options.json:
        print(json.dumps({"setup": setup, "results": results, "ratios": compared}, indent=2))
    else:
        print(f"\n{setup['database']}, gunicorn {options.workers} workers, {os.cpu_count()} CPUs")
        print(table(results))
        if compared:
            print("\nthroughput as a fraction of the static file's, same server, same run:")
            for title, ratio in compared.items():
                print(f"  {title:<20} {ratio:.3f}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:  # the finally block in main() has cleaned up already
        sys.exit("Interrupted.")
