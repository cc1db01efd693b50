"""Generate a synthetic archive of a given size, quickly, for benchmarks.

Films, people, credits and published articles (reviews, interviews with exchanges, features),
most signed by one or two of the publication's critics (one person in fifty), each interview
and half the features about a person, whose words follow a Zipf distribution over a vocabulary
drawn from the demo's two source documents plus a long tail of rare invented words, so that
common words are very common and most words are rare, as in real text. With --quotes, quotes
whose words are taken word for word from their article (a sentence of its body, or of an
exchange's answer, then said by that answer's interviewee), about the article's film, some of
them featured. With --themes, themes carried by films, articles and quotes, a few themes very
common and most rare (Zipf again).
Rows are written with bulk inserts, without per-object validation; the search index is then
rebuilt in bulk (`archive.search.rebuild`).

It writes into the database DATABASE_URL names, which must be empty and migrated; with
--create-postgres NAME it creates (or recreates) a PostgreSQL database of that name on the
server of DATABASE_URL, migrates it, and fills it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        python bench/generate_archive.py --create-postgres film_archive_bench \\
        --films 10000 --people 30000 --articles 100000 --quotes 200000
"""

import argparse
import datetime as dt
import itertools
import os
import random
import re
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

FIRST_NAMES = (
    "Amira Omar Lina Karim Sara Yusuf Leila Hassan Nour Samir Maya Tariq Dina Rami Hana Ziad "
    "Anna Lars Sofie Mads Ida Jonas Clara Felix Emma Noah Alma Oscar Ines Pablo Lucia Marco "
    "Elena Tomas Yara Adam Rosa Ivan Mira Theo Nadia Kenji Aiko Ravi Priya Chen Mei Kofi Ama"
).split()
SURNAMES = (
    "Haddad Khoury Nasser Saleh Mansour Aziz Fayad Darwish Habib Jaber Hamdan Qasim Rahman "
    "Jensen Nielsen Hansen Larsen Andersen Berg Lund Holm Dahl Moreau Laurent Rossi Bianchi "
    "Garcia Torres Novak Kowalski Petrov Sato Tanaka Kim Park Singh Mehta Okafor Mensah Silva "
    "Costa Weber Fischer Bauer Meyer Wagner Schmidt Hoffmann Klein Wolf Neumann Braun Zimmermann"
).split()


def vocabulary():
    seeds = " ".join(p.read_text() for p in (PROJECT / "fixtures" / "seeds").glob("*.txt"))
    words = re.findall(r"[a-z]+(?:'[a-z]+)?", seeds.lower())
    counts = {}
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    ranked = sorted(counts, key=counts.get, reverse=True)
    rng = random.Random(7)
    syllables = (
        "ka lo mi ra ven tor sel dun bri ash fen gol hir jun kel mor nal pra quo sul".split()
    )
    tail = {"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(40_000)}
    return ranked + sorted(tail - set(ranked))


class Text:
    """Sentences of words drawn by Zipf's law (rank r has weight 1 / r)."""

    def __init__(self, words, seed=1):
        self.words = words
        self.random = random.Random(seed)
        total, self.cumulative = 0.0, []
        for rank in range(1, len(words) + 1):
            total += 1.0 / rank
            self.cumulative.append(total)

    def words_(self, count):
        return self.random.choices(self.words, cum_weights=self.cumulative, k=count)

    def sentence(self, low=6, high=22):
        words = self.words_(self.random.randint(low, high))
        return " ".join(words).capitalize() + "."

    def paragraphs(self, count, sentences=(3, 7)):
        return "\n\n".join(
            " ".join(self.sentence() for _ in range(self.random.randint(*sentences)))
            for _ in range(count)
        )

    def title(self):
        return " ".join(self.words_(self.random.randint(2, 5))).title()


def create_postgres(name):
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    server = {
        "host": config["HOST"], "port": config["PORT"], "user": config["USER"],
        "password": config["PASSWORD"],
    }  # fmt: skip
    if has_accounts(psycopg2, server, name):
        # NAME mistyped as the publication's own database dropped it, editors' work and all.
        sys.exit(
            f"The database {name} holds accounts people sign in with: it is an archive in use, "
            "not one this script made. Nothing was dropped; choose another name."
        )
    admin = psycopg2.connect(**server, dbname=config["NAME"])
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    os.environ["DATABASE_URL"] = f"{base}/{name}"


def has_accounts(psycopg2, server, name):
    """Whether the database `name` exists with a user in it: generated archives have none."""
    try:
        existing = psycopg2.connect(**server, dbname=name)
    except psycopg2.OperationalError:
        return False  # not there (or not ours to open): CREATE DATABASE says which
    try:
        with existing.cursor() as cursor:
            cursor.execute("SELECT to_regclass('auth_user') IS NOT NULL")
            if not cursor.fetchone()[0]:
                return False
            cursor.execute("SELECT EXISTS (SELECT 1 FROM auth_user)")
            return cursor.fetchone()[0]
    finally:
        existing.close()


def sentences(text):
    """The sentences of generated text (each ends with a full stop, none contains one)."""
    return [f"{part.strip()}." for part in text.split(".") if part.strip()]


class Themes:
    """Themes drawn by Zipf's law, a few per object, as ThemedItem rows for one model."""

    def __init__(self, count, words, rng):
        from django.utils.text import slugify

        from archive.models import Theme

        plain = [word for word in words[20:] if word.isalpha()][: count * 2]
        names = [
            f"{first} {second}" for first, second in zip(plain[::2], plain[1::2], strict=False)
        ]
        themes = Theme.objects.bulk_create([Theme(name=name, slug=slugify(name)) for name in names])
        self.ids = [theme.pk for theme in themes]
        self.cumulative = list(itertools.accumulate(1 / rank for rank in range(1, len(themes) + 1)))
        self.rng = rng

    def items(self, model, object_ids, most):
        """ThemedItem rows giving each object up to `most` distinct themes (0 to `most`)."""
        from django.contrib.contenttypes.models import ContentType

        from archive.models import ThemedItem

        if not self.ids:
            return []
        content_type = ContentType.objects.get_for_model(model)
        rows = []
        for object_id in object_ids:
            chosen = self.rng.choices(
                self.ids, cum_weights=self.cumulative, k=self.rng.randint(0, most)
            )
            rows.extend(
                ThemedItem(content_type=content_type, object_id=object_id, tag_id=tag_id)
                for tag_id in set(chosen)
            )
        return rows


def quotes_from(articles, exchanges, count, rng):
    """`count` quotes, each a sentence of a random article's body or of one of its answers."""
    from archive.models import Quote

    answers = {}
    for exchange in exchanges:
        answers.setdefault(exchange.article_id, []).append(exchange)
    quotes = []
    for _ in range(count):
        article = rng.choice(articles)
        film_id = article.film_id
        own_answers = answers.get(article.pk, [])
        if own_answers and rng.random() < 0.7:
            exchange = rng.choice(own_answers)
            text, speaker_id, exchange_id = exchange.answer, exchange.interviewee_id, exchange.pk
        else:
            text, speaker_id, exchange_id = article.body, None, None  # unsigned: no speaker
        quotes.append(
            Quote(
                article_id=article.pk,
                film_id=film_id,
                exchange_id=exchange_id,
                speaker_id=speaker_id,
                text=rng.choice(sentences(text)),
                featured=rng.random() < 0.05,
                order=len(quotes) % 5,
            )
        )
    return quotes


def generate(films, people, articles, seed, quotes=0, themes=0):
    from django.db import connection
    from django.utils import timezone
    from django.utils.text import slugify

    from archive import search, statistics
    from archive.models import (
        Article,
        ArticleAuthor,
        ArticleFilm,
        ArticlePerson,
        Credit,
        Exchange,
        Film,
        Person,
        Quote,
        ThemedItem,
    )

    text = Text(vocabulary(), seed)
    rng = random.Random(seed)
    started = time.perf_counter()
    theme_pool = Themes(themes, text.words, random.Random(seed + 1))

    person_rows = []
    for number in range(people):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)} {text.title().split()[0]}"
        person_rows.append(
            Person(name=name, slug=f"{slugify(name)}-{number}", biography=text.sentence(10, 30))
        )
    Person.objects.bulk_create(person_rows, batch_size=2000)
    person_ids = list(Person.objects.values_list("pk", flat=True))

    kinds = [k for k, _ in Film.Kind.choices]
    film_rows = [
        Film(
            title=(title := text.title()),
            slug=f"{slugify(title)[:60]}-{number}",
            year=rng.randint(1950, 2025),
            runtime_minutes=rng.randint(10, 200),
            kind=rng.choice(kinds),
            synopsis=text.paragraphs(1),
        )
        for number in range(films)
    ]
    Film.objects.bulk_create(film_rows, batch_size=2000)
    film_ids = list(Film.objects.values_list("pk", flat=True))
    roles = [r for r, _ in Credit.Role.choices]
    credits = {}
    for film_id in film_ids:
        for order, person_id in enumerate(rng.sample(person_ids, min(len(person_ids), 4))):
            credits[(film_id, person_id)] = Credit(
                film_id=film_id, person_id=person_id, role=rng.choice(roles), order=order
            )
    Credit.objects.bulk_create(credits.values(), batch_size=5000)
    ThemedItem.objects.bulk_create(theme_pool.items(Film, film_ids, 3), batch_size=5000)
    print(f"  {people} people, {films} films, {len(credits)} credits", flush=True)

    # The publication's critics: one in fifty people, each signing about 80 pieces.
    critics = rng.sample(person_ids, max(1, people // 50))
    now = timezone.now()
    article_kinds = ["review"] * 6 + ["interview"] * 2 + ["feature"] * 2
    quotes_written = 0
    for start in range(0, articles, 5000):
        batch = []
        for number in range(start, min(start + 5000, articles)):
            kind = rng.choice(article_kinds)
            title = text.title()
            batch.append(
                Article(
                    kind=kind,
                    title=title,
                    slug=f"{slugify(title)[:60]}-{number}",
                    standfirst=text.sentence(12, 25),
                    body=text.paragraphs(1 if kind == "interview" else rng.randint(2, 4)),
                    status="published" if rng.random() < 0.95 else "draft",
                    published_at=now - dt.timedelta(minutes=rng.randint(1, 60 * 24 * 3650)),
                )
            )
        created = Article.objects.bulk_create(batch)
        for article in created:
            article.film_id = rng.choice(film_ids)
        ArticleFilm.objects.bulk_create(
            [ArticleFilm(article_id=a.pk, film_id=a.film_id) for a in created]
        )
        # Most pieces are signed, some by two critics; a few are the publication's own.
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(article_id=a.pk, person_id=person_id, order=order)
            for a in created
            if rng.random() < 0.9
            for order, person_id in enumerate(
                rng.sample(critics, min(len(critics), 2 if rng.random() < 0.2 else 1))
            )
        )
        interviewee = {a.pk: rng.choice(person_ids) for a in created if a.kind == "interview"}
        # An interview is about the person it interviews; half the features are about someone.
        ArticlePerson.objects.bulk_create(
            ArticlePerson(article_id=a.pk, person_id=interviewee.get(a.pk, rng.choice(person_ids)))
            for a in created
            if a.kind == "interview" or (a.kind == "feature" and rng.random() < 0.5)
        )
        exchanges = Exchange.objects.bulk_create(
            [
                Exchange(
                    article_id=a.pk,
                    order=order,
                    anchor=f"q{order}",
                    question=text.sentence(8, 20),
                    answer=text.paragraphs(1, (2, 5)),
                    interviewee_id=interviewee[a.pk],
                )
                for a in created
                if a.kind == "interview"
                for order in range(4)
            ]
        )
        ThemedItem.objects.bulk_create(
            theme_pool.items(Article, [a.pk for a in created], 3), batch_size=5000
        )
        # Spread the quotes over the batches in proportion, the last batch taking the rest.
        wanted = quotes * (start + len(batch)) // articles - quotes_written
        quoted = Quote.objects.bulk_create(quotes_from(created, exchanges, wanted, rng))
        quotes_written += len(quoted)
        ThemedItem.objects.bulk_create(
            theme_pool.items(Quote, [q.pk for q in quoted if rng.random() < 0.3], 1),
            batch_size=5000,
        )
        print(f"  {start + len(batch)} articles, {quotes_written} quotes", flush=True)
    print(f"rows written in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    count = search.rebuild()
    print(f"search index: {count} documents in {time.perf_counter() - started:.1f} s", flush=True)
    if connection.vendor == "postgresql":
        # Statistics for the planner, as autovacuum would gather them in time on a live database.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    statistics.gather()  # SQLite's, which nothing gathers by itself


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--films", type=int, default=10_000, help="films (10000)")
    parser.add_argument("--people", type=int, default=30_000, help="people (30000)")
    parser.add_argument("--articles", type=int, default=100_000, help="articles (100000)")
    parser.add_argument("--quotes", type=int, default=0, help="quotes from the articles (0)")
    parser.add_argument(
        "--themes", type=int, default=300, help="themes on films, articles and quotes (300)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--create-postgres", metavar="NAME")
    args = parser.parse_args()
    for name in ("films", "people", "articles"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be 1 or more")
    for name in ("quotes", "themes"):
        if getattr(args, name) < 0:
            parser.error(f"--{name} must be 0 or more")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings")
    if args.create_postgres:
        create_postgres(args.create_postgres)
    import django
    from django.core.management import call_command

    django.setup()
    if args.create_postgres:
        call_command("migrate", verbosity=0)
    refuse_unless_empty_and_migrated()
    generate(args.films, args.people, args.articles, args.seed, args.quotes, args.themes)


def refuse_unless_empty_and_migrated():
    """Run without DATABASE_URL, the generator wrote its hundred thousand articles into the
    demo's own db.sqlite3, among the editors' work; into a database not migrated, it ended in a
    traceback ("no such table")."""
    from django.db import connection

    from archive.models import Article, Film, Person, Theme
    from archive.views import migrated

    name = connection.settings_dict["NAME"]
    if not migrated():
        sys.exit(
            f"{name} is not migrated: run `python manage.py migrate` with the same "
            "DATABASE_URL first, or give --create-postgres NAME."
        )
    if any(model.objects.exists() for model in (Film, Person, Article, Theme)):
        sys.exit(
            f"{name} already holds films, people, articles or themes: the archive is "
            "generated into an empty database (DATABASE_URL=sqlite:////tmp/large.sqlite3 "
            "after `migrate`, or --create-postgres NAME)."
        )


if __name__ == "__main__":
    main()
