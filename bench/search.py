"""Search latency at scale: p50 and p95 for selective, broad and phrase queries.

Run it against an archive made by bench/generate_archive.py, on PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/film_archive_bench python bench/search.py

Each query goes through what the search page does — `archive.search.search()` (match, bounded
ranking) and `archive.search.results()` for the first page of 20 (headlines) — timed with a
monotonic clock after one warm-up pass. Query words are picked from the archive itself:
selective queries use the archive's rarest words, broad ones use the archive's most
frequent content words (tens of thousands of matches), phrases are word pairs taken from
article bodies.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def pick_queries(rng, count):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word, ndoc FROM ts_stat('SELECT vector FROM archive_searchdocument') "
            "WHERE length(word) > 3 ORDER BY ndoc DESC"
        )
        stats = cursor.fetchall()
        cursor.execute(
            "SELECT body FROM archive_searchdocument WHERE kind = 'article' "
            "ORDER BY random() LIMIT %s",
            [count],
        )
        bodies = [row[0] for row in cursor.fetchall()]
    broad = [word for word, _ in stats[:40]]
    selective = [word for word, _ in stats[-200:]]  # the rarest words
    phrases = []
    for body in bodies:
        words = body.split()
        start = rng.randrange(0, max(1, len(words) - 2))
        phrases.append('"' + " ".join(w.strip(".,") for w in words[start : start + 2]) + '"')
    return {
        "selective": rng.sample(selective, min(count, len(selective))),
        "broad": rng.sample(broad, min(count, len(broad))),
        "phrase": phrases,
    }


def run(queries):
    from archive import search

    timings, matches = [], []
    for query in queries:
        started = time.perf_counter()
        ids = search.search(query)
        search.results(query, ids[:20])
        timings.append((time.perf_counter() - started) * 1000)
        matches.append(len(ids))
    return timings, matches


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=40, help="queries per kind")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings")
    import django

    django.setup()
    from django.db import connection

    from archive.models import Article, SearchDocument

    if connection.vendor != "postgresql":
        sys.exit("This benchmark measures PostgreSQL's full-text search: set DATABASE_URL.")
    print(
        f"archive: {Article.objects.count()} articles, {SearchDocument.objects.count()} "
        f"search documents; PostgreSQL {connection.pg_version // 10000}"
    )
    rng = random.Random(args.seed)
    kinds = pick_queries(rng, args.queries)
    print(f"{'queries':<10}{'n':>4}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'matches (median)':>19}")
    for kind, queries in kinds.items():
        run(queries)  # warm-up: caches and plans
        timings, matches = run(queries)
        print(
            f"{kind:<10}{len(queries):>4}{statistics.median(timings):>9.1f}"
            f"{percentile(timings, 0.95):>9.1f}{max(timings):>9.1f}"
            f"{statistics.median(matches):>19.0f}"
        )


if __name__ == "__main__":
    main()
