"""PostgreSQL spells the Latin letters `unaccent` keeps as SQLite does (anyascii).

"Ibrahimbeyov" found *Rüstəm İbrahimbəyov* on SQLite, which spells every Latin letter in ASCII
before indexing (archive.text.fold), and nothing on PostgreSQL, whose `unaccent` keeps the
Azerbaijani ə, and the ŋ of Sámi and West African names, as they are; "Ingang" missed "Ingaŋ".
`archive_search_fold` now spells those letters as anyascii does before the vectors are made,
and the stored vectors are regenerated; queries are spelled the same way
(archive.search.tsquery). SQLite is unchanged.
"""

import importlib

from django.db import migrations

arabic = importlib.import_module("archive.migrations.0026_search_folds_arabic")
joined = importlib.import_module("archive.migrations.0028_search_splits_joined_words")

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
    folded_from=arabic.FOLDED_FROM + joined.JOINERS + FROM + arabic.DROPPED,
    folded_to=arabic.FOLDED_TO + " " * len(joined.JOINERS) + TO,
)
for letter, spelled in LETTERS.items():
    SPELLED = f"replace({SPELLED}, '{letter}', '{spelled}')"

FUNCTION = f"""
CREATE OR REPLACE FUNCTION archive_search_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$SELECT {SPELLED}$$
"""


def spell_letters(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute(arabic.VECTORS.format(fold="archive_search_fold"))


def keep_letters(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(joined.FUNCTION)
        schema_editor.execute(arabic.VECTORS.format(fold="archive_search_fold"))


class Migration(migrations.Migration):
    dependencies = [("archive", "0029_search_folds_greek_and_yo")]

    operations = [migrations.RunPython(spell_letters, keep_letters)]
