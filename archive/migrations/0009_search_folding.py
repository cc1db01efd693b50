"""Search that folds accents on both databases.

PostgreSQL: the `unaccent` extension and the `archive_search` text-search configuration
(English, with accents and letters such as ø, æ and ß folded before stemming); the stored
vectors are regenerated with it. The vectors are stored columns written by the app, so
`unaccent` being only STABLE does not matter: no index or generated column calls it.

SQLite: the FTS5 table `archive_searchtext`, one row per search document (rowid = the
document's id) holding its title, names, summary and body folded by `archive.search.fold()`,
written by the app next to each document, and a trigger deleting a document's row with the
document (cascades included). Django rebuilds a SQLite table to alter it, which drops its
triggers: a later migration altering SearchDocument must create the trigger again.

Films' documents now show their awards: run `manage.py update_search_index` after upgrading.
"""

from django.db import migrations

POSTGRES_VECTORS = """
UPDATE archive_searchdocument SET
    vector = setweight(to_tsvector('{config}', COALESCE(title, '')), 'A')
        || setweight(to_tsvector('{config}', COALESCE(names, '')), 'A')
        || setweight(to_tsvector('{config}', COALESCE(summary, '')), 'B')
        || setweight(to_tsvector('{config}', COALESCE(body, '')), 'C'),
    title_vector = to_tsvector('{config}', COALESCE(title, '') || ' ' || COALESCE(names, ''))
"""

SQLITE_TEXT_TABLE = """
CREATE VIRTUAL TABLE archive_searchtext USING fts5(
    title, names, summary, body, tokenize = 'unicode61 remove_diacritics 2'
)
"""

SQLITE_DELETE_TRIGGER = """
CREATE TRIGGER archive_searchtext_delete AFTER DELETE ON archive_searchdocument
BEGIN
    DELETE FROM archive_searchtext WHERE rowid = old.id;
END
"""


def create_search_folding(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        schema_editor.execute("CREATE TEXT SEARCH CONFIGURATION archive_search (COPY = english)")
        schema_editor.execute(
            "ALTER TEXT SEARCH CONFIGURATION archive_search "
            "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem"
        )
        schema_editor.execute(POSTGRES_VECTORS.format(config="archive_search"))
    elif vendor == "sqlite":
        from archive.search import fold

        schema_editor.execute(SQLITE_TEXT_TABLE)
        schema_editor.execute(SQLITE_DELETE_TRIGGER)
        SearchDocument = apps.get_model("archive", "SearchDocument")
        rows = SearchDocument.objects.values_list("pk", "title", "names", "summary", "body")
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO archive_searchtext (rowid, title, names, summary, body) "
                "VALUES (%s, %s, %s, %s, %s)",
                [(pk, *(fold(text) for text in texts)) for pk, *texts in rows.iterator()],
            )


def drop_search_folding(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_VECTORS.format(config="english"))
        schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS archive_search")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS archive_searchtext_delete")
        schema_editor.execute("DROP TABLE IF EXISTS archive_searchtext")


class Migration(migrations.Migration):

    dependencies = [
        ("archive", "0008_normalise_stored_text"),
    ]

    operations = [
        migrations.RunPython(create_search_folding, drop_search_folding),
    ]
