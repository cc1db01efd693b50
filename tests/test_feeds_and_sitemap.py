"""Feeds, the sitemap and robots.txt carry only what readers may see."""

import datetime as dt
from unittest import mock
from xml.etree import ElementTree

from archive.models import Film
from archive.sitemaps import ModelSitemap

from .factories import make_film
from .test_pages import PublicPageTestCase

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


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

    def test_pages_announce_their_feeds(self):
        response = self.client.get("/films/last-men-in-aleppo/")
        self.assertContains(response, 'type="application/rss+xml"', count=2)
        self.assertContains(response, 'href="/feeds/films/last-men-in-aleppo/"')


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
            expected = (ids[-1] - ids[0]) // 2 + 1  # pages are runs of 2 ids
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

    def test_robots_points_to_the_sitemap_index(self):
        response = self.client.get("/robots.txt")
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        self.assertContains(response, "Sitemap: http://testserver/sitemap.xml")
        self.assertContains(response, "Disallow: /preview/")
        self.assertNotContains(response, "/admin/")  # its address may be kept private
