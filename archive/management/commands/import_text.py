from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from archive import importing
from archive.forms import record_history
from archive.models import Article, EarlierSlug, Film, Person


class Command(BaseCommand):
    help = (
        "Make a draft article from a plain-text file (text copied from a web page, or an "
        "interview): debris is dropped and listed, the films, people and themes of the archive "
        "named in it are linked, an interview's questions and answers become its exchanges. "
        "The draft is never published; check it in the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .txt file to import (UTF-8, UTF-16 or Latin-1).")
        parser.add_argument(
            "--kind",
            choices=Article.Kind.values,
            help="What the piece is. Left out, a text of questions and answers is taken for an "
            "interview, anything else for a review.",
        )
        parser.add_argument(
            "--film",
            action="append",
            default=[],
            metavar="SLUG",
            help="A film the piece is about, besides those recognised in it (repeatable). Its "
            "slug as its address reads it: an earlier one, or capitals and accents, will do.",
        )
        parser.add_argument(
            "--interviewee",
            metavar="SLUG",
            help="Who answers an interview's questions. Left out, the person the text names "
            "most is proposed.",
        )

    def handle(self, *args, file, kind, film, interviewee, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        films = []
        for slug in film:
            found = EarlierSlug.objects.named(Film.objects.all(), slug)
            if found is None:
                raise CommandError(f"No film has the slug “{slug}”.")
            if found not in films:
                films.append(found)
        person = None
        if interviewee:
            person = EarlierSlug.objects.named(Person.objects.all(), interviewee)
            if person is None:
                raise CommandError(f"No person has the slug “{interviewee}”.")
        try:
            imported = importing.read_text(importing.decode(data), kind)
        except importing.ImportRefused as refusal:
            raise CommandError(f"{file}: {refusal}") from None
        recognised = importing.recognise(imported.words)
        films += [found for found in recognised.films if found not in films]
        if imported.kind == Article.Kind.INTERVIEW and person is None:
            person = importing.likely_interviewee(imported, recognised)
            if person is None and imported.exchanges:
                raise CommandError(
                    "Name who answers the questions: --interviewee SLUG (no person of the "
                    "archive is named in the text)."
                )
        try:
            article = importing.save_draft(
                kind=imported.kind,
                title=importing.propose_title(imported, films, person),
                standfirst=imported.standfirst,
                body=imported.body,
                exchanges=imported.exchanges,
                interviewee=person,
                films=films,
                people=[found for found in recognised.people if found != person],
                themes=recognised.themes,
            )
        except importing.ImportRefused as refusal:
            raise CommandError(str(refusal)) from None
        record_history([article], None, f"Imported from {path.name}.")
        for line in imported.dropped:
            self.stdout.write(f"Dropped: {line}")
        self.stdout.write(
            f"{len(imported.paragraphs)} paragraphs, {len(imported.exchanges)} exchanges; "
            f"films: {names(films)}; people: {names(article.people.all())}; "
            f"themes: {names(recognised.themes)}."
        )
        address = reverse("admin:archive_article_change", args=[article.pk])
        self.stdout.write(self.style.SUCCESS(f"Draft “{article.title}”: {address}"))


def names(objects):
    return ", ".join(str(obj) for obj in objects) or "none"
