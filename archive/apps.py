from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Film archive"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import search

        search.connect()
