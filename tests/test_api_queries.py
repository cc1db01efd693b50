"""Every API address makes a fixed number of queries, however much is linked to what it shows.

Measured with a little linked data and with a lot (60 articles, 60 quotes, 40 credits on one
film): an N+1 query would make the two counts differ. The page cache is out of the way here (a
test's data is never committed, so the cache is bypassed).
"""

from django.core.cache import cache
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from .test_query_counts import SmallAndBigFilms

API = "/api/v1"


class APIQueryCountTests(SmallAndBigFilms, TestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.small_quote = cls.small_film.quotes.first()
        cls.big_quote = cls.big_film.quotes.filter(exchange__isnull=False).first()

    def setUp(self):
        cache.delete("throttle_api_127.0.0.1")

    def count(self, url):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200, (url, response.content[:300]))
        return len(queries)

    def assertPinned(self, expected, small_url, big_url):
        self.assertEqual(
            (self.count(small_url), self.count(big_url)), (expected, expected), big_url
        )

    def test_film_list(self):
        """The page; the theme a filter names; the film a page starts after."""
        self.assertEqual(self.count(f"{API}/films/"), 1)
        self.assertEqual(self.count(f"{API}/films/?theme=shared-theme&year=2017&kind=feature"), 2)
        self.assertEqual(self.count(f"{API}/films/?page=last"), 1)
        self.assertEqual(self.count(f"{API}/films/?after=big&theme=shared-theme"), 3)

    def test_film(self):
        """The film; its languages, themes, credits with their people, awards, the awards'
        recipients; its latest public pieces of each kind: 7."""
        self.assertPinned(7, f"{API}/films/small/", f"{API}/films/big/")

    def test_person_list(self):
        """The page (1), the person it starts after (1); and whom only unpublished pieces name,
        left out (1, read once per change outside a test's transaction)."""
        self.assertEqual(self.count(f"{API}/people/"), 2)
        self.assertEqual(self.count(f"{API}/people/?role=subject&letter=b"), 2)
        self.assertEqual(self.count(f"{API}/people/?after=big&role=self"), 3)

    def test_person(self):
        """The person; their credits with the films; their latest public pieces: 3; whom only
        unpublished pieces name (1, read once per change outside a test)."""
        self.assertPinned(4, f"{API}/people/small/", f"{API}/people/big/")

    def test_article_list(self):
        """The page of 20 articles with their bylines, films and themes: 4, whatever they
        carry; a filter by theme, film or person adds one query each to find it."""
        self.assertEqual(self.count(f"{API}/articles/"), 4)
        self.assertEqual(self.count(f"{API}/articles/?page=last"), 4)
        self.assertEqual(self.count(f"{API}/articles/?after={self.big_review.slug}"), 5)
        year = self.big_interview.published_at.year
        filtered = f"kind=interview&theme=shared-theme&film=big&person=big&year={year}"
        # The person filter reads whom only unpublished pieces name (1, see test_person_list).
        self.assertEqual(self.count(f"{API}/articles/?{filtered}"), 8)

    def test_article(self):
        """The article with its interviewer; its bylines, films, people, themes, exchanges
        with their speakers, quotes: 7."""
        self.assertPinned(
            7,
            f"{API}/articles/{self.small_review.slug}/",
            f"{API}/articles/{self.big_review.slug}/",
        )
        self.assertPinned(
            7,
            f"{API}/articles/{self.small_interview.slug}/",
            f"{API}/articles/{self.big_interview.slug}/",
        )

    def test_quote_list(self):
        """The page of quotes with speaker, article, exchange and film; the articles'
        bylines; the quotes' themes: 3."""
        self.assertEqual(self.count(f"{API}/quotes/"), 3)
        self.assertEqual(self.count(f"{API}/quotes/?theme=shared-theme&film=big"), 5)
        # A person's quotes are found by id first (QuoteQuerySet.by).
        self.assertEqual(self.count(f"{API}/quotes/?page=last&person=big"), 6)

    def test_quote(self):
        self.assertPinned(
            3, f"{API}/quotes/{self.small_quote.pk}/", f"{API}/quotes/{self.big_quote.pk}/"
        )

    def test_themes(self):
        """Public themes with their counts, a page of them or one: one query."""
        self.assertEqual(self.count(f"{API}/themes/"), 1)
        self.assertEqual(self.count(f"{API}/themes/shared-theme/"), 1)
