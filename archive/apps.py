from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Film archive"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from . import checks, pagecache, search, statistics  # noqa: F401 (checks registers)
        from .models import theme

        search.connect()
        # Every write to what readers see moves the page cache's generation on.
        connection_created.connect(pagecache.install, dispatch_uid="page-cache-watch-writes")
        pagecache.install_everywhere()
        connection_created.connect(theme.install_casefold, dispatch_uid="sqlite-casefold")
        theme.install_casefold_everywhere()
        post_migrate.connect(
            statistics.gather_after_migrations, sender=self, dispatch_uid="sqlite-statistics"
        )
