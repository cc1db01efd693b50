"""Long lists are read page by page from where the last page ended (archive.pagination): the
pages follow one another without gaps or repeats both ways, and an address naming no page is a
clear 404."""

import html
import re
from pathlib import Path

from django.test import TestCase

from archive.api.views import PublicList
from archive.feeds import FEED_LENGTH
from archive.models import Film, Quote
from archive.views import ArticleListView, FilmListView, PersonListView, QuoteListView

from .factories import make_article, make_film, make_quote


class KeysetPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        for number in range(28):  # more than one page of 24
            make_film(title=f"Film {number:02}", year=2000 + number % 3)
        make_film(title="Film 07", year=1999)  # same title: the year, then the id, decide
        make_film(title="Film 07", year=1999)
        sentences = [f"Sentence number {number}." for number in range(35)]
        cls.article = make_article(body=" ".join(sentences))
        cls.film = Film.objects.first()
        for sentence in sentences:  # more than one page of 30
            make_quote(cls.article, cls.film, sentence)

    def walk(self, url, rel, item):
        """Every item of a list, following its `rel` links from `url`, in reading order."""
        pages, items = 0, []
        while url:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            content = response.content.decode()
            found = re.findall(item, content)
            items = items + found if rel == "next" else found + items
            link = re.search(rf'<a rel="{rel}" href="(\?[^"]+)"', content)
            url = f"{url.split('?')[0]}{html.unescape(link[1])}" if link else None
            pages += 1
        return items, pages

    def test_film_pages_follow_one_another_both_ways(self):
        expected = [film.slug for film in Film.objects.order_by("title", "year", "pk")]
        item = r'<li class="film-item"><a href="/films/([^/]+)/"'
        self.assertEqual(self.walk("/films/", "next", item), (expected, 2))
        self.assertEqual(self.walk("/films/?page=last", "prev", item), (expected, 2))

    def test_quote_pages_newest_first_both_ways(self):
        expected = [
            f"#quote-{pk}" for pk in Quote.objects.order_by("-pk").values_list("pk", flat=True)
        ]
        item = r'<blockquote cite="/articles/[^/]+/(#quote-\d+)"'
        self.assertEqual(self.walk("/quotes/", "next", item), (expected, 2))
        self.assertEqual(self.walk("/quotes/?page=last", "prev", item), (expected, 2))

    def test_filters_are_kept_from_page_to_page(self):
        response = self.client.get("/films/?year=2001")
        self.assertNotContains(response, 'rel="next"')  # ten films: one page
        response = self.client.get(f"/quotes/?film={self.film.slug}")
        self.assertContains(response, f'href="?film={self.film.slug}&amp;after=')

    def test_addresses_naming_no_page_are_404(self):
        for url in (
            "/films/?after=no-such-film",
            "/films/?page=2",
            "/films/?page=last&before=film-00",
            "/quotes/?after=abc",
            "/quotes/?before=99999999999999999999",
            "/quotes/?after=-1",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)


def test_readme_gives_each_lists_page_size():
    """README said the API's lists come "20 to a page, as the site's lists do": the site's
    films come 24 to a page, its people 60 and its quotes 30. README now gives each list's
    size as the views set it."""
    readme = " ".join((Path(__file__).resolve().parent.parent / "README.md").read_text().split())
    assert (
        f"The lists come in pages of {FilmListView.paginate_by} films, "
        f"{ArticleListView.paginate_by} articles, {PersonListView.paginate_by} people and "
        f"{QuoteListView.paginate_by} quotes; the feeds carry the latest {FEED_LENGTH} articles."
    ) in readme
    assert f"The API's lists come {PublicList.page_size} to a page" in readme
