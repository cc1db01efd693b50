"""Statistics for SQLite's query planner.

PostgreSQL gathers statistics about its tables by itself (autovacuum). SQLite gathers none
unless asked, and without them it guesses: on a large archive it reads every public article
through the publication index to find the few about one film or by one person (45 ms and more
for a film or a person page at 100,000 articles) where, with statistics, it starts from the
film's or the person's links (3 ms). They are gathered after each migration (a deployment),
after the demo is loaded and by `bench/generate_archive.py`; `analysis_limit` bounds the work
to a sample of each index, so that it takes under a second on a gigabyte. The proportions they
record (most articles are public; a film has a few articles) hold as an archive grows, so
statistics from a smaller archive still lead the planner the right way.
"""

from django.db import connections

SAMPLE_ROWS = 1000


def gather(using="default"):
    """Gather the planner's statistics of the database `using`, if it is SQLite."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit = {SAMPLE_ROWS}")
        cursor.execute("ANALYZE")


def gather_after_migrations(sender, using="default", **kwargs):
    """`post_migrate`'s receiver."""
    gather(using)
