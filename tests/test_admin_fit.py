"""The admin fits the task: search that finds what editors type (body, standfirst, exchanges,
names without their accents), "View on site" only for what readers can open, a preview that
shows the byline readers will see, the "Where used" panel on film, person, theme and quote
pages, countries chosen by typing, and the exact theme suggested first.
"""

import datetime as dt
import unittest
from contextlib import contextmanager

from django.contrib.auth.models import User
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive import search
from archive.models import Article, ArticleAuthor, ArticlePerson, Award, Theme

from .factories import make_article, make_credit, make_exchange, make_film, make_person, make_quote

BODY = "Rescuers dig through the rubble of Aleppo. Their humanity is the film's subject."


def admin_url(name, *args, query=""):
    return reverse(f"admin:archive_{name}", args=args) + query


class AdminTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.chief = User.objects.create_superuser("chief", "chief@example.org", "x")

    def setUp(self):
        self.client.force_login(self.chief)


class SearchTests(AdminTestCase):
    """Admin search covers an article's body, standfirst and exchanges, and folds accents."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.review = make_article(title="Among the ruins", body=BODY)
        cls.interview = make_article(title="A conversation", kind=Article.Kind.INTERVIEW)
        cls.soren = make_person(name="Søren Steen Jespersen")
        cls.khaled = make_person(name="Khaled Khateeb", alternative_names="Khāled al-Khatīb")
        make_exchange(cls.interview, cls.soren, answer="We edited for two years in Copenhagen.")
        cls.standfirst = make_article(title="Notes", standfirst="A café in the old town.")
        make_article(title="Unrelated", body="Nothing to see.")

    def found(self, model, term):
        response = self.client.get(admin_url(f"{model}_changelist", query=f"?q={term}"))
        self.assertEqual(response.status_code, 200)
        return list(response.context["cl"].result_list)

    def test_article_body_is_searched(self):
        self.assertEqual(self.found("article", "humanity"), [self.review])

    def test_exchanges_are_searched(self):
        self.assertEqual(self.found("article", "copenhagen"), [self.interview])

    def test_standfirst_folds_accents_both_ways(self):
        self.assertEqual(self.found("article", "cafe"), [self.standfirst])
        self.assertEqual(self.found("article", "CAFÉ"), [self.standfirst])

    def test_a_name_is_found_without_its_letters_of_its_own(self):
        """ "ø" does not decompose: only transliteration makes "soren" find "Søren"."""
        self.assertEqual(self.found("person", "soren"), [self.soren])
        self.assertEqual(self.found("person", "soren jespersen"), [self.soren])

    def test_alternative_spellings_are_searched(self):
        self.assertEqual(self.found("person", "khatib"), [self.khaled])

    def test_every_word_must_match(self):
        self.assertEqual(self.found("person", "soren khateeb"), [])

    def test_a_long_search_looks_for_its_first_words_and_says_so(self):
        """Each word searched for is one more condition on the list: a search of hundreds of
        words (a page pasted into the box, or an address made so) held PostgreSQL for minutes
        (100 words: 4 to 7 s on the film and people lists; 300, past six minutes). The first
        ten different words are looked for, and the list names those left out; a word typed
        again counts once."""
        filler = " ".join(f"word{number}" for number in range(40))
        for model in ["person", "film", "article", "quote", "theme"]:
            response = self.client.get(
                admin_url(f"{model}_changelist", query=f"?q=soren jespersen {filler}&_facets=1")
            )
            self.assertContains(
                response,
                "Only the first 10 different words were searched for: “word8 word9 word10",
                count=1,
                msg_prefix=model,
            )
            self.assertContains(response, "word38 word39” were left out.", msg_prefix=model)
        repeated = " ".join(["soren"] * 50 + ["jespersen"] * 50)
        response = self.client.get(admin_url("person_changelist", query=f"?q={repeated}"))
        self.assertEqual(list(response.context["cl"].result_list), [self.soren])
        self.assertNotContains(response, "were searched for")

    def test_articles_are_searched_through_the_search_index(self):
        """The article list's search reads the site's search index (drafts included), not a
        regular expression over every body and exchange: at 100,000 articles that took
        seconds. A film's title, which the index does not hold for the article, still finds
        it."""
        from django.test.utils import CaptureQueriesContext

        draft = make_article(
            title="Draft", body="Humanity again.", status=Article.Status.DRAFT, films=[]
        )
        with CaptureQueriesContext(connection) as queries:
            found = self.found("article", "humanity")
        self.assertEqual(sorted(a.pk for a in found), sorted([self.review.pk, draft.pk]))
        sql = " ".join(query["sql"] for query in queries)
        self.assertIn("archive_searchdocument", sql)
        self.assertNotRegex(sql, r'"archive_article"\."body"\s+(REGEXP|~\*)')
        film = make_film(title="Zanzibar Nights")
        about = make_article(title="A review", films=[film])
        self.assertEqual(self.found("article", "zanzibar"), [about])

    def test_each_word_is_looked_for_on_its_own(self):
        """Seven words of an interview's title, and words each in another of its twelve
        exchanges, are found at once. Joined once for each word, an article's exchanges
        multiplied with every word its title matched (twelve rows to the seventh power here;
        six words took minutes on the demo), so the query is given a bound of work."""
        interview = make_article(
            title="Twelve questions to the director about his long film",
            kind=Article.Kind.INTERVIEW,
        )
        for number in range(12):
            make_exchange(interview, self.soren, answer=f"Answer with the word w{number}x.")
        with bounded_work():
            for terms in ("twelve questions the director about his film", "twelve w1x w7x w11x"):
                with self.subTest(terms=terms):
                    self.assertEqual(self.found("article", terms), [interview])
            self.assertEqual(self.found("article", "twelve questions the copenhagen"), [])

    def test_an_article_about_two_films_with_the_word_is_listed_once(self):
        films = [make_film(title="Zanzibar Nights"), make_film(title="Zanzibar Mornings")]
        about = make_article(title="A double bill", films=films)
        self.assertEqual(self.found("article", "zanzibar"), [about])

    def test_sqlite_looks_the_words_up_once(self):
        """On SQLite the words are matched in the text table once, and the matching documents
        then read by id: as a join, SQLite read every document of the kind and ran the match
        once for each (134 s for "war" at 100,000 articles, against 20 ms)."""
        if connection.vendor != "sqlite":
            self.skipTest("SQLite's FTS5 table (PostgreSQL reads its GIN index)")
        with CaptureQueriesContext(connection) as queries:
            self.found("article", "humanity")
        (sql,) = [q["sql"] for q in queries if "MATCH" in q["sql"] and "COUNT" in q["sql"]]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = cursor.fetchall()
        (text_scan,) = [row for row in plan if "archive_searchtext" in row[-1]]
        siblings = [row for row in plan if row[1] == text_scan[1]]
        self.assertEqual(siblings, [text_scan], plan)  # alone in a subquery listed once

    def test_the_autocomplete_folds_accents_too(self):
        response = self.client.get(
            reverse("admin:autocomplete"),
            {
                "term": "soren",
                "app_label": "archive",
                "model_name": "articleauthor",
                "field_name": "person",
            },
        )
        self.assertEqual([r["text"] for r in response.json()["results"]], [str(self.soren)])


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL's planner")
class PostgresSearchPlanTests(AdminTestCase):
    """The article list searched for a word in a few of many articles reads those few: the
    planner is given each word as one set of ids to join, whose size it knows. Given it as
    an `OR` of two subqueries (the index's matches, the articles about films of that title)
    it could not tell how many the word keeps, guessed three quarters of the list, and read
    the whole list in order testing every article (180 ms for a word in 100 articles of
    100,000, for the page and again for the dates above it)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        published = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        Article.objects.bulk_create(
            Article(
                title=f"Ruins {number}",
                slug=f"ruins-{number}",
                body="Zanzibar in the ruins." if number % 700 == 0 else "Rubble and ruins.",
                status=Article.Status.PUBLISHED,
                published_at=published + dt.timedelta(hours=number),
            )
            for number in range(2100)
        )
        make_article(title="A review", films=[make_film(title="Zanzibar Nights")])
        search.rebuild()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE archive_article")
            cursor.execute("ANALYZE archive_searchdocument")

    def test_a_rare_word_is_read_from_its_matches(self):
        plans = []

        def explain(execute, sql, params, many, context):
            if sql.startswith("SELECT") and "archive_searchdocument" in sql:
                with context["connection"].cursor() as cursor:
                    cursor.execute("EXPLAIN " + sql, params)
                    plans.append("\n".join(row[0] for row in cursor.fetchall()))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(explain):
            found = self.found("article", "zanzibar")
        self.assertEqual(len(found), 4)
        self.assertEqual(len(plans), 3)  # the count, the page, and the dates above it
        for plan in plans:
            self.assertNotIn("SubPlan", plan)

    found = SearchTests.found


class ViewOnSiteTests(AdminTestCase):
    """Readers' links ("View on site") appear only for what they can open, not a draft."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        film = make_film(title="Last Men in Aleppo")
        cls.draft = make_article(films=[film], body="They dig.", status=Article.Status.DRAFT)
        cls.public = make_article(films=[film], body="They dig.")
        cls.draft_quote = make_quote(cls.draft, film, "They dig.")
        cls.public_quote = make_quote(cls.public, film, "They dig.")

    def test_only_public_articles_and_quotes_link_to_the_site(self):
        for name, obj, shown in [
            ("article", self.draft, False),
            ("article", self.public, True),
            ("quote", self.draft_quote, False),
            ("quote", self.public_quote, True),
        ]:
            with self.subTest(name=name, pk=obj.pk):
                response = self.client.get(admin_url(f"{name}_change", obj.pk))
                if shown:
                    self.assertContains(response, "View on site")
                    public = self.client.get(obj.get_absolute_url(), follow=True)
                    self.assertEqual(public.status_code, 200)
                else:
                    self.assertNotContains(response, "View on site")


class PreviewBylineTests(AdminTestCase):
    """The preview of a draft shows the byline readers will see once it is published."""

    def test_a_drafts_preview_shows_its_byline(self):
        draft = make_article(title="Draft", status=Article.Status.DRAFT)
        author = make_person(name="Lina Haddad")
        ArticleAuthor.objects.create(article=draft, person=author, order=0)
        response = self.client.get(reverse("archive:article_preview", args=[draft.pk]))
        self.assertContains(response, f'By <a href="{author.get_absolute_url()}">Lina Haddad</a>')

    def test_the_public_page_and_the_preview_show_the_same_byline(self):
        article = make_article(title="Public")
        ArticleAuthor.objects.create(article=article, person=make_person(name="Lina"), order=0)
        public = self.client.get(article.get_absolute_url()).content.decode()
        preview = self.client.get(reverse("archive:article_preview", args=[article.pk]))

        def byline(html):
            start = html.index('<p class="meta">')
            return html[start : html.index("</p>", start)]

        self.assertEqual(byline(preview.content.decode()), byline(public))


class PreviewTests(AdminTestCase):
    """A piece's preview is its page as readers will see it: the same main content, the
    pieces before and after it of its kind and more on its films included."""

    def main(self, url):
        html = self.client.get(url).content.decode()
        return html[html.index("<main") : html.index("</main>")]

    def test_the_preview_of_a_public_piece_is_its_page(self):
        film = make_film(title="Last Men in Aleppo")
        older = make_article(films=[film], title="An older review")
        older.published_at -= dt.timedelta(days=2)
        older.save()
        article = make_article(films=[film], title="The review")
        preview = self.main(reverse("archive:article_preview", args=[article.pk]))
        self.assertIn("An older review", preview)
        self.assertEqual(preview, self.main(article.get_absolute_url()))

    def test_a_drafts_preview_shows_its_neighbours_as_if_published_now(self):
        film = make_film(title="Last Men in Aleppo")
        make_article(films=[film], title="The latest review")
        draft = make_article(films=[film], title="Draft", status=Article.Status.DRAFT)
        preview = self.main(reverse("archive:article_preview", args=[draft.pk]))
        self.assertIn("The latest review", preview)  # earlier of its kind, and on its film
        self.assertEqual(preview.count("The latest review"), 2)


class WhereUsedTests(AdminTestCase):
    """Film, person, theme and quote pages list what points to them, with links and counts,
    in a number of queries that does not grow with how much points to them."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.film = make_film(title="Last Men in Aleppo")
        cls.person = make_person(name="Feras Fayyad")
        make_credit(cls.film, cls.person)
        award = Award.objects.create(
            film=cls.film, body="Sundance", year=2017, category="Grand Jury Prize", outcome="won"
        )
        award.recipients.add(cls.person)
        cls.article = make_article(films=[cls.film], title="Among the ruins", body="They dig.")
        ArticleAuthor.objects.create(article=cls.article, person=cls.person, order=0)
        ArticlePerson.objects.create(article=cls.article, person=cls.person, order=0)
        cls.quote = make_quote(cls.article, cls.film, "They dig.", speaker=cls.person)
        cls.theme = Theme.objects.create(name="Syria", slug="syria")
        cls.film.themes.add(cls.theme)
        cls.article.themes.add(cls.theme)

    def test_film_page_lists_articles_and_quotes(self):
        response = self.client.get(admin_url("film_change", self.film.pk))
        self.assertContains(response, "Where used")
        self.assertContains(response, "Articles on this film (1)")
        self.assertContains(response, f'href="{admin_url("article_change", self.article.pk)}"')
        self.assertContains(response, "Quotes about this film (1)")
        self.assertContains(response, f'href="{admin_url("quote_change", self.quote.pk)}"')

    def test_person_page_lists_credits_awards_articles_and_quotes(self):
        response = self.client.get(admin_url("person_change", self.person.pk))
        for title in ["Credits (1)", "Awards and nominations (1)", "Articles by (1)"]:
            self.assertContains(response, title)
        self.assertContains(response, "Articles about (1)")
        self.assertContains(response, "Quotes (1)")
        self.assertContains(response, f'href="{admin_url("film_change", self.film.pk)}"')

    def test_person_page_counts_each_interview_once(self):
        """The interviews a person conducts, asks a question in or answers in: each once,
        however many of these they do in it."""
        person = make_person(name="Asks And Answers")
        conducted = make_article(kind=Article.Kind.INTERVIEW, interviewer=person, title="Led")
        make_exchange(conducted, interviewee=person)
        make_exchange(conducted, interviewee=self.person, interviewer=person)
        asked = make_article(kind=Article.Kind.INTERVIEW, title="Asked")
        make_exchange(asked, interviewee=self.person, interviewer=person)
        answered = make_article(kind=Article.Kind.INTERVIEW, title="Answered")
        make_exchange(answered, interviewee=person)
        make_article(kind=Article.Kind.INTERVIEW, title="Elsewhere")
        response = self.client.get(admin_url("person_change", person.pk))
        self.assertContains(response, "Interviews (asking or answering) (3)")
        for article in (conducted, asked, answered):
            self.assertContains(response, f'href="{admin_url("article_change", article.pk)}"')

    def test_theme_page_lists_what_carries_it(self):
        response = self.client.get(admin_url("theme_change", self.theme.pk))
        self.assertContains(response, "Films (1)")
        self.assertContains(response, "Articles (1)")
        self.assertNotContains(response, "Quotes (")

    def test_quote_page_lists_where_it_is_shown(self):
        response = self.client.get(admin_url("quote_change", self.quote.pk))
        self.assertContains(response, "Its article (1)")
        self.assertContains(response, f'href="{admin_url("article_change", self.article.pk)}"')

    def test_nothing_points_to_a_new_person(self):
        response = self.client.get(admin_url("person_change", make_person().pk))
        self.assertContains(response, "Nothing in the archive refers to this person.")

    def test_more_than_ten_are_counted_not_all_listed(self):
        for number in range(12):
            make_article(films=[self.film], title=f"Piece {number:02}")
        response = self.client.get(admin_url("film_change", self.film.pk))
        self.assertContains(response, "Articles on this film (13)")
        self.assertContains(response, "and 3 more")

    def test_query_counts_do_not_grow_with_use(self):
        def queries(url):
            self.client.get(url)  # Caches (content types) filled.
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.client.get(url).status_code, 200)
            return len(captured)

        pages = {
            "film": admin_url("film_change", self.film.pk),
            "person": admin_url("person_change", self.person.pk),
            "theme": admin_url("theme_change", self.theme.pk),
        }
        before = {name: queries(url) for name, url in pages.items()}
        for number in range(15):
            article = make_article(films=[self.film], title=f"More {number}", body="They dig.")
            ArticleAuthor.objects.create(article=article, person=self.person, order=0)
            article.themes.add(self.theme)
            make_quote(article, self.film, "They dig.", speaker=self.person)
        after = {name: queries(url) for name, url in pages.items()}
        self.assertEqual(after, before)


class CountriesAndThemesTests(AdminTestCase):
    def test_countries_are_typed_not_scrolled(self):
        response = self.client.get(admin_url("film_add"))
        self.assertContains(response, 'class="archive-select"')
        self.assertContains(response, "archive/admin/select.js")

    def test_the_theme_itself_is_suggested_first(self):
        for name in ["Syrian cinema", "Refugees in Syria", "syria"]:
            Theme.objects.create(name=name, slug=name.replace(" ", "-").lower() + "-x")
        response = self.client.get(admin_url("theme_autocomplete"), {"term": "SYRIA"})
        names = [result["text"] for result in response.json()["results"]]
        self.assertEqual(names, ["syria", "Syrian cinema", "Refugees in Syria"])

    def test_the_themes_field_is_set_up_by_its_own_script(self):
        response = self.client.get(admin_url("article_add"))
        self.assertContains(response, "archive/admin/themes.js")
        self.assertContains(response, "archive-themes")


@contextmanager
def bounded_work():
    """Queries abort if they run long: SQLite after 50 million steps of its virtual machine,
    PostgreSQL after 10 seconds (either is hundreds of times what the searches need)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        connection.connection.set_progress_handler(lambda: 1, 50_000_000)
        try:
            yield
        finally:
            connection.connection.set_progress_handler(None, 0)
    else:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = '10s'")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")
