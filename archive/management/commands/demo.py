"""
`manage.py demo`: the demo archive, set up and served.

The demo is loaded into an archive editors may already have worked on, so it never replaces
their work: each of its films, people, articles, themes and languages is looked up by its
natural key (slug, name or code; or an earlier slug, if an editor changed it) and loaded only
if missing, with its parts (a film's credits and awards, an article's byline, links, exchanges
and quotes, the themes of each). What is already there is left exactly as it is, parts
included, and the command says so; a film, person or article an editor deleted (the history
keeps it) stays deleted, as does a theme or language an editor deleted (the admin's log says
so), and a theme renamed or merged is not made again. Putting the demo
text back over an editor's changes is `--reset`, which lists what it will replace, asks first,
and keeps a version of each replaced item in the history.
"""

import json
import os
import re
from collections import Counter

import reversion
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.commands.runserver import naiveip_re
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from archive import statistics
from archive.checks import static_files_collected
from archive.models import (
    Article,
    ArticleAuthor,
    ArticleFilm,
    ArticlePerson,
    Award,
    Credit,
    EarlierSlug,
    Exchange,
    Film,
    Language,
    Person,
    Quote,
    Theme,
    ThemedItem,
)
from archive.models.slugs import SluggedModel

DEMO_USERNAME = "editor"
DEMO_PASSWORD = "film-archive-demo"
DEMO_FIXTURE = settings.BASE_DIR / "fixtures" / "demo.json"

# The demo's works, each found by its natural key.
WORKS = (Language, Theme, Person, Film, Article)
# The works `--reset` puts back to the demo text (themes and languages are only their names).
REPLACEABLE = (Person, Film, Article)
# Every other row of the demo is a part of a work, loaded with it or not at all: its model, and
# the work it belongs to with the column pointing to it. (Themes' links and earlier slugs, which
# point to any work, are handled apart.)
PARTS = {
    Credit: (Film, "film_id"),
    Award: (Film, "film_id"),
    ArticleAuthor: (Article, "article_id"),
    ArticleFilm: (Article, "article_id"),
    ArticlePerson: (Article, "article_id"),
    Exchange: (Article, "article_id"),
    Quote: (Article, "article_id"),
}
# A work's parts by accessor, in the order they can be deleted (quotes before the exchanges
# they come from).
PARTS_OF = {
    Film: ["credits", "awards"],
    Article: ["quotes", "exchanges", "bylines", "film_links", "person_links"],
}


def hosts_served(addrport):
    """The host names the demo answers to, beside this machine's own (DJANGO_ALLOWED_HOSTS
    unset), when it serves on `addrport`. On one address, that address; on every interface
    (`0.0.0.0:8080`), any: other machines reach it by names and addresses this one cannot list
    (its address on the network, a container's name), and each was refused with a 400."""
    match = re.match(naiveip_re, addrport)
    if not match or not match["addr"]:
        return []
    if match["addr"] in ("0", "0.0.0.0", "[::]"):
        return ["*"]
    return [match["addr"]]


def served_address(addrport):
    """The address and port the demo serves on, `addrport` with runserver's default address
    when it gives only a port. Refused before anything is set up: a mistyped one was found only
    after the migrations and the loading, and a port past 65535 ended in a traceback."""
    match = re.match(naiveip_re, addrport)
    if match is None or not 0 < int(match["port"]) < 65536:
        raise CommandError(
            f"“{addrport}” is neither a port (1 to 65535) nor an address and a port, such as "
            "127.0.0.1:8080 or 0.0.0.0:8080."
        )
    return addrport if match["addr"] else f"127.0.0.1:{addrport}"


class Command(BaseCommand):
    help = (
        "Set up the demo archive and serve it: apply migrations, load from fixtures/demo.json "
        "what the archive does not hold yet (never changing what editors have changed), make "
        "sure a demo editor account exists, and start the development server. --reset puts "
        "the demo text back."
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
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Replace the demo's films, people and articles, with their parts, by the "
            "demo text, undoing editors' changes to them. Lists them and asks first.",
        )
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="With --reset: do not ask for confirmation (for scripts).",
        )

    def handle(self, *args, addrport, no_serve, reset, interactive, **options):
        address = None
        if not no_serve:
            address = served_address(addrport)
            try:
                # With DEBUG off, as README's way to see the site's own error pages runs it:
                # without `collectstatic` the server stopped on a traceback once it had loaded.
                static_files_collected()
            except ImproperlyConfigured as error:
                raise CommandError(error) from None
        self.stdout.write("Applying migrations…")
        call_command("migrate", interactive=False, verbosity=0)
        records = json.loads(DEMO_FIXTURE.read_text())
        if reset:
            self.confirm_reset(present_works(records), interactive)
        self.stdout.write("Loading the demo archive (fixtures/demo.json)…")
        with transaction.atomic():
            added, kept, replaced, deleted = load_demo(records, reset)
        if added:
            self.stdout.write(f"Loaded {count(added)}.")
        if kept:
            hint = "" if reset else " (`manage.py demo --reset` puts the demo text back)"
            self.stdout.write(f"Already in the archive, left as they are: {count(kept)}{hint}.")
        if deleted:
            self.stdout.write(
                f"Deleted by an editor, not loaded again: {count(deleted)} "
                "(`manage.py demo --reset` brings them back)."
            )
        if replaced:
            self.stdout.write(f"Replaced by the demo text: {count(replaced)}.")
        # A first version of everything, so that the editors' history can compare and revert
        # from the demo's own text. Objects that already have one are left alone.
        call_command("createinitialrevisions", "archive", comment="Demo archive", verbosity=0)
        statistics.gather()
        self.ensure_demo_editor()
        if no_serve:
            self.stdout.write(self.style.SUCCESS("The demo archive is ready."))
            return
        if not os.environ.get("DJANGO_ALLOWED_HOSTS", "").strip():
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, *hosts_served(addrport)]
        self.stdout.write(self.style.SUCCESS(f"Serving the demo at http://{address}/"))
        call_command("runserver", address, use_reloader=False)

    def confirm_reset(self, works, interactive):
        if not works:
            self.stdout.write("Nothing to reset: the archive holds none of the demo's items.")
            return
        self.stdout.write(
            "--reset replaces these with the demo text, undoing every change made to them "
            "(a film with its credits, awards and themes; an article with its byline, films, "
            "people, exchanges, quotes and themes):"
        )
        for work in works:
            self.stdout.write(f"  - {work._meta.verbose_name} “{work}”")
        self.stdout.write(
            "Everything else in the archive is kept. The history keeps a version of each as it "
            "is now and as reset, to compare them or revert to the editors' version."
        )
        if interactive and answer("Type “yes” to replace them: ") != "yes":
            raise CommandError("Reset cancelled: nothing was changed.")

    def ensure_demo_editor(self):
        """A known login for the demo, in the Editors group, made only in the local demo (DEBUG on,
        SQLite: `settings.DEMO_ACCOUNT`).

        A publication's real archive (PostgreSQL, or SQLite in production with DEBUG off) must
        never get an account with a published password, nor have its own "editor" account's
        password replaced by it, so there this only says so: that the demo account an earlier
        run made as the local demo is still there and signs in with the published password,
        when it is, rather than that none was made.
        """
        User = get_user_model()
        if not settings.DEMO_ACCOUNT:
            earlier = User.objects.filter(
                username=DEMO_USERNAME, is_active=True, is_staff=True
            ).first()
            if earlier is not None and check_password(DEMO_PASSWORD, earlier.password):
                message = (
                    f"The demo account “{DEMO_USERNAME}” of an earlier run (as the local demo, "
                    "DEBUG on, SQLite) is still here, and still signs in with the password "
                    "README publishes. Change it with "
                    f"`python manage.py changepassword {DEMO_USERNAME}`, or deactivate it."
                )
            else:
                message = (
                    "This is not the local demo (DEBUG on, SQLite), so no demo account was made. "
                    "Create an editor with `python manage.py createsuperuser`."
                )
            self.stdout.write(self.style.WARNING(message))
            return
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


def answer(question):
    """What was typed to `question`, or "" when nothing can be (input closed, in a script
    without --no-input) or the question was left with Ctrl-C: a traceback either way before."""
    try:
        return input(question).strip().lower()
    except (EOFError, KeyboardInterrupt):
        print()  # the refusal on a line of its own, not after the question
        return ""


def present_works(records):
    """The works of the demo `--reset` would replace: those the archive holds."""
    present = []
    for record in records:
        model = apps.get_model(record["model"])
        if model in REPLACEABLE:
            work = by_slug(model, record["fields"]["slug"])
            present.extend([work] if work else [])
    return present


def by_slug(model, slug):
    """The work of `model` at `slug`, or the one that was (an editor changed its slug since)."""
    return EarlierSlug.objects.named(model.objects.all(), slug)


def find(obj):
    """The archive's row for the demo's work `obj`, found by its natural key, or None."""
    model = type(obj)
    if model is Theme:
        return theme_called(obj.name)
    if isinstance(obj, SluggedModel):
        return by_slug(model, obj.slug)
    try:
        return model._default_manager.get_by_natural_key(*obj.natural_key())
    except model.DoesNotExist:
        return None


def theme_called(name):
    """The theme `name` is, or became: "Syria" and "syria" are one theme, and a theme renamed
    or merged lives on under its new name (`current_names`)."""
    [current] = Theme.objects.current_names([name])
    return Theme.objects.filter(name__iexact=current).first()


def refer_to_archive(row):
    """Point the demo's `row` at the works it names that the deserializer did not find by their
    natural key: found under an earlier slug, or gone, if an editor deleted them (a credit's
    person, an award's recipient). False if the row cannot go without one: it is not loaded.
    """
    for field, keys in row.deferred_fields.items():
        model = field.remote_field.model
        if field.many_to_many:
            row.m2m_data[field.name] = [
                work.pk for key in keys if (work := archived(model, key)) is not None
            ]
            continue
        work = archived(model, keys)
        if work is None and not field.null:
            return False
        setattr(row.object, field.attname, work.pk if work is not None else None)
    return True


def archived(model, key):
    """The archive's work of `model` that the demo names by natural `key`, or None."""
    if issubclass(model, SluggedModel):
        return by_slug(model, key[0])
    try:
        return model._default_manager.get_by_natural_key(*key)
    except model.DoesNotExist:
        return None


def deleted_keys(model):
    """What identifies the demo's works of `model` that an editor deleted (`deletion_key`): the
    slugs of films, people and articles, whose history keeps them; the names of themes and
    languages, which have no history, from the admin's log of their deletion."""
    if model in REPLACEABLE:
        return deleted_slugs(model)
    names = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), action_flag=DELETION
    ).values_list("object_repr", flat=True)
    return {name.lower() for name in names}


def deletion_key(work):
    return work.slug if type(work) in REPLACEABLE else str(work).lower()


def deleted_slugs(model):
    """The slugs of `model`'s works an editor deleted: those the history keeps a version of."""
    if not reversion.is_registered(model):
        return set()
    slugs = set()
    for version in Version.objects.get_deleted(model).only("serialized_data", "format"):
        try:
            slugs.add(json.loads(version.serialized_data)[0]["fields"]["slug"])
        except (ValueError, LookupError, TypeError):
            pass  # a version written in another format or shape names no slug we can read
    return slugs


def load_demo(records, reset=False):
    """Load the demo's works the archive does not hold, each with its parts; with `reset`,
    replace those it holds too. Returns the works (added, kept as they are, replaced).

    Loaded rows get new ids, so that no row of the archive is ever written over; the demo's
    own ids (by which theme links and quotes name their objects and exchanges) are mapped to
    them as the rows are saved.
    """
    new_ids = {}  # (model, id in the demo) -> id in the archive, for each row loaded now
    loading = set()  # (model, id in the archive) of the works loaded now
    added, kept, replaced, links, deleted = [], [], [], [], []
    deleted_by_editors = {} if reset else {model: deleted_keys(model) for model in WORKS}
    if reset:
        keep_versions(present_works(records), "Before `manage.py demo --reset`.")
    demo = serializers.deserialize("python", records, handle_forward_references=True)
    for row in demo:
        obj = row.object
        model, demo_id = type(obj), obj.pk
        if model in (ThemedItem, EarlierSlug):
            links.append(row)
            continue
        if model in WORKS:
            existing = find(obj)
            if existing is not None and not (reset and model in REPLACEABLE):
                kept.append(existing)
                continue
            gone = deleted_by_editors.get(model)
            if existing is None and gone and deletion_key(obj) in gone:
                deleted.append(obj)  # an editor deleted it: that is their change too
                continue
            if not refer_to_archive(row):
                continue
            if existing is None:
                obj.pk = None
                added.append(obj)
            else:
                clear_parts(existing)
                obj.pk, obj.created_at, obj.updated_at = (
                    existing.pk,
                    existing.created_at,
                    timezone.now(),
                )
                replaced.append(obj)
            row.save()
            if existing is not None and existing.slug != obj.slug:
                EarlierSlug.objects.remember(obj, existing.slug)  # the editor's address too
            loading.add((model, obj.pk))
        else:
            work, column = PARTS[model]
            if (work, getattr(obj, column)) not in loading or not refer_to_archive(row):
                continue
            if model is Quote and obj.exchange_id:
                obj.exchange_id = new_ids.get((Exchange, obj.exchange_id))
                if obj.exchange_id is None:  # its exchange was left out: its source is gone
                    continue
            obj.pk = None
            row.save()
        new_ids[(model, demo_id)] = obj.pk
    for row in links:
        link = row.object
        key = (link.content_type.model_class(), link.object_id)
        if key in new_ids:
            if row.deferred_fields:  # its theme is spelled otherwise here, or was renamed
                [name] = next(iter(row.deferred_fields.values()))
                theme = theme_called(name)
                if theme is None:  # or an editor deleted it
                    continue
                link.tag = theme
            link.pk, link.object_id = None, new_ids[key]
            if isinstance(link, EarlierSlug):  # the slug may still be that of a deleted work
                link.pk = (
                    EarlierSlug.objects.filter(content_type=link.content_type, slug=link.slug)
                    .values_list("pk", flat=True)
                    .first()
                )
            row.save()
    keep_versions(replaced, "Reset to the demo text (`manage.py demo --reset`).")
    return added, kept, replaced, deleted


def keep_versions(works, comment):
    """A version of each of `works` (with the parts it follows) as it now is, in one revision."""
    works = [work for work in works if reversion.is_registered(type(work))]
    if works:
        with reversion.create_revision(atomic=False):
            reversion.set_comment(comment)
            for work in works:
                reversion.add_to_revision(type(work).objects.get(pk=work.pk))


def clear_parts(work):
    """Delete `work`'s parts and themes (and its quotes' themes), to load the demo's instead."""
    for accessor in PARTS_OF.get(type(work), []):
        parts = getattr(work, accessor).all()
        if parts.model is Quote:
            ThemedItem.objects.filter(
                content_type__app_label=Quote._meta.app_label,
                content_type__model=Quote._meta.model_name,
                object_id__in=parts.values("pk"),
            ).delete()
        parts.delete()
    if hasattr(work, "themes"):
        work.themes.clear()


def count(works):
    """“2 films, 1 article” for a list of works."""
    counts = Counter(type(work) for work in works)
    return ", ".join(
        f"{n} {model._meta.verbose_name if n == 1 else model._meta.verbose_name_plural}"
        for model, n in counts.items()
    )
