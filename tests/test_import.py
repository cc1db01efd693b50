"""Importing plain text: the two seeds become drafts whose text is the demo's, an interview's
questions and answers are found however the text marks them, page debris is dropped and listed,
the archive's films, people and themes are recognised, files in any usual encoding are read and
anything else is refused with a message; the admin's "Import text" and "Paste a transcript"
show the split to correct before anything is saved, and the command does the same from a file.
"""

import difflib
import json
import re
import subprocess
import sys
import tempfile
from io import StringIO
from pathlib import Path
from unittest import mock
from urllib.parse import urlencode

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client, SimpleTestCase, TestCase

from archive import importing, publishing
from archive.models import Article, Exchange, Film, Quote, Theme

from .factories import make_article, make_exchange, make_film, make_person
from .processes import PROJECT, django_environment
from .test_admin import admin_url, form_data, make_user

SEEDS = PROJECT / "fixtures" / "seeds"
REVIEW_SEED = SEEDS / "000_dc65bba0a092193d.txt"
INTERVIEW_SEED = SEEDS / "004_b560ef02f734fec7.txt"
DEMO = json.loads((PROJECT / "fixtures" / "demo.json").read_text())


def demo_article(kind):
    """The demo's article of `kind`, with its exchanges in order: what the import must give."""
    article = next(
        o for o in DEMO if o["model"] == "archive.article" and o["fields"]["kind"] == kind
    )
    exchanges = sorted(
        (o["fields"] for o in DEMO if o["model"] == "archive.exchange"),
        key=lambda fields: fields["order"],
    )
    return article["fields"], [e for e in exchanges if e["article"] == [article["fields"]["slug"]]]


def sentences(text):
    """Sentences of `text`, split more simply than the importer does (a second opinion)."""
    text = " ".join(text.split())
    return [piece for piece in re.split(r"(?<=[.!?])\s+", text) if piece]


def similarity(a, b):
    return difflib.SequenceMatcher(None, " ".join(a.split()), " ".join(b.split())).ratio()


def matching_share(expected, found):
    """The share of the sentences of `expected` that have a sentence of `found` at least 0.9
    similar to them."""
    wanted, have = sentences(expected), sentences(found)
    matched = [s for s in wanted if max((similarity(s, h) for h in have), default=0) >= 0.9]
    return len(matched) / len(wanted)


def archive_of_the_seeds():
    """The films, people and themes the seeds name, as an archive would hold them."""
    film = make_film(title="Last Men in Aleppo", year=2017)
    make_film(title="The White Helmets", year=2016, slug="the-white-helmets")
    director = make_person(name="Feras Fayyad")
    make_person(name="Khaled Omar Harrah", alternative_names="Umar Harah")
    make_person(name="Joanna Natasegara")
    for name in ["Syria", "Aleppo", "civil war", "documentary ethics"]:
        Theme.objects.create(name=name)
    return film, director


def write(directory, name, data):
    path = Path(directory) / name
    path.write_bytes(data)
    return path


# Reading text --------------------------------------------------------------------------------


class DecodingTests(SimpleTestCase):
    """Files come in whatever encoding the editor's system wrote; anything that is not text
    is refused with a message saying why."""

    TEXT = "Khaled’s café — “naïve” hope.\n\nSecond paragraph."

    def test_utf8_with_and_without_byte_order_mark(self):
        self.assertEqual(importing.decode(self.TEXT.encode()), self.TEXT)
        self.assertEqual(importing.decode(b"\xef\xbb\xbf" + self.TEXT.encode()), self.TEXT)

    def test_utf16_with_byte_order_mark(self):
        for encoding in ("utf-16", "utf-16-le", "utf-16-be"):
            bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(encoding, b"")
            with self.subTest(encoding):
                data = bom + self.TEXT.encode(encoding)
                self.assertEqual(importing.decode(data), self.TEXT)

    def test_utf16_without_byte_order_mark(self):
        """As some editors save it: recognised by its NUL bytes in every other place."""
        for encoding in ("utf-16-le", "utf-16-be"):
            with self.subTest(encoding):
                self.assertEqual(importing.decode(self.TEXT.encode(encoding)), self.TEXT)
                seed = REVIEW_SEED.read_text()
                self.assertEqual(importing.decode(seed.encode(encoding)), seed)
                # A character with a NUL byte of its own: 一 (U+4E00), a combining accent.
                text = "Number one is 一 in Japanese; Cafe\u0300 au lait. Plain words here."
                self.assertEqual(importing.decode(text.encode(encoding)), text)

    def test_latin1_and_windows_1252(self):
        self.assertEqual(importing.decode("café naïve".encode("latin-1")), "café naïve")
        self.assertEqual(importing.decode(self.TEXT.encode("cp1252")), self.TEXT)

    def test_empty_binary_and_oversized_files_are_refused_with_a_message(self):
        cases = {
            b"": "empty",
            b"  \n\n \t\n": "empty",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00": "not a text file",
            b"\x7fELF\x02\x01\x01" + bytes(range(1, 32)) * 20: "not a text file",
            b"word " * 1_000_000: "the limit is 1 MB",
        }
        for data, message in cases.items():
            with (
                self.subTest(data[:12]),
                self.assertRaisesMessage(importing.ImportRefused, message),
            ):
                importing.decode(data)

    def test_only_debris_is_refused(self):
        with self.assertRaisesMessage(importing.ImportRefused, "no text is left"):
            importing.read_text("Go top\nUA-100342494-1\n\nShare on Facebook\n")


class ReadingTests(SimpleTestCase):
    """How the importer splits text: debris, paragraphs, questions and answers."""

    def test_debris_lines_are_dropped_and_listed_and_paragraphs_kept(self):
        text = (
            "Home » Reviews » Documentary\n\nFirst paragraph of the review.\n\n\n\n\n"
            "Share on Facebook | Tweet | Email\n"
            "Second paragraph, on its own line.\nThird, on the next line.\n"
            "Next article »\nGo top UA-100342494-1\nGTM-ABC123\n"
        )
        imported = importing.read_text(text, Article.Kind.REVIEW)
        self.assertEqual(
            imported.paragraphs,
            [
                "First paragraph of the review.",
                "Second paragraph, on its own line.",
                "Third, on the next line.",
            ],
        )
        self.assertEqual(
            imported.dropped,
            [
                "Home » Reviews » Documentary",
                "Share on Facebook | Tweet | Email",
                "Next article »",
                "Go top UA-100342494-1",
                "GTM-ABC123",
            ],
        )

    def test_wrapped_lines_are_joined(self):
        imported = importing.read_text("A sentence wrapped\nin the middle. Then more.\n\nThe end.")
        self.assertEqual(
            imported.paragraphs, ["A sentence wrapped in the middle. Then more.", "The end."]
        )

    def test_a_question_ending_a_paragraph_or_sharing_one_with_its_answer(self):
        text = (
            "An introduction to the interview.\n\n"
            "Why Aleppo? Why then?\n\nBecause we were there.\n\nAnd nobody else was.\n\n"
            "Did you stay? No, I could not enter the city.\n\n"
            "You said once that the children are the dilemma. Yes. That's it."
        )
        imported = importing.read_text(text)
        self.assertEqual(imported.kind, Article.Kind.INTERVIEW)
        self.assertEqual(imported.paragraphs, ["An introduction to the interview."])
        self.assertEqual(
            [(e.question, e.answer) for e in imported.exchanges],
            [
                ("Why Aleppo? Why then?", "Because we were there.\n\nAnd nobody else was."),
                ("Did you stay?", "No, I could not enter the city."),
                ("You said once that the children are the dilemma.", "Yes. That's it."),
            ],
        )

    def test_q_and_a_prefixes(self):
        text = "Q: Where did you shoot?\nA: In Aleppo.\n\nIt was hard.\nQ: For how long?\nA: Years."
        imported = importing.read_text(text, Article.Kind.INTERVIEW)
        self.assertEqual(
            [(e.question, e.answer) for e in imported.exchanges],
            [("Where did you shoot?", "In Aleppo.\n\nIt was hard."), ("For how long?", "Years.")],
        )
        self.assertEqual(imported.interviewee_name, "")

    def test_one_labelled_exchange_loses_its_labels(self):
        """A transcript of a single exchange, pasted to add it to an interview: the editor
        saw "Q:" and "A:" kept in the question and the answer, as if they were words said."""
        for text, interviewee in [
            ("Q: Where did you shoot?\nA: In Aleppo.", ""),
            ("Interviewer: Where did you shoot?\n\nFeras Fayyad: In Aleppo.", "Feras Fayyad"),
        ]:
            with self.subTest(text=text):
                imported = importing.read_text(text, Article.Kind.INTERVIEW)
                self.assertEqual(
                    [(e.question, e.answer) for e in imported.exchanges],
                    [("Where did you shoot?", "In Aleppo.")],
                )
                self.assertEqual(imported.interviewee_name, interviewee)

    def test_speaker_names_as_prefixes_name_the_interviewee(self):
        text = (
            "Jane Critic: Where did you shoot?\nFeras Fayyad: In Aleppo, with local crews.\n"
            "Jane Critic: For how long?\nFeras Fayyad: Three years. Who could leave?"
        )
        imported = importing.read_text(text)
        self.assertEqual(imported.kind, Article.Kind.INTERVIEW)
        self.assertEqual(imported.interviewee_name, "Feras Fayyad")
        self.assertEqual(
            [e.answer for e in imported.exchanges],
            ["In Aleppo, with local crews.", "Three years. Who could leave?"],
        )

    def test_speakers_named_with_particles_or_accented_capitals(self):
        """ "Lars von Trier:" and "Éric Rohmer:" were not read as speakers: their labels stayed
        in the questions and answers, no interviewee was proposed, and von Trier's answers
        were taken for questions."""
        for name in ("Lars von Trier", "Haifaa al-Mansour", "Éric Rohmer"):
            with self.subTest(name=name):
                text = (
                    f"Interviewer: Where did you shoot?\n{name}: At home.\n"
                    f"Interviewer: For how long?\n{name}: Why do you ask? Years."
                )
                imported = importing.read_text(text)
                self.assertEqual(imported.kind, Article.Kind.INTERVIEW)
                self.assertEqual(imported.interviewee_name, name)
                self.assertEqual(
                    [(e.question, e.answer) for e in imported.exchanges],
                    [
                        ("Where did you shoot?", "At home."),
                        ("For how long?", "Why do you ask? Years."),
                    ],
                )

    def test_a_review_asking_questions_of_its_own_is_a_review(self):
        """Two paragraphs of a review opening with a rhetorical question made it an interview
        in the preview; made a review again there, each such paragraph came back as two (the
        "question" and its "answer")."""
        text = (
            "A hard film to watch.\n\n"
            "What is left of a city after years of bombing? The film answers slowly.\n\n"
            "Khaled digs through the rubble.\n\n"
            "Can a documentary change anything? Fayyad seems to doubt it.\n\n"
            "It won at Sundance."
        )
        imported = importing.read_text(text)
        self.assertEqual(imported.kind, Article.Kind.REVIEW)
        self.assertEqual(imported.body, text)

    def test_a_review_is_not_split_into_exchanges(self):
        text = "What is left of a city? The film answers slowly.\n\nIt is a portrait. Who else?"
        imported = importing.read_text(text, Article.Kind.REVIEW)
        self.assertEqual(imported.exchanges, [])
        self.assertEqual(len(imported.paragraphs), 2)


# The seeds -------------------------------------------------------------------------------------


class SeedTests(TestCase):
    """Importing each seed gives the demo's article: the text an editor would otherwise retype."""

    @classmethod
    def setUpTestData(cls):
        cls.film, cls.director = archive_of_the_seeds()

    def import_file(self, path, *args):
        out = StringIO()
        call_command("import_text", str(path), *args, stdout=out)
        return Article.objects.latest("pk"), out.getvalue()

    def test_the_review_seed(self):
        article, out = self.import_file(REVIEW_SEED, "--kind", "review")
        demo, _ = demo_article("review")
        self.assertGreaterEqual(matching_share(demo["body"], article.body), 0.95)
        self.assertGreaterEqual(matching_share(article.body, demo["body"]), 0.95)
        self.assertEqual(article.body.count("\n\n"), 4)
        self.assertNotIn("UA-100342494-1", article.body)
        self.assertNotIn("Go top", article.body)
        self.assertIn("Dropped: Go top UA-100342494-1", out)
        self.assertIn(f"/admin/archive/article/{article.pk}/change/", out)
        self.assertEqual((article.status, article.published_at), (Article.Status.DRAFT, None))
        self.assertEqual(article.title, "Last Men in Aleppo")
        # "The White Helmets" names the rescuers, and a film too: it is proposed as well.
        self.assertEqual(article.films.first(), self.film)
        self.assertIn("Khaled Omar Harrah", [p.name for p in article.people.all()])
        self.assertEqual(sorted(t.name for t in article.themes.all()), ["Aleppo", "Syria"])

    def test_the_interview_seed(self):
        article, out = self.import_file(INTERVIEW_SEED, "--kind", "interview")
        demo, demo_exchanges = demo_article("interview")
        self.assertGreaterEqual(matching_share(demo["body"], article.body), 0.95)
        self.assertGreaterEqual(matching_share(article.body, demo["body"]), 0.95)
        exchanges = list(article.exchanges.all())
        self.assertEqual(len(exchanges), 11)
        for exchange, expected in zip(exchanges, demo_exchanges, strict=True):
            with self.subTest(exchange.order):
                self.assertGreaterEqual(similarity(exchange.question, expected["question"]), 0.9)
                self.assertGreaterEqual(similarity(exchange.answer, expected["answer"]), 0.9)
                self.assertGreaterEqual(matching_share(expected["answer"], exchange.answer), 0.95)
                self.assertEqual(exchange.interviewee, self.director)
        self.assertEqual([e.order for e in exchanges], list(range(11)))
        self.assertEqual(article.title, "Feras Fayyad on Last Men in Aleppo")
        self.assertEqual((article.status, article.published_at), (Article.Status.DRAFT, None))
        self.assertFalse(Quote.objects.exists())
        self.assertIn("11 exchanges", out)

    def test_encodings_give_the_same_draft(self):
        """Latin-1 has no typographic dashes and apostrophes: its file uses plain ones."""
        text = REVIEW_SEED.read_text()
        demo, _ = demo_article("review")
        directory = self.temporary_directory()
        plain = text.translate({ord("–"): "-", ord("’"): "'"})
        for encoding, source in [
            ("latin-1", plain),
            ("cp1252", text),
            ("utf-16", text),
            ("utf-8-sig", text),
        ]:
            with self.subTest(encoding):
                path = write(directory, f"{encoding}.txt", source.encode(encoding))
                article, _ = self.import_file(path)
                self.assertGreaterEqual(matching_share(demo["body"], article.body), 0.95)
                self.assertIn("We follow Khaled (Umar Harah)", article.body)

    def temporary_directory(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        return Path(directory.name)


class CommandTests(TestCase):
    """The command refuses what it cannot import with a message, and makes nothing then."""

    def setUp(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.directory = Path(directory.name)

    def test_refusals(self):
        cases = {
            "empty.txt": (b"", "empty"),
            "image.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
            "huge.txt": (b"word " * 1_000_000, "the limit is 1 MB"),
        }
        for name, (data, message) in cases.items():
            with self.subTest(name), self.assertRaisesMessage(CommandError, message):
                call_command("import_text", str(write(self.directory, name, data)))
        with self.assertRaisesMessage(CommandError, "Cannot read"):
            call_command("import_text", str(self.directory / "missing.txt"))
        with self.assertRaisesMessage(CommandError, "No film has the slug"):
            call_command("import_text", str(REVIEW_SEED), "--film", "no-such-film")
        with self.assertRaisesMessage(CommandError, "--interviewee"):
            call_command("import_text", str(INTERVIEW_SEED), "--kind", "interview")
        self.assertFalse(Article.objects.exists())

    def test_a_film_named_twice_is_linked_once(self):
        """`--film` given twice for the same film (as a script may) failed with a database
        error and a traceback instead of importing the piece."""
        film = make_film(title="The White Helmets", year=2016, slug="the-white-helmets")
        call_command(
            "import_text", str(REVIEW_SEED), "--film", film.slug, "--film", film.slug,
            stdout=StringIO(),
        )  # fmt: skip
        self.assertEqual(list(Article.objects.get().films.filter(pk=film.pk)), [film])

    def test_films_and_interviewees_are_found_as_their_addresses_find_them(self):
        """`--film` and `--interviewee` take a slug as the public addresses read it: an earlier
        one (from before a rename), or one with capitals or accents ("Søren-X"); only a slug
        that names no one, now or before, is refused. They took the current lower-case slug
        alone: "No film has the slug" for a film whose old address still leads to it."""
        film = make_film(title="The White Helmets", year=2016, slug="white-helmets")
        film.slug = "the-white-helmets"
        film.save()
        person = make_person(name="Søren Steen", slug="soren-steen")
        person.slug = "soren-steen-jespersen"
        person.save()
        text = "Intro.\n\nQ: What about X?\n\nA: X is fine.\n\nQ: And Y?\n\nA: Y is fine."
        path = write(self.directory, "qa.txt", text.encode())
        for film_slug, person_slug in (
            ("white-helmets", "soren-steen"),
            ("The-White-Helmets", "Søren-Steen-Jespersen"),
            ("White-Helmets", "SØREN-STEEN"),
        ):
            with self.subTest(film=film_slug, person=person_slug):
                call_command(
                    "import_text", str(path), "--kind", "interview", "--film", film_slug,
                    "--interviewee", person_slug, stdout=StringIO(),
                )  # fmt: skip
                article = Article.objects.latest("pk")
                self.assertEqual(list(article.films.all()), [film])
                self.assertEqual({e.interviewee for e in article.exchanges.all()}, {person})
        with self.assertRaisesMessage(CommandError, "No person has the slug “nobody-at-all”"):
            call_command("import_text", str(path), "--interviewee", "nobody-at-all")

    def test_a_text_opening_with_a_long_address_gets_a_title_that_fits(self):
        """Copied from a page with its 300-character address first: the proposed title is cut
        to the 250 characters a title holds (PostgreSQL refused the draft with a traceback)."""
        address = "https://example.org/" + "a" * 300
        text = f"{address}\n\nA film about rescue. It is a good film.\n\nAnother paragraph."
        call_command(
            "import_text", str(write(self.directory, "long.txt", text.encode())), stdout=StringIO()
        )
        title = Article.objects.get().title
        self.assertEqual(len(title), 250)
        self.assertTrue(title.startswith("https://example.org/aaa"))

    def test_a_question_left_unanswered_is_refused(self):
        """Two questions in a row: the first has no answer, which no exchange may lack (the
        admin's preview says so; the command made the draft with an empty answer)."""
        make_person(name="Feras Fayyad", slug="feras-fayyad")
        text = "Intro.\n\nQ: What about X?\n\nQ: And Y?\n\nA: Y is fine.\n\nQ: Z?\n\nA: Fine."
        path = write(self.directory, "qa.txt", text.encode())
        with self.assertRaisesMessage(CommandError, "Exchange 1 (“What about X?”) has no answer"):
            call_command("import_text", str(path), "--interviewee", "feras-fayyad")
        self.assertFalse(Article.objects.exists())

    def test_an_error_exits_non_zero_without_a_traceback(self):
        empty = write(self.directory, "empty.txt", b"")
        result = subprocess.run(
            [sys.executable, "manage.py", "import_text", str(empty)],
            cwd=PROJECT,
            env=django_environment(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("The text is empty", result.stderr)
        self.assertNotIn("Traceback", result.stderr)

    def test_the_draft_is_all_or_nothing(self):
        make_person(name="Feras Fayyad")
        real_save = Exchange.save

        def failing_save(exchange, *args, **kwargs):
            if exchange.order == 5:
                raise RuntimeError("The database went away.")
            return real_save(exchange, *args, **kwargs)

        with mock.patch.object(Exchange, "save", failing_save), self.assertRaises(RuntimeError):
            call_command("import_text", str(INTERVIEW_SEED), "--kind", "interview")
        self.assertFalse(Article.objects.exists())
        self.assertFalse(Exchange.objects.exists())


# The admin -------------------------------------------------------------------------------------


class ImportAdminTests(TestCase):
    """An editor or contributor imports a seed, corrects the split and saves a draft."""

    @classmethod
    def setUpTestData(cls):
        cls.film, cls.director = archive_of_the_seeds()
        cls.white_helmets = Film.objects.get(slug="the-white-helmets")
        cls.contributor = make_user("cora", "Contributors")
        cls.editor = make_user("edith", "Editors")

    def setUp(self):
        self.client.force_login(self.contributor)

    def upload(self, path=INTERVIEW_SEED, data=None, **fields):
        data = path.read_bytes() if data is None else data
        upload = SimpleUploadedFile(path.name, data, content_type="text/plain")
        return self.client.post(
            admin_url("article_import"), {"step": "preview", "file": upload, **fields}
        )

    def test_the_article_list_offers_the_import_to_those_who_may_add_articles(self):
        response = self.client.get(admin_url("article_changelist"))
        self.assertContains(response, f'href="{admin_url("article_import")}"')
        viewer = make_user("vera")
        viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
        self.client.force_login(viewer)
        self.assertNotContains(self.client.get(admin_url("article_changelist")), "Import text")
        self.assertEqual(self.client.get(admin_url("article_import")).status_code, 403)

    def test_import_the_interview_correct_the_split_and_save_the_draft(self):
        response = self.upload(kind="interview")
        self.assertContains(response, "Check the split")
        self.assertContains(response, "Feras Fayyad on Last Men in Aleppo")
        self.assertContains(response, 'name="exchanges-TOTAL_FORMS" value="12"')
        self.assertContains(response, "Nothing: no page debris was found.")
        self.assertFalse(Article.objects.exists())

        data = form_data(response, "import-preview")
        self.assertEqual(data["interviewee"], [str(self.director.pk)])
        self.assertEqual(data["films"], [str(self.film.pk), str(self.white_helmets.pk)])
        data["films"] = [str(self.film.pk)]  # The rescuers are meant, not the Netflix film.
        question = data["exchanges-5-question"][0]
        moved = "We see in the film"
        self.assertIn(moved, question)
        # The editor moves the remark after the question into the answer, and removes the last.
        before, after = question.split(moved)
        data["exchanges-5-question"] = [before.strip()]
        data["exchanges-5-answer"] = [moved + after + " " + data["exchanges-5-answer"][0]]
        data["exchanges-10-DELETE"] = ["on"]
        data["title"] = ["Feras Fayyad: the last men"]
        response = self.client.post(admin_url("article_import"), data)

        article = Article.objects.get()
        self.assertRedirects(
            response, admin_url("article_change", article.pk), fetch_redirect_response=False
        )
        self.assertEqual(article.title, "Feras Fayyad: the last men")
        self.assertEqual((article.status, article.published_at), (Article.Status.DRAFT, None))
        exchanges = list(article.exchanges.all())
        self.assertEqual(len(exchanges), 10)
        self.assertTrue(exchanges[5].question.endswith("conventional bombs?"))
        self.assertTrue(exchanges[5].answer.startswith(moved))
        self.assertEqual({e.interviewee for e in exchanges}, {self.director})
        self.assertEqual(list(article.films.all()), [self.film])
        page = self.client.get(response.url)
        self.assertContains(page, "was made from the text")

    def test_a_crafted_offer_is_a_form_error(self):
        """The films, people and themes the preview offers travel with the form as ids. A
        value no preview wrote ("²" is a digit to Python, but no number it reads; a number
        past any id) answered a server error, and the editor's corrections were lost: the
        preview now comes back with what they wrote and an error on the choices, and saves
        nothing."""
        data = form_data(self.upload(kind="interview"), "import-preview")
        data["title"] = ["The editor's own title"]
        for name in ("films", "people", "themes"):
            for value in ("²", "1,²", "٣", "9" * 30, "-1", "1e3", "1,,2", "\x00"):
                with self.subTest(name=name, value=value):
                    crafted = {**data, f"offered_{name}": [value]}
                    response = self.client.post(admin_url("article_import"), crafted)
                    self.assertContains(response, "The editor&#x27;s own title")
                    self.assertContains(response, f"The {name} offered could not be read")
        self.assertFalse(Article.objects.exists())

    def test_the_review_lists_its_debris_and_saves_without_exchanges(self):
        response = self.upload(REVIEW_SEED)
        self.assertContains(response, "<li>Go top UA-100342494-1</li>", html=True)
        data = form_data(response, "import-preview")
        self.assertEqual(data["kind"], ["review"])
        self.assertEqual(data["title"], ["Last Men in Aleppo"])
        self.client.post(admin_url("article_import"), data)
        article = Article.objects.get()
        self.assertFalse(article.exchanges.exists())
        self.assertNotIn("UA-100342494", article.body)

    def test_an_interview_made_a_feature_keeps_its_questions_and_answers(self):
        """Changing the kind in the preview loses no text: a feature has no exchanges, so the
        questions and answers, as corrected, become the body's paragraphs, and the editor is
        told."""
        data = form_data(self.upload(kind="interview"), "import-preview")
        data["kind"] = ["feature"]
        data["exchanges-0-answer"] = ["An answer the editor corrected."]
        question = data["exchanges-1-question"][0]
        response = self.client.post(admin_url("article_import"), data, follow=True)
        article = Article.objects.get()
        self.assertEqual(article.kind, Article.Kind.FEATURE)
        self.assertFalse(article.exchanges.exists())
        self.assertIn("An answer the editor corrected.", article.body)
        self.assertIn(question, article.body)
        self.assertTrue(article.body.startswith(data["body"][0].strip()[:40]))
        self.assertContains(response, "its 11 questions and answers are in the body")

    def test_an_interview_needs_its_interviewee(self):
        data = form_data(self.upload(kind="interview"), "import-preview")
        data["interviewee"] = [""]
        response = self.client.post(admin_url("article_import"), data)
        self.assertContains(response, "Choose who gives the answers")
        self.assertFalse(Article.objects.exists())

    def test_an_answer_emptied_in_the_preview_is_asked_for(self):
        """An answer the editor clears in the preview, leaving only a line break or spaces
        (as a browser's text box often keeps), is a missing answer on the form, not a server
        error; nothing is saved and the rest of the split is still there to correct."""
        data = form_data(self.upload(kind="interview"), "import-preview")
        data["exchanges-3-answer"] = ["\r\n  "]
        response = self.client.post(admin_url("article_import"), data)
        self.assertContains(response, "Write the answer.")
        self.assertContains(response, 'name="exchanges-TOTAL_FORMS" value="12"')
        self.assertFalse(Article.objects.exists())

    def test_files_that_cannot_be_imported_get_a_message_not_an_error(self):
        cases = [
            (b"", "The text is empty"),
            (b"\x00\x01\x02\x03binary\x00", "not a text file"),
            (b"word " * 1_000_000, "the limit is 1 MB"),
        ]
        for data, message in cases:
            with self.subTest(message):
                response = self.upload(data=data)
                self.assertContains(response, message)
        self.assertContains(
            self.client.post(admin_url("article_import"), {"step": "preview"}),
            "Paste the text or choose a .txt file.",
        )
        self.assertFalse(Article.objects.exists())

    def test_a_text_too_long_to_read_gets_the_form_back_with_the_limit(self):
        """A text beyond what Django reads of a form (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB),
        pasted or left in the split, gets the import form back saying the limit, as a shorter
        text over the limit does: it got a bare "Bad Request" page. Nothing is saved."""
        text = "The rescuers dig on, and the film answers slowly. " * 60_000  # 3 MB
        for step in ["preview", "save"]:
            for encoding in ["multipart", "urlencoded"]:
                with self.subTest(step=step, encoding=encoding):
                    data = {"step": step, "text": text, "body": text}
                    if encoding == "multipart":
                        response = self.client.post(admin_url("article_import"), data)
                    else:
                        response = self.client.post(
                            admin_url("article_import"),
                            urlencode(data),
                            content_type="application/x-www-form-urlencoded",
                        )
                    self.assertContains(response, 'id="import-form"')
                    self.assertContains(response, "The text is longer than the limit of 1 MB")
        interview = make_article(kind=Article.Kind.INTERVIEW, status=Article.Status.DRAFT)
        response = self.client.post(
            admin_url("article_transcript", interview.pk), {"step": "preview", "text": text}
        )
        self.assertContains(response, "The text is longer than the limit of 1 MB")
        self.assertEqual(Article.objects.get(), interview)

    def test_the_import_checks_the_csrf_token_itself(self):
        """Exempt from the CSRF middleware so as to answer a text too long to read, the import
        and the transcript still refuse a post without the token, as the rest of the admin."""
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.contributor)
        interview = make_article(kind=Article.Kind.INTERVIEW, status=Article.Status.DRAFT)
        for url in [admin_url("article_import"), admin_url("article_transcript", interview.pk)]:
            for step in ["preview", "save"]:
                with self.subTest(url=url, step=step):
                    response = client.post(url, {"step": step, "text": "Q: Why?\n\nA: So."})
                    self.assertEqual(response.status_code, 403)

    def test_a_text_over_the_limit_is_refused_by_the_server_not_cut_by_the_browser(self):
        """The text box sets no maxlength: a browser cut a pasted text at a million characters
        without a word, and the import went on with what was left."""
        response = self.client.get(admin_url("article_import"))
        self.assertContains(response, 'name="text"')
        self.assertNotContains(response, "maxlength")
        response = self.client.post(
            admin_url("article_import"), {"step": "preview", "text": "word " * 250_000}
        )
        self.assertContains(response, "The text is longer than the limit of 1 MB")

    def test_an_interview_of_nearly_the_limit_imports_as_a_browser_sends_it(self):
        """An interview of nearly 1 MB goes through both steps, posted as a browser posts each
        form, in Arabic (two bytes a letter, nine once percent-encoded) as in English."""
        answer = "حلب مدينة صامدة، والمنقذون يحفرون بأيديهم تحت القصف كل يوم. " * 30
        turn = f"Q: What did the rescuers tell you?\n\nA: {answer}\n\nA long silence.\n\n"
        text = turn * (950_000 // len(turn.encode()))  # 300 exchanges, each answer 3 KB
        self.assertLess(len(text.encode()), importing.MAX_BYTES)
        response = self.client.post(
            admin_url("article_import"),
            {"step": "preview", "text": text, "kind": "interview"},
        )
        self.assertContains(response, "Check the split")
        data = form_data(response, "import-preview")
        data["title"] = ["The rescuers"]
        data["interviewee"] = [str(self.director.pk)]
        form = re.search(r'<form [^>]*id="import-preview"[^>]*>', response.content.decode())
        if 'enctype="multipart/form-data"' in form[0]:
            response = self.client.post(admin_url("article_import"), data)
        else:
            response = self.client.post(
                admin_url("article_import"),
                urlencode(data, doseq=True),
                content_type="application/x-www-form-urlencoded",
            )
        article = Article.objects.get()
        self.assertRedirects(
            response, admin_url("article_change", article.pk), fetch_redirect_response=False
        )
        self.assertEqual(article.exchanges.count(), text.count("Q: "))

    def test_utf16_and_latin1_uploads_are_read(self):
        text = "Café society in Aleppo. The White Helmets dig on."
        for encoding in ("utf-16", "latin-1"):
            with self.subTest(encoding):
                response = self.upload(data=text.encode(encoding), kind="review")
                self.assertContains(response, "Café society in Aleppo.")

    def test_the_draft_saved_twice_is_made_once(self):
        """“Save the draft” sent again (a double click, or Back and the form sent again) makes
        no second draft: the editor is led to the draft the first one made, and told so."""
        data = form_data(self.upload(REVIEW_SEED), "import-preview")
        first = self.client.post(admin_url("article_import"), data)
        article = Article.objects.get()
        again = self.client.post(admin_url("article_import"), data, follow=True)
        self.assertEqual(Article.objects.count(), 1)
        self.assertRedirects(again, first.url)
        self.assertContains(again, f"This text was already saved as the draft “{article}”")

    def test_the_text_sent_again_after_its_draft_was_saved_leads_to_the_draft(self):
        """Back to the split, whose page the browser asks to send again: the same text form
        (the same `submission`) is recognised, and leads to the draft instead of a new split."""
        text_form = form_data(self.client.get(admin_url("article_import")), "import-form")
        text_form["text"] = ["A quiet film about Syria.\n\nShare\n"]
        text_form["kind"] = ["feature"]
        preview = self.client.post(admin_url("article_import"), text_form)
        saved = self.client.post(admin_url("article_import"), form_data(preview, "import-preview"))
        again = self.client.post(admin_url("article_import"), text_form, follow=True)
        self.assertRedirects(again, saved.url)
        self.assertContains(again, "No second draft was made.")
        # A new import, from the form shown afresh, makes a new draft.
        fresh = form_data(self.client.get(admin_url("article_import")), "import-form")
        fresh.update(text=text_form["text"], kind=["feature"])
        preview = self.client.post(admin_url("article_import"), fresh)
        self.client.post(admin_url("article_import"), form_data(preview, "import-preview"))
        self.assertEqual(Article.objects.count(), 2)

    def test_a_title_that_does_not_show_is_asked_for(self):
        data = form_data(self.upload(REVIEW_SEED), "import-preview")
        data["title"] = ["\u200b\u2060"]
        response = self.client.post(admin_url("article_import"), data)
        self.assertContains(response, "what was typed has only characters that do not show")
        self.assertFalse(Article.objects.exists())

    def test_a_deleted_draft_may_be_saved_again(self):
        data = form_data(self.upload(REVIEW_SEED), "import-preview")
        self.client.post(admin_url("article_import"), data)
        Article.objects.get().delete()
        self.client.post(admin_url("article_import"), data)
        self.assertEqual(Article.objects.count(), 1)

    def test_pasted_text(self):
        response = self.client.post(
            admin_url("article_import"),
            {"step": "preview", "text": "A quiet film about Syria.\n\nShare\n", "kind": "feature"},
        )
        self.assertContains(response, "<li>Share</li>", html=True)
        self.assertContains(response, "A quiet film about Syria.")


class TranscriptAdminTests(TestCase):
    """An interview's "Paste a transcript" adds exchanges after its own, once confirmed."""

    @classmethod
    def setUpTestData(cls):
        cls.director = make_person(name="Feras Fayyad")
        cls.interview = make_article(
            kind=Article.Kind.INTERVIEW, status=Article.Status.DRAFT, title="Talking"
        )
        make_exchange(cls.interview, cls.director, question="First?", answer="First answer.")
        cls.contributor = make_user("cora", "Contributors")

    def setUp(self):
        self.client.force_login(self.contributor)

    def test_paste_preview_and_add(self):
        change = self.client.get(admin_url("article_change", self.interview.pk))
        url = admin_url("article_transcript", self.interview.pk)
        self.assertContains(change, f'href="{url}"')
        transcript = "Q: Where did you shoot?\nA: In Aleppo.\nQ: For how long?\nA: Years."
        response = self.client.post(url, {"step": "preview", "text": transcript})
        self.assertContains(response, "Add the exchanges")
        self.assertEqual(self.interview.exchanges.count(), 1)
        data = form_data(response, "import-preview")
        self.assertEqual(data["interviewee"], [""])
        data["interviewee"] = [str(self.director.pk)]
        response = self.client.post(url, data)
        self.assertRedirects(response, admin_url("article_change", self.interview.pk))
        self.assertEqual(
            [(e.order, e.question, e.answer) for e in self.interview.exchanges.all()],
            [
                (0, "First?", "First answer."),
                (1, "Where did you shoot?", "In Aleppo."),
                (2, "For how long?", "Years."),
            ],
        )

    def test_exchanges_sent_twice_are_added_once(self):
        """“Add the exchanges” sent again adds nothing: the editor is led to the interview."""
        url = admin_url("article_transcript", self.interview.pk)
        response = self.client.post(url, {"step": "preview", "text": "Q: Where?\nA: Aleppo."})
        data = form_data(response, "import-preview")
        data["interviewee"] = [str(self.director.pk)]
        self.client.post(url, data)
        again = self.client.post(url, data, follow=True)
        self.assertRedirects(again, admin_url("article_change", self.interview.pk))
        self.assertContains(again, "These exchanges were already added to “Talking”")
        self.assertEqual(self.interview.exchanges.count(), 2)

    def test_only_an_interview_takes_a_transcript(self):
        review = make_article(status=Article.Status.DRAFT, title="A review")
        url = admin_url("article_transcript", review.pk)
        self.assertEqual(self.client.get(url).status_code, 404)
        transcript = "Q: Where did you shoot?\nA: In Aleppo."
        self.assertEqual(
            self.client.post(url, {"step": "preview", "text": transcript}).status_code, 404
        )
        self.assertFalse(review.exchanges.exists())

    def test_a_number_too_large_for_an_id_gets_a_clear_answer(self):
        """Only a crafted form sends one. It is no person (the form says so, with the questions
        and answers as they were), on SQLite, whose driver cannot send the number, as on
        PostgreSQL. Nothing is saved."""
        url = admin_url("article_transcript", self.interview.pk)
        data = {"step": "save", "interviewee": str(2**70), "exchanges-TOTAL_FORMS": "1",
                "exchanges-INITIAL_FORMS": "0", "exchanges-0-question": "Why Aleppo?",
                "exchanges-0-answer": "Because."}  # fmt: skip
        response = self.client.post(url, data)
        self.assertContains(response, "Select a valid choice")
        self.assertContains(response, "Why Aleppo?")
        self.assertEqual(self.interview.exchanges.count(), 1)

    def test_a_published_interview_is_not_open_to_contributors(self):
        published = make_article(kind=Article.Kind.INTERVIEW)
        url = admin_url("article_transcript", published.pk)
        self.assertEqual(self.client.get(url).status_code, 403)

    def test_a_transcript_for_an_interview_published_meanwhile_is_given_back(self):
        """A contributor pasting a transcript into a draft interview that an editor published
        while they corrected its split: the save was answered "Not open to you", and the
        questions and answers they had corrected were gone. Nothing is added still, but they
        are given back to copy."""
        url = admin_url("article_transcript", self.interview.pk)
        transcript = "Q: Where did you shoot?\nA: In Aleppo."
        response = self.client.post(url, {"step": "preview", "text": transcript})
        data = form_data(response, "import-preview")
        data["interviewee"] = [str(self.director.pk)]
        data["exchanges-0-answer"] = ["In Aleppo, for three years."]
        publishing.publish(self.interview, by=make_user("ed", "Editors"))
        response = self.client.post(url, data)
        self.assertContains(response, "An editor published it after you opened it", status_code=409)
        self.assertContains(response, "Where did you shoot?</textarea>", status_code=409)
        self.assertContains(response, "In Aleppo, for three years.</textarea>", status_code=409)
        self.assertEqual(self.interview.exchanges.count(), 1)
        response = self.client.post(url, {"step": "preview", "text": transcript})
        self.assertContains(response, "Q: Where did you shoot?", status_code=409)

    def test_a_transcript_without_answers_leaves_the_interview_unchanged(self):
        url = admin_url("article_transcript", self.interview.pk)
        response = self.client.post(url, {"step": "preview", "text": "Just a note."})
        data = form_data(response, "import-preview")
        data["interviewee"] = [str(self.director.pk)]
        response = self.client.post(url, data)
        self.assertContains(response, "There is no question and answer to add.")
        self.assertEqual(self.interview.exchanges.count(), 1)

    def test_an_editor_with_the_interview_open_is_told_of_the_exchanges_added(self):
        """Exchanges added from a transcript change the interview: another editor who has it
        open was not told, and saving their form (with a new exchange of their own) put it
        among the pasted ones without a word; readers' "last changed" did not move either."""
        change_url = admin_url("article_change", self.interview.pk)
        opened = form_data(self.client.get(change_url), "article_form")
        url = admin_url("article_transcript", self.interview.pk)
        transcript = "Q: Where did you shoot?\nA: In Aleppo."
        data = form_data(
            self.client.post(url, {"step": "preview", "text": transcript}), "import-preview"
        )
        data["interviewee"] = [str(self.director.pk)]
        self.assertRedirects(self.client.post(url, data), change_url)
        opened["title"] = ["Talking, again"]
        response = self.client.post(change_url, opened)
        self.assertContains(response, "changed this article")
        self.interview.refresh_from_db()
        self.assertEqual(self.interview.title, "Talking")
