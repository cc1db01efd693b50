"""`python manage.py demo` sets up the demo archive, and serves it."""

import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from reversion.models import Version

from archive.management.commands.demo import DEMO_PASSWORD, DEMO_USERNAME
from archive.models import Article, Film, Quote

PROJECT = Path(__file__).resolve().parent.parent


class DemoCommandTests(TestCase):
    def run_demo(self):
        out = io.StringIO()
        call_command("demo", "--no-serve", stdout=out)
        return out.getvalue()

    def test_running_twice_leaves_one_copy_of_everything(self):
        self.run_demo()
        counts = (Film.objects.count(), Article.objects.count(), Quote.objects.count())
        output = self.run_demo()
        self.assertEqual(
            (Film.objects.count(), Article.objects.count(), Quote.objects.count()), counts
        )
        self.assertEqual(counts, (2, 2, 7))
        self.assertIn("The demo archive is ready.", output)

    def test_history_starts_with_the_demo_text(self):
        self.run_demo()
        interview = Article.objects.get(slug="feras-fayyad-interview")
        self.assertEqual(Version.objects.get_for_object(interview).count(), 1)
        self.run_demo()
        self.assertEqual(Version.objects.get_for_object(interview).count(), 1)

    def test_demo_editor_only_in_the_embedded_sqlite_database(self):
        output = self.run_demo()
        User = get_user_model()
        if connection.vendor == "sqlite":
            editor = User.objects.get(username=DEMO_USERNAME)
            self.assertTrue(editor.is_staff)
            self.assertEqual([g.name for g in editor.groups.all()], ["Editors"])
            self.assertTrue(editor.has_perm("archive.publish_article"))
            self.assertTrue(editor.check_password(DEMO_PASSWORD))
            self.assertIn(DEMO_PASSWORD, output)
            self.run_demo()
            self.assertEqual(User.objects.filter(username=DEMO_USERNAME).count(), 1)
        else:
            self.assertFalse(User.objects.filter(username=DEMO_USERNAME).exists())
            self.assertNotIn(DEMO_PASSWORD, output)
            self.assertIn("no demo account was made", output)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_demo_serves_the_archive(tmp_path):
    """As a newcomer runs it: a fresh database, one command, and the film page is there."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    server = subprocess.Popen(
        [sys.executable, "manage.py", "demo", f"127.0.0.1:{port}"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/films/last-men-in-aleppo/", timeout=5
                ) as response:
                    page = response.read().decode()
                break
            except OSError as error:
                if server.poll() is not None or time.monotonic() > deadline:
                    output = server.stdout.read()
                    raise AssertionError(f"the demo did not start:\n{output}") from error
                time.sleep(0.3)
        assert "Last Men in Aleppo" in page
        assert "آخر الرجال في حلب" in page
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=10)
    assert f"username “{DEMO_USERNAME}”" in output
