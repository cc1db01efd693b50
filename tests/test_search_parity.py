"""The same search on SQLite and on PostgreSQL: which documents a query finds, on either.

README promises one search on both databases. The table below is what a reader finds for each
query over the demo archive and a few more objects; it runs unchanged on SQLite (FTS5) and on
PostgreSQL (tsvector), so a query one database answers and the other misses fails here. Only
which documents are found is compared: the order within a query follows each database's own
relevance function (bm25, ts_rank), pinned for the first result by test_search_table.py.
"""

import datetime as dt

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from archive import search
from archive.models import Article, SearchDocument, Theme

from .factories import make_article, make_film, make_person, make_quote

HATTAR = "person:Mahmoud Al-Hattar"
GODARD = "person:Jean-Luc Godard"
KOREEDA = "person:Hirokazu Kore-eda"
ODYSSEY = "film:2001: A Space Odyssey"
FAHRENHEIT = "film:Fahrenheit 9/11"
COLD_WAR = "film:Cold War"
COLD_WAR_REVIEW = "article:Cold War's long shadows"
COLD_WAR_QUOTE = "quote:A love story in black-and-white, across the Iron Curtain."
NOSFERATU = "film:Nosferatu"
ALEPPO_ARTICLES = {"article:Last Men in Aleppo", "article:Feras Fayyad on Last Men in Aleppo"}
ZORBA = "film:Zorba the Greek"
IBRAHIMBEYOV = "person:Rustam Ibragimbekov"
TODOROVSKY = "person:Pyotr Todorovsky"

FOUND = [
    # Words joined by a hyphen are found as the words they are, inside a phrase too.
    ('"Mahmoud Al-Hattar"', {HATTAR, "film:Last Men in Aleppo"}),
    ("Mahmoud Al-Hattar", {HATTAR, "film:Last Men in Aleppo"}),
    ("Al-Hattar", {HATTAR, "film:Last Men in Aleppo"}),
    ('"Jean-Luc Godard"', {GODARD}),
    ('"Hirokazu Kore-eda"', {KOREEDA}),
    ("Kore eda", {KOREEDA}),
    ('"post-war Poland"', {COLD_WAR}),
    ('"love story in black-and-white"', {COLD_WAR_QUOTE}),
    ('"black and white"', {COLD_WAR_REVIEW, COLD_WAR_QUOTE}),
    # Words joined by a slash, a dot, an @: dates, initials, versions, addresses.
    ("9/11", {FAHRENHEIT}),
    ('"Fahrenheit 9/11"', {FAHRENHEIT}),
    ("F.W. Murnau", {NOSFERATU}),
    ('"F. W. Murnau"', {NOSFERATU}),
    ("2.0", {ODYSSEY}),
    ("example", {ODYSSEY}),
    ("www.example.com", {ODYSSEY}),
    ("hal@example.com", {ODYSSEY}),
    # Accents, letters of their own, other scripts, other forms, the query language.
    ("Zizek", {"person:Slavoj Žižek"}),
    ("Lukasz Zal", {"person:Łukasz Żal", COLD_WAR_REVIEW}),
    ("是枝裕和", {KOREEDA}),
    ("وجده", {"film:Wadjda"}),
    ("killers", {"article:Why Se7en still matters"}),
    ('"Iron Curtain" -love', {"article:Cold War's long shadows"}),
    ("Cambodia or Poland -war", {"film:The Killing Fields"}),
    ("Se7en", {"film:Se7en", "article:Why Se7en still matters", "quote:What's in the box?"}),
    # Greek typed without its accents, Russian with е for ё, as PostgreSQL's unaccent reads
    # them; and as they are written, whole or being typed.
    ("αλεξης ζορμπας", {ZORBA}),
    ("Αλέξης", {ZORBA}),
    ("Αλέξ", {ZORBA}),
    ("αλεξ", {ZORBA}),
    ("Петр Тодоровский", {TODOROVSKY}),
    ("Пётр", {TODOROVSKY}),
    ("Пёт", {TODOROVSKY}),
    ("Пет", {TODOROVSKY}),
    # Latin letters PostgreSQL's unaccent keeps and SQLite spells in ASCII (anyascii): the
    # Azerbaijani ə, the ŋ of Sámi and West African names.
    ("Rustam Ibrahimbeyov", {IBRAHIMBEYOV}),
    ("Rüstəm İbrahimbəyov", {IBRAHIMBEYOV}),
    ("Ibrahimbəy", {IBRAHIMBEYOV}),
    ("Ibrahimbey", {IBRAHIMBEYOV}),
    ("Ingaŋ", {"person:Ánde Ingaŋ"}),
    ("Ingang", {"person:Ánde Ingaŋ"}),
    # Drafts and scheduled pieces are found on neither.
    ("Zanzibar", set()),
]


class ParityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        """The demo archive and a few objects whose words are joined by punctuation."""
        call_command("loaddata", "demo", verbosity=0)
        now = timezone.now()
        make_person(name="Jean-Luc Godard", biography="A French director.")
        make_person(name="Hirokazu Kore-eda", native_name="是枝裕和")
        make_person(name="Slavoj Žižek")
        make_person(name="Łukasz Żal", biography="Cinematographer.")
        make_film(
            title="2001: A Space Odyssey",
            year=1968,
            synopsis="HAL, version 2.0 of mankind: hal@example.com, www.example.com/odyssey.",
        )
        make_film(title="Fahrenheit 9/11", year=2004)
        make_film(title="Nosferatu", year=1922, synopsis="F.W. Murnau's vampire.")
        make_film(title="Zorba the Greek", original_title="Αλέξης Ζορμπάς", year=1964)
        make_person(name="Pyotr Todorovsky", native_name="Пётр Тодоровский")
        make_person(name="Rustam Ibragimbekov", alternative_names="Rüstəm İbrahimbəyov")
        make_person(name="Ánde Ingaŋ")
        make_film(title="Wadjda", original_title="وجدة", year=2012)
        killing_fields = make_film(
            title="The Killing Fields", year=1984, synopsis="Cambodia, 1975."
        )
        killing_fields.themes.add("war")
        cold_war = make_film(
            title="Cold War", year=2018, synopsis="A love affair in post-war Poland."
        )
        se7en = make_film(title="Se7en", year=1995)
        cold_war.themes.add("war")
        review = make_article(
            films=[cold_war],
            title="Cold War's long shadows",
            body="Łukasz Żal shot it in black and white, after the war: the Iron Curtain.",
        )
        review.themes.add("war")
        make_quote(review, cold_war, "A love story in black-and-white, across the Iron Curtain.")
        feature = make_article(
            films=[se7en], title="Why Se7en still matters", body="The killers' notebooks."
        )
        make_quote(feature, se7en, "What's in the box?")
        make_article(title="Zanzibar draft", status=Article.Status.DRAFT)
        make_article(title="Zanzibar tomorrow", published_at=now + dt.timedelta(days=1))

    def test_found_alike_on_every_database(self):
        for query, expected in FOUND:
            with self.subTest(query=query):
                documents = SearchDocument.objects.in_bulk(search.search(query))
                self.assertEqual(
                    {f"{document.kind}:{document.title}" for document in documents.values()},
                    expected,
                )

    def test_filters_narrow_alike_on_every_database(self):
        """Kind, theme and year narrow the same matches on both databases."""
        war = Theme.objects.get(slug="war")
        for query, filters, expected in [
            ("war", {"kind": "film"}, {COLD_WAR}),
            ("war", {"kind": "article"}, {COLD_WAR_REVIEW, *ALEPPO_ARTICLES}),
            ("war", {"kind": "review"}, {COLD_WAR_REVIEW, "article:Last Men in Aleppo"}),
            ("war", {"kind": "interview"}, {"article:Feras Fayyad on Last Men in Aleppo"}),
            ("war", {"theme": war}, {COLD_WAR, COLD_WAR_REVIEW}),
            ("cambodia or poland", {"theme": war}, {COLD_WAR, "film:The Killing Fields"}),
            ("cambodia or poland", {"year": 1984}, {"film:The Killing Fields"}),
            ("war -love", {"theme": war, "kind": "film"}, set()),
            ("curtain", {"kind": "quote"}, {COLD_WAR_QUOTE}),
        ]:
            with self.subTest(query=query, **filters):
                documents = SearchDocument.objects.in_bulk(search.search(query, **filters))
                self.assertEqual(
                    {f"{document.kind}:{document.title}" for document in documents.values()},
                    expected,
                )

    def test_every_word_of_an_arabic_query_is_marked(self):
        """Typed without its hamza, each word of "اخر الرجال" is marked in *آخر الرجال في حلب*,
        as on SQLite: PostgreSQL's ts_headline, reading the title unfolded, marked "الرجال"
        alone and left "آخر" plain."""
        for query in ["اخر الرجال", '"اخر الرجال"', "آخر الرجال"]:
            with self.subTest(query=query):
                response = self.client.get("/search/", {"q": query})
                self.assertContains(response, "<mark>آخر</mark> <mark>الرجال</mark>")

    def test_the_apis_q_finds_alike_on_every_database(self):
        """The API's `q` (search.matching) reads the same index as the search page."""
        for query, path, expected in [
            ('"Mahmoud Al-Hattar"', "/api/v1/people/", ["mahmoud-al-hattar"]),
            ("9/11", "/api/v1/films/", ["fahrenheit-911"]),
            ("example", "/api/v1/films/", ["2001-a-space-odyssey"]),
            ('"post-war Poland"', "/api/v1/articles/", []),
            ('"black and white"', "/api/v1/articles/", ["cold-wars-long-shadows"]),
        ]:
            with self.subTest(query=query, path=path):
                response = self.client.get(path, {"q": query})
                self.assertEqual([item["slug"] for item in response.json()["results"]], expected)
