import datetime as dt
from importlib import import_module

import time_machine
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from archive.models import Article, Credit, Exchange, Film, Person, Quote

from .factories import (
    make_article,
    make_credit,
    make_exchange,
    make_film,
    make_person,
    make_quote,
)


class PublishedTests(TestCase):
    """What readers may see is decided by Article.objects.published() alone."""

    @classmethod
    def setUpTestData(cls):
        now = timezone.now()
        cls.public = make_article(title="Public")
        cls.draft = make_article(title="Draft", status=Article.Status.DRAFT)
        cls.scheduled = make_article(title="Scheduled", published_at=now + dt.timedelta(days=2))
        cls.draft_with_past_time = make_article(
            title="Old draft", status=Article.Status.DRAFT, published_at=now - dt.timedelta(days=3)
        )

    def test_only_published_pieces_whose_time_has_come(self):
        self.assertQuerySetEqual(Article.objects.published(), [self.public])

    def test_flags(self):
        self.assertTrue(self.public.is_public)
        self.assertTrue(self.scheduled.is_scheduled)
        self.assertFalse(self.scheduled.is_public)
        self.assertFalse(self.draft.is_public)

    def test_publishing_without_a_time_publishes_now(self):
        article = make_article(status=Article.Status.DRAFT)
        self.assertIsNone(article.published_at)
        article.status = Article.Status.PUBLISHED
        article.save()
        self.assertLessEqual(article.published_at, timezone.now())
        self.assertIn(article, Article.objects.published())

    def test_database_refuses_published_without_time(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Article.objects.filter(pk=self.public.pk).update(published_at=None)

    def test_quotes_follow_their_article(self):
        film = make_film()
        make_article(films=[film])
        for article in (self.public, self.draft, self.scheduled):
            article.film_links.create(film=film)
            article.body = "Words worth quoting."
            article.save()
            make_quote(article, film, "Words worth quoting.")
        self.assertEqual([quote.article for quote in Quote.objects.published()], [self.public])


class SchedulingTests(TestCase):
    def test_scheduled_piece_becomes_public_by_itself(self):
        """No job runs: the publication time passing is enough."""
        article = make_article(published_at=timezone.now() + dt.timedelta(hours=1))
        self.assertNotIn(article, Article.objects.published())
        with time_machine.travel(article.published_at):
            self.assertIn(article, Article.objects.published())


class SlugTests(TestCase):
    def test_slug_made_from_title_and_kept_unique(self):
        first = make_film(title="Last Men in Aleppo")
        second = make_film(title="Last Men in Aleppo", year=2018)
        self.assertEqual(first.slug, "last-men-in-aleppo")
        self.assertEqual(second.slug, "last-men-in-aleppo-2")

    def test_slug_is_ascii_for_urls(self):
        """Latin letters are transliterated, even those that do not decompose (ø, ß, æ)."""
        person = make_person(name="Søren Steen Jespersen")
        self.assertEqual(person.slug, "soren-steen-jespersen")
        self.assertEqual(person.get_absolute_url(), "/people/soren-steen-jespersen/")
        self.assertEqual(make_film(title="Straße der Æsir").slug, "strasse-der-aesir")

    def test_taken_slug_is_a_form_error_an_editor_understands(self):
        make_article(title="Taken", slug="taken")

        class ArticleForm(forms.ModelForm):
            class Meta:
                model = Article
                fields = ["title", "slug", "kind", "status"]

        form = ArticleForm(
            data={"title": "Another", "slug": "taken", "kind": "review", "status": "draft"}
        )
        self.assertFalse(form.is_valid())
        self.assertEqual(
            form.errors["slug"], ["Another article already uses this slug. Choose another."]
        )


class ExchangeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.director = make_person(name="Feras Fayyad")
        cls.interview = make_article(kind=Article.Kind.INTERVIEW)

    def test_anchor_made_from_question_and_stable(self):
        exchange = make_exchange(
            self.interview, self.director, question="There's a line in your film—\"It's not\""
        )
        self.assertEqual(exchange.anchor, "theres-a-line-in-your-film")
        exchange.question = "A reworded question"
        exchange.save()
        exchange.refresh_from_db()
        self.assertEqual(exchange.anchor, "theres-a-line-in-your-film")
        self.assertEqual(
            exchange.get_absolute_url(),
            f"/articles/{self.interview.slug}/#theres-a-line-in-your-film",
        )

    def test_anchors_unique_within_an_article(self):
        first = make_exchange(self.interview, self.director, question="Why?")
        second = make_exchange(self.interview, self.director, question="Why?")
        self.assertEqual([first.anchor, second.anchor], ["why", "why-2"])

    def test_unnamed_interviewer(self):
        exchange = make_exchange(self.interview, self.director)
        self.assertEqual(exchange.question_speaker_name, "Interviewer")

    def test_questions_asked_by_the_interviewer_unless_the_exchange_names_someone_else(self):
        host = make_person(name="Nadia Host")
        guest = make_person(name="Omar Guest")
        interview = make_article(kind=Article.Kind.INTERVIEW, interviewer=host)
        by_host = make_exchange(interview, self.director)
        by_guest = make_exchange(interview, self.director, interviewer=guest)
        self.assertEqual(by_host.question_speaker, host)
        self.assertEqual(by_host.question_speaker_name, "Nadia Host")
        self.assertEqual(by_guest.question_speaker, guest)
        self.assertEqual(by_guest.question_speaker_name, "Omar Guest")

    def test_answer_needs_a_speaker(self):
        exchange = Exchange(article=self.interview, question="Q?", answer="A.")
        with self.assertRaises(ValidationError) as raised:
            exchange.full_clean()
        self.assertIn("interviewee", raised.exception.message_dict)


class InterviewerMigrationTests(TestCase):
    """0013 names the interviewer once, on the article, where every exchange had the same one."""

    def setUp(self):
        self.migration = import_module("archive.migrations.0013_interviewer_from_exchanges")
        self.host, self.guest = make_person(name="Nadia Host"), make_person(name="Omar Guest")
        self.director = make_person(name="Feras Fayyad")

    def interview(self, *askers):
        article = make_article(kind=Article.Kind.INTERVIEW)
        for asker in askers:
            make_exchange(article, self.director, interviewer=asker)
        return article

    def askers(self, article):
        return [e.interviewer for e in article.exchanges.order_by("order")]

    def test_one_interviewer_moves_to_the_article_and_back(self):
        article = self.interview(self.host, self.host)
        self.migration.interviewer_to_article(apps, None)
        article.refresh_from_db()
        self.assertEqual((article.interviewer, self.askers(article)), (self.host, [None, None]))

        self.migration.interviewer_to_exchanges(apps, None)
        self.assertEqual(self.askers(article), [self.host, self.host])

    def test_different_or_unnamed_askers_are_left_as_they_are(self):
        mixed = self.interview(self.host, self.guest)
        partly_named = self.interview(self.host, None)
        unnamed = self.interview(None, None)
        self.migration.interviewer_to_article(apps, None)
        for article, askers in (
            (mixed, [self.host, self.guest]),
            (partly_named, [self.host, None]),
            (unnamed, [None, None]),
        ):
            article.refresh_from_db()
            self.assertIsNone(article.interviewer)
            self.assertEqual(self.askers(article), askers)

    def test_going_back_keeps_an_exchange_asked_by_someone_else(self):
        article = self.interview(None, self.guest)
        Article.objects.filter(pk=article.pk).update(interviewer=self.host)
        self.migration.interviewer_to_exchanges(apps, None)
        self.assertEqual(self.askers(article), [self.host, self.guest])


class QuoteValidationTests(TestCase):
    """A quote is refused unless its words are really in its source."""

    @classmethod
    def setUpTestData(cls):
        cls.film = make_film(title="Last Men in Aleppo")
        cls.other_film = make_film(title="Another film")
        cls.director = make_person(name="Feras Fayyad")
        cls.review = make_article(
            films=[cls.film],
            body="The inhuman reality of Aleppo’s citizens unfolds\nin real-time.\n\n"
            "The *moving* cinematic music accompanies every scene.",
        )
        cls.interview = make_article(films=[cls.film], kind=Article.Kind.INTERVIEW, body="Intro.")
        cls.exchange = make_exchange(
            cls.interview,
            cls.director,
            question="What was important to you?",
            answer="Yes. Of course.\n\n"
            "I believe that the shocking image can leave a lasting effect.",
        )

    def quote(self, **fields):
        fields.setdefault("article", self.review)
        fields.setdefault("film", self.film)
        return Quote(**fields)

    def test_verbatim_text_with_other_quote_marks_and_spacing_is_accepted(self):
        quote = self.quote(text="The inhuman reality of Aleppo's citizens unfolds in  real-time.")
        quote.full_clean()

    def test_markdown_emphasis_does_not_count(self):
        self.quote(text="The moving cinematic music accompanies every scene.").full_clean()

    def test_altered_text_is_refused_with_a_clear_message(self):
        quote = self.quote(text="The inhuman reality of Aleppo unfolds in real-time.")
        with self.assertRaises(ValidationError) as raised:
            quote.full_clean()
        self.assertIn("do not appear word for word", raised.exception.message_dict["text"][0])

    def test_film_must_be_one_the_article_is_about(self):
        quote = self.quote(text="in real-time.", film=self.other_film)
        with self.assertRaises(ValidationError) as raised:
            quote.full_clean()
        self.assertIn("is not about this film", raised.exception.message_dict["film"][0])

    def test_exchange_found_by_itself_and_speaker_checked(self):
        quote = self.quote(
            article=self.interview,
            speaker=self.director,
            text="I believe that the shocking image can leave a lasting effect.",
        )
        quote.full_clean()
        self.assertEqual(quote.exchange, self.exchange)
        quote.save()
        self.assertEqual(quote.passage_url, f"/articles/{self.interview.slug}/#quote-{quote.pk}")

    def test_wrong_speaker_is_refused(self):
        quote = self.quote(
            article=self.interview, text="I believe that the shocking image can leave"
        )
        with self.assertRaises(ValidationError) as raised:
            quote.full_clean()
        self.assertIn("Feras Fayyad", raised.exception.message_dict["speaker"][0])

    def test_a_question_is_the_interviewers_words(self):
        host = make_person(name="Nadia Host")
        Article.objects.filter(pk=self.interview.pk).update(interviewer=host)
        self.interview.refresh_from_db()
        quote = self.quote(article=self.interview, text="What was important to you?")
        with self.assertRaises(ValidationError) as raised:
            quote.full_clean()
        self.assertIn("Nadia Host", raised.exception.message_dict["speaker"][0])
        quote.speaker = host
        quote.full_clean()
        self.assertEqual(quote.exchange, self.exchange)

    def test_exchange_of_another_article_is_refused(self):
        quote = self.quote(text="Yes. Of course.", exchange=self.exchange, speaker=self.director)
        with self.assertRaises(ValidationError) as raised:
            quote.full_clean()
        self.assertIn("exchange", raised.exception.message_dict)

    def test_attribution_of_unsigned_piece(self):
        quote = make_quote(self.review, self.film, "in real-time.")
        self.assertEqual(quote.attribution, "Review")


class DeletionTests(TestCase):
    """Deleting one thing never silently deletes an editor's other work."""

    def test_film_with_articles_cannot_be_deleted(self):
        film = make_film()
        make_article(films=[film])
        with self.assertRaises(ProtectedError):
            film.delete()

    def test_person_with_credits_cannot_be_deleted(self):
        person = make_person()
        make_credit(make_film(), person)
        with self.assertRaises(ProtectedError):
            person.delete()

    def test_article_takes_its_quotes_with_it(self):
        """A quote is part of its article (the admin lists them before deleting)."""
        film = make_film()
        article = make_article(films=[film], body="Quotable words.")
        make_quote(article, film, "Quotable words.")
        article.delete()
        self.assertFalse(Quote.objects.exists())
        self.assertTrue(Film.objects.filter(pk=film.pk).exists())

    def test_film_takes_its_own_credits_and_awards_with_it(self):
        film = make_film()
        make_credit(film, make_person())
        film.awards.create(body="Festival", year=2017, category="Prize", outcome="won")
        film.delete()
        self.assertFalse(Credit.objects.exists())


class ConstraintTests(TestCase):
    def test_credit_once_per_person_film_and_role(self):
        film, person = make_film(), make_person()
        make_credit(film, person, Credit.Role.DIRECTOR)
        make_credit(film, person, Credit.Role.EDITOR)
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_credit(film, person, Credit.Role.DIRECTOR)

    def test_death_not_before_birth(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_person(birth_date=dt.date(2000, 1, 1), death_date=dt.date(1999, 1, 1))

    def test_image_needs_a_description(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_film(image="films/still.jpg")

    def test_identifiers_are_validated(self):
        film = Film(title="X", year=2017, wikidata_id="42", imdb_id="nm0000001")
        with self.assertRaises(ValidationError) as raised:
            film.full_clean()
        self.assertEqual(set(raised.exception.message_dict), {"wikidata_id", "imdb_id"})

    def test_roles_map_to_shared_vocabularies(self):
        credit = Credit(role=Credit.Role.CINEMATOGRAPHER)
        self.assertEqual(
            (credit.wikidata_property, credit.schema_org_property), ("P344", "contributor")
        )
        credit.role = Credit.Role.SELF
        self.assertEqual((credit.wikidata_property, credit.schema_org_property), ("P161", "actor"))
        for role in Credit.Role:
            self.assertTrue(Credit(role=role).schema_org_property)

    def test_alternative_spellings(self):
        person = make_person(
            name="Khaled Omar Harrah", alternative_names="Umar Harah\n\n Khaled Harrah "
        )
        self.assertEqual(person.alternative_name_list, ["Umar Harah", "Khaled Harrah"])
        self.assertEqual(Person.objects.get_by_natural_key(person.slug), person)


class RelatedFilmsTests(TestCase):
    """A film's related films: closest first, a shared person weighing twice a shared theme,
    equals the films entered last first, each with what it shares, at most `limit`."""

    @classmethod
    def setUpTestData(cls):
        cls.film = make_film(title="Last Men in Aleppo")
        director, editor = make_person(name="Feras Fayyad"), make_person(name="Steen Johannessen")
        make_credit(cls.film, director)
        make_credit(cls.film, editor, role=Credit.Role.EDITOR)
        cls.film.themes.add("Syria", "civil defence")
        cls.by_theme = make_film(title="A Syria film")
        cls.by_theme.themes.add("syria")
        cls.by_both_themes = make_film(title="Both themes")
        cls.by_both_themes.themes.add("Syria", "Civil defence")
        cls.by_person = make_film(title="Fayyad's next")
        make_credit(cls.by_person, director)
        make_credit(cls.by_person, director, role=Credit.Role.WRITER)  # one person, twice
        cls.by_person_and_theme = make_film(title="Editor's other film")
        make_credit(cls.by_person_and_theme, editor)
        cls.by_person_and_theme.themes.add("Syria")
        cls.later_by_theme = make_film(title="Another Syria film")
        cls.later_by_theme.themes.add("Syria")
        make_film(title="Unrelated").themes.add("Denmark")

    def test_closest_first_with_what_they_share(self):
        related = self.film.related_films()
        self.assertEqual(
            [r.film for r in related],
            [
                self.by_person_and_theme,  # 2 + 1
                self.by_person,  # 2, the person counted once
                self.by_both_themes,  # 1 + 1
                self.later_by_theme,  # 1, entered after the other
                self.by_theme,  # 1
            ],
        )
        self.assertEqual([p.name for p in related[0].people], ["Steen Johannessen"])
        self.assertEqual([t.name for t in related[0].themes], ["Syria"])
        self.assertEqual([p.name for p in related[1].people], ["Feras Fayyad"])
        self.assertEqual([t.name for t in related[2].themes], ["civil defence", "Syria"])

    def test_what_they_share_goes_a_to_z_accents_folded(self):
        """As every list of the site goes: "Émile" among the Es and "Égypte" before "nile",
        where a name or theme opening with an accented capital came after Z."""
        film, other = make_film(title="Nile"), make_film(title="Nile again")
        for name in ("Zora Neale", "Émile Zola", "Dana"):
            person = make_person(name=name)
            make_credit(film, person)
            make_credit(other, person)
        film.themes.add("Zoo", "Égypte", "nile")
        other.themes.add("Zoo", "Égypte", "nile")
        (related,) = film.related_films()
        self.assertEqual([p.name for p in related.people], ["Dana", "Émile Zola", "Zora Neale"])
        self.assertEqual([t.name for t in related.themes], ["Égypte", "nile", "Zoo"])

    def test_limit(self):
        self.assertEqual(len(self.film.related_films(limit=2)), 2)

    def test_a_film_sharing_nothing_has_none(self):
        self.assertEqual(Film.objects.get(title="Unrelated").related_films(), [])


class PlannerStatisticsTests(TestCase):
    """SQLite plans with statistics (PostgreSQL gathers its own): the demo command and the
    archive generator gather them once the archive is loaded."""

    def test_gathered_for_the_tables_that_hold_rows(self):
        from django.db import connection

        from archive import statistics

        if connection.vendor != "sqlite":
            self.skipTest("PostgreSQL's statistics are autovacuum's")
        make_article(films=[make_film()])
        statistics.gather()
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
            tables = {table for (table,) in cursor.fetchall()}
        self.assertIn("archive_article", tables)
        self.assertIn("archive_articlefilm", tables)


class CreditedQuotesPlanTests(TestCase):
    """A critic's quotes (`Quote.objects.by`) on SQLite, with statistics as a large archive's
    (200,000 quotes; ANALYZE samples a few quotes per speaker, NULL among them): the quotes
    without a speaker are found through the critic's pieces, not by reading every quote without
    a speaker through the speaker's index (41 ms at 200,000 quotes, against 0.2)."""

    LARGE = {
        ("archive_quote", "speaker_id"): "111101 5",
        ("archive_quote", "article_id"): "161766 3",
        ("archive_articleauthor", "person_id"): "100000 180",
    }

    def test_unsigned_quotes_are_found_through_the_bylines(self):
        from django.db import connection

        if connection.vendor != "sqlite":
            self.skipTest("SQLite's planner")
        critic = make_person(name="A critic")
        film = make_film()
        article = make_article(films=[film])
        article.authors.add(critic)
        make_quote(article, film, article.body.split(".")[0])
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            for (table, column), stat in self.LARGE.items():
                index = next(
                    name
                    for name, info in connection.introspection.get_constraints(
                        cursor, table
                    ).items()
                    if info["index"] and info["columns"] == [column]
                )
                cursor.execute(
                    "UPDATE sqlite_stat1 SET stat = %s WHERE tbl = %s AND idx = %s",
                    [stat, table, index],
                )
            cursor.execute("ANALYZE sqlite_schema")  # the planner rereads them
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(len(Quote.objects.by(critic)), 1)
            cursor.execute("EXPLAIN QUERY PLAN " + queries[0]["sql"])
            steps = [row[-1] for row in cursor.fetchall()]
        speaker_reads = [step for step in steps if "speaker_id" in step]
        self.assertEqual(len(speaker_reads), 1, steps)  # the quotes the critic speaks
        self.assertTrue(any("article_id" in step for step in steps), steps)


class RelatedListTests(TestCase):
    """A list page reads each article's byline, films and themes into plain lists; a page that
    did not prefetch them still shows them, read through the relation."""

    @classmethod
    def setUpTestData(cls):
        cls.film = make_film(title="Aleppo")
        cls.article = make_article(films=[cls.film], title="On Aleppo")
        cls.article.authors.add(make_person(name="Ann Critic"), make_person(name="Bo Critic"))
        cls.article.themes.add("Civil defence", "Syria")

    def test_prefetched_lists_need_no_query_per_article(self):
        articles = list(
            Article.objects.prefetch_related(
                Article.author_list.prefetch(),
                Article.film_list.prefetch(),
                Article.theme_list.prefetch(),
            )
        )
        with self.assertNumQueries(0):
            article = articles[0]
            self.assert_lists(article)

    def test_lists_not_prefetched_are_read_through_the_relation(self):
        article = Article.objects.get(pk=self.article.pk)
        with self.assertNumQueries(3):
            self.assert_lists(article)

    def assert_lists(self, article):
        self.assertEqual(sorted(p.name for p in article.author_list), ["Ann Critic", "Bo Critic"])
        self.assertEqual(article.film_list, [self.film])
        self.assertEqual(sorted(t.name for t in article.theme_list), ["Civil defence", "Syria"])

    def test_a_relations_own_prefetch_serves_the_list(self):
        article = Article.objects.prefetch_related("themes").get(pk=self.article.pk)
        with self.assertNumQueries(0):
            self.assertEqual(len(article.theme_list), 2)

    def test_a_byline_keeps_the_editors_order(self):
        """Not the people's alphabetical order, which the relation's own prefetch has."""
        byline = self.article.bylines.get(person__name="Ann Critic")
        byline.order = 1
        byline.save()
        for article in (
            Article.objects.get(pk=self.article.pk),
            Article.objects.prefetch_related("authors").get(pk=self.article.pk),
            Article.objects.prefetch_related(Article.author_list.prefetch()).get(
                pk=self.article.pk
            ),
        ):
            self.assertEqual([p.name for p in article.author_list], ["Bo Critic", "Ann Critic"])
