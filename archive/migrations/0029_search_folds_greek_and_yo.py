"""SQLite's search reads Greek without its accents and Ё as Е, as PostgreSQL's `unaccent` does.

"αλεξης" found *Αλέξης Ζορμπάς* on PostgreSQL and nothing on SQLite, whose FTS5 tokenizer
folds the marks of Latin letters only; "Αλέξ", being typed, found it on SQLite and not on
PostgreSQL, which matched the beginning of a word as typed against its stored, unaccented
form. Both now read Greek letters without their marks and Ё as Е in the query and, on SQLite,
in the stored text (`archive.search.folded`), whose FTS5 rows are rewritten here (about 40 s
at 340,000 documents). PostgreSQL's vectors are unchanged.
"""

import importlib

from django.db import migrations

arabic = importlib.import_module("archive.migrations.0026_search_folds_arabic")


def stemmed_without_greek_folding(text):
    from archive.search import ARABIC_FOLDING, ENGLISH_WORD, stem
    from archive.text import fold

    return ENGLISH_WORD.sub(lambda word: stem(word.group().lower()), fold(text)).translate(
        ARABIC_FOLDING
    )


def fold_greek(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        arabic.rewrite_text(arabic.stemmed)(schema_editor.connection)


def unfold_greek(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        arabic.rewrite_text(stemmed_without_greek_folding)(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("archive", "0028_search_splits_joined_words")]

    operations = [migrations.RunPython(fold_greek, unfold_greek)]
