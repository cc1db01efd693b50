"""A–Z from a title's or a name's first letter or digit: "¡Alambrista!" among the As, not
after Z (archive.text.sort_key). The keys already stored that open with punctuation are
written again here; every save keeps them since."""

import archive.text
from django.db import migrations


def refill_sort_keys(apps, schema_editor):
    for model, field, source in (("Person", "sort_name", "name"), ("Film", "sort_title", "title")):
        objects = apps.get_model("archive", model)._default_manager
        batch = []
        for obj in objects.only("pk", field, source).iterator(chunk_size=2000):
            key = archive.text.sort_key(getattr(obj, source))
            if key != getattr(obj, field):
                setattr(obj, field, key)
                batch.append(obj)
            if len(batch) == 2000:
                objects.bulk_update(batch, [field])
                batch = []
        objects.bulk_update(batch, [field])


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0024_search_fields_kept_apart"),
    ]

    operations = [
        migrations.RunPython(refill_sort_keys, migrations.RunPython.noop),
    ]
