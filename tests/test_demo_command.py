"""`python manage.py demo` sets up the demo archive, and serves it."""

import io
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from importlib import import_module
from pathlib import Path
from unittest import mock

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase
from django.urls import reverse
from reversion.models import Version

from archive.management.commands.demo import DEMO_PASSWORD, DEMO_USERNAME, served_address
from archive.models import (
    Article,
    ArticleFilm,
    Credit,
    EarlierSlug,
    Film,
    Person,
    Quote,
    Theme,
)

from .factories import make_article, make_film
from .processes import django_environment, run_django

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

    def test_an_archive_with_the_first_demo_gets_no_second_person(self):
        """The first demo's “sren-steen-jespersen”, migrated, is the demo's person: the archive
        ends as a fresh one with the demo does, with the old address leading to the person."""
        self.run_demo()
        fresh = addresses()
        # The archive as the first demo left it, then migrated.
        Person.objects.filter(slug="soren-steen-jespersen").update(slug="sren-steen-jespersen")
        EarlierSlug.objects.all().delete()
        reslugging = import_module("archive.migrations.0011_transliterated_slugs")
        reslugging.transliterate_slugs(apps, None)
        self.assertEqual(addresses(), fresh)
        output = self.run_demo()
        self.assertEqual(addresses(), fresh)
        self.assertEqual(Person.objects.filter(name="Søren Steen Jespersen").count(), 1)
        self.assertIn("Already in the archive, left as they are: 9 people", output)
        response = self.client.get("/people/sren-steen-jespersen/")
        self.assertRedirects(response, "/people/soren-steen-jespersen/", status_code=301)

    def test_a_demo_person_an_editor_gave_a_new_slug_is_not_loaded_again(self):
        self.run_demo()
        person = Person.objects.get(slug="soren-steen-jespersen")
        person.slug = "soren-jespersen"
        person.save()
        output = self.run_demo()
        self.assertEqual(Person.objects.filter(name="Søren Steen Jespersen").count(), 1)
        self.assertIn("9 people", output)
        self.assertRedirects(
            self.client.get("/people/sren-steen-jespersen/"),
            "/people/soren-jespersen/",
            status_code=301,
        )
        # --reset lists it among what it replaces, and replaces it rather than adding one.
        output = demo("--reset", answer="yes")
        self.assertIn("person “Søren Steen Jespersen”", output)
        self.assertEqual(Person.objects.filter(name="Søren Steen Jespersen").count(), 1)
        for address in ["/people/sren-steen-jespersen/", "/people/soren-jespersen/"]:
            self.assertRedirects(
                self.client.get(address), "/people/soren-steen-jespersen/", status_code=301
            )

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


def test_readme_gives_the_demo_editors_sign_in():
    """The demo's editor account signs in with a password the command calls the one README
    publishes: README said only that the command prints a login, so a reader who missed that
    line, or opened the admin of a demo already set up, had nothing to sign in with."""
    readme = " ".join((PROJECT / "README.md").read_text().split())
    assert f"username `{DEMO_USERNAME}`, password `{DEMO_PASSWORD}`" in readme


def addresses():
    """Every person's slug, and every earlier slug with the slug it leads to."""
    return (
        sorted(Person.objects.values_list("slug", flat=True)),
        sorted(
            (earlier.slug, Person.objects.get(pk=earlier.object_id).slug)
            for earlier in EarlierSlug.objects.all()
        ),
    )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.once  # a process of its own on an SQLite file of its own
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


@pytest.mark.once  # a process of its own on an SQLite file of its own
def test_demo_served_on_every_interface_answers_other_machines(tmp_path):
    """README: `python manage.py demo 0.0.0.0:8080` serves on another address. Another machine
    reaches it by this machine's address or name, which every request named in its Host and
    got "400 Bad Request" for (DisallowedHost: only localhost was allowed)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    env["DJANGO_CACHE_DIR"] = str(tmp_path / "cache")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "demo", f"0.0.0.0:{port}"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    from_elsewhere = urllib.request.Request(
        f"http://127.0.0.1:{port}/films/last-men-in-aleppo/",
        headers={"Host": f"archive-demo.example.net:{port}"},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(from_elsewhere, timeout=5) as response:
                    page = response.read().decode()
                break
            except urllib.error.HTTPError as error:
                raise AssertionError(f"the demo answered {error.code}") from error
            except OSError as error:
                if server.poll() is not None or time.monotonic() > deadline:
                    output = server.stdout.read()
                    raise AssertionError(f"the demo did not start:\n{output}") from error
                time.sleep(0.3)
        assert "Last Men in Aleppo" in page
    finally:
        server.terminate()
        server.communicate(timeout=10)


@pytest.mark.once  # a process of its own on an SQLite file of its own
def test_a_production_archive_on_sqlite_gets_no_demo_account(tmp_path):
    """A publication keeping its archive in SQLite (DEBUG off) may load the demo into it: its
    own "editor" keeps their password, and no account with README's password appears."""
    environ = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'archive.sqlite3'}",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "k7#Qv2-the-production-key-is-long-and-random-9fz0Lw3x8pA5dRtY1mN6bVc",
        "DJANGO_CACHE_DIR": str(tmp_path / "cache"),
    }
    made = run_django(
        "from django.core.management import call_command; "
        "from django.contrib.auth.models import User; "
        "call_command('migrate', verbosity=0); "
        f"User.objects.create_superuser({DEMO_USERNAME!r}, 'ed@example.org', 'their-own-pw')",
        **environ,
    )
    assert made.returncode == 0, made.stderr
    demo_run = subprocess.run(
        [sys.executable, "manage.py", "demo", "--no-serve"],
        cwd=PROJECT,
        env=django_environment(**environ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert demo_run.returncode == 0, demo_run.stderr
    assert "no demo account was made" in demo_run.stdout
    assert DEMO_PASSWORD not in demo_run.stdout
    editor = run_django(
        "from django.contrib.auth.models import User; "
        f"u = User.objects.get(username={DEMO_USERNAME!r}); "
        "print(u.is_superuser, u.check_password('their-own-pw'))",
        **environ,
    )
    assert editor.stdout.split() == ["True", "True"], editor.stderr


@pytest.mark.once  # a process of its own on an SQLite file of its own
def test_the_demo_account_of_an_earlier_run_is_not_said_to_be_absent(tmp_path):
    """An archive first run as the local demo (DEBUG on) holds its "editor" account, which
    signs in with README's password. Run again with DEBUG off, the command said "no demo
    account was made", as if there were none: it says the account is there and still signs
    in with the published password, and how to change it, and leaves it as it is."""
    production = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",  # run_demo_command's
        "DJANGO_CACHE_DIR": str(tmp_path / "cache"),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "k7#Qv2-the-production-key-is-long-and-random-9fz0Lw3x8pA5dRtY1mN6bVc",
    }
    first = run_demo_command(tmp_path, "--no-serve", DJANGO_DEBUG="true")
    assert first.returncode == 0, first.stderr
    assert DEMO_PASSWORD in first.stdout
    again = run_demo_command(tmp_path, "--no-serve", **production)
    assert again.returncode == 0, again.stderr
    assert "no demo account was made" not in again.stdout
    assert f"The demo account “{DEMO_USERNAME}” of an earlier run" in again.stdout
    assert f"python manage.py changepassword {DEMO_USERNAME}" in again.stdout
    assert DEMO_PASSWORD not in again.stdout
    editor = run_django(
        "from django.contrib.auth.models import User; "
        f"u = User.objects.get(username={DEMO_USERNAME!r}); "
        f"print(u.is_staff, u.check_password({DEMO_PASSWORD!r}))",
        **production,
    )
    assert editor.stdout.split() == ["True", "True"], editor.stderr


def run_demo_command(tmp_path, *args, stdin=None, **environ):
    """`manage.py demo` with `args` in a fresh interpreter, on a database of its own, with the
    configuration `environ`."""
    environ = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DJANGO_CACHE_DIR": str(tmp_path / "cache"),
        **environ,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "demo", *args],
        cwd=PROJECT,
        env=django_environment(**environ),
        capture_output=True,
        text=True,
        timeout=120,
        stdin=stdin,
    )


@pytest.mark.once  # a process of its own on an SQLite file of its own
def test_an_address_the_demo_cannot_serve_on_is_refused_first(tmp_path):
    """`demo 8080:127.0.0.1` (its parts swapped) applied the migrations and loaded the demo
    before saying the address was wrong, and `demo 127.0.0.1:80800` ended in a traceback
    (OverflowError) from the socket. Both are refused with one line, before anything."""
    for addrport in ("8080:127.0.0.1", "127.0.0.1:80800"):
        result = run_demo_command(tmp_path, addrport)
        assert result.returncode == 1
        assert result.stdout == ""
        assert result.stderr == (
            f"CommandError: “{addrport}” is neither a port (1 to 65535) nor an address and a "
            "port, such as 127.0.0.1:8080 or 0.0.0.0:8080.\n"
        )
        assert not (tmp_path / "demo.sqlite3").exists()


@pytest.mark.once  # a process of its own on an SQLite file of its own
def test_the_demo_with_production_settings_asks_for_collectstatic_first(tmp_path):
    """README shows the site's own error pages by running the demo with DEBUG off, after
    `collectstatic`. Without it, the demo loaded the archive and then stopped on a traceback
    of sixty lines; it says what to run, before anything."""
    result = run_demo_command(
        tmp_path,
        "127.0.0.1:8129",
        DJANGO_DEBUG="false",
        DJANGO_HTTPS="false",
        DJANGO_SECRET_KEY="k7#Qv2-the-production-key-is-long-and-random-9fz0Lw3x8pA5dRtY1mN6bVc",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("CommandError: The static files are not collected in ")
    assert result.stderr.endswith(
        "Run `python manage.py collectstatic --no-input` with the same settings before "
        "starting the site.\n"
    )
    assert result.stderr.count("\n") == 1


def test_a_port_alone_is_served_on_this_machine():
    """`demo 8123` serves on 127.0.0.1:8123, as runserver does; the demo said it was serving
    "at http://8123/", an address no browser opens."""
    assert served_address("8123") == "127.0.0.1:8123"
    assert served_address("0.0.0.0:8080") == "0.0.0.0:8080"


@pytest.mark.once  # a process of its own on an SQLite file of its own
def test_a_reset_with_no_one_to_answer_changes_nothing(tmp_path):
    """`demo --reset` run from a script without --no-input (its input closed) asked its
    question and ended in a traceback (EOFError); it is cancelled, saying so."""
    assert run_demo_command(tmp_path, "--no-serve").returncode == 0
    result = run_demo_command(tmp_path, "--reset", "--no-serve", stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    assert result.stdout.endswith("Type “yes” to replace them: \n")
    assert result.stderr == "CommandError: Reset cancelled: nothing was changed.\n"


def demo(*args, answer=None):
    """Run `manage.py demo --no-serve` with `args`, answering a question with `answer`."""
    out = io.StringIO()
    with mock.patch("builtins.input", return_value=answer) as asked:
        call_command("demo", "--no-serve", *args, stdout=out)
    if answer is None:
        asked.assert_not_called()
    return out.getvalue()


class DemoKeepsEditorsWorkTests(TestCase):
    """Running the demo on an archive editors have worked on loads only what is missing; only
    an explicit, confirmed --reset puts the demo text back."""

    def setUp(self):
        demo()
        self.interview = Article.objects.get(slug="feras-fayyad-interview")

    def edit_the_interview(self):
        self.interview.body = "An editor's new introduction."
        self.interview.save()
        self.interview.themes.add("an editor’s theme")
        self.interview.exchanges.first().delete()

    def test_running_again_after_an_edit_keeps_the_edit(self):
        self.edit_the_interview()
        make_article(title="An editor's new piece")
        output = demo()
        self.interview.refresh_from_db()
        self.assertEqual(self.interview.body, "An editor's new introduction.")
        self.assertIn("an editor’s theme", self.interview.themes.names())
        self.assertEqual(self.interview.exchanges.count(), 10)
        self.assertTrue(Article.objects.filter(title="An editor's new piece").exists())
        self.assertEqual(Quote.objects.count(), 7)
        self.assertIn("Already in the archive, left as they are: 9 people", output)
        self.assertIn("2 articles", output)
        self.assertIn("demo --reset", output)

    def test_what_is_missing_is_loaded_with_its_parts(self):
        """Missing: never in this archive (no history of it), as after a partial restore."""
        review = Article.objects.get(slug="last-men-in-aleppo-review")
        themes = sorted(review.themes.names())
        Version.objects.get_for_object(review).delete()
        review.delete()
        output = demo()
        review = Article.objects.get(slug="last-men-in-aleppo-review")
        self.assertEqual(sorted(review.themes.names()), themes)
        self.assertEqual(list(review.films.values_list("slug", flat=True)), ["last-men-in-aleppo"])
        self.assertEqual(Quote.objects.count(), 7)
        self.assertIn("Loaded 1 article.", output)

    def test_what_an_editor_deleted_or_renamed_stays_so(self):
        """A piece an editor deleted (its history keeps it) is not loaded again, and a theme
        renamed or merged is not made again under its old name; --reset brings the piece
        back."""
        theme = Theme.objects.get(name="cinematography")
        theme.name, theme.slug = "camera work", "camera-work"
        theme.save()  # as the theme screen renames it: the old slug is remembered
        Article.objects.get(slug="feras-fayyad-interview").themes.add(theme)
        Article.objects.get(slug="last-men-in-aleppo-review").delete()
        themes = Theme.objects.count()
        output = demo()
        self.assertFalse(Article.objects.filter(slug="last-men-in-aleppo-review").exists())
        self.assertIn("Deleted by an editor, not loaded again: 1 article", output)
        self.assertEqual(Theme.objects.count(), themes)
        self.assertFalse(Theme.objects.filter(name__iexact="cinematography").exists())
        demo("--reset", "--no-input")
        self.assertTrue(Article.objects.filter(slug="last-men-in-aleppo-review").exists())

    def test_themes_an_editor_deleted_stay_deleted(self):
        """A theme an editor deleted (on its page, from the list, or among the unused) is not
        made again, nor put back on a piece the demo loads now: every run brought it back."""
        editor = get_user_model().objects.create_superuser("edith", "edith@example.org", "pw")
        self.client.force_login(editor)
        review = Article.objects.get(slug="last-men-in-aleppo-review")
        kept = sorted(set(review.themes.names()) - {"civil war", "cinematography"})
        war, camera, ethics = (
            Theme.objects.get(name=name)
            for name in ["civil war", "cinematography", "documentary ethics"]
        )
        self.client.post(reverse("admin:archive_theme_delete", args=[war.pk]), {"post": "yes"})
        self.client.post(
            reverse("admin:archive_theme_changelist"),
            {"action": "delete_selected", "_selected_action": [camera.pk], "post": "yes"},
        )
        ethics.themed_items.all().delete()
        self.client.post(reverse("admin:archive_theme_remove_unused"), {"theme": [ethics.pk]})
        self.assertFalse(Theme.objects.filter(pk__in=[war.pk, camera.pk, ethics.pk]).exists())
        # The review is missing (never in this archive): loaded now, without those themes.
        Version.objects.get_for_object(review).delete()
        review.delete()
        themes = Theme.objects.count()

        output = demo()
        self.assertEqual(Theme.objects.count(), themes)
        deleted = ["civil war", "cinematography", "documentary ethics"]
        self.assertFalse(Theme.objects.filter(name__in=deleted).exists())
        self.assertIn("Deleted by an editor, not loaded again: 3 themes", output)
        review = Article.objects.get(slug="last-men-in-aleppo-review")
        self.assertEqual(sorted(review.themes.names()), kept)
        demo("--reset", "--no-input")
        self.assertEqual(Theme.objects.filter(name__in=deleted).count(), 3)

    def test_a_work_loaded_again_leaves_out_what_an_editor_deleted(self):
        """A film missing from the archive (never here: a partial restore) is loaded with its
        credits and awards, less the credit of a person an editor deleted, who stays deleted:
        the demo stopped there with a database error, having loaded nothing."""
        film = Film.objects.get(slug="the-white-helmets")
        person = Person.objects.get(slug="joanna-natasegara")
        Credit.objects.filter(person=person).delete()
        person.delete()  # its history keeps it (the demo's first version)
        ArticleFilm.objects.filter(film=film).delete()
        Quote.objects.filter(film=film).delete()
        Version.objects.get_for_object(film).delete()
        film.delete()
        output = demo()
        film = Film.objects.get(slug="the-white-helmets")
        credited = [credit.person.slug for credit in film.credits.all()]
        self.assertEqual(credited, ["orlando-von-einsiedel"])
        self.assertEqual(film.awards.count(), 1)
        self.assertFalse(Person.objects.filter(slug="joanna-natasegara").exists())
        self.assertIn("Loaded 1 film.", output)
        self.assertIn("Deleted by an editor, not loaded again: 1 person", output)

    def test_rows_of_other_work_are_never_written_over(self):
        """The demo's ids are its own: a film an editor made under one of them stays."""
        Quote.objects.all().delete()
        Article.objects.all().delete()
        Film.objects.all().delete()
        Version.objects.all().delete()  # as if never loaded here: they are missing
        own = make_film(pk=1, title="An editor's own film", year=2020)  # a demo film's id
        demo()
        own.refresh_from_db()
        self.assertEqual(own.title, "An editor's own film")
        self.assertEqual(Film.objects.count(), 3)
        self.assertEqual(Article.objects.get(slug="feras-fayyad-interview").quotes.count(), 4)

    def test_reset_says_what_it_replaces_and_asks_first(self):
        self.edit_the_interview()
        with self.assertRaisesMessage(CommandError, "Reset cancelled: nothing was changed."):
            demo("--reset", answer="no")
        self.interview.refresh_from_db()
        self.assertEqual(self.interview.body, "An editor's new introduction.")

        output = demo("--reset", answer="yes")
        self.assertIn("article “Feras Fayyad on Last Men in Aleppo”", output)
        self.interview.refresh_from_db()
        self.assertTrue(self.interview.body.startswith("Born out of street protests"))
        self.assertNotIn("an editor’s theme", self.interview.themes.names())
        self.assertEqual(self.interview.exchanges.count(), 11)
        self.assertEqual(Quote.objects.count(), 7)

    def test_reset_without_input_is_recorded_in_the_history(self):
        self.edit_the_interview()
        make_article(title="An editor's new piece")
        demo("--reset", "--no-input")
        self.assertTrue(Article.objects.filter(title="An editor's new piece").exists())
        reset, before, first = Version.objects.get_for_object(self.interview)[:3]
        self.assertIn("Reset to the demo text", reset.revision.get_comment())
        self.assertIn("Before", before.revision.get_comment())
        self.assertEqual(before.field_dict["body"], "An editor's new introduction.")
        self.assertEqual(reset.field_dict["body"], first.field_dict["body"])
