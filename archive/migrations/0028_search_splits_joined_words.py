"""PostgreSQL reads words joined by punctuation as the words they are, as SQLite does.

PostgreSQL's text-search parser keeps "Al-Hattar" as one word beside its parts, and "9/11",
"F.W.", "2.0", "hal@example.com" and "www.example.com/odyssey" as single tokens: the quoted
phrase "Mahmoud Al-Hattar" found nothing (the hyphenated word sat between "mahmoud" and "al"),
nor did "9/11", "F.W. Murnau" or "example", which SQLite's FTS5 table, splitting words on
every character that is no letter or digit, finds. `archive_search_fold` now turns the
characters the parser joins words with (- . / @ _ ~ + : & < >) into spaces before the
vectors are made, and the stored vectors are regenerated (about a minute per 300,000
documents). Queries are read into words the same way already (archive.search.parse_query).
SQLite is unchanged.
"""

import importlib

from django.db import migrations

arabic = importlib.import_module("archive.migrations.0026_search_folds_arabic")

JOINERS = "-./@_~+:&<>"

FUNCTION = f"""
CREATE OR REPLACE FUNCTION archive_search_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$SELECT translate(
    $1,
    '{arabic.FOLDED_FROM}{JOINERS}{arabic.DROPPED}',
    '{arabic.FOLDED_TO}{" " * len(JOINERS)}'
)$$
"""

ARABIC_ONLY = arabic.FUNCTION.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")


def split_joined_words(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute(arabic.VECTORS.format(fold="archive_search_fold"))


def join_them_again(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ARABIC_ONLY)
        schema_editor.execute(arabic.VECTORS.format(fold="archive_search_fold"))


class Migration(migrations.Migration):
    dependencies = [("archive", "0027_language_codes_are_bcp47_tags")]

    operations = [migrations.RunPython(split_joined_words, join_them_again)]
