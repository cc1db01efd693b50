"""SQLite search finds the beginning of a word from an index of beginnings, as it does words.

The last word of a search is also the beginning of longer ones ("the" finds "theme", "theatre"),
and FTS5 found those by reading and merging the entries of every word that begins so: 90 ms for
"the" at 340,000 documents before any ranking, on every search whose last word is short. The
table `archive_searchtext` now also indexes every word's first two and first three letters
(FTS5's `prefix` option), which makes that a read of one entry (under a millisecond) at the cost
of a larger index (128 → 282 MB at 340,000 documents). The table is made again with the option
and its rows copied (about 30 s per 300,000 documents); nothing changes on PostgreSQL, whose
GIN index finds beginnings by itself. Going back makes the table again without the option.
"""

from django.db import migrations

TABLE = "archive_searchtext"
COLUMNS = "title, names, summary, body"
TOKENIZER = "tokenize = 'unicode61 remove_diacritics 2'"
# Made with the table (migration 0009), dropped while the table is made again: SQLite checks
# every trigger's table names as a table is renamed.
DELETE_TRIGGER = """
CREATE TRIGGER archive_searchtext_delete AFTER DELETE ON archive_searchdocument
BEGIN
    DELETE FROM archive_searchtext WHERE rowid = old.id;
END
"""


def make_table(options):
    def make(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS archive_searchtext_delete")
            cursor.execute(f"CREATE VIRTUAL TABLE {TABLE}_new USING fts5({COLUMNS}, {options})")
            cursor.execute(
                f"INSERT INTO {TABLE}_new (rowid, {COLUMNS}) SELECT rowid, {COLUMNS} FROM {TABLE}"
            )
            cursor.execute(f"DROP TABLE {TABLE}")
            cursor.execute(f"ALTER TABLE {TABLE}_new RENAME TO {TABLE}")
            cursor.execute(DELETE_TRIGGER)
            # One b-tree, as a rebuild leaves it (archive.search.optimize_text).
            cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")

    return make


class Migration(migrations.Migration):
    dependencies = [("archive", "0021_unicode_slugs")]

    operations = [
        migrations.RunPython(
            make_table(f"{TOKENIZER}, prefix = '2 3'"),
            make_table(TOKENIZER),
            elidable=False,
        ),
    ]
