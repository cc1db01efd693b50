"""Small factory functions for test data: each makes one valid object, overridable by keyword."""

import datetime as dt
import itertools

from django.utils import timezone

from archive.models import Article, ArticleFilm, Credit, Exchange, Film, Person, Quote

_numbers = itertools.count(1)


def make_person(**fields):
    number = next(_numbers)
    fields.setdefault("name", f"Person {number}")
    return Person.objects.create(**fields)


def make_film(**fields):
    number = next(_numbers)
    fields.setdefault("title", f"Film {number}")
    fields.setdefault("year", 2017)
    return Film.objects.create(**fields)


def make_article(films=(), **fields):
    number = next(_numbers)
    fields.setdefault("title", f"Article {number}")
    fields.setdefault("kind", Article.Kind.REVIEW)
    fields.setdefault("status", Article.Status.PUBLISHED)
    if fields["status"] == Article.Status.PUBLISHED:
        fields.setdefault("published_at", timezone.now() - dt.timedelta(days=1))
    article = Article.objects.create(**fields)
    for order, film in enumerate(films):
        ArticleFilm.objects.create(article=article, film=film, order=order)
    return article


def make_exchange(article, interviewee, **fields):
    fields.setdefault("question", "What did you want to show?")
    fields.setdefault("answer", "Everything we saw.")
    fields.setdefault("order", article.exchanges.count())
    return Exchange.objects.create(article=article, interviewee=interviewee, **fields)


def make_credit(film, person, role=Credit.Role.DIRECTOR, **fields):
    return Credit.objects.create(film=film, person=person, role=role, **fields)


def make_quote(article, film, text, **fields):
    return Quote.objects.create(article=article, film=film, text=text, **fields)


class WithoutPlannerStatistics:
    """A test of SQLite's query plans as they are on a large archive, whose proportions a few
    test rows do not have: the statistics another test may have gathered (archive.statistics)
    are set aside for the test (and restored with its transaction)."""

    def setUp(self):
        super().setUp()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone():
                cursor.execute("DELETE FROM sqlite_stat1")
                cursor.execute("ANALYZE sqlite_schema")  # the planner rereads them
