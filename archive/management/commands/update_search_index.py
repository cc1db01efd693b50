from django.core.management.base import BaseCommand

from archive import search


class Command(BaseCommand):
    help = (
        "Rebuild the search index from scratch. Saving keeps it up to date by itself; this is "
        "for after a bulk import or an upgrade."
    )

    def handle(self, *args, **options):
        count = search.rebuild()
        self.stdout.write(
            self.style.SUCCESS(f"Indexed {count} films, people, articles and quotes.")
        )
