"""The list pages' filters offer what their lists hold, read through indexes.

A filter offers a year, a kind or a theme only when something a reader may see in that list has
it: a theme on a draft or a scheduled piece, or on a quote from one, is offered nowhere. The
options are read one index probe per value (a theme, a kind, a year), never by reading every
film, article or quote, so that they cost the same on a large archive as on a small one.
"""

import datetime as dt
import re
from unittest import mock, skipUnless

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from archive.models import Article, Film, Quote, Theme

from .factories import WithoutPlannerStatistics, make_article, make_film, make_quote


def options(response, name):
    """The values a <select name=...> of the page offers, in order, without its empty one."""
    select = re.search(
        rf'<select name="{name}"[^>]*>(.*?)</select>', response.content.decode(), re.S
    )
    return [value for value in re.findall(r'<option value="([^"]*)"', select[1]) if value]


class FilterOptionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        now = timezone.now()
        for year, kind in (
            (2019, "series"),
            (2017, "documentary"),
            (2017, "series"),
            (1999, "documentary"),
        ):
            make_film(title=f"A {kind} of {year}", year=year, kind=kind)
        film = Film.objects.get(year=1999)
        film.themes.add("on a film")
        public = make_article(films=[film], title="Public", body="Words in public.")
        public.themes.add("on an article")
        draft = make_article(
            films=[film],
            title="Draft",
            kind=Article.Kind.FEATURE,
            status=Article.Status.DRAFT,
            body="Hidden words.",
        )
        draft.themes.add("on a draft")
        scheduled = make_article(
            films=[film],
            title="Scheduled",
            kind=Article.Kind.INTERVIEW,
            published_at=now + dt.timedelta(days=1),
        )
        scheduled.themes.add("on a scheduled piece")
        make_quote(public, film, "Words in public.").themes.add("on a quote")
        make_quote(draft, film, "Hidden words.").themes.add("on a hidden quote")
        Theme.objects.create(name="on nothing")

    def test_film_list_offers_the_years_and_kinds_films_have(self):
        response = self.client.get("/films/")
        self.assertEqual(options(response, "year"), ["2019", "2017", "1999"])
        self.assertEqual(options(response, "kind"), ["documentary", "series"])  # Film.Kind order

    def test_article_list_offers_the_kinds_public_pieces_have(self):
        """A feature in draft and an interview yet to come are no kinds a reader can list."""
        self.assertEqual(options(self.client.get("/articles/"), "kind"), ["review"])

    def test_each_list_offers_the_themes_of_what_it_lists(self):
        for url, expected in (
            ("/films/", ["on-a-film"]),
            ("/articles/", ["on-an-article"]),
            ("/quotes/", ["on-a-quote"]),
        ):
            with self.subTest(url=url):
                self.assertEqual(options(self.client.get(url), "theme"), expected)

    def test_public_themes_are_those_on_a_film_or_a_public_piece_or_quote(self):
        public = ["on a film", "on a quote", "on an article"]
        self.assertEqual([theme.name for theme in Theme.objects.public()], public)
        sitemap = self.client.get("/sitemap-themes.xml").content.decode()
        self.assertEqual(
            sorted(re.findall(r"/themes/([^/]+)/</loc>", sitemap)),
            ["on-a-film", "on-a-quote", "on-an-article"],
        )
        for slug in ("on-a-draft", "on-a-scheduled-piece", "on-a-hidden-quote", "on-nothing"):
            with self.subTest(slug=slug):
                self.assertEqual(self.client.get(f"/themes/{slug}/").status_code, 404)

    def test_themes_are_offered_a_to_z_accents_folded(self):
        """As the lists of people and films go: "Égypte" between "culture" and "exile", not
        after "on a film" and every other name in Latin letters."""
        make_film(title="Nile").themes.add("Égypte", "exile", "culture", "Ärzte")
        for url in ("/films/", "/search/?q=nile"):
            with self.subTest(url=url):
                self.assertEqual(
                    options(self.client.get(url), "theme")[:5],
                    ["arzte", "culture", "egypte", "exile", "on-a-film"],
                )

    def test_an_empty_archive_offers_no_year_kind_or_theme(self):
        Quote.objects.all().delete()
        Article.objects.all().delete()
        Film.objects.all().delete()
        for url in ("/films/", "/articles/"):
            response = self.client.get(url)
            for name in ("year", "kind", "theme"):
                with self.subTest(url=url, name=name):
                    self.assertEqual(options(response, name), [])


class LongThemeListTests(TestCase):
    """Past a hundred themes (THEME_OPTIONS_AT_MOST, made 2 here), a list's theme filter offers
    the themes most used by what it lists, in name order, and links to the themes page for
    the rest; a theme left out is still offered, chosen, when the address names it."""

    @classmethod
    def setUpTestData(cls):
        films = [make_film(title=f"Film {n}") for n in range(3)]
        for film in films:
            film.themes.add("rare")
        for n, names in enumerate([["common", "middle", "rare"], ["common", "middle"], ["common"]]):
            make_article(films=films[:1], title=f"Piece {n}").themes.add(*names)
        for n in range(4):  # seen by no reader: they do not make "hidden" the most used
            draft = make_article(title=f"Draft {n}", status=Article.Status.DRAFT)
            draft.themes.add("hidden", "rare")

    def setUp(self):
        patcher = mock.patch("archive.views.THEME_OPTIONS_AT_MOST", 2)
        patcher.start()
        self.addCleanup(patcher.stop)

    def test_the_most_used_themes_of_each_list(self):
        for url, expected in (
            ("/articles/", ["common", "middle"]),
            ("/films/", ["rare"]),
            ("/search/?q=piece", ["common", "rare"]),  # films, articles and quotes together
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(options(response, "theme"), expected)
        response = self.client.get("/articles/")
        self.assertContains(response, '<a class="all-themes" href="/themes/">All 3 themes</a>')
        self.assertNotContains(self.client.get("/films/"), "All 1 themes")

    def test_a_theme_left_out_is_offered_when_chosen(self):
        response = self.client.get("/articles/?theme=rare")
        self.assertEqual([a.title for a in response.context["object_list"]], ["Piece 0"])
        self.assertEqual(options(response, "theme"), ["rare", "common", "middle"])
        self.assertContains(response, '<option value="rare" selected>rare</option>', html=False)


@skipUnless(connection.vendor == "sqlite", "PostgreSQL chooses plans by table sizes")
class FilterPlanTests(WithoutPlannerStatistics, TestCase):
    """The options' queries read films, articles, quotes and themed items through their indexes,
    as SQLite plans them (PostgreSQL chooses by the tables' sizes, which a test's few rows do
    not reproduce: bench/scale.py measures it on a large archive)."""

    # How a step of a plan may read: the themes themselves (the options listed, under any
    # alias), the rows of a skip through an index (see archive.views.DISTINCT_VALUES_SQL), a
    # theme's items in the themed-item index, one row by its primary key, one step of a skip,
    # or the sitemap's runs of ids, each found by one probe (archive.sitemaps.IdRangePaginator).
    READS = (
        r"SCAN found\b"
        r"|SCAN runs\b|SCAN CONSTANT ROW"
        r"|SEARCH \w+ USING COVERING INDEX themed_item_by_theme_idx \(tag_id=\?"
        r"|SEARCH \w+ USING INTEGER PRIMARY KEY \(rowid=\?\)"
        r"|SEARCH \w+ USING COVERING INDEX film_(kind_sort|year)_idx"
    )

    def assertReadThroughIndexes(self, url):
        with CaptureQueriesContext(connection) as queries:
            self.client.get(url)
        facets = [q["sql"] for q in queries if re.search(r"archive_theme\b|RECURSIVE", q["sql"])]
        self.assertTrue(facets)
        for sql in facets:
            themes = "|".join(["archive_theme", *re.findall(r'"archive_theme" (\w+)', sql)])
            reads = re.compile(rf"(SCAN|SEARCH) ({themes})\b|{self.READS}")
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
                steps = [row[-1] for row in cursor.fetchall()]
            steps = [step for step in steps if step.startswith(("SCAN", "SEARCH"))]
            self.assertEqual([step for step in steps if not reads.match(step)], [], sql)

    def test_filter_options_are_read_through_indexes(self):
        film = make_film(title="Indexed", year=2001)
        article = make_article(films=[film], body="Indexed words.")
        make_quote(article, film, "Indexed words.").themes.add("indexed")
        for url in ("/films/", "/articles/", "/quotes/", "/sitemap-themes.xml"):
            with self.subTest(url=url):
                self.assertReadThroughIndexes(url)
