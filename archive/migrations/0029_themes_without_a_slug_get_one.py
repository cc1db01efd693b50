"""A theme saved with an empty slug gets one: "theme", numbered apart from others ("theme_1")
(slugs are unique: one theme at most has an empty one).

A theme named with symbols alone ("★", "🎬", "—") was saved with an empty slug, which has no
address: the film's page, the list of themes, the home page and the sitemap that linked to it
were server errors from then on. New themes get such a slug when saved (Theme.slugify); this
gives one to those saved before. Nothing else is changed, and no earlier address is recorded
(an empty slug had none). Going back leaves the slugs given: no page can be made without them.
"""

from django.db import migrations

FALLBACK = "theme"


def give_slugs(apps, schema_editor):
    Theme = apps.get_model("archive", "Theme")
    nameless = list(Theme.objects.filter(slug=""))
    if not nameless:
        return
    taken = set(Theme.objects.filter(slug__startswith=FALLBACK).values_list("slug", flat=True))
    numbers = (
        FALLBACK if i == 0 else f"{FALLBACK}_{i}" for i in range(len(taken) + len(nameless) + 1)
    )
    free = (slug for slug in numbers if slug not in taken)
    for theme in nameless:
        theme.slug = next(free)
        theme.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("archive", "0028_search_reads_words_alike")]

    operations = [migrations.RunPython(give_slugs, migrations.RunPython.noop)]
