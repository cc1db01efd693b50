"""The search index follows every change to the text it shows, wherever that text lives: a
person renamed, a byline added or removed, an article retitled or published, an exchange
changed, whether saved by the admin, the ORM or `loaddata`.

Each test makes a change, then checks what a reader finds and that every document is exactly
what indexing the archive afresh would write (`assertIndexCurrent`): a document showing text
from a row that its dependencies (archive/search.py) do not list fails these tests.
"""

import json
import threading
from pathlib import Path
from tempfile import TemporaryDirectory
from unittest import mock, skipUnless

from django.core import serializers
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, TransactionTestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from archive import search
from archive.models import (
    Article,
    ArticleAuthor,
    Award,
    Person,
    SearchDocument,
    Theme,
    ThemedItem,
)

from .factories import make_article, make_exchange, make_film, make_person, make_quote

BODY = "Rescuers dig through the rubble of Aleppo. The camera never looks away."


def found(query, **filters):
    return [row.title for row in search.results(query, search.search(query, **filters))]


class IndexCheckingTestCase(TestCase):
    def assertIndexCurrent(self):
        """Every document is what indexing its object afresh would write; none is missing."""
        for model, (kind, describe) in search.DOCUMENTS.items():
            for obj in model.objects.all():
                document = SearchDocument.objects.filter(kind=kind, object_id=obj.pk).first()
                self.assertIsNotNone(document, f"no document for {kind} {obj.pk}")
                expected = describe(obj)
                stored = {field: getattr(document, field) for field in expected}
                self.assertEqual(stored, expected, f"{kind} {obj.pk}")
            self.assertEqual(
                SearchDocument.objects.filter(kind=kind).count(), model.objects.count(), kind
            )
        if connection.vendor == "sqlite":  # the FTS5 table: each document's text, stemmed
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT rowid, title, names, summary, body FROM {search.TEXT_TABLE}"
                )
                stored = {row[0]: row[1:] for row in cursor.fetchall()}
            expected = {
                document.pk: tuple(
                    search.stemmed(getattr(document, field)) for field in search.FIELD_WEIGHTS
                )
                for document in SearchDocument.objects.all()
            }
            self.assertEqual(stored, expected)


class IndexTestCase(IndexCheckingTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.film = make_film(title="Last Men in Aleppo", synopsis="Rescuers in Aleppo.")
        cls.film.themes.add("civil defence")
        cls.critic = make_person(name="Jay Weissberg")
        cls.director = make_person(name="Feras Fayyad")
        cls.review = make_article(films=[cls.film], title="Rubble and light", body=BODY)
        ArticleAuthor.objects.create(article=cls.review, person=cls.critic)
        cls.critics_words = make_quote(cls.review, cls.film, "The camera never looks away.")
        cls.interview = make_article(
            films=[cls.film], kind=Article.Kind.INTERVIEW, title="Fayyad on filming"
        )
        cls.exchange = make_exchange(
            cls.interview, cls.director, question="Why Aleppo?", answer="Nobody else filmed."
        )
        cls.answer = make_quote(
            cls.interview, cls.film, "Nobody else filmed.", speaker=cls.director
        )

    def summary(self, quote):
        return SearchDocument.objects.get(kind="quote", object_id=quote.pk).summary


class PersonTests(IndexTestCase):
    def test_a_person_renamed_shows_in_their_quotes_and_the_quotes_of_their_byline(self):
        self.director.name = "Firas Fayyad"
        self.director.save()
        self.critic.name = "Jay A. Weissberg"
        self.critic.save()
        self.assertEqual(self.summary(self.answer), "Firas Fayyad, Fayyad on filming")
        self.assertEqual(self.summary(self.critics_words), "Jay A. Weissberg, Rubble and light")
        self.assertIn("The camera never looks away.", found("Weissberg"))
        self.assertIndexCurrent()

    def test_a_speakers_name_outranks_the_byline(self):
        """A quote with a speaker of its own shows the speaker, not the article's byline."""
        ArticleAuthor.objects.create(article=self.interview, person=self.critic)
        self.critic.name = "Someone Else"
        self.critic.save()
        self.assertEqual(self.summary(self.answer), "Feras Fayyad, Fayyad on filming")
        self.assertIndexCurrent()

    def test_renaming_costs_the_same_however_many_quotes_show_the_name(self):
        def queries_to_rename(name):
            with CaptureQueriesContext(connection) as queries:
                self.director.name = name
                self.director.save()
            return len(queries)

        few = queries_to_rename("Firas Fayyad")
        for _ in range(8):
            make_quote(self.interview, self.film, "Nobody else filmed.", speaker=self.director)
        self.assertEqual(queries_to_rename("Feras Fayyad"), few)
        self.assertIndexCurrent()


class BylineTests(IndexTestCase):
    def test_a_byline_removed_and_added(self):
        ArticleAuthor.objects.get(article=self.review).delete()
        self.assertEqual(self.summary(self.critics_words), "Review, Rubble and light")
        self.assertNotIn("The camera never looks away.", found("Weissberg"))
        ArticleAuthor.objects.create(article=self.review, person=self.director, order=1)
        self.assertEqual(self.summary(self.critics_words), "Feras Fayyad, Rubble and light")
        self.assertIndexCurrent()

    def test_bylines_through_the_many_to_many_field(self):
        self.review.authors.add(self.director)
        self.assertIn("Feras Fayyad", self.summary(self.critics_words))
        self.review.authors.remove(self.critic)
        self.assertEqual(self.summary(self.critics_words), "Feras Fayyad, Rubble and light")
        self.review.authors.clear()
        self.assertEqual(self.summary(self.critics_words), "Review, Rubble and light")
        self.critic.articles_written.add(self.review)
        self.assertEqual(self.summary(self.critics_words), "Jay Weissberg, Rubble and light")
        self.review.authors.set([self.director])
        self.assertEqual(self.summary(self.critics_words), "Feras Fayyad, Rubble and light")
        self.assertIndexCurrent()


class ArticleTests(IndexTestCase):
    def test_an_article_retitled_shows_in_its_quotes(self):
        self.review.title = "Light in the rubble"
        self.review.save()
        self.assertEqual(self.summary(self.critics_words), "Jay Weissberg, Light in the rubble")
        self.assertIndexCurrent()

    def test_publishing_gives_the_quotes_their_year(self):
        draft = make_article(films=[self.film], status=Article.Status.DRAFT, body=BODY)
        quote = make_quote(draft, self.film, "Rescuers dig through the rubble")
        draft.status, draft.published_at = Article.Status.PUBLISHED, timezone.now()
        draft.save()
        document = SearchDocument.objects.get(kind="quote", object_id=quote.pk)
        self.assertEqual(document.year, timezone.now().year)
        self.assertIn("Rescuers dig through the rubble", found("rescuers dig"))
        self.assertIndexCurrent()

    def test_an_exchange_changed_or_removed_shows_in_the_interview(self):
        self.exchange.question = "Why Idlib?"
        self.exchange.save()
        self.assertIn("Fayyad on filming", found("Idlib"))
        self.answer.delete()
        self.exchange.delete()
        self.assertEqual(found("Idlib"), [])
        self.assertIndexCurrent()

    def test_deleting_an_article_leaves_no_document_of_it_or_its_parts(self):
        self.review.delete()
        self.interview.delete()
        self.assertFalse(SearchDocument.objects.filter(kind__in=["article", "quote"]).exists())
        self.assertIndexCurrent()

    def test_exchanges_added_together_rewrite_the_interview_once(self):
        """An interview's 300 exchanges, imported, rewrote its whole document after each one
        (minutes for a text of 1 MB): added within `reindexed_once`, it is rewritten once, at
        the end, with every exchange in it."""
        interview = make_article(films=[self.film], title="Feras Fayyad on Aleppo")
        with CaptureQueriesContext(connection) as queries, search.reindexed_once():
            for n in range(5):
                make_exchange(interview, self.director, question=f"Q{n}?", answer=f"zephyr{n}")
            self.assertEqual(found("zephyr4"), [])
        rewrites = [
            q for q in queries if q["sql"].startswith('INSERT INTO "archive_searchdocument"')
        ]
        self.assertEqual(len(rewrites), 1)
        self.assertEqual(found("zephyr4"), ["Feras Fayyad on Aleppo"])
        self.assertIndexCurrent()


class FilmAndThemeTests(IndexTestCase):
    """Film titles and themes appear in no other document: changing them rewrites nothing
    else, and the theme filter follows at once."""

    def test_a_film_retitled(self):
        self.film.title = "The Last Men in Aleppo"
        self.film.save()
        self.assertEqual(found("Last Men", kind="film"), ["The Last Men in Aleppo"])
        self.assertIndexCurrent()

    def test_awards_added_changed_and_removed(self):
        award = Award.objects.create(
            film=self.film,
            body="Sundance Film Festival",
            year=2017,
            category="World Cinema Grand Jury Prize",
            outcome=Award.Outcome.WON,
        )
        self.assertEqual(found("Sundance"), ["Last Men in Aleppo"])
        self.assertIndexCurrent()
        award.body = "CPH:DOX"
        award.save()
        self.assertEqual(found("Sundance"), [])
        self.assertEqual(found("CPH:DOX Grand Jury"), ["Last Men in Aleppo"])
        award.delete()
        self.assertEqual(found("CPH:DOX"), [])
        self.assertIndexCurrent()

    def test_a_theme_renamed_or_merged(self):
        theme = Theme.objects.get(name="civil defence")
        theme.name, theme.slug = "Civil defence", "civil-defence-2"
        theme.save()
        self.assertEqual(found("rescuers", theme=theme), ["Last Men in Aleppo"])
        kept = Theme.objects.create(name="rescue", slug="rescue")
        ThemedItem.objects.filter(tag=theme).update(tag=kept)  # as merging themes does
        theme.delete()
        self.assertEqual(found("rescuers", theme=kept), ["Last Men in Aleppo"])
        self.assertIndexCurrent()


class LoaddataTests(IndexTestCase):
    """Fixtures and backups are saved raw, in any order: the index still follows."""

    def load(self, name, objects):
        with TemporaryDirectory() as directory:
            fixture = Path(directory) / f"{name}.json"
            fixture.write_text(json.dumps(objects))
            call_command("loaddata", str(fixture), verbosity=0)

    def serialized(self, *objects):
        return json.loads(serializers.serialize("json", objects))

    def test_a_person_renamed_by_a_fixture(self):
        (person,) = self.serialized(self.director)
        person["fields"]["name"] = "Firas Fayyad"
        self.load("rename", [person])
        self.assertEqual(self.summary(self.answer), "Firas Fayyad, Fayyad on filming")
        self.assertIndexCurrent()

    def test_a_byline_loaded_after_its_quotes_and_before_its_author(self):
        author = make_person(name="Guy Lodge")
        byline = ArticleAuthor(article=self.review, person=author, order=1)
        byline.pk = 999
        rows = self.serialized(byline, author)
        author.delete()
        self.load("byline", rows)
        self.assertEqual(
            self.summary(self.critics_words), "Jay Weissberg, Guy Lodge, Rubble and light"
        )
        self.assertIndexCurrent()

    def test_a_quote_loaded_before_its_speaker(self):
        speaker = make_person(name="Khaled Omar Harrah")
        quote = make_quote(self.review, self.film, "Rescuers dig", speaker=speaker)
        rows = self.serialized(quote, speaker)
        quote.delete()
        speaker.delete()
        self.load("quote", rows)
        self.assertIn("Rescuers dig", found("Harrah"))
        self.assertIndexCurrent()


class DemoFixtureTests(IndexCheckingTestCase):
    def test_the_demo_fixture_is_indexed_as_it_loads(self):
        call_command("loaddata", "demo", verbosity=0)
        self.assertTrue(SearchDocument.objects.filter(kind="quote").exists())
        self.assertIndexCurrent()


class RebuildTests(IndexTestCase):
    """`update_search_index` rewrites the index a run of objects at a time: readers' searches
    find everything while it works, and what it leaves is what saving would have written."""

    def setUp(self):
        for number in range(5):
            make_person(name=f"Critic Number{number}")
        # Left behind by objects removed without their signals (a raw SQL delete, say).
        for object_id in (0, 10**9):
            SearchDocument.objects.create(kind="person", object_id=object_id, title="Ghost")
        SearchDocument.objects.filter(kind="article").update(summary="stale")

    def test_the_index_is_rebuilt_whole_and_current(self):
        self.assertEqual(search.rebuild(chunk_size=2), SearchDocument.objects.count())
        self.assertEqual(found("Ghost"), [])
        self.assertIndexCurrent()

    def test_searches_find_everything_while_it_works(self):
        kind, describe = search.DOCUMENTS[Article]
        seen = []

        def describe_and_search(article):
            # While articles are rewritten, the films and people written before them, and the
            # articles not reached yet, are all found.
            seen.append((found("Aleppo"), found("Weissberg"), found("Fayyad filming")))
            return describe(article)

        documents = {**search.DOCUMENTS, Article: (kind, describe_and_search)}
        with mock.patch.object(search, "DOCUMENTS", documents):
            search.rebuild(chunk_size=1)
        self.assertEqual(len(seen), 2)
        for films, people, interviews in seen:
            self.assertIn("Last Men in Aleppo", films)
            self.assertIn("Jay Weissberg", people)
            self.assertIn("Fayyad on filming", interviews)
        self.assertIndexCurrent()


@skipUnless(connection.vendor == "postgresql", "on SQLite a run holds the write lock throughout")
class RebuildBesideEditorsTests(TransactionTestCase):
    """A save committed while the rebuild rewrites its run is not undone by the rebuild."""

    def test_a_rename_saved_during_the_rebuild_stays_found(self):
        person = make_person(name="Jay Weissberg")
        kind, describe = search.DOCUMENTS[Person]
        saved = []

        def describe_while_an_editor_saves(obj):
            if not saved:  # another worker's save, committed after the run has begun

                def rename():
                    renamed = Person.objects.get(pk=person.pk)
                    renamed.name = "Jay Weissberg-Renamed"
                    renamed.save()
                    connection.close()  # this thread's own connection

                saved.append(obj.pk)  # before: the save indexes through this function too
                editor = threading.Thread(target=rename)
                editor.start()
                editor.join()
            return describe(obj)

        documents = {**search.DOCUMENTS, Person: (kind, describe_while_an_editor_saves)}
        with mock.patch.object(search, "DOCUMENTS", documents):
            search.rebuild()
        document = SearchDocument.objects.get(kind="person", object_id=person.pk)
        self.assertEqual(saved, [person.pk])
        self.assertEqual(document.title, "Jay Weissberg-Renamed")
        self.assertEqual(found("Renamed"), ["Jay Weissberg-Renamed"])
