"""Feeds, the sitemap and robots.txt carry only what readers may see."""

import datetime as dt
import html
import re
from unittest import mock, skipUnless
from xml.etree import ElementTree

import time_machine
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from archive.models import Article, ArticleAuthor, Film, Person
from archive.models.article import named_only_by_hidden_pieces
from archive.sitemaps import ModelSitemap

from .factories import (
    WithoutPlannerStatistics,
    make_article,
    make_credit,
    make_exchange,
    make_film,
    make_person,
    make_quote,
)
from .public_data import BAYT, BAYT_REVIEW, WONG, build_other_scripts
from .test_pages import PublicPageTestCase

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM_FEEDS = (
    "/feeds/articles/atom/",
    "/feeds/films/last-men-in-aleppo/atom/",
    "/feeds/themes/syria/atom/",
    "/feeds/themes/documentary-ethics/atom/",
)
RSS_FEEDS = [url.removesuffix("atom/") for url in ATOM_FEEDS]


def atom_problems(feed):
    """What RFC 4287 (and so the W3C feed validator) refuses in an Atom document: a feed or an
    entry without its id, title or updated date, an entry without an author when the feed
    names none (4.1.1), an entry with neither content nor an alternate link."""
    problems = []

    def check(element, where, *required):
        for name in required:
            if not (element.findtext(f"{ATOM}{name}") or "").strip():
                problems.append(f"{where}: no {name}")
        updated = element.findtext(f"{ATOM}updated")
        if updated:
            try:
                dt.datetime.fromisoformat(updated)
            except ValueError:
                problems.append(f"{where}: updated is not a date-time")

    def has_author(element):
        return any(
            (author.findtext(f"{ATOM}name") or "").strip()
            for author in element.findall(f"{ATOM}author")
        )

    if feed.tag != f"{ATOM}feed":
        return [f"not an Atom feed: {feed.tag}"]
    check(feed, "feed", "id", "title", "updated")
    for number, entry in enumerate(feed.findall(f"{ATOM}entry"), 1):
        where = f"entry {number}"
        check(entry, where, "id", "title", "updated")
        if not has_author(feed) and not has_author(entry):
            problems.append(f"{where}: no author, and none for the feed")
        alternate = [
            link
            for link in entry.findall(f"{ATOM}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        if entry.find(f"{ATOM}content") is None and not alternate:
            problems.append(f"{where}: neither content nor an alternate link")
    return problems


class FeedTests(PublicPageTestCase):
    def rss_titles(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("application/rss+xml"))
        root = ElementTree.fromstring(response.content)
        return [item.findtext("title") for item in root.iter("item")]

    def atom_titles(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("application/atom+xml"))
        root = ElementTree.fromstring(response.content)
        return [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]

    def test_latest_articles(self):
        expected = ["Interview: Fayyad on filming", "Review: An unforgettable portrait"]
        self.assertEqual(self.rss_titles("/feeds/articles/"), expected)
        self.assertEqual(self.atom_titles("/feeds/articles/atom/"), expected)

    def test_items_carry_byline_date_and_themes(self):
        response = self.client.get("/feeds/articles/")
        self.assertContains(response, "Ada Critic")
        self.assertContains(response, "<category>cinematography</category>")
        self.assertContains(response, "<pubDate>")
        self.assertNotContains(response, "draft-only theme")

    def test_theme_feeds(self):
        self.assertEqual(
            self.rss_titles("/feeds/themes/syria/"), ["Review: An unforgettable portrait"]
        )
        self.assertEqual(
            self.atom_titles("/feeds/themes/documentary-ethics/atom/"),
            ["Interview: Fayyad on filming"],
        )
        self.assertEqual(self.client.get("/feeds/themes/draft-only-theme/").status_code, 404)

    def test_film_feeds(self):
        self.assertEqual(
            self.rss_titles("/feeds/films/last-men-in-aleppo/"),
            ["Interview: Fayyad on filming", "Review: An unforgettable portrait"],
        )
        self.assertEqual(
            self.atom_titles("/feeds/films/the-white-helmets/atom/"),
            ["Interview: Fayyad on filming"],
        )
        self.assertEqual(self.client.get("/feeds/films/nope/").status_code, 404)

    def atom(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return ElementTree.fromstring(response.content)

    def entries(self, url):
        """The Atom entries of `url` by title."""
        return {
            entry.findtext(f"{ATOM}title"): entry for entry in self.atom(url).iter(f"{ATOM}entry")
        }

    def rss_items(self, url):
        """The RSS items of `url` by title."""
        root = ElementTree.fromstring(self.client.get(url).content)
        return {item.findtext("title"): item for item in root.iter("item")}

    def test_checker_catches_what_rfc_4287_refuses(self):
        feed = self.atom("/feeds/articles/atom/")
        self.assertEqual(atom_problems(feed), [])
        for author in feed.findall(f"{ATOM}author"):
            feed.remove(author)
        self.assertEqual(atom_problems(feed), ["entry 1: no author, and none for the feed"])
        entry = feed.find(f"{ATOM}entry")
        entry.remove(entry.find(f"{ATOM}id"))
        self.assertIn("entry 1: no id", atom_problems(feed))

    def test_atom_feeds_follow_rfc_4287(self):
        """Every feed and entry has its id, title and update time; the publication is the
        feed's author, so that an unsigned piece has one; a signed one names its byline."""
        for url in ATOM_FEEDS:
            with self.subTest(url=url):
                feed = self.atom(url)
                self.assertEqual(atom_problems(feed), [])
                self.assertEqual(feed.findtext(f"{ATOM}author/{ATOM}name"), "Film Archive")
                self.assertTrue(feed.findall(f"{ATOM}entry"))
        entries = self.entries("/feeds/articles/atom/")
        review, interview = (
            entries["Review: An unforgettable portrait"],
            entries["Interview: Fayyad on filming"],
        )
        self.assertEqual(review.findtext(f"{ATOM}author/{ATOM}name"), "Ada Critic")
        self.assertIsNone(interview.find(f"{ATOM}author"))  # unsigned: the feed's author

    def test_atom_entries_carry_the_full_text_and_the_standfirst_as_summary(self):
        entries = self.entries("/feeds/articles/atom/")
        review = entries["Review: An unforgettable portrait"]
        content = review.find(f"{ATOM}content")
        self.assertEqual(content.get("type"), "html")
        self.assertIn("<em>amazing</em>", content.text)
        self.assertIn("unforgettable portrait of Syrian civilians.", content.text)
        summary = review.find(f"{ATOM}summary")
        self.assertEqual(html.unescape(summary.text), "A review of the rescuers' film.")
        self.assertNotIn("amazing", summary.text)

    def test_interviews_carry_their_exchanges_after_the_introduction(self):
        atom = self.entries("/feeds/articles/atom/")["Interview: Fayyad on filming"]
        rss = self.rss_items("/feeds/articles/")["Interview: Fayyad on filming"]
        for text in (atom.findtext(f"{ATOM}content"), rss.findtext("description")):
            parts = [
                "An introduction to the interview.",
                "<strong>Interviewer:</strong>",
                "Did you put the cameras down?",
                "<strong>Feras Fayyad:</strong>",
                "It's not about journalism.",
                "Are you hopeful?",
                "Conflicts end.",
            ]
            positions = [text.find(part) for part in parts]
            self.assertNotIn(-1, positions, text)
            self.assertEqual(positions, sorted(positions))

    def test_speakers_names_are_escaped(self):
        self.director.name = "Feras <b>Fayyad</b> & co"
        self.director.save()
        atom = self.entries("/feeds/articles/atom/")["Interview: Fayyad on filming"]
        self.assertIn(
            "<strong>Feras &lt;b&gt;Fayyad&lt;/b&gt; &amp; co:</strong>",
            atom.findtext(f"{ATOM}content"),
        )

    def test_rss_items_carry_the_full_text(self):
        for url in RSS_FEEDS:
            with self.subTest(url=url):
                response = self.client.get(url)
                channel = ElementTree.fromstring(response.content).find("channel")
                for name in ("title", "link", "description"):
                    self.assertTrue(channel.findtext(name), name)
                items = channel.findall("item")
                self.assertTrue(items)
                for item in items:
                    for name in ("title", "link", "description", "guid", "pubDate"):
                        self.assertTrue(item.findtext(name), name)
        review = self.rss_items("/feeds/articles/")["Review: An unforgettable portrait"]
        self.assertIn("<em>amazing</em>", review.findtext("description"))
        self.assertIn("unforgettable portrait of Syrian civilians.", review.findtext("description"))

    def test_feed_text_is_sanitised(self):
        self.review.body = "Fine words.<script>alert(1)</script> [x](javascript:alert(2))"
        self.review.save()
        for url in ("/feeds/articles/", "/feeds/articles/atom/"):
            with self.subTest(url=url):
                content = html.unescape(self.client.get(url).content.decode())
                self.assertIn("Fine words.", content)
                self.assertNotIn("<script", content)
                self.assertNotIn("javascript:", content)

    def test_control_characters_pasted_into_text_leave_the_feeds_readable(self):
        """XML cannot hold most control characters, which text pasted from a word processor
        brings along (its line break within a paragraph is a vertical tab), stored before
        saving left them out or in a theme's name: every feed still answers, without them, its
        text otherwise whole."""
        Article.objects.filter(pk=self.review.pk).update(
            title="An unforgettable\x0bportrait",
            standfirst="A review\x02 of the rescuers' film.",
            body="Raw\x0cfootage.\x1f",
        )
        self.review.themes.add("Syr\x01ia")
        Person.objects.filter(pk=self.director.pk).update(name="Feras\x0bFayyad")
        Film.objects.filter(pk=self.film.pk).update(title="Last Men\x08 in Aleppo")
        for url in (*ATOM_FEEDS, *RSS_FEEDS):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                ElementTree.fromstring(response.content)
        atom = self.entries("/feeds/articles/atom/")["Review: An unforgettable portrait"]
        self.assertEqual(atom.findtext(f"{ATOM}summary"), "A review of the rescuers&#x27; film.")
        self.assertIn("Raw footage.", atom.findtext(f"{ATOM}content"))
        self.assertIn("Feras Fayyad:", self.client.get("/feeds/articles/").content.decode())

    def test_noncharacters_in_text_leave_the_feeds_well_formed(self):
        """U+FFFE (a byte order mark read the wrong way round) and U+FFFF may not be in XML at
        all, and Django's feed writer let them through: a title, a standfirst or a theme
        holding one made every feed it reached one that feed readers refuse whole. Text stored
        with them, or saved with them, leaves every feed well-formed, without them."""
        Article.objects.filter(pk=self.review.pk).update(
            title="An unforgettable\ufffe portrait", standfirst="A review\uffff of the film."
        )
        self.review.themes.add("Syr\uffffia")
        self.interview.title = "Fayyad on\ufffe filming"
        self.interview.save()
        for url in (*ATOM_FEEDS, *RSS_FEEDS):
            with self.subTest(url=url):
                ElementTree.fromstring(self.client.get(url).content)
        self.assertEqual(
            self.atom_titles("/feeds/articles/atom/"),
            ["Interview: Fayyad on filming", "Review: An unforgettable portrait"],
        )

    def test_links_in_entries_are_absolute(self):
        """A feed reader shows an entry away from the site, and resolves a link such as
        "/films/…/" against nothing: every link of an entry's text (its body, an interview's
        questions and answers) names the site, and one to a passage of the piece ("#…") names
        the piece; a link to elsewhere stays as it was."""
        Article.objects.filter(pk=self.interview.pk).update(
            body="See [the film](/films/last-men-in-aleppo/), [below](#quote-1), "
            "[the list](/articles/?kind=review&year=2017) and [elsewhere](https://example.org/x)."
        )
        self.exchange.answer = "As [the review](/articles/an-unforgettable-portrait/) says."
        self.exchange.save()
        site = "http://testserver"
        piece = f"{site}/articles/{self.interview.slug}/"
        expected = [
            f"{site}/films/last-men-in-aleppo/",
            f"{piece}#quote-1",
            f"{site}/articles/?kind=review&year=2017",
            "https://example.org/x",
            f"{site}/articles/an-unforgettable-portrait/",
        ]
        rss = ElementTree.fromstring(self.client.get("/feeds/articles/").content)
        item = next(i for i in rss.iter("item") if i.findtext("title").endswith("on filming"))
        atom = ElementTree.fromstring(self.client.get("/feeds/articles/atom/").content)
        entry = next(
            e for e in atom.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title").endswith("filming")
        )
        for where, text in (
            ("RSS", item.findtext("description")),
            ("Atom", entry.findtext(f"{ATOM}content")),
        ):
            with self.subTest(where):
                links = [html.unescape(href) for href in re.findall(r'href="([^"]*)"', text)]
                self.assertEqual(links, expected)

    def test_feeds_carry_nothing_of_drafts_or_scheduled_pieces(self):
        for url in (*ATOM_FEEDS, *RSS_FEEDS):
            with self.subTest(url=url):
                response = self.client.get(url)
                for text in (
                    "Secret draft review",
                    "Unpublished words here.",
                    "Scheduled interview",
                    "Future words.",
                    "Scheduled question?",
                ):
                    self.assertNotContains(response, text)

    def test_an_entry_keeps_its_id_when_its_slug_changes(self):
        """Feed readers take an entry with an id they have not seen for a new piece: a slug
        corrected after publication must not make the piece arrive a second time."""

        def ids():
            rss = ElementTree.fromstring(self.client.get("/feeds/articles/").content)
            atom = ElementTree.fromstring(self.client.get("/feeds/articles/atom/").content)
            guids = {item.findtext("title"): item.find("guid") for item in rss.iter("item")}
            entries = {
                entry.findtext(f"{ATOM}title"): entry.findtext(f"{ATOM}id")
                for entry in atom.iter(f"{ATOM}entry")
            }
            return guids, entries

        title = "Interview: Fayyad on filming"
        guids, entries = ids()
        self.assertEqual(guids[title].get("isPermaLink"), "false")
        self.assertTrue(entries[title].startswith("tag:testserver,"), entries[title])
        self.assertEqual(len(set(entries.values())), len(entries))
        before = (guids[title].text, entries[title])

        article = Article.objects.get(title="Fayyad on filming")
        article.slug = "fayyad-on-filming-aleppo"
        article.save()
        guids, entries = ids()
        self.assertEqual((guids[title].text, entries[title]), before)
        self.assertContains(self.client.get("/feeds/articles/"), "fayyad-on-filming-aleppo")

    def test_pages_announce_their_feeds(self):
        for url, feed in (
            ("/films/last-men-in-aleppo/", "/feeds/films/last-men-in-aleppo/"),
            ("/themes/syria/", "/feeds/themes/syria/"),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, 'type="application/rss+xml"', count=2)
                self.assertContains(response, 'type="application/atom+xml"', count=2)
                self.assertContains(response, f'href="{feed}"', count=2)
                self.assertContains(response, f'href="{feed}atom/"', count=2)

    def test_a_theme_without_public_articles_announces_no_feed(self):
        """ "civil defence" is carried by films only: its feed would be empty."""
        response = self.client.get("/themes/civil-defence/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'type="application/rss+xml"', count=1)  # the site's
        self.assertContains(response, 'type="application/atom+xml"', count=1)
        self.assertNotContains(response, "/feeds/themes/")


class SitemapTests(PublicPageTestCase):
    """The sitemap is an index of sections, each in pages of at most `LIMIT` addresses."""

    def section_pages(self):
        """The index's entries as {section page address: lastmod}."""
        response = self.client.get("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        root = ElementTree.fromstring(response.content)
        return {
            entry.findtext(f"{SITEMAP}loc"): entry.findtext(f"{SITEMAP}lastmod")
            for entry in root.iter(f"{SITEMAP}sitemap")
        }

    def addresses(self, section_page):
        response = self.client.get(section_page.removeprefix("http://testserver"))
        self.assertEqual(response.status_code, 200, section_page)
        root = ElementTree.fromstring(response.content)
        return [url.findtext(f"{SITEMAP}loc") for url in root.iter(f"{SITEMAP}url")]

    def all_addresses(self):
        return [url for page in self.section_pages() for url in self.addresses(page)]

    def test_index_lists_each_section_with_its_lastmod(self):
        pages = self.section_pages()
        self.assertEqual(
            sorted(pages),
            [
                f"http://testserver/sitemap-{section}.xml"
                for section in ("articles", "films", "lists", "people", "themes")
            ],
        )
        for page, lastmod in pages.items():
            self.assertTrue(lastmod, page)
            dt.datetime.fromisoformat(lastmod)
        self.assertEqual(
            pages["http://testserver/sitemap-articles.xml"][:19],
            self.interview.updated_at.isoformat()[:19],
        )

    def test_a_piece_that_appears_at_its_time_is_modified_then(self):
        """Scheduled ahead, a piece changes for readers when it appears, after its last edit:
        that is its lastmod, and the section's, rather than the time it was scheduled."""
        published_at = self.scheduled.published_at
        self.assertLess(self.scheduled.updated_at, published_at)
        with time_machine.travel(published_at + dt.timedelta(minutes=1)):
            pages = self.section_pages()
            section = "http://testserver/sitemap-articles.xml"
            self.assertEqual(dt.datetime.fromisoformat(pages[section]), published_at)
            response = self.client.get(section.removeprefix("http://testserver"))
            root = ElementTree.fromstring(response.content)
            lastmod = {
                url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
                for url in root.iter(f"{SITEMAP}url")
            }
            address = f"http://testserver{self.scheduled.get_absolute_url()}"
            self.assertEqual(lastmod[address], published_at.date().isoformat())  # a date

    def lastmods(self, section_page):
        response = self.client.get(section_page)
        root = ElementTree.fromstring(response.content)
        return {
            url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
            for url in root.iter(f"{SITEMAP}url")
        }

    def test_a_film_changes_when_a_piece_about_it_does(self):
        """A film's page lists its public pieces: a review published (or edited) changes it,
        and its lastmod, and the films section's, is then the piece's; a draft about it is no
        change readers see."""
        long_ago = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        film = make_film(title="Quiet Film", year=1999)
        Film.objects.filter(pk=film.pk).update(updated_at=long_ago)
        address = f"http://testserver{film.get_absolute_url()}"
        make_article(films=[film], title="A draft", status=Article.Status.DRAFT)
        self.assertEqual(self.lastmods("/sitemap-films.xml")[address], "2020-01-01")
        review = make_article(films=[film], title="A late review")
        Article.objects.filter(pk=review.pk).update(
            updated_at=dt.datetime(2024, 5, 6, tzinfo=dt.UTC),
            published_at=dt.datetime(2024, 5, 5, tzinfo=dt.UTC),
        )
        self.assertEqual(self.lastmods("/sitemap-films.xml")[address], "2024-05-06")
        section = self.section_pages()["http://testserver/sitemap-films.xml"]
        self.assertGreaterEqual(section[:10], "2024-05-06")

    def test_a_person_changes_with_their_pieces_and_films(self):
        """A person's page lists the pieces by, with or about them and the films they are
        credited on: each of these, changed, moves their lastmod; a draft does not (and
        someone only a draft names is not listed yet)."""
        long_ago = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        critic, subject, interviewee = (
            make_person(name=name) for name in ("Ana Critic", "Bo Subject", "Cy Answers")
        )
        film = make_film(title="Credited Film", year=2001)
        make_credit(film, subject)
        Person.objects.filter(pk__in=[critic.pk, subject.pk, interviewee.pk]).update(
            updated_at=long_ago
        )
        Film.objects.filter(pk=film.pk).update(updated_at=long_ago)

        def lastmod(person):
            return self.lastmods("/sitemap-people.xml")[
                f"http://testserver{person.get_absolute_url()}"
            ]

        draft = make_article(title="Draft", status=Article.Status.DRAFT)
        ArticleAuthor.objects.create(article=draft, person=critic)
        draft.people.add(subject)
        self.assertNotIn(
            f"http://testserver{critic.get_absolute_url()}",
            self.lastmods("/sitemap-people.xml"),
        )
        self.assertEqual(lastmod(subject), "2020-01-01")

        review = make_article(title="Signed")
        ArticleAuthor.objects.create(article=review, person=critic)
        review.people.add(subject)
        interview = make_article(title="Talk", kind=Article.Kind.INTERVIEW)
        make_exchange(interview, interviewee)
        Article.objects.filter(pk=review.pk).update(
            updated_at=dt.datetime(2023, 3, 4, tzinfo=dt.UTC),
            published_at=dt.datetime(2023, 3, 3, tzinfo=dt.UTC),
        )
        Article.objects.filter(pk=interview.pk).update(
            updated_at=dt.datetime(2022, 2, 2, tzinfo=dt.UTC),
            published_at=dt.datetime(2022, 2, 1, tzinfo=dt.UTC),
        )
        self.assertEqual(lastmod(critic), "2023-03-04")
        self.assertEqual(lastmod(subject), "2023-03-04")
        self.assertEqual(lastmod(interviewee), "2022-02-02")

        Film.objects.filter(pk=film.pk).update(updated_at=dt.datetime(2025, 6, 7, tzinfo=dt.UTC))
        self.assertEqual(lastmod(subject), "2025-06-07")
        section = self.section_pages()["http://testserver/sitemap-people.xml"]
        self.assertGreaterEqual(section[:10], "2025-06-07")

    def test_a_person_changes_with_the_quotes_they_said(self):
        """A person's page lists the quotes they said, from pieces that need not name them
        otherwise (a review quoting a director): a quote changed on its own page, which
        changes its piece, moves their lastmod as the piece's does; a draft's does not."""
        long_ago = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        speaker = make_person(name="Quoted Director")
        film = make_film(title="Quoted Film", year=2001)
        make_credit(film, speaker)
        review = make_article(title="Quoting review", films=[film], body="Words of theirs.")
        draft = make_article(
            title="Quoting draft", films=[film], body="Later words.", status=Article.Status.DRAFT
        )
        make_quote(review, film, "Words of theirs.", speaker=speaker)
        make_quote(draft, film, "Later words.", speaker=speaker)
        Person.objects.filter(pk=speaker.pk).update(updated_at=long_ago)
        Film.objects.filter(pk=film.pk).update(updated_at=long_ago)
        Article.objects.filter(pk=review.pk).update(updated_at=long_ago, published_at=long_ago)
        Article.objects.filter(pk=draft.pk).update(
            updated_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        )
        url = f"http://testserver{speaker.get_absolute_url()}"
        self.assertEqual(self.lastmods("/sitemap-people.xml")[url], "2020-01-01")
        Article.objects.filter(pk=review.pk).update(
            updated_at=dt.datetime(2023, 3, 4, tzinfo=dt.UTC)
        )
        self.assertEqual(self.lastmods("/sitemap-people.xml")[url], "2023-03-04")

    def test_sitemap_lists_public_pages_only(self):
        addresses = self.all_addresses()
        for url in (
            "http://testserver/",
            "http://testserver/films/last-men-in-aleppo/",
            "http://testserver/articles/",
            f"http://testserver{self.review.get_absolute_url()}",
            f"http://testserver{self.interview.get_absolute_url()}",
            "http://testserver/people/feras-fayyad/",
            "http://testserver/themes/syria/",
            "http://testserver/quotes/",
        ):
            self.assertIn(url, addresses)
        self.assertEqual(len(addresses), len(set(addresses)))
        text = " ".join(addresses)
        for article in (self.draft, self.scheduled):
            self.assertNotIn(article.get_absolute_url(), text)
        self.assertNotIn("draft-only-theme", text)
        self.assertNotIn("/preview/", text)

    def test_long_sections_are_cut_into_pages_of_at_most_the_limit(self):
        for number in range(5):
            make_film(title=f"Another film {number}")
        with mock.patch.object(ModelSitemap, "limit", 2):
            pages = self.section_pages()
            film_pages = [page for page in pages if "/sitemap-films.xml" in page]
            ids = sorted(Film.objects.values_list("pk", flat=True))
            expected = len({(pk - ids[0]) // 2 for pk in ids})  # the runs of 2 ids with a film
            self.assertGreaterEqual(expected, 4)
            self.assertEqual(len(film_pages), expected)
            self.assertIn(f"http://testserver/sitemap-films.xml?p={expected}", film_pages)
            films = [self.addresses(page) for page in film_pages]
            self.assertTrue(all(len(addresses) <= 2 for addresses in films))
            self.assertEqual(sum(map(len, films)), Film.objects.count())
            article_pages = [page for page in pages if "/sitemap-articles.xml" in page]
            articles = [url for page in article_pages for url in self.addresses(page)]
            self.assertEqual(len(articles), 2)  # the review and the interview only
            for page in (f"?p={expected + 1}", "?p=0", "?p=abc"):
                with self.subTest(page=page):
                    response = self.client.get(f"/sitemap-films.xml{page}")
                    self.assertEqual(response.status_code, 404)
        self.assertEqual(self.client.get("/sitemap-nothing.xml").status_code, 404)

    def test_a_run_of_ids_without_a_public_row_is_no_page(self):
        """Films deleted or pieces unpublished in a run (and ids PostgreSQL skips) left a page
        of their section without a single address: the index listed it all the same, as an
        empty urlset, which the sitemap schema refuses. The index lists only pages with
        addresses, each section's every address on one of them, and a page past them is not
        found."""
        films = [make_film(title=f"Another film {number}") for number in range(6)]
        pieces = [make_article(title=f"Another piece {number}") for number in range(6)]
        for film in films[1:5]:
            film.delete()
        Article.objects.filter(pk__in=[piece.pk for piece in pieces[1:5]]).update(
            status=Article.Status.DRAFT, published_at=None
        )
        with mock.patch.object(ModelSitemap, "limit", 2):
            pages = self.section_pages()
            for section, expected in (
                ("films", Film.objects.count()),
                ("articles", Article.objects.published().count()),
            ):
                with self.subTest(section=section):
                    listed = [page for page in pages if f"/sitemap-{section}.xml" in page]
                    addresses = [self.addresses(page) for page in listed]
                    self.assertTrue(all(addresses), listed)
                    self.assertEqual(sum(map(len, addresses)), expected)
                    past = self.client.get(f"/sitemap-{section}.xml?p={len(listed) + 1}")
                    self.assertEqual(past.status_code, 404)

    def test_robots_points_to_the_sitemap_index(self):
        response = self.client.get("/robots.txt")
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        self.assertContains(response, "Sitemap: http://testserver/sitemap.xml")
        self.assertContains(response, "Disallow: /preview/")
        self.assertNotContains(response, "/admin/")  # its address may be kept private


class EmptySitemapSectionTests(TestCase):
    """A section with nothing in it (an archive of films alone: no public piece, no theme) was
    listed in the index all the same, as an empty urlset, which sitemap validators refuse
    (a urlset holds at least one url). The index lists the sections that have addresses,
    and an empty section's page is not found, as a page past a section's last is."""

    @classmethod
    def setUpTestData(cls):
        film = make_film(title="Alone", year=2001)
        make_credit(film, make_person(name="Only Director"))
        make_article(title="Not yet", films=[film], status=Article.Status.DRAFT).themes.add(
            "unseen"
        )

    def test_the_index_lists_only_sections_with_addresses(self):
        root = ElementTree.fromstring(self.client.get("/sitemap.xml").content)
        listed = [entry.findtext(f"{SITEMAP}loc") for entry in root.iter(f"{SITEMAP}sitemap")]
        self.assertEqual(
            sorted(listed),
            [f"http://testserver/sitemap-{name}.xml" for name in ("films", "lists", "people")],
        )
        for url in listed:
            with self.subTest(url=url):
                response = self.client.get(url.removeprefix("http://testserver"))
                self.assertIn(b"<url>", response.content)

    def test_an_empty_section_is_not_found(self):
        for section in ("articles", "themes"):
            with self.subTest(section=section):
                self.assertEqual(self.client.get(f"/sitemap-{section}.xml").status_code, 404)


class OtherScriptAddressTests(PublicPageTestCase):
    """A film whose slug is in another script has its feeds; feeds and the sitemap give the
    addresses of such films, people and pieces absolute and percent-encoded."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        build_other_scripts(cls)

    def test_a_films_feeds(self):
        film, review = (
            f"http://testserver/films/{BAYT}/",
            f"http://testserver/articles/{BAYT_REVIEW}/",
        )
        for url in (f"/feeds/films/{BAYT}/", "/feeds/films/بيت/"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                channel = ElementTree.fromstring(response.content).find("channel")
                self.assertEqual(channel.findtext("link"), film)
                self.assertEqual(channel.find("item").findtext("link"), review)
        feed = ElementTree.fromstring(self.client.get(f"/feeds/films/{BAYT}/atom/").content)
        self.assertEqual(atom_problems(feed), [])
        links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
        self.assertEqual(
            links, {"alternate": film, "self": f"http://testserver/feeds/films/{BAYT}/atom/"}
        )
        entry = feed.find(f"{ATOM}entry")
        self.assertRegex(entry.findtext(f"{ATOM}id"), r"^tag:testserver,2026:article-\d+$")
        self.assertEqual(entry.find(f"{ATOM}link").get("href"), review)

    def test_the_sitemap(self):
        for section, path in (
            ("films", f"/films/{BAYT}/"),
            ("people", f"/people/{WONG}/"),
            ("articles", f"/articles/{BAYT_REVIEW}/"),
        ):
            with self.subTest(section=section):
                response = self.client.get(f"/sitemap-{section}.xml")
                root = ElementTree.fromstring(response.content)
                addresses = [url.findtext(f"{SITEMAP}loc") for url in root.iter(f"{SITEMAP}url")]
                self.assertIn(f"http://testserver{path}", addresses)


@skipUnless(connection.vendor == "sqlite", "PostgreSQL chooses plans by table sizes")
class SitemapIndexPlanTests(WithoutPlannerStatistics, PublicPageTestCase):
    """The sitemap index reads a few entries of an index per section and sorts nothing, as
    SQLite plans it: the latest change among public articles is found by walking the index of
    changes, not by sorting every public article (see archive.sitemaps.along_index)."""

    def test_the_index_sorts_nothing(self):
        with CaptureQueriesContext(connection) as queries:
            self.client.get("/sitemap.xml")
        for query in queries:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
                steps = [row[-1] for row in cursor.fetchall()]
            self.assertFalse([step for step in steps if "TEMP B-TREE" in step], query["sql"])

    def test_whom_only_unpublished_pieces_name_is_read_from_each_person(self):
        """The people only drafts and scheduled pieces name (left out of every list) are found
        from the hidden pieces, then each checked through their own links, each link's piece
        by its key: never by walking every public piece for each of them (six minutes at
        100,000 articles, as one join let SQLite plan it)."""
        with CaptureQueriesContext(connection) as queries:
            named_only_by_hidden_pieces()
        (query,) = queries
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
            steps = [row[-1] for row in cursor.fetchall()]
        public_walk = "article_public_idx (status=? AND published_at<?)"
        self.assertFalse([step for step in steps if public_walk in step], steps)
        self.assertFalse([step for step in steps if step.startswith("SCAN")], steps)

    def test_a_persons_pieces_are_found_from_the_person(self):
        """Each person's latest piece is looked for through their own links (byline,
        interviews, questions, answers, pieces about them), never by walking every public
        piece along the public rule's index for each person of the page."""
        with CaptureQueriesContext(connection) as queries:
            self.client.get("/sitemap-people.xml")
        (page,) = [query["sql"] for query in queries if "in_piece_0" in query["sql"]]
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {page}")
            steps = [row[-1] for row in cursor.fetchall()]
        self.assertFalse([step for step in steps if "article_public_idx" in step], steps)
        self.assertFalse([step for step in steps if step.startswith("SCAN")], steps)
