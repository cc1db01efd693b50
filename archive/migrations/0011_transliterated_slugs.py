"""Slugs with Latin letters written in ASCII, the old ones kept as earlier slugs.

Django's slugify drops letters that do not decompose to ASCII ("Søren" made `sren`); slugs are
now made with those letters transliterated (`soren`, see archive.models.slugs). A film, person,
article or theme whose slug is the one the old rule made from its title or name (with or
without a number added to keep it unique) and would now be different gets the new one, and
its old address is remembered so that it redirects. Slugs an editor chose are left alone.

Reversing puts the old slugs back where they are still the row's earlier slug.
"""

import re

from django.db import migrations
from django.utils import text

from archive.models.slugs import slugify

# Each model whose slug is made from a field, with whether its slug keeps Unicode letters.
SLUGGED = {"film": ("title", False), "person": ("name", False), "article": ("title", False)}
THEMES = ("theme", ("name", True))
MAX_LENGTH = {"film": 80, "person": 80, "article": 80, "theme": 100}


def base(model_name, value, allow_unicode, make):
    slug = make(value, allow_unicode=allow_unicode)[: MAX_LENGTH[model_name]].strip("-")
    return slug or model_name


def made_from(slug, base_slug):
    """Whether `slug` is `base_slug`, or it with a number added to make it unique."""
    return re.fullmatch(rf"{re.escape(base_slug)}(?:[-_]\d+)?", slug) is not None


def free_slug(model, pk, base_slug, max_length):
    slug, number = base_slug, 2
    while model.objects.filter(slug=slug).exclude(pk=pk).exists():
        suffix = f"-{number}"
        slug = f"{base_slug[: max_length - len(suffix)]}{suffix}"
        number += 1
    return slug


def models_to_reslug(apps):
    for model_name, (source, allow_unicode) in [*SLUGGED.items(), THEMES]:
        yield model_name, apps.get_model("archive", model_name), source, allow_unicode


def transliterate_slugs(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    EarlierSlug = apps.get_model("archive", "EarlierSlug")
    for model_name, model, source, allow_unicode in models_to_reslug(apps):
        # Read through first, written after: a table is not changed under its own cursor.
        changes = []
        for pk, slug, value in model.objects.values_list("pk", "slug", source).iterator():
            old_base = base(model_name, value, allow_unicode, text.slugify)
            new_base = base(model_name, value, allow_unicode, slugify)
            if new_base != old_base and made_from(slug, old_base):
                changes.append((pk, slug, new_base))
        if not changes:
            continue
        content_type, _ = ContentType.objects.get_or_create(app_label="archive", model=model_name)
        for pk, slug, new_base in changes:
            new_slug = free_slug(model, pk, new_base, MAX_LENGTH[model_name])
            model.objects.filter(pk=pk).update(slug=new_slug)
            EarlierSlug.objects.update_or_create(
                content_type=content_type, slug=slug, defaults={"object_id": pk}
            )


def restore_slugs(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    EarlierSlug = apps.get_model("archive", "EarlierSlug")
    for model_name, model, source, allow_unicode in models_to_reslug(apps):
        content_type = ContentType.objects.filter(app_label="archive", model=model_name).first()
        earlier = EarlierSlug.objects.filter(content_type=content_type)
        for row in earlier.order_by("pk"):
            obj = model.objects.filter(pk=row.object_id).first()
            if obj is None:
                continue
            value = getattr(obj, source)
            old_base = base(model_name, value, allow_unicode, text.slugify)
            new_base = base(model_name, value, allow_unicode, slugify)
            taken = model.objects.filter(slug=row.slug).exclude(pk=obj.pk).exists()
            if made_from(row.slug, old_base) and made_from(obj.slug, new_base) and not taken:
                model.objects.filter(pk=obj.pk).update(slug=row.slug)
                row.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0010_earlier_slugs"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(transliterate_slugs, restore_slugs)]
