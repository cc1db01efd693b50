"""Feeds, the sitemap and robots.txt carry only what readers may see."""

from xml.etree import ElementTree

from .test_pages import PublicPageTestCase

ATOM = "{http://www.w3.org/2005/Atom}"


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
    def test_sitemap_lists_public_pages_only(self):
        response = self.client.get("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        for url in (
            "http://testserver/",
            "http://testserver/films/last-men-in-aleppo/",
            f"http://testserver{self.review.get_absolute_url()}",
            f"http://testserver{self.interview.get_absolute_url()}",
            "http://testserver/people/feras-fayyad/",
            "http://testserver/themes/syria/",
            "http://testserver/quotes/",
        ):
            self.assertContains(response, f"<loc>{url}</loc>")
        for article in (self.draft, self.scheduled):
            self.assertNotContains(response, article.get_absolute_url())
        self.assertNotContains(response, "draft-only-theme")
        self.assertNotContains(response, "/preview/")

    def test_robots_points_to_sitemap(self):
        response = self.client.get("/robots.txt")
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        self.assertContains(response, "Sitemap: http://testserver/sitemap.xml")
        self.assertContains(response, "Disallow: /preview/")
        self.assertNotContains(response, "/admin/")  # its address may be kept private
