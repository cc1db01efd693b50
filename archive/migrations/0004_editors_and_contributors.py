"""The two groups editors are put in: Editors, who may do everything in the archive, including
publishing and managing themes, and Contributors, who write drafts.

What a contributor may do to a particular article (only drafts, never its status or
publication time) is decided by the admin (archive/admin/articles.py); the permissions here say which
kinds of things they may touch at all.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
CONTRIBUTORS = "Contributors"

# Contributors add and change these; they view everything else in the archive.
CONTRIBUTOR_CHANGES = [
    "film", "credit", "award", "language", "person",
    "article", "articleauthor", "articlefilm", "articleperson", "exchange", "quote",
]  # fmt: skip
# ...and delete these: rows of the films and drafts they edit, and their own drafts and quotes
# (the admin refuses deleting a published article or its quotes to them).
CONTRIBUTOR_DELETES = [
    "credit", "award", "article", "articleauthor", "articlefilm", "articleperson", "exchange",
    "quote",
]  # fmt: skip


def create_groups(apps, schema_editor):
    # Permissions are otherwise created after the last migration (post_migrate): on a fresh
    # database they would not exist yet.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    archive = Permission.objects.filter(content_type__app_label="archive")

    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.set(archive)

    models = archive.values_list("content_type__model", flat=True).distinct()
    codenames = [f"view_{model}" for model in models]
    codenames += [
        f"{action}_{model}" for model in CONTRIBUTOR_CHANGES for action in ("add", "change")
    ]
    codenames += [f"delete_{model}" for model in CONTRIBUTOR_DELETES]
    contributors, _ = Group.objects.get_or_create(name=CONTRIBUTORS)
    contributors.permissions.set(archive.filter(codename__in=codenames))


def keep_groups(apps, schema_editor):
    """Going back leaves the groups and who is in them: deleting them took every editor and
    contributor out of their group, so that migrating forward again (`create_groups` finds
    them and sets their permissions afresh) left them without any permission."""


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0003_publish_permission"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, keep_groups)]
