"""A quoted phrase on PostgreSQL is found within one field, as on SQLite.

A document's vector joined its title, other names, summary and body with `||`, whose positions
go on from one field to the next: the last word of a title and the first of an original title
(or of a person's other spellings, a quote's attribution, a standfirst's body) counted as words
in a row, and `"Aleppo آخر"` found *Last Men in Aleppo*. A word that no query asks for ("¶",
`archive.search.FieldBreak`) now stands between the fields of both vectors. The stored vectors
are regenerated (about a minute per 300,000 documents); nothing changes on SQLite, whose FTS5
table keeps each field in a column of its own.
"""

from django.db import migrations

VECTORS = """
UPDATE archive_searchdocument SET
    vector = setweight(to_tsvector('archive_search', COALESCE(title, '')), 'A')
        {joint} setweight(to_tsvector('archive_search', COALESCE(names, '')), 'A')
        {joint} setweight(to_tsvector('archive_search', COALESCE(summary, '')), 'B')
        {joint} setweight(to_tsvector('archive_search', COALESCE(body, '')), 'C'),
    title_vector = to_tsvector('archive_search', COALESCE(title, ''))
        {joint} to_tsvector('archive_search', COALESCE(names, ''))
"""


def write_vectors(joint):
    def write(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(VECTORS.format(joint=joint))

    return write


class Migration(migrations.Migration):
    dependencies = [("archive", "0023_sqlite_search_kind_span")]

    operations = [
        migrations.RunPython(
            write_vectors("|| '¶:1'::tsvector ||"),
            # Before: the fields ran together (the title and names as one text).
            write_vectors("||"),
        )
    ]
