"""A backup made with dumpdata, loaded into an emptied database, reproduces every page."""

import re
import subprocess
import tempfile
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.test import TransactionTestCase

from archive.models import Article

from .conftest import groups_after_flush

PROJECT = Path(__file__).resolve().parent.parent

BACKUP_EXCLUDES = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "axes",
    "archive.searchdocument",  # derived: rebuilt as the objects load
]


class BackupTests(TransactionTestCase):
    def setUp(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.tmp_path = Path(directory.name)

    def pages(self):
        """Every page the sitemap lists (through its index of sections), and a few more."""

        def addresses(url):
            sitemap = self.client.get(url).content.decode()
            found = re.findall(r"<loc>(.*?)</loc>", sitemap)
            return [re.sub(r"^http://testserver", "", u).replace("&amp;", "&") for u in found]

        urls = [url for section in addresses("/sitemap.xml") for url in addresses(section)]
        urls += ["/feeds/articles/", "/feeds/articles/atom/", "/quotes/?person=feras-fayyad"]
        self.assertGreater(len(urls), 20)
        pages = {}
        for url in urls:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            pages[url] = response.content.decode()
        return pages

    def test_dump_and_restore_reproduces_every_page(self):
        call_command("loaddata", "demo", verbosity=0)
        draft = Article.objects.create(title="A draft in progress", body="Not yet.")
        draft.themes.add("work in progress")
        before = self.pages()

        backup = self.tmp_path / "backup.json"
        call_command(
            "dumpdata",
            "--natural-foreign",
            *[f"--exclude={label}" for label in BACKUP_EXCLUDES],
            "--indent=2",
            f"--output={backup}",
            verbosity=0,
        )
        # As an operator's flush: without the tests' own handler that makes the groups again
        # after a flush (conftest.groups_after_flush), which the backup holds.
        archive = apps.get_app_config("archive")
        post_migrate.disconnect(groups_after_flush, sender=archive)
        try:
            call_command("flush", "--no-input", verbosity=0)
        finally:
            post_migrate.connect(groups_after_flush, sender=archive)
        self.assertFalse(Article.objects.exists())
        call_command("loaddata", str(backup), verbosity=0)

        self.assertEqual(self.pages(), before)
        restored = Article.objects.get(title="A draft in progress")
        self.assertEqual([t.name for t in restored.themes.all()], ["work in progress"])


def test_what_readmes_commands_write_is_kept_out_of_commits():
    """README's backup writes `backup.json` into the project directory, `pip install .` leaves a
    `build/` directory and the SQLite scale benchmark reads its archive from `large.sqlite3`
    there: `git status` offered each to be committed, the archive's data among them."""
    written = [
        "backup.json",
        "build/lib/archive/views.py",
        "large.sqlite3",
        "large.sqlite3-wal",
        "large.sqlite3-shm",
    ]
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", *written],
        cwd=PROJECT,
        capture_output=True,
        text=True,
    )
    assert ignored.stdout.split() == written, ignored.stderr
