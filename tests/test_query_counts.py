"""Every public page makes a fixed number of queries, however much is linked to what it shows.

Each page is measured with a little linked data and with a lot (60 articles, 60 quotes, 40
credits on one film): an N+1 query would make the two counts differ.
"""

import datetime as dt

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from archive.models import Article, Credit, Language

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
            article.interviewer = make_person()
            article.save()
            exchange = make_exchange(article, person, answer=f"Answer number {number} here.")
            make_exchange(
                article, person, question="And then?", answer="More.", interviewer=make_person()
            )
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
    award = film.awards.create(body="Festival", year=2017, category="Prize", outcome="won")
    award.recipients.add(*[credit.person for credit in film.credits.all()[: size // 10 + 1]])
    for number in range(size // 20 + 1):
        language, _ = Language.objects.get_or_create(code=f"l{number}", name=f"Language {number}")
        film.languages.add(language)


class SmallAndBigFilms:
    """A film and a person with a couple of everything linked to them, and another pair with 60
    of everything: a page or an answer whose query count differs between them has an N+1."""

    @classmethod
    def setUpTestData(cls):
        cls.small_film, cls.small_person = make_film(title="Small"), make_person(name="Small")
        link_data(cls.small_film, cls.small_person, 2)
        cls.big_film, cls.big_person = make_film(title="Big"), make_person(name="Big")
        link_data(cls.big_film, cls.big_person, 60)
        cls.big_review = cls.big_film.articles.filter(kind="review").first()
        cls.big_interview = cls.big_film.articles.filter(kind="interview").first()
        cls.small_review = cls.small_film.articles.filter(kind="review").first()
        cls.small_interview = cls.small_film.articles.filter(kind="interview").first()


class QueryCountTests(SmallAndBigFilms, TestCase):
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
        """The kinds films have, the themes they carry, their years, the page (and the film
        the page starts after)."""
        self.assertEqual(self.count("/films/"), 4)
        self.assertEqual(self.count("/films/?theme=shared-theme&year=2017&kind=feature"), 5)
        self.assertEqual(self.count("/films/?page=last"), 4)
        self.assertEqual(self.count("/films/?after=big&theme=shared-theme"), 6)

    def test_article_list(self):
        """Each page of 20 articles, whatever their bylines, films and people, filtered or not
        (with the kinds, years and themes the filters offer, read here on every request: a test
        runs in a transaction, where nothing shared is kept)."""
        self.assertEqual(self.count("/articles/"), 6)
        self.assertEqual(self.count("/articles/?page=last"), 6)
        self.assertEqual(self.count(f"/articles/?after={self.big_review.slug}"), 7)
        year = self.big_interview.published_at.year
        filtered = f"/articles/?kind=interview&theme=shared-theme&film=big&person=big&year={year}"
        # A person filter reads whom only unpublished pieces name (1; see test_person_list).
        self.assertEqual(self.count(filtered), 10)

    def test_film_page(self):
        """The film with its languages, themes, credits, awards with their recipients, public
        articles, their bylines, featured quotes, related films: 8."""
        self.assertPinned(8, self.small_film.get_absolute_url(), self.big_film.get_absolute_url())

    def test_article_pages(self):
        """The article with its interviewer, bylines, people, themes, films with their
        credits, exchanges and quotes (8); the pieces of its kind before and after it (2);
        more on its films, with their bylines (2)."""
        self.assertPinned(
            12, self.small_review.get_absolute_url(), self.big_review.get_absolute_url()
        )
        self.assertPinned(
            12, self.small_interview.get_absolute_url(), self.big_interview.get_absolute_url()
        )

    def test_person_list(self):
        """The roles someone has (2), the initials (1), the page (1), and the person a page
        starts after (1), whoever and however many they are; for critics, who the writers are
        (1); whom only unpublished pieces name, left out (1). Those two are read once per
        change outside a test's transaction, here on every request."""
        self.assertEqual(self.count("/people/"), 5)
        self.assertEqual(self.count("/people/?role=subject&letter=b"), 5)
        self.assertEqual(self.count("/people/?role=critic&page=last"), 6)
        self.assertEqual(self.count("/people/?after=big&role=self"), 6)

    def test_person_page(self):
        """The person's quotes are found by id first (`QuoteQuerySet.by`), then read: 9; and
        whom only unpublished pieces name (1, read once per change outside a test)."""
        self.assertPinned(
            10, self.small_person.get_absolute_url(), self.big_person.get_absolute_url()
        )

    def test_theme_pages(self):
        self.assertEqual(self.count("/themes/"), 2)
        self.assertEqual(self.count("/themes/shared-theme/"), 8)

    def test_quote_list(self):
        self.assertEqual(self.count("/quotes/"), 3)
        self.assertEqual(self.count("/quotes/?theme=shared-theme&film=big"), 5)
        # A person's quotes are found by id first (QuoteQuerySet.by), the person among those
        # something public names (1, read once per change outside a test).
        self.assertEqual(self.count("/quotes/?page=last&person=big"), 6)

    def test_search(self):
        self.assertEqual(self.count("/search/?q=body"), self.count("/search/?q=body+number+2"))
        # Ranking takes three steps: title or name matches, other matches, ranking them; on
        # PostgreSQL, after the planner's costs for the search (SEARCH_PLANNER_SETTINGS).
        ranking = 3 + (connection.vendor == "postgresql")
        # Whom only unpublished pieces name, left out of the people found (1, read once per
        # change outside a test's transaction).
        unlisted = 1
        self.assertEqual(self.count("/search/?q=body"), unlisted + 1 + ranking + 1)
        filtered = "/search/?q=body&kind=article&theme=shared-theme"
        # Narrowed to a kind, SQLite reads where that kind's rows lie (`search.kind_span`).
        span = connection.vendor == "sqlite"
        self.assertEqual(self.count(filtered), unlisted + 1 + 1 + span + ranking + 1)
        self.assertEqual(self.count("/search/"), 2)

    def test_feeds_and_sitemap(self):
        self.assertEqual(self.count("/feeds/articles/"), 4)
        self.assertEqual(self.count("/feeds/films/big/atom/"), 5)
        self.assertEqual(self.count("/feeds/themes/shared-theme/"), 5)

    def test_sitemap(self):
        """The index reads a few index entries per section (its id span, its last change and,
        for articles and the films and people they concern, the latest publication), not its
        rows; a section page reads one range of ids (the people's, with the ids of the few whom
        only hidden pieces name)."""
        self.assertEqual(self.count("/sitemap.xml"), 20)
        for section, expected in (
            ("lists", 3),
            ("films", 2),
            ("articles", 2),
            ("people", 3),
            ("themes", 5),
        ):
            with self.subTest(section=section):
                self.assertEqual(self.count(f"/sitemap-{section}.xml"), expected)
