"""Every public page makes a fixed number of queries, however much is linked to what it shows.

Each page is measured with a little linked data and with a lot (30 articles, 30 quotes, 20
credits on one film): an N+1 query would make the two counts differ.
"""

import datetime as dt

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from archive.models import Article, Credit

from .factories import make_article, make_credit, make_exchange, make_film, make_person, make_quote

ROLES = list(Credit.Role)


def link_data(film, person, size):
    """`size` articles about `film` (reviews and interviews), quotes, credits and themes."""
    now = timezone.now()
    for number in range(size):
        kind = Article.Kind.INTERVIEW if number % 2 else Article.Kind.REVIEW
        article = make_article(
            films=[film],
            kind=kind,
            body=f"Body text number {number} says something.",
            published_at=now - dt.timedelta(hours=number + 1),
        )
        article.bylines.create(person=make_person())
        article.person_links.create(person=person)
        article.themes.add(f"theme {number % 7}", "shared theme")
        exchange = None
        if kind == Article.Kind.INTERVIEW:
            exchange = make_exchange(article, person, answer=f"Answer number {number} here.")
            make_exchange(article, person, question="And then?", answer="More.")
        quote = make_quote(
            article,
            film,
            f"Answer number {number} here." if exchange else f"Body text number {number}",
            speaker=person if exchange else None,
            exchange=exchange,
            featured=True,
        )
        quote.themes.add("shared theme")
    for number in range(size * 2 // 3):
        make_credit(film, make_person(), ROLES[number % len(ROLES)], order=number)
        other = make_film(title=f"Other film {number}")
        other.themes.add("shared theme")
        make_credit(other, person, ROLES[number % len(ROLES)])
    film.themes.add("shared theme", *[f"theme {n}" for n in range(7)])
    film.awards.create(body="Festival", year=2017, category="Prize", outcome="won")


class QueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.small_film, cls.small_person = make_film(title="Small"), make_person(name="Small")
        link_data(cls.small_film, cls.small_person, 2)
        cls.big_film, cls.big_person = make_film(title="Big"), make_person(name="Big")
        link_data(cls.big_film, cls.big_person, 30)
        cls.big_review = cls.big_film.articles.filter(kind="review").first()
        cls.big_interview = cls.big_film.articles.filter(kind="interview").first()
        cls.small_review = cls.small_film.articles.filter(kind="review").first()
        cls.small_interview = cls.small_film.articles.filter(kind="interview").first()

    def count(self, url):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return len(queries)

    def assertPinned(self, expected, small_url, big_url):
        self.assertEqual(
            (self.count(small_url), self.count(big_url)), (expected, expected), big_url
        )

    def test_home(self):
        self.assertEqual(self.count("/"), 7)

    def test_film_list(self):
        self.assertEqual(self.count("/films/"), 4)
        self.assertEqual(self.count("/films/?theme=shared-theme&year=2017&kind=feature"), 5)

    def test_film_page(self):
        self.assertPinned(15, self.small_film.get_absolute_url(), self.big_film.get_absolute_url())

    def test_article_pages(self):
        self.assertPinned(
            8, self.small_review.get_absolute_url(), self.big_review.get_absolute_url()
        )
        self.assertPinned(
            8, self.small_interview.get_absolute_url(), self.big_interview.get_absolute_url()
        )

    def test_person_page(self):
        self.assertPinned(
            13, self.small_person.get_absolute_url(), self.big_person.get_absolute_url()
        )

    def test_theme_pages(self):
        self.assertEqual(self.count("/themes/"), 1)
        self.assertEqual(self.count("/themes/shared-theme/"), 9)

    def test_quote_list(self):
        self.assertEqual(self.count("/quotes/"), 6)
        self.assertEqual(self.count("/quotes/?theme=shared-theme&film=big"), 8)

    def test_search(self):
        self.assertEqual(self.count("/search/?q=body"), self.count("/search/?q=body+number+2"))
        # PostgreSQL ranks in three steps (title matches, recent matches, ranking); SQLite in one.
        ranking = 3 if connection.vendor == "postgresql" else 1
        self.assertEqual(self.count("/search/?q=body"), 1 + ranking + 1)
        filtered = "/search/?q=body&kind=article&theme=shared-theme"
        self.assertEqual(self.count(filtered), 1 + 1 + ranking + 1)
        self.assertEqual(self.count("/search/"), 2)

    def test_feeds_and_sitemap(self):
        self.assertEqual(self.count("/feeds/articles/"), 4)
        self.assertEqual(self.count("/feeds/films/big/atom/"), 5)
        self.assertEqual(self.count("/feeds/themes/shared-theme/"), 5)
        self.assertEqual(self.count("/sitemap.xml"), 8)
