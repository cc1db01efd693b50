"""Both databases' search read the same words: PostgreSQL as SQLite for words joined by
punctuation and for the Latin letters `unaccent` keeps, SQLite as PostgreSQL for Greek and Ё.

- PostgreSQL's text-search parser kept "Al-Hattar" as one word beside its parts, and "9/11",
  "F.W.", "2.0", "hal@example.com" and "www.example.com/odyssey" as single tokens: the quoted
  phrase "Mahmoud Al-Hattar" found nothing, nor did "9/11", "F.W. Murnau" or "example", which
  SQLite's FTS5 table, splitting words on every character that is no letter or digit, finds.
  `archive_search_fold` now reads the characters the parser joins words with
  (- . / @ _ ~ + : & < >) as spaces.
- `unaccent` keeps the Azerbaijani ə and the ŋ of Sámi and West African names as they are:
  "Ibrahimbeyov" missed *Rüstəm İbrahimbəyov* and "Ingang" missed "Ingaŋ" on PostgreSQL, which
  SQLite, spelling every Latin letter in ASCII (anyascii), finds. The function now spells
  those letters as anyascii does; queries are spelt the same way (archive.search.tsquery).
- "αλεξης" found *Αλέξης Ζορμπάς* on PostgreSQL and nothing on SQLite, whose FTS5 tokenizer
  folds the marks of Latin letters only, and "Петр" missed Пётр there. SQLite's stored text
  now reads Greek without its marks and Ё as Е (archive.search.folded): its FTS5 rows are
  rewritten (about 40 s at 340,000 documents).

On PostgreSQL the stored vectors are regenerated once (2 min 40 s for 340,000 documents on two
cores).
"""

import importlib

from django.db import migrations

arabic = importlib.import_module("archive.migrations.0026_search_folds_arabic")

JOINERS = "-./@_~+:&<>"

# As anyascii spells them; the Latin letters unaccent leaves alone that names are written with.
ONE_LETTER = {
    "ƏƎ": "E", "əǝ": "e", "Ɔ": "O", "ɔ": "o", "Ɣ": "G", "ɣ": "g", "ǾƟ": "O", "ǿɵ": "o",
    "Ʌ": "A", "ɑʌ": "a", "Ʊ": "U", "ʊ": "u", "Ȝ": "Y", "ȝ": "y", "Ƿ": "W", "ƿ": "w",
}  # fmt: skip
LETTERS = {
    "Ŋ": "Ng", "ŋ": "ng", "Ǽ": "Ae", "ǽ": "ae", "Ǣ": "Ae", "ǣ": "ae", "Ʃ": "Sh", "ʃ": "sh",
    "Ʒ": "Zh", "ʒ": "zh", "Ǯ": "Zh", "ǯ": "zh", "Ȣ": "Ou", "ȣ": "ou", "Ƕ": "Hw", "ƕ": "hw",
}  # fmt: skip

FROM = "".join(ONE_LETTER)
TO = "".join(spelled * len(letters) for letters, spelled in ONE_LETTER.items())
SPELLED = "translate($1, '{folded_from}', '{folded_to}')".format(
    folded_from=arabic.FOLDED_FROM + JOINERS + FROM + arabic.DROPPED,
    folded_to=arabic.FOLDED_TO + " " * len(JOINERS) + TO,
)
for letter, spelled in LETTERS.items():
    SPELLED = f"replace({SPELLED}, '{letter}', '{spelled}')"

FUNCTION = f"""
CREATE OR REPLACE FUNCTION archive_search_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$SELECT {SPELLED}$$
"""

ARABIC_ONLY = arabic.FUNCTION.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")


def stemmed_without_greek_folding(text):
    from archive.search import ARABIC_FOLDING, ENGLISH_WORD, stem
    from archive.text import fold

    return ENGLISH_WORD.sub(lambda word: stem(word.group().lower()), fold(text)).translate(
        ARABIC_FOLDING
    )


def read_alike(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute(arabic.VECTORS.format(fold="archive_search_fold"))
    elif schema_editor.connection.vendor == "sqlite":
        arabic.rewrite_text(arabic.stemmed)(schema_editor.connection)


def read_as_before(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ARABIC_ONLY)
        schema_editor.execute(arabic.VECTORS.format(fold="archive_search_fold"))
    elif schema_editor.connection.vendor == "sqlite":
        arabic.rewrite_text(stemmed_without_greek_folding)(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("archive", "0027_language_codes_are_bcp47_tags")]

    operations = [migrations.RunPython(read_alike, read_as_before)]
