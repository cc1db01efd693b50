"""Normalise the text already stored (line endings, trailing spaces, Unicode NFC), as every save
now does: text saved from a browser holds CRLF where the demo and imports hold LF, and the
history would otherwise report the difference as an edit.

Rows are updated in place, without touching their "last changed" time: nothing an editor
wrote changes. Backwards there is nothing to undo.
"""

from django.db import migrations

from archive.text import normalise_text

TEXT_FIELDS = {
    "article": ["title", "standfirst", "body", "source_name"],
    "exchange": ["question", "answer"],
    "person": ["name", "alternative_names", "native_name", "biography"],
    "film": ["title", "original_title", "synopsis", "image_alt", "image_credit"],
    "credit": ["credited_as", "note"],
    "award": ["body", "edition", "category"],
    "language": ["name"],
    "quote": ["text"],
}


def normalise_stored_text(apps, schema_editor):
    for model_name, fields in TEXT_FIELDS.items():
        model = apps.get_model("archive", model_name)
        for row in model.objects.values("pk", *fields).iterator():
            pk = row.pop("pk")
            changed = {
                name: normalise_text(value)
                for name, value in row.items()
                if value != normalise_text(value)
            }
            if changed:
                model.objects.filter(pk=pk).update(**changed)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0007_normalised_text_fields"),
    ]

    operations = [
        migrations.RunPython(normalise_stored_text, migrations.RunPython.noop, elidable=True),
    ]
