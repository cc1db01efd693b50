"""The demo archive is a product: it loads cleanly, again and again, and reproduces its sources."""

import html
import json
import re
import shlex
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase

from archive.markup import plain_text
from archive.models import (
    Article,
    Award,
    Credit,
    Exchange,
    Film,
    Person,
    Quote,
    Theme,
    ThemedItem,
)
from archive.models.quote import normalise_for_matching

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT / "fixtures" / "seeds"
REVIEW_SEED = SEEDS / "000_dc65bba0a092193d.txt"
INTERVIEW_SEED = SEEDS / "004_b560ef02f734fec7.txt"
DEBRIS = "Go top UA-100342494-1"
# The only changes to the sources: two typos corrected.
CORRECTIONS = {"Khaeld": "Khaled", "cinematorgraphers": "cinematographers"}


def seed_sentences(path):
    text = path.read_text().replace(DEBRIS, "")
    for wrong, right in CORRECTIONS.items():
        text = text.replace(wrong, right)
    sentences = re.split(r'(?<=[.?!])\s+|(?<=[.?!]")\s+', normalise_for_matching(text))
    return [sentence for sentence in sentences if sentence]


def page_text(response):
    """The words of a page, as a reader would copy them."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return normalise_for_matching(html.unescape(re.sub(r"<[^>]+>", " ", body)))


class DemoFixtureTests(TestCase):
    fixtures = ["demo"]

    def test_loading_again_duplicates_nothing(self):
        models = [Film, Person, Credit, Award, Article, Exchange, Quote, Theme, ThemedItem]
        before = {model: model.objects.count() for model in models}
        call_command("loaddata", "demo", verbosity=0)
        self.assertEqual({model: model.objects.count() for model in models}, before)

    def test_regenerated_as_readme_says_it_is_the_same_fixture(self):
        """README's command to regenerate the fixture after a model change dumped the search
        index with it, and `manage.py demo` then stopped on those rows (KeyError)."""
        readme = " ".join((PROJECT / "README.md").read_text().split())
        command = re.search(r"`python manage.py (dumpdata archive [^`]*)`", readme)[1]
        arguments = shlex.split(command)
        with tempfile.TemporaryDirectory() as directory:
            output = Path(directory) / "demo.json"
            arguments[arguments.index("fixtures/demo.json")] = str(output)
            call_command(*arguments, verbosity=0)
            regenerated = {record["model"] for record in json.loads(output.read_text())}
        fixture = json.loads((PROJECT / "fixtures" / "demo.json").read_text())
        self.assertEqual(regenerated, {record["model"] for record in fixture})

    def test_films_with_sourced_facts(self):
        film = Film.objects.get(slug="last-men-in-aleppo")
        self.assertEqual(film.original_title, "آخر الرجال في حلب")
        self.assertEqual((film.year, film.runtime_minutes, film.kind), (2017, 104, "documentary"))
        self.assertEqual([c.code for c in film.countries], ["DK", "SY"])
        self.assertEqual([language.code for language in film.languages.all()], ["ar"])
        self.assertEqual(
            {(c.person.name, c.role) for c in film.credits.all()},
            {
                ("Feras Fayyad", "director"),
                ("Steen Johannessen", "co-director"),
                ("Steen Johannessen", "editor"),
                ("Søren Steen Jespersen", "producer"),
                ("Kareem Abeed", "producer"),
                ("Khaled Omar Harrah", "self"),
                ("Mahmoud Al-Hattar", "self"),
                ("Subhi", "self"),
            },
        )
        self.assertEqual(
            {(a.body, a.year, a.outcome) for a in film.awards.all()},
            {
                ("Sundance Film Festival", 2017, "won"),
                ("Academy Awards", 2018, "nominated"),
                ("CPH:DOX", 2017, "won"),
            },
        )
        oscar = film.awards.get(body="Academy Awards")
        self.assertEqual(
            {p.name for p in oscar.recipients.all()},
            {"Feras Fayyad", "Kareem Abeed", "Søren Steen Jespersen"},
        )
        white_helmets = Film.objects.get(slug="the-white-helmets")
        self.assertEqual((white_helmets.year, white_helmets.runtime_minutes), (2016, 40))
        self.assertEqual(white_helmets.awards.get().outcome, "won")

    def test_people(self):
        self.assertEqual(
            set(Person.objects.values_list("name", flat=True)),
            {
                "Feras Fayyad",
                "Steen Johannessen",
                "Søren Steen Jespersen",
                "Kareem Abeed",
                "Khaled Omar Harrah",
                "Mahmoud Al-Hattar",
                "Subhi",
                "Orlando von Einsiedel",
                "Joanna Natasegara",
            },
        )
        khaled = Person.objects.get(name="Khaled Omar Harrah")
        self.assertIn("Umar Harah", khaled.alternative_name_list)
        self.assertEqual(str(khaled.death_date), "2016-08-11")

    def test_no_invented_author_source_or_rating(self):
        for article in Article.objects.all():
            self.assertFalse(article.authors.exists())
            self.assertEqual((article.source_name, article.source_url), ("", ""))
        self.assertFalse(Exchange.objects.exclude(interviewer=None).exists())

    def test_both_pieces_are_public(self):
        self.assertEqual(
            set(Article.objects.published().values_list("kind", flat=True)),
            {"review", "interview"},
        )

    def test_interview_is_its_introduction_and_eleven_exchanges(self):
        interview = Article.objects.get(kind="interview")
        self.assertEqual(len(plain_text(interview.body).split("\n")), 4)
        self.assertTrue(interview.body.rstrip().endswith("his hopes for Syria's future."))
        exchanges = list(interview.exchanges.all())
        self.assertEqual(len(exchanges), 11)
        self.assertTrue(exchanges[0].question.startswith("Can you describe the shooting process?"))
        self.assertTrue(
            exchanges[0].answer.startswith("The idea to make this film started in 2013.")
        )
        self.assertEqual(exchanges[-1].answer, "Yes. That's it.")
        self.assertEqual({e.interviewee.name for e in exchanges}, {"Feras Fayyad"})
        self.assertEqual(len({e.anchor for e in exchanges}), 11)

    def test_every_sentence_of_the_review_is_on_its_page(self):
        text = page_text(self.client.get("/articles/last-men-in-aleppo-review/"))
        sentences = seed_sentences(REVIEW_SEED)
        self.assertGreater(len(sentences), 20)
        for sentence in sentences:
            self.assertIn(sentence, text)
        self.assertNotIn("UA-100342494", text)

    def test_every_sentence_of_the_interview_is_on_its_page(self):
        text = page_text(self.client.get("/articles/feras-fayyad-interview/"))
        sentences = seed_sentences(INTERVIEW_SEED)
        self.assertGreater(len(sentences), 100)
        for sentence in sentences:
            self.assertIn(sentence, text)

    def test_quotes_are_verbatim_and_attributed(self):
        quotes = list(Quote.objects.select_related("speaker", "article"))
        self.assertGreaterEqual(len(quotes), 6)
        self.assertEqual(sum(quote.featured for quote in quotes), 3)
        for quote in quotes:
            quote.full_clean()
            if quote.article.kind == "interview":
                self.assertEqual(quote.speaker.name, "Feras Fayyad")
                self.assertIsNotNone(quote.exchange)
            else:
                self.assertIsNone(quote.speaker)

    def test_themes(self):
        self.assertTrue(
            {"Syria", "Aleppo", "civil war", "civil defence", "documentary ethics"}
            <= set(Theme.objects.values_list("name", flat=True))
        )

    def test_every_page_of_the_demo_renders(self):
        urls = ["/", "/films/"]
        urls += [obj.get_absolute_url() for obj in Film.objects.all()]
        urls += [obj.get_absolute_url() for obj in Article.objects.all()]
        urls += [obj.get_absolute_url() for obj in Person.objects.all()]
        urls += [obj.get_absolute_url() for obj in Theme.objects.all()]
        for url in urls:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_the_address_of_an_earlier_demo_leads_to_the_person(self):
        """The first demo spelled “Søren” without its “ø”: that address still works."""
        self.assertRedirects(
            self.client.get("/people/sren-steen-jespersen/"),
            "/people/soren-steen-jespersen/",
            status_code=301,
        )
