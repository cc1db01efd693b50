"""Searching the archive: what a reader finds, how it is ranked, and what is never found.

The same tests run on SQLite (the fallback) and on PostgreSQL (ranked full-text search);
those that need PostgreSQL's stemming and ranking say so.
"""

import concurrent.futures
import datetime as dt
import io
import itertools
import re
import unittest
from unittest import mock

from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from archive import search
from archive.models import Article, Quote, SearchDocument

from .factories import make_article, make_exchange, make_film, make_person, make_quote


def titles(response):
    return re.findall(r'<h2><a href="[^"]*">(.*?)</a></h2>', response.content.decode())


class SearchTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        now = timezone.now()
        cls.khaled = make_person(
            name="Khaled Omar Harrah",
            alternative_names="Umar Harah",
            biography="A volunteer rescuer in Aleppo.",
        )
        cls.director = make_person(name="Feras Fayyad", biography="Syrian filmmaker.")
        cls.film = make_film(
            title="Last Men in Aleppo",
            original_title="آخر الرجال في حلب",
            year=2017,
            kind="documentary",
            synopsis="Rescuers of the civil defence dig survivors out of the rubble.",
        )
        cls.film.themes.add("civil defence")
        cls.other_film = make_film(
            title="The White Helmets", year=2016, synopsis="A Netflix short about rescuers."
        )
        cls.review = make_article(
            films=[cls.film],
            title="A brutal portrait of Aleppo",
            standfirst="The review.",
            body="The rescuers of the White Helmets run towards the bombs.\n\n"
            "The cinematography is quite extraordinary.",
            published_at=now - dt.timedelta(days=3),
        )
        cls.review.themes.add("cinematography")
        cls.interview = make_article(
            films=[cls.film],
            kind=Article.Kind.INTERVIEW,
            title="Fayyad on filming",
            body="An introduction.",
            published_at=now - dt.timedelta(days=1),
        )
        make_exchange(
            cls.interview,
            cls.director,
            question="Did you ever put the cameras down?",
            answer="It's about humanity. We need to use the beautiful—the tools of cinema.",
        )
        cls.quote = make_quote(
            cls.interview,
            cls.film,
            "We need to use the beautiful—the tools of cinema.",
            speaker=cls.director,
        )
        cls.draft = make_article(
            films=[cls.film],
            title="Secret draft about Aleppo rescuers",
            status=Article.Status.DRAFT,
            body="Zanzibar rescuers unpublished.",
        )
        make_quote(cls.draft, cls.film, "Zanzibar rescuers unpublished.")
        cls.scheduled = make_article(
            title="Scheduled zanzibar piece",
            body="Zanzibar rescuers tomorrow.",
            published_at=now + dt.timedelta(days=1),
        )

    def search(self, query, **filters):
        return self.client.get("/search/", {"q": query, **filters})


class FindingTests(SearchTestCase):
    def test_finds_every_kind(self):
        self.assertIn("Last Men in Aleppo", titles(self.search("Aleppo")))
        self.assertIn("A brutal portrait of Aleppo", titles(self.search("bombs")))
        self.assertIn("Feras Fayyad", titles(self.search("Fayyad")))
        self.assertIn("Fayyad on filming", titles(self.search("cameras")))  # in an exchange
        found = titles(self.search("tools of cinema"))
        self.assertIn("We need to use the beautiful—the tools of cinema.", found)

    def test_a_kind_of_article_is_a_word_of_it(self):
        """ "aleppo review" finds the review itself first, not only its quotes."""
        self.assertEqual(titles(self.search("aleppo review"))[0], "A brutal portrait of Aleppo")
        self.assertEqual(titles(self.search("fayyad interview"))[0], "Fayyad on filming")

    def test_a_title_of_common_words_is_found_first(self):
        """Films called "Her" or "It" are found by their titles on both databases: no word is
        left out of the index as too common."""
        make_film(title="Her", year=2013, synopsis="A writer and an operating system.")
        make_film(title="It", year=2017, synopsis="A clown in a small town.")
        self.assertEqual(titles(self.search("Her"))[:1], ["Her"])
        self.assertEqual(titles(self.search("it"))[:1], ["It"])
        # A phrase holds its every word: "tools the cinema" is not "tools of cinema" (with
        # "the" and "of" dropped as stop words, PostgreSQL took any word in between).
        self.assertEqual(titles(self.search('"tools the cinema"')), [])

    def test_a_word_finds_its_other_forms(self):
        """English words are stemmed on both databases: "camera" finds "cameras", "bomb"
        "bombs" and marks them; a quoted phrase matches in any form of its words. The last word
        is also the beginning of a word as typed: "Fay" finds Fayyad (its stem would be "fai")."""
        self.assertIn("Fayyad on filming", titles(self.search("camera down")))
        self.assertIn("Fayyad on filming", titles(self.search("camera")))
        response = self.search("bomb")
        self.assertIn("A brutal portrait of Aleppo", titles(response))
        self.assertContains(response, "<mark>bombs</mark>")
        self.assertIn("Last Men in Aleppo", titles(self.search('"civil defences"')))
        self.assertIn("The White Helmets", titles(self.search("white helmet")))
        self.assertEqual(titles(self.search("Fay"))[:1], ["Feras Fayyad"])
        self.assertEqual(titles(self.search("Fay rubble")), [])

    def test_a_word_still_being_typed_finds_the_words_it_begins(self):
        """Kept by their stems ("cinematography" as "cinematographi", "extraordinary" as
        "extraordinari"), words are still found by their beginnings as typed, also past the
        stem ("bombs" is kept as "bomb": "bomb" and "bombs" find it)."""
        found = titles(self.search("cinematograph"))
        self.assertIn("A brutal portrait of Aleppo", found)
        self.assertIn("A brutal portrait of Aleppo", titles(self.search("quite extraordina")))
        self.assertIn("A brutal portrait of Aleppo", titles(self.search("bombs")))
        make_film(title="Nominated", year=2019, synopsis="The film was nominated twice.")
        self.assertIn("Nominated", titles(self.search("nominat")))
        self.assertIn("Nominated", titles(self.search("twice nomina")))
        self.assertContains(self.search("twice nomina"), "<mark>nominated</mark>")

    def test_people_by_every_spelling_and_films_in_any_script(self):
        self.assertIn("Khaled Omar Harrah", titles(self.search("Umar Harah")))
        self.assertIn("Khaled Omar Harrah", titles(self.search("harrah")))
        self.assertIn("Last Men in Aleppo", titles(self.search("حلب")))

    def test_arabic_is_found_with_or_without_its_vowel_marks_and_hamzas(self):
        """A reader types Arabic as it is usually written, without short-vowel marks and often
        with a bare alef for آ, أ or إ, or pastes it vowelled: each finds the title or name as
        an editor wrote it. "حَلَب" and "اخر الرجال" found nothing, as "Sören" would not find
        "Soren" without its accents folded."""
        self.assertIn("Last Men in Aleppo", titles(self.search("حَلَب")))
        self.assertIn("Last Men in Aleppo", titles(self.search("اخر الرجال")))
        self.assertIn("Last Men in Aleppo", titles(self.search('"اخر الرجال"')))
        make_person(name="Feras Fayyad (vowelled)", native_name="فِراس فَيّاض")
        self.assertIn("Feras Fayyad (vowelled)", titles(self.search("فراس فياض")))
        self.assertIn("Feras Fayyad (vowelled)", titles(self.search("فيا")))  # being typed
        self.assertContains(self.search("فياض"), "<mark>فَيّاض</mark>")
        make_film(title="The School", original_title="المدرسة", year=2020)
        self.assertIn("The School", titles(self.search("المدرسه")))  # ة typed as ه
        self.assertContains(self.search("اخر"), "<mark>آخر</mark>")

    def test_drafts_and_scheduled_pieces_are_never_found(self):
        response = self.search("zanzibar")
        self.assertEqual(titles(response), [])
        self.assertContains(response, "Nothing found")
        self.assertNotContains(self.search("Secret draft"), "Secret draft about")

    def test_scheduled_piece_is_found_once_its_time_comes(self):
        Article.objects.filter(pk=self.scheduled.pk).update(
            published_at=timezone.now() - dt.timedelta(minutes=1)
        )
        self.assertEqual(titles(self.search("zanzibar")), ["Scheduled zanzibar piece"])

    def test_editing_updates_the_index(self):
        self.review.title = "A lyrical portrait"
        self.review.save()
        self.assertIn("A lyrical portrait", titles(self.search("lyrical")))
        self.interview.exchanges.update()  # no-op; the exchange's own save reindexes:
        exchange = self.interview.exchanges.get()
        exchange.answer = "Everything changed in Idlib."
        exchange.save()
        self.assertIn("Fayyad on filming", titles(self.search("Idlib")))
        self.other_film.delete()
        self.assertEqual(titles(self.search("Netflix")), [])

    def test_rebuilding_the_index_finds_the_same(self):
        before = titles(self.search("Aleppo"))
        SearchDocument.objects.all().delete()
        self.assertEqual(titles(self.search("Aleppo")), [])
        call_command("update_search_index", stdout=io.StringIO())
        self.assertEqual(titles(self.search("Aleppo")), before)

    def test_phrases_and_exclusions(self):
        self.assertEqual(
            titles(self.search('"quite extraordinary"')), ["A brutal portrait of Aleppo"]
        )
        self.assertEqual(titles(self.search('"extraordinary quite"')), [])
        found = titles(self.search("rescuers -Netflix"))
        self.assertIn("Last Men in Aleppo", found)
        self.assertNotIn("The White Helmets", found)
        # A title matches, but the word left out is in the synopsis.
        self.assertEqual(titles(self.search("helmets -netflix")), ["A brutal portrait of Aleppo"])
        self.assertIn("The White Helmets", titles(self.search("rescuers")))

    def test_a_phrase_never_runs_from_one_field_into_the_next(self):
        """A quoted phrase is words in a row in one field: the end of a title and the start of
        the original title, other names or summary after it are not a phrase, on either
        database (PostgreSQL's vector ran the fields together: "Aleppo آخر" found the film by
        the last word of its title and the first of its original title)."""
        for phrase in (
            '"Aleppo آخر"',  # title, original title
            '"حلب documentary"',  # original title, summary (kind and year)
            '"harrah umar"',  # name, other spellings
            '"cinema feras"',  # a quote's words, its speaker
            '"review the rescuers"',  # standfirst, body
        ):
            with self.subTest(phrase=phrase):
                self.assertEqual(titles(self.search(phrase)), [])
        quotes = self.client.get("/api/v1/quotes/", {"q": '"cinema feras"'}).json()
        self.assertEqual(quotes["results"], [])
        self.assertEqual(titles(self.search('"umar harah"')), ["Khaled Omar Harrah"])
        self.assertEqual(titles(self.search('"الرجال في حلب"')), ["Last Men in Aleppo"])

    def test_a_name_or_title_match_comes_first(self):
        self.assertEqual(titles(self.search("Fayyad"))[0], "Feras Fayyad")
        self.assertEqual(titles(self.search("Last Men in Aleppo"))[0], "Last Men in Aleppo")
        found = titles(self.search("Fayyad"))
        quote = "We need to use the beautiful—the tools of cinema."
        self.assertLess(found.index("Fayyad on filming"), found.index(quote))

    def test_titles_and_names_rank_above_body_text(self):
        found = titles(self.search("Aleppo"))
        self.assertLess(found.index("Last Men in Aleppo"), found.index("Khaled Omar Harrah"))
        self.assertLess(
            found.index("A brutal portrait of Aleppo"), found.index("Khaled Omar Harrah")
        )

    def test_snippets_highlight_the_words(self):
        response = self.search("bombs")
        self.assertContains(response, "<mark>bombs</mark>")
        response = self.search("Umar Harah")
        self.assertRegex(response.content.decode(), r"<mark>Umar</mark>\s*<mark>Harah</mark>")

    def test_a_phrase_is_highlighted_only_where_its_words_are_in_a_row(self):
        """A search for "last men" marks the phrase, not a lone "men" or "last" elsewhere
        in the excerpt (the reader saw every one of them marked, as if each had matched);
        a word searched beside the phrase is marked wherever it is."""
        make_article(
            title="On rubble and rescue",
            standfirst="Men came first; the last men of the square stayed, men said, to the last.",
        )
        for query, marked in (
            ('"last men"', ["last men"]),
            ('"last men" square', ["last men", "square"]),
        ):
            with self.subTest(query=query):
                snippets = re.findall(
                    r'<p class="snippet"[^>]*>(.*?)</p>', self.search(query).content.decode()
                )
                snippet = next(s for s in snippets if "square" in s)
                found = re.findall(r"<mark>(.*?)</mark>", re.sub(r"</mark>\s*<mark>", " ", snippet))
                self.assertEqual(found, marked)

    def test_an_excerpt_holds_the_whole_phrase(self):
        """A quoted phrase far into a body, after a word also searched for, is shown whole and
        marked: the excerpt began at the word and ended inside the phrase or before it (or, on
        PostgreSQL, gave it in two fragments), and the phrase's words, no longer in a row, lost
        their marks: the reader saw no trace of the phrase."""
        sentence = "The crew kept filming through the night in the old town."
        for word, sentences in (("Tramways", 2), ("Ferries", 5), ("Funiculars", 6)):
            make_article(
                title=f"Night shifts: {word}",
                body=f"{word} once ran here. {' '.join([sentence] * sentences)} Then came the "
                "long walk home across the river, and the morning after.",
            )
        for query in (
            'tramways "long walk home across the river"',
            'ferries "long walk home across the river"',
            'funiculars "long walk home across the river"',
            '"walk home across"',
        ):
            with self.subTest(query=query):
                snippets = re.findall(
                    r'<p class="snippet"[^>]*>(.*?)</p>', self.search(query).content.decode()
                )
                self.assertTrue(snippets)
                phrase = query.split('"')[1]
                for snippet in snippets:
                    marked = re.sub(r"</mark>(\s*)<mark>", r"\1", snippet)
                    self.assertIn(f"<mark>{phrase}</mark>", marked)

    def test_a_short_text_is_excerpted_whole(self):
        """A text shorter than an excerpt is shown whole, its first short word and its last
        full stop included, with no "…" saying it goes on: on PostgreSQL, ts_headline dropped
        words of up to three letters at either end and the punctuation after the last word
        ("… volunteer rescuer in Aleppo …")."""
        for query, snippet in (
            ("volunteer", "A <mark>volunteer</mark> rescuer in Aleppo."),
            (
                "rubble",
                "Rescuers of the civil defence dig survivors out of the <mark>rubble</mark>.",
            ),
            ("netflix", "A <mark>Netflix</mark> short about rescuers."),
        ):
            with self.subTest(query=query):
                self.assertContains(self.search(query), f'dir="auto">{snippet}</p>', html=False)

    def test_an_excerpt_in_another_script_reads_in_its_own_direction(self):
        """The page is English (left to right); an excerpt of the film's Arabic title reads
        right to left, one of English text left to right (`dir="auto"`)."""
        self.assertRegex(
            self.search("حلب").content.decode(),
            r'<p class="snippet" dir="auto">[^<]*<mark>حلب</mark>',
        )
        self.assertContains(self.search("bombs"), '<p class="snippet" dir="auto">')

    def test_snippets_are_escaped(self):
        self.review.body = "Bombs <script>alert(1)</script> fall."
        self.review.save()
        SearchDocument.objects.filter(kind="article", object_id=self.review.pk).update(
            body="Bombs <script>alert(1)</script> fall."
        )
        response = self.search("bombs")
        self.assertNotContains(response, "<script>alert(1)")

    def test_control_characters_in_the_text_leave_the_marks_whole(self):
        """Text pasted with control characters (STX, ETX) is excerpted without them: the
        excerpts' own marks were those characters, so a pasted one became a stray <mark> or
        </mark>, opening or closing an element in the middle of the page's markup."""
        make_article(title="Pasted", standfirst="Wombats \x03 dig \x02 burrows.")
        make_person(name="Pasted Person", alternative_names="Quok\x03ka")
        for query, marked in (("wombats", "<mark>Wombats</mark> dig burrows"),
                              ("quok", "<mark>Quokka</mark>")):  # fmt: skip
            with self.subTest(query=query):
                snippets = re.findall(r'<p class="snippet"[^>]*>(.*?)</p>', self.search(query)
                                      .content.decode())  # fmt: skip
                self.assertEqual(len(snippets), 1)
                self.assertIn(marked, snippets[0])
                self.assertEqual(re.sub(r"</?mark>", "", snippets[0]).count("mark"), 0)
                self.assertEqual(snippets[0].count("<mark>"), snippets[0].count("</mark>"))


class FilterTests(SearchTestCase):
    def test_kind_theme_and_year_filters_combine_with_the_query(self):
        self.assertEqual(titles(self.search("Aleppo", kind="film")), ["Last Men in Aleppo"])
        self.assertEqual(
            titles(self.search("cinema", kind="quote")),
            ["We need to use the beautiful—the tools of cinema."],
        )
        self.assertEqual(
            titles(self.search("rescuers", theme="civil-defence")), ["Last Men in Aleppo"]
        )
        self.assertEqual(titles(self.search("rescuers", year="2016")), ["The White Helmets"])

    def test_a_theme_offered_once_its_only_piece_is_published(self):
        """The theme filter knows what is public now, not when the server started: a theme
        carried only by a scheduled piece filters the search once the piece's time comes."""
        self.scheduled.themes.add("island stories")
        response = self.search("zanzibar", theme="island-stories")
        self.assertContains(response, "Select a valid choice")
        Article.objects.filter(pk=self.scheduled.pk).update(published_at=timezone.now())
        response = self.search("zanzibar", theme="island-stories")
        self.assertNotContains(response, "Select a valid choice")
        self.assertEqual(titles(response), ["Scheduled zanzibar piece"])
        self.assertContains(response, 'value="island-stories" selected')

    def test_article_kinds(self):
        self.assertEqual(
            titles(self.search("Aleppo", kind="review")), ["A brutal portrait of Aleppo"]
        )
        self.assertEqual(titles(self.search("cameras", kind="interview")), ["Fayyad on filming"])
        self.assertEqual(titles(self.search("cameras", kind="review")), [])

    def test_unknown_filters_are_reported_not_failed(self):
        response = self.search("Aleppo", theme="no-such", year="abc", kind="nonsense")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Select a valid choice")

    def test_pagination(self):
        for number in range(26):
            make_person(name=f"Volunteer {number} Zorbanian")
        first = self.search("zorbanian")
        self.assertContains(first, "26 results")
        self.assertEqual(len(titles(first)), 20)
        second = self.client.get("/search/", {"q": "zorbanian", "page": 2})
        self.assertEqual(len(titles(second)), 6)
        self.assertFalse(set(titles(first)) & set(titles(second)))
        self.assertContains(first, 'href="?q=zorbanian&amp;page=2"')
        response = self.client.get("/search/", {"q": "zorbanian", "page": 9})
        self.assertEqual(response.status_code, 404)

    def test_a_word_in_more_documents_than_are_ranked(self):
        """A search ranks a bounded number of matches (search.CANDIDATES of titles and names,
        as many others): when a word is in more, the page says that its count is not every
        match, and asking again gives the same results."""
        for number in range(8):
            make_person(name=f"Volunteer {number} Zorbanian")
        with mock.patch.object(search, "CANDIDATES", 5):
            first = self.search("zorbanian")
            again = self.search("zorbanian")
        self.assertContains(first, "More pages match “<bdi>zorbanian</bdi>” than one search ranks")
        ranked = int(re.search(r"these are (\d+) of them", first.content.decode())[1])
        self.assertEqual(len(titles(first)), ranked)
        # Five title matches and five others, each read in no particular order (PostgreSQL
        # stops at the fifth it finds): together five to eight of the eight.
        self.assertTrue(5 <= ranked <= 8)
        self.assertEqual(titles(first), titles(again))
        self.assertContains(self.search("zorbanian"), "8 results for “<bdi>zorbanian</bdi>”")


class BadQueryTests(SearchTestCase):
    def test_empty_query_gets_a_helpful_page(self):
        response = self.client.get("/search/")
        self.assertContains(response, "Quotation marks find a phrase")
        self.assertContains(self.search("   "), "Quotation marks find a phrase")

    def test_absurdly_long_query(self):
        response = self.search("aleppo " * 1500)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Searches are limited to 200 characters")
        # Neither box takes more: an address of 10,000 characters is refused by the server
        # (gunicorn's 414) before the site could say so.
        boxes = re.findall(r'<input type="search"[^>]*name="q"[^>]*>', response.content.decode())
        self.assertEqual(len(boxes), 2)
        self.assertTrue(all('maxlength="200"' in box for box in boxes), boxes)

    def test_a_search_too_long_to_run_shows_in_both_boxes(self):
        """A reader who types past the limit sees what they typed in the header's box as in the
        page's own (the header's box was empty), to shorten it in either."""
        query = "aleppo white helmets " * 10
        body = self.search(query).content.decode()
        boxes = re.findall(r'<input type="search"[^>]*name="q"[^>]*>', body)
        values = [re.search(r'value="([^"]*)"', box).group(1) for box in boxes]
        self.assertEqual(len(values), 2)
        self.assertEqual(values[0], values[1])
        self.assertTrue(values[0].startswith("aleppo white helmets aleppo"), values)

    def test_punctuation_only_and_odd_syntax(self):
        for query in (
            "!!!",
            "?",
            '"',
            "---",
            "-",
            '"unterminated',
            "a & b | !c",
            "(*)",
            "or",
            "\x00",
        ):
            with self.subTest(query=query):
                response = self.search(query)
                self.assertEqual(response.status_code, 200)
        self.assertContains(self.search("!!!"), "There are no words to search for")

    def test_control_characters_are_neither_searched_nor_shown_back(self):
        """A NUL or another control character in the query (pasted, or in an address written
        by hand) is read as the archive's stored text reads it, dropped: the search runs on
        what is left, and neither search box nor the page's title shows it back (a NUL was
        echoed into the box, after "Null characters are not allowed", as if the reader had
        typed one)."""
        for query, shown in (
            ("\x00", ""),
            ("Aleppo\x00", "Aleppo"),
            ("Al\x01\x7fep\x9fpo", "Aleppo"),
        ):
            with self.subTest(query=query):
                response = self.search(query)
                self.assertEqual(response.status_code, 200)
                body = response.content.decode()
                self.assertIsNone(re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", body))
                self.assertNotContains(response, "Null characters")
                boxes = re.findall(r'<input type="search"[^>]*name="q"[^>]*>', body)
                self.assertEqual(len(boxes), 2)
                self.assertTrue(all(f'value="{shown}"' in box for box in boxes), boxes)
        self.assertIn("Last Men in Aleppo", titles(self.search("\x00Aleppo\x07")))

    def test_a_last_word_of_letters_that_fold_to_nothing(self):
        """Latin letters without an ASCII spelling ("Ƹ", the glottal stop "ʔ") fold to nothing:
        as the last word, being typed, they are no beginning of a word, and no server error."""
        for query in ("ƸƸƸ", "ʔʔʔ", "Aleppo ʔʔʔ", "Aleppo or ʔʔʔ", '"quite extraordinary" or ʔʔʔ'):
            with self.subTest(query=query):
                self.assertEqual(self.search(query).status_code, 200)
        self.assertIn("Last Men in Aleppo", titles(self.search("Aleppo or ʔʔʔ")))

    def test_search_page_is_not_indexed(self):
        response = self.search("Aleppo")
        self.assertEqual(response["X-Robots-Tag"], "noindex")
        self.assertContains(response, '<meta name="robots" content="noindex, nofollow">')
        self.assertContains(self.client.get("/robots.txt"), "Disallow: /search/")

    def test_search_box_in_every_page_header(self):
        self.assertContains(self.client.get("/films/"), '<form class="site-search" role="search"')


class QueryParsingTests(unittest.TestCase):
    def test_web_search_syntax(self):
        parsed = search.parse_query('white helmets "tools of cinema" -netflix -"short film" or')
        self.assertEqual(parsed.words, ["white", "helmets"])
        self.assertEqual(parsed.phrases, ["tools of cinema"])
        self.assertEqual(parsed.excluded, ["netflix", "short film"])
        self.assertTrue(search.parse_query("!!! ---").is_empty)
        self.assertEqual(
            search.parse_query('aleppo netflix or "tools of cinema" or humanity').required,
            [["aleppo"], ["netflix", "tools of cinema", "humanity"]],
        )


class OrTests(SearchTestCase):
    def test_or_on_every_database(self):
        found = titles(self.search("Netflix or humanity"))
        self.assertIn("The White Helmets", found)
        self.assertIn("Fayyad on filming", found)
        self.assertEqual(titles(self.search("Netflix humanity")), [])


def test_words_are_stemmed_alike_by_threads_at_once():
    """The development server (`manage.py demo`) and ASGI answer requests in threads: two
    searches or saves stemming at once each get their own words' stems, not an IndexError (a
    500) nor a stem of the other's word written into the index."""
    import snowballstemmer

    porter = snowballstemmer.stemmer("porter")
    endings = ["", "s", "ing", "ed", "ation", "ness", "ful", "ly", "izer", "ational"]
    syllables = ["".join(letters) for letters in itertools.product("gkmt", "aeiou", "lnrs")]
    batches = [
        [f"{first}{middle}quorb{ending}" for middle in syllables for ending in endings]
        for first in ("bal", "cor", "dun", "fim")
    ]

    def stems(words):
        return [search.stem(word) for word in words]

    with concurrent.futures.ThreadPoolExecutor(4) as threads:
        found = list(threads.map(stems, batches))
    assert found == [[porter.stemWord(word) for word in batch] for batch in batches]


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL's full-text search")
class PostgresSearchTests(SearchTestCase):
    def test_vectors_and_index_are_in_place(self):
        document = SearchDocument.objects.get(kind="film", object_id=self.film.pk)
        self.assertIn("'aleppo':4A", document.vector)
        # Each field after a word of its own ("¶"), so that no phrase runs into the next.
        self.assertIn("'¶':5,10,13", document.vector)
        self.assertIn("'rubbl':24C", document.vector)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'archive_searchdocument'"
            )
            names = {row[0] for row in cursor.fetchall()}
        self.assertTrue({"archive_search_vector_gin", "archive_search_title_vector_gin"} <= names)

    def test_rows_come_back_in_the_same_order_each_time(self):
        """A word in more documents than a search ranks is read in the table's order: from its
        first page each time, not from where another reader happens to be, and by one process,
        not by parallel workers whose rows arrive in any order."""
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronize_seqscans")
            self.assertEqual(cursor.fetchone()[0], "off")
            cursor.execute("SHOW max_parallel_workers_per_gather")
            self.assertEqual(cursor.fetchone()[0], "0")

    def test_or(self):
        found = titles(self.search("Netflix or humanity"))
        self.assertIn("The White Helmets", found)
        self.assertIn("Fayyad on filming", found)


@unittest.skipUnless(connection.vendor == "sqlite", "SQLite's FTS5 table")
class SqliteTextTableTests(SearchTestCase):
    def test_beginnings_of_words_are_indexed(self):
        """The table indexes each word's first two and three letters: a search's last word,
        also the beginning of longer ones ("the" of "theme"), is one read, not a merge of
        every word that begins so (migration 0022)."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT sql FROM sqlite_master WHERE name = '{search.TEXT_TABLE}'")
            self.assertIn("prefix = '2 3'", cursor.fetchone()[0])
        self.assertIn("A brutal portrait of Aleppo", titles(self.search("the cinemat")))
        self.assertIn("Last Men in Aleppo", titles(self.search("ale")))

    def test_ranking_reads_only_the_candidates_rows(self):
        """The ranking query gives FTS5 the rowid range of the candidates (`>` and `<` in the
        index it is asked for), so that it reads those rows, not every match of the words."""
        queries = []

        def kept(execute, sql, params, many, context):
            queries.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(kept):
            found = titles(self.search("the"))
        self.assertIn("A brutal portrait of Aleppo", found)
        ((sql, params),) = [(sql, params) for sql, params in queries if "bm25(" in sql]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            scans = [row[-1] for row in cursor.fetchall() if search.TEXT_TABLE in row[-1]]
        self.assertEqual(len(scans), 2, scans)  # the ranked rows, and those matching on titles
        for scan in scans:
            self.assertRegex(scan, r"VIRTUAL TABLE INDEX \d+:\S*><", scan)

    def test_one_kind_is_read_between_its_first_and_last_rows(self):
        """Narrowed to one kind, the search and the API's `q` ask FTS5 for the rows between
        that kind's first and last (`search.kind_span`): the table is written kind by kind,
        and FTS5 read every film's, person's and article's match before the first quote's."""
        queries = []

        def kept(execute, sql, params, many, context):
            queries.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(kept):
            found = titles(self.search("beautiful", kind="quote"))
            matched = list(Quote.objects.filter(pk__in=search.matching("beautiful", "quote")))
        self.assertEqual(found, ["We need to use the beautiful—the tools of cinema."])
        self.assertEqual(matched, [self.quote])
        quotes = SearchDocument.objects.filter(kind="quote")
        span = [quotes.earliest("pk").pk, quotes.latest("pk").pk]
        self.assertEqual(list(search.kind_span("quote")), span)
        matches = [(sql, params) for sql, params in queries if " MATCH " in sql]
        self.assertEqual(len(matches), 4)  # on titles, anywhere; ranking; the API's
        del matches[2]  # the ranking reads its candidates' own range
        for sql, params in matches:
            self.assertIn("rowid BETWEEN %s AND %s", sql)
            self.assertEqual(list(params[-2:]), span, sql)
        self.assertIsNone(search.kind_span("nothing"))
        self.assertFalse(Quote.objects.filter(pk__in=search.matching("beautiful", "nothing")))


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL's planner")
class PostgresKindPlanTests(TestCase):
    """A search narrowed to one kind reads that kind's matches through the indexes, wherever
    its documents lie in the table: the index is written kind by kind, and read in order the
    table held every other kind's documents before the last kind's first (quotes: 0.7 s at
    340,000 documents)."""

    @classmethod
    def setUpTestData(cls):
        rows = [("film", number, f"Film {number} about war") for number in range(6000)]
        rows += [("person", number, f"Person {number} at war") for number in range(3000)]
        SearchDocument.objects.bulk_create(
            SearchDocument(kind=kind, object_id=number, title=title, url="/", label=kind)
            for kind, number, title in rows
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE archive_searchdocument SET vector = to_tsvector(%s, title), "
                "title_vector = to_tsvector(%s, title)",
                [search.CONFIG, search.CONFIG],
            )
            cursor.execute("ANALYZE archive_searchdocument")

    def plans(self, kind):
        """The plan of each query the search runs for "war" in `kind`."""
        plans = []

        def explain(execute, sql, params, many, context):
            if sql.startswith("SELECT"):
                with context["connection"].cursor() as cursor:
                    cursor.execute("EXPLAIN " + sql, params)
                    plans.append("\n".join(row[0] for row in cursor.fetchall()))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(explain):
            found = search.search("war", kind=kind)
        self.assertEqual(len(found), search.CANDIDATES)
        return plans

    def test_one_kind_is_read_through_the_indexes(self):
        for plan in self.plans("person"):
            self.assertNotIn("Seq Scan on archive_searchdocument", plan)
