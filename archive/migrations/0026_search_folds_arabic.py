"""Search reads Arabic without its vowel marks, and with one form of letters written several ways.

"حَلَب" (vowelled) and "اخر الرجال" (a bare alef for آ) found nothing of *آخر الرجال في حلب*:
the vowel marks split a word of the query in three, and the letters were compared as written.
Stored text and queries are now folded alike (`archive.search.ARABIC_FOLDING`): short-vowel
marks and the tatweel dropped, آ أ إ ٱ read as ا, ى as ي, ة as ه. On PostgreSQL the function
`archive_search_fold` does it inside the stored vectors, which are regenerated (about a minute
per 300,000 documents); on SQLite the FTS5 table's rows are rewritten (about 40 s).
"""

from django.db import migrations

ALEFS = "\u0622\u0623\u0625\u0671"
FOLDED_FROM = ALEFS + "\u0649\u0629"
FOLDED_TO = "\u0627" * len(ALEFS) + "\u064a\u0647"
DROPPED = "\u0640\u0670" + "".join(map(chr, range(0x064B, 0x0660)))

FUNCTION = f"""
CREATE FUNCTION archive_search_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$SELECT translate($1, '{FOLDED_FROM}{DROPPED}', '{FOLDED_TO}')$$
"""

VECTORS = """
UPDATE archive_searchdocument SET
    vector = setweight(to_tsvector('archive_search', COALESCE({fold}(title), '')), 'A')
        || '¶:1'::tsvector
        || setweight(to_tsvector('archive_search', COALESCE({fold}(names), '')), 'A')
        || '¶:1'::tsvector
        || setweight(to_tsvector('archive_search', COALESCE({fold}(summary), '')), 'B')
        || '¶:1'::tsvector
        || setweight(to_tsvector('archive_search', COALESCE({fold}(body), '')), 'C'),
    title_vector = to_tsvector('archive_search', COALESCE({fold}(title), ''))
        || '¶:1'::tsvector
        || to_tsvector('archive_search', COALESCE({fold}(names), ''))
"""

BATCH = 2000


def rewrite_text(prepare):
    """Rewrite SQLite's FTS5 rows from the search documents, each field through `prepare`."""

    def rewrite(connection):
        SearchDocument = "archive_searchdocument"
        with connection.cursor() as reader, connection.cursor() as writer:
            reader.execute(f"SELECT id, title, names, summary, body FROM {SearchDocument}")
            while rows := reader.fetchmany(BATCH):
                writer.executemany(
                    "UPDATE archive_searchtext SET title = %s, names = %s, summary = %s, "
                    "body = %s WHERE rowid = %s",
                    [(*(prepare(text) for text in texts), pk) for pk, *texts in rows],
                )
            writer.execute("INSERT INTO archive_searchtext(archive_searchtext) VALUES ('optimize')")

    return rewrite


def stemmed(text):
    from archive.search import stemmed

    return stemmed(text)


def stemmed_without_arabic_folding(text):
    from archive.search import ENGLISH_WORD, stem
    from archive.text import fold

    return ENGLISH_WORD.sub(lambda word: stem(word.group().lower()), fold(text))


def fold_arabic(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute(VECTORS.format(fold="archive_search_fold"))
    elif schema_editor.connection.vendor == "sqlite":
        rewrite_text(stemmed)(schema_editor.connection)


def unfold_arabic(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(VECTORS.format(fold=""))
        schema_editor.execute("DROP FUNCTION archive_search_fold(text)")
    elif schema_editor.connection.vendor == "sqlite":
        rewrite_text(stemmed_without_arabic_folding)(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("archive", "0025_sort_keys_past_leading_punctuation")]

    operations = [migrations.RunPython(fold_arabic, unfold_arabic)]
