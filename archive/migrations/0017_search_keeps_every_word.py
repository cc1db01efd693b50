"""PostgreSQL search keeps every word, as SQLite's does.

The `archive_search` configuration was English's, whose stemmer drops stop words: a film
called "Her", "It" or "Them" could not be found by its title, and a quoted phrase matched with
any word in place of its "of" or "the". Its words now go to an English stemmer without a
stop-word list (`archive_english_stem`); accents are folded as before. The stored vectors are
regenerated (about a minute per 300,000 documents).
"""

from django.db import migrations

VECTORS = """
UPDATE archive_searchdocument SET
    vector = setweight(to_tsvector('archive_search', COALESCE(title, '')), 'A')
        || setweight(to_tsvector('archive_search', COALESCE(names, '')), 'A')
        || setweight(to_tsvector('archive_search', COALESCE(summary, '')), 'B')
        || setweight(to_tsvector('archive_search', COALESCE(body, '')), 'C'),
    title_vector = to_tsvector(
        'archive_search', COALESCE(title, '') || ' ' || COALESCE(names, '')
    )
"""

ASCII_TOKENS = "asciiword, asciihword, hword_asciipart"
OTHER_TOKENS = "word, hword, hword_part"


def map_words(schema_editor, stemmer):
    for tokens, dictionaries in (
        (ASCII_TOKENS, stemmer),
        (OTHER_TOKENS, f"unaccent, {stemmer}"),
    ):
        schema_editor.execute(
            f"ALTER TEXT SEARCH CONFIGURATION archive_search "
            f"ALTER MAPPING FOR {tokens} WITH {dictionaries}"
        )
    schema_editor.execute(VECTORS)


def keep_every_word(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE TEXT SEARCH DICTIONARY archive_english_stem "
        "(TEMPLATE = snowball, Language = english)"
    )
    map_words(schema_editor, "archive_english_stem")


def drop_stop_words(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    map_words(schema_editor, "english_stem")
    schema_editor.execute("DROP TEXT SEARCH DICTIONARY archive_english_stem")


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0016_film_kind_index"),
    ]

    operations = [
        migrations.RunPython(keep_every_word, drop_stop_words),
    ]
