from django.core.management.base import BaseCommand

from archive import pagecache


class Command(BaseCommand):
    help = (
        "Render every public page afresh on its next request. Changes made through Django clear "
        "the page cache by themselves; this is for a database changed outside it (restored with "
        "pg_restore, edited in psql)."
    )

    def handle(self, *args, **options):
        pagecache.invalidate()
        self.stdout.write(self.style.SUCCESS("Every public page will be rendered afresh."))
