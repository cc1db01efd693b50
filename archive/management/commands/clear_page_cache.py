from django.core.management.base import BaseCommand, CommandError

from archive import pagecache


class Command(BaseCommand):
    help = (
        "Render every public page afresh on its next request. Changes made through Django clear "
        "the page cache by themselves; this is for a database changed outside it (restored with "
        "pg_restore, edited in psql)."
    )

    def handle(self, *args, **options):
        try:
            pagecache.move_generation()
        except pagecache.CACHE_ERRORS as error:
            message = f"The shared cache cannot be reached ({error}); try again."
            raise CommandError(message) from error
        self.stdout.write(self.style.SUCCESS("Every public page will be rendered afresh."))
