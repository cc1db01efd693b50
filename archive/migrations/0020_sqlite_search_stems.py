"""SQLite search finds a word by its stem, as PostgreSQL's does.

The FTS5 table `archive_searchtext` held each document's folded text word for word: "wars" did
not find "war", nor "interview" an interview's "interviews", where PostgreSQL's English
stemmer finds both. Its rows now hold the text with each English word stemmed
(`archive.search.stemmed`: Porter's stemmer, the one of FTS5's own `porter` tokenizer), and
queries are stemmed alike. The rows are rewritten from the search documents (about 40 s per
300,000 documents); the stored documents themselves do not change, nor does anything on
PostgreSQL. Going back writes the folded text again.
"""

from django.db import migrations

BATCH = 2000


def rewrite_text(prepare):
    def rewrite(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        SearchDocument = apps.get_model("archive", "SearchDocument")
        documents = SearchDocument.objects.values_list("pk", "title", "names", "summary", "body")
        rows = []
        with schema_editor.connection.cursor() as cursor:
            for pk, *texts in documents.iterator(chunk_size=BATCH):
                rows.append((*(prepare(text) for text in texts), pk))
                if len(rows) == BATCH:
                    write(cursor, rows)
                    rows = []
            write(cursor, rows)
            # Merged into one b-tree: rewritten row by row, the index is left in pieces that
            # made searches twice as slow until FTS5 merged them.
            cursor.execute(
                "INSERT INTO archive_searchtext(archive_searchtext) VALUES ('optimize')"
            )

    return rewrite


def write(cursor, rows):
    cursor.executemany(
        "UPDATE archive_searchtext SET title = %s, names = %s, summary = %s, body = %s "
        "WHERE rowid = %s",
        rows,
    )


def stemmed(text):
    from archive.search import stemmed

    return stemmed(text)


def folded(text):
    from archive.text import fold

    return fold(text)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0019_a_to_z_sort_keys"),
    ]

    operations = [
        migrations.RunPython(rewrite_text(stemmed), rewrite_text(folded)),
    ]
