"""The article list: every public piece newest first, its filters, and pages that never fail."""

import datetime as dt
import re

from django.utils import timezone

from archive.models import Article

from .factories import make_article
from .test_pages import PublicPageTestCase


def titles(response):
    return re.findall(r'<h3><a href="/articles/[^"]+/">([^<]+)</a></h3>', response.content.decode())


class ArticleListTests(PublicPageTestCase):
    def test_public_pieces_newest_first(self):
        response = self.client.get("/articles/")
        self.assertEqual(titles(response), ["Fayyad on filming", "An unforgettable portrait"])
        self.assertNothingHidden(response)
        self.assertContains(response, '<a href="/articles/">Articles</a>', html=True)
        self.assertContains(response, 'href="/feeds/articles/"')
        self.assertNotContains(response, 'class="pagination"')

    def test_filters(self):
        for query, expected in (
            ("kind=review", ["An unforgettable portrait"]),
            ("kind=interview&theme=documentary-ethics", ["Fayyad on filming"]),
            ("theme=syria", ["An unforgettable portrait"]),
            ("film=the-white-helmets", ["Fayyad on filming"]),
            ("person=feras-fayyad", ["Fayyad on filming"]),  # interviewed
            ("person=ada-critic", ["An unforgettable portrait"]),  # by
            ("person=khaled-omar-harrah", ["An unforgettable portrait"]),  # about
        ):
            with self.subTest(query=query):
                response = self.client.get(f"/articles/?{query}")
                self.assertEqual(titles(response), expected)
                self.assertNothingHidden(response)
        response = self.client.get("/articles/?film=the-white-helmets")
        self.assertContains(response, "Articles on <a")
        self.assertContains(response, 'href="/feeds/films/the-white-helmets/"')
        self.assertContains(response, 'href="/feeds/films/the-white-helmets/atom/"')
        # The film's title is a title there too, as in the line above the list.
        self.assertContains(response, "Follow articles on <cite>The White Helmets</cite> (RSS)")
        response = self.client.get("/articles/?theme=syria")
        self.assertContains(response, 'href="/feeds/themes/syria/"')
        self.assertContains(response, 'href="/feeds/themes/syria/atom/"')  # as on the theme's page

    def test_a_list_filtered_further_than_its_feed_says_so(self):
        """A theme's reviews (`?theme=…&kind=review`) offered "Follow articles on Syria", a
        feed that carries its interviews and features too: no feed follows such a list, and
        the one offered says it carries all of the theme's (or film's, or every new) pieces."""
        for query, feed, label in (
            ("theme=syria&kind=review", "/feeds/themes/syria/", "all articles on Syria"),
            ("theme=syria&year=2017", "/feeds/themes/syria/", "all articles on Syria"),
            (
                "film=the-white-helmets&kind=interview",
                "/feeds/films/the-white-helmets/",
                "all articles on <cite>The White Helmets</cite>",
            ),
            ("kind=review", "/feeds/articles/", "all new articles"),
        ):
            with self.subTest(query=query):
                response = self.client.get(f"/articles/?{query}")
                self.assertContains(response, "These filters have no feed of their own.")
                self.assertContains(
                    response, f'<a href="{feed}">Follow {label} (RSS)</a>', html=True
                )
        for query, label in (
            ("theme=syria", "articles on Syria"),
            ("film=the-white-helmets", "articles on <cite>The White Helmets</cite>"),
            ("", "new articles"),
        ):
            with self.subTest(query=query):
                response = self.client.get(f"/articles/?{query}")
                self.assertNotContains(response, "no feed of their own")
                self.assertContains(response, f">Follow {label} (RSS)</a>")

    def test_filters_offer_only_what_readers_can_see(self):
        now = timezone.now()
        for year in (2010, 2012):
            make_article(title=f"From {year}", published_at=now.replace(year=year))
        make_article(
            title="Old draft", status=Article.Status.DRAFT, published_at=now.replace(year=2001)
        )
        response = self.client.get("/articles/")
        options = re.findall(r'<option value="(\d{4})"', response.content.decode())
        self.assertEqual(options, [str(now.year), "2012", "2010"])
        self.assertContains(response, '<option value="syria">Syria</option>', html=True)
        self.assertNotContains(response, "draft-only")
        self.assertNotContains(response, 'value="civil-defence"')  # on films only
        self.assertEqual(titles(self.client.get("/articles/?year=2012")), ["From 2012"])

    def test_pages_follow_one_another_without_gaps(self):
        now = timezone.now()
        for number in range(23):
            make_article(
                title=f"Piece {number:02}", published_at=now - dt.timedelta(days=10 + number)
            )
        expected = list(Article.objects.published().values_list("title", flat=True))
        self.assertEqual(len(expected), 25)

        first = self.client.get("/articles/")
        self.assertEqual(titles(first), expected[:20])
        self.assertNotContains(first, 'rel="prev"')
        older = re.search(r'<a rel="next" href="\?([^"]+)">Older</a>', first.content.decode())
        self.assertEqual(older[1], f"after={Article.objects.get(title=expected[19]).slug}")
        second = self.client.get(f"/articles/?{older[1]}")
        self.assertEqual(titles(second), expected[20:])
        self.assertNotContains(second, 'rel="next"')
        self.assertContains(
            second, f'<link rel="canonical" href="http://testserver/articles/?{older[1]}">'
        )

        last = self.client.get("/articles/?page=last")
        self.assertEqual(titles(last), expected[5:])
        newer = re.search(r'<a rel="prev" href="\?([^"]+)">Newer</a>', last.content.decode())
        self.assertEqual(titles(self.client.get(f"/articles/?{newer[1]}")), expected[:5])

        filtered = self.client.get("/articles/?kind=review&page=last")
        self.assertEqual(titles(filtered), [t for t in expected if t != "Fayyad on filming"][-20:])
        self.assertContains(filtered, "?kind=review&amp;before=")
        # A filtered page's address is its own (with its filters), not the unfiltered list's.
        self.assertContains(
            filtered,
            '<link rel="canonical" href="http://testserver/articles/?kind=review&amp;page=last">',
        )

    def test_canonical_address_keeps_the_filters_understood(self):
        for query, canonical in (
            ("kind=review", "?kind=review"),
            ("kind=review&utm_source=newsletter", "?kind=review"),
            ("kind=nonsense&theme=syria", "?theme=syria"),
            ("kind=nonsense", ""),
        ):
            with self.subTest(query=query):
                self.assertContains(
                    self.client.get(f"/articles/?{query}"),
                    f'<link rel="canonical" href="http://testserver/articles/{canonical}">',
                )

    def test_canonical_address_writes_each_filter_one_way(self):
        """`?year=2012.0`, `?year=+2012` and `?year=02012` are the list of `?year=2012`, and
        name it as their address: each named itself, so that one list was several pages to a
        search engine."""
        make_article(title="From 2012", published_at=timezone.now().replace(year=2012))
        for query in ("year=2012.0", "year=+2012", "year=02012", "year=%202012%20"):
            with self.subTest(query=query):
                response = self.client.get(f"/articles/?{query}")
                self.assertEqual(titles(response), ["From 2012"])
                self.assertContains(
                    response, '<link rel="canonical" href="http://testserver/articles/?year=2012">'
                )

    def test_bad_parameters_give_a_clear_answer(self):
        response = self.client.get("/articles/?kind=nonsense&year=abc&theme=nope&film=nope")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Some filters were not understood")
        self.assertEqual(len(titles(response)), 2)
        response = self.client.get("/articles/?year=99999999999999999999&person=%00")
        self.assertContains(response, "Some filters were not understood")
        for query in (
            "after=no-such-article",
            f"after={self.draft.slug}",
            f"before={self.scheduled.slug}",
            f"after={self.review.slug}&before={self.review.slug}",
            "page=2",
            "page=abc",
            "after=%00",
        ):
            with self.subTest(query=query):
                self.assertEqual(self.client.get(f"/articles/?{query}").status_code, 404)
