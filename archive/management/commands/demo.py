from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.urls import reverse

DEMO_USERNAME = "editor"
DEMO_PASSWORD = "film-archive-demo"


class Command(BaseCommand):
    help = (
        "Set up the demo archive and serve it: apply migrations, load fixtures/demo.json "
        "(again and again without duplicating anything), make sure a demo editor account "
        "exists, and start the development server."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "addrport",
            nargs="?",
            default="127.0.0.1:8000",
            help="Address and port to serve on (default 127.0.0.1:8000).",
        )
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="Set up the demo archive without starting the server.",
        )

    def handle(self, *args, addrport, no_serve, **options):
        self.stdout.write("Applying migrations…")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Loading the demo archive (fixtures/demo.json)…")
        call_command("loaddata", "demo", verbosity=0)
        # A first version of everything, so that the editors' history can compare and revert
        # from the demo's own text. Objects that already have one are left alone.
        call_command("createinitialrevisions", "archive", comment="Demo archive", verbosity=0)
        self.ensure_demo_editor()
        if no_serve:
            self.stdout.write(self.style.SUCCESS("The demo archive is ready."))
            return
        self.stdout.write(self.style.SUCCESS(f"Serving the demo at http://{addrport}/"))
        call_command("runserver", addrport, use_reloader=False)

    def ensure_demo_editor(self):
        """A known login for the demo, in the Editors group, made only in the SQLite demo database.

        PostgreSQL is where a publication keeps its real archive: an account with a published
        password must never appear there, so on any other database this only says so.
        """
        if connection.vendor != "sqlite":
            self.stdout.write(
                self.style.WARNING(
                    "This is not the embedded demo database, so no demo account was made. "
                    "Create an editor with `python manage.py createsuperuser`."
                )
            )
            return
        User = get_user_model()
        editor, _ = User.objects.update_or_create(
            username=DEMO_USERNAME,
            defaults={"is_staff": True, "is_superuser": False, "is_active": True},
        )
        editor.set_password(DEMO_PASSWORD)
        editor.save()
        editor.groups.add(Group.objects.get(name="Editors"))
        self.stdout.write(
            f"Demo editor account: username “{DEMO_USERNAME}”, password “{DEMO_PASSWORD}” "
            f"(sign in at {reverse('admin:index')})."
        )
