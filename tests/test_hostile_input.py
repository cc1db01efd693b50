"""Bad input never yields a 500: every public URL pattern, walked with hostile values."""

import re

from django.core.management import call_command
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver

HOSTILE_VALUES = [
    "x" * 10_000,
    "%00",
    "a%00b",
    "%0d%0aSet-Cookie:%20evil=1",
    "%01%02%1f%7f",
    "..%2F..%2Fetc%2Fpasswd",
    "../../etc/passwd",
    "' OR 1=1 --",
    "1; DROP TABLE archive_film",
    "%E2%80%AE%E2%81%A6",  # bidi controls
    "%F0%9F%8E%AC",  # an emoji
    "%D8%AD%D9%84%D8%A8",  # Arabic
    "%ED%A0%80",  # an invalid UTF-8 surrogate
    "%FF%FE",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "<script>alert(1)</script>",
    "%25",
    "null",
]
QUERY_PARAMETERS = ["page", "year", "kind", "theme", "film", "person", "q", "role", "letter"]


def public_patterns(resolver=None, prefix=""):
    """(route, pattern) for every URL pattern except the admin's."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            yield from public_patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def fill(route, value):
    path = re.sub(r"<(?:\w+:)?\w+>", value, route.lstrip("^").rstrip("$"))
    return "/" + path.replace("\\", "")


class HostileInputTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("loaddata", "demo", verbosity=0)

    def setUp(self):
        self.client = Client(raise_request_exception=False)

    def assertNoServerError(self, url):
        response = self.client.get(url)
        self.assertLess(response.status_code, 500, url[:200])

    def test_hostile_values_in_paths(self):
        routes = list(public_patterns())
        self.assertGreater(len(routes), 15)
        for route in routes:
            for value in HOSTILE_VALUES:
                with self.subTest(route=route, value=value[:30]):
                    self.assertNoServerError(fill(route, value))

    def test_hostile_values_in_query_parameters(self):
        routes = [r for r in public_patterns() if "<" not in r]
        routes += ["films/last-men-in-aleppo/", "themes/syria/", "feeds/films/last-men-in-aleppo/"]
        for route in routes:
            for value in HOSTILE_VALUES:
                query = "&".join(f"{name}={value}" for name in QUERY_PARAMETERS)
                with self.subTest(route=route, value=value[:30]):
                    self.assertNoServerError(f"/{route}?{query}")

    def test_a_value_from_the_address_is_not_shown_back_with_its_controls(self):
        """A filter's value that is not one of its choices is reported, not repeated: the
        message put it in the page as it came, a NUL or another control character (which no
        HTML page may hold) or a right-to-left override that reversed the rest of the
        message ("Select a valid choice. <U+202E>nope is not one of the available choices.")."""
        controls = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
        routes = [r for r in public_patterns() if "<" not in r and not r.startswith("api/")]
        for route in routes:
            for value in ("a%00b", "%01%1f%7f", "%E2%80%AEnope", "%E2%81%A6x"):
                query = "&".join(f"{name}={value}" for name in QUERY_PARAMETERS if name != "q")
                with self.subTest(route=route, value=value):
                    response = self.client.get(f"/{route}?{query}")
                    body = response.content.decode(errors="replace")
                    self.assertIsNone(controls.search(body))

    def test_repeated_and_odd_parameters(self):
        for query in ("page=1&page=2", "page=", "page", "&&&", "=", "year[]=1", "theme=a&theme=b"):
            with self.subTest(query=query):
                self.assertNoServerError(f"/films/?{query}")
                self.assertNoServerError(f"/quotes/?{query}")

    def test_methods_other_than_reading_are_refused(self):
        """Public pages are read (GET, HEAD): any other method (a write, TRACE or OPTIONS) gets
        405 and the methods allowed, from class views and function views (search, feeds,
        sitemap) alike; a write is not told that its CSRF token is missing, as if a form could
        be sent there."""
        client = Client(raise_request_exception=False, enforce_csrf_checks=True)
        urls = ["/", "/search/?q=aleppo", "/feeds/articles/", "/sitemap.xml", "/robots.txt"]
        urls += ["/films/last-men-in-aleppo/", "/films/last-men-in-aleppo/card.png"]
        for url in urls:
            for method in ("trace", "options", "post", "put", "patch", "delete"):
                with self.subTest(url=url, method=method):
                    response = getattr(client, method)(url)
                    self.assertEqual(response.status_code, 405)
                    self.assertEqual(response["Allow"], "GET, HEAD")
            with self.subTest(url=url, method="head"):
                self.assertEqual(client.head(url).status_code, 200)

    def test_path_that_begins_with_two_slashes(self):
        """`/%2F…` decodes to a path beginning with `//`: the 404 page's own address (its
        og:url) stays on this site, escaped, instead of raising (it answered 500)."""
        for url, address in (
            ("/%2F.Aleppo%1B%5B31m%23%2B", "http://testserver//.Aleppo%1B%5B31m%23+"),
            ("/%2F%2Fevil.example/", "http://testserver///evil.example/"),
            ("/%2F[::1/", "http://testserver//%5B::1/"),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(
                    response, f'<meta property="og:url" content="{address}">', status_code=404
                )


class HostileAdminAddressTests(TestCase):
    """An editor's crafted admin address (a filter or an autocomplete term holding a NUL, an
    id too large for the database) is answered with a page, never a server error.
    PostgreSQL refuses NUL in text: those answer 400 there."""

    @classmethod
    def setUpTestData(cls):
        from django.contrib.auth import get_user_model

        cls.editor = get_user_model().objects.create_superuser("desk", "desk@example.org", "pw")

    def setUp(self):
        self.client = Client(raise_request_exception=False)
        self.client.force_login(self.editor)

    def test_crafted_filters_and_terms(self):
        autocomplete = "/admin/autocomplete/?app_label=archive&model_name=article&field_name=films"
        for url in (
            "/admin/archive/article/?status=%00",
            "/admin/archive/article/?kind__exact=a%00b",
            "/admin/archive/film/?kind__exact=%00",
            f"{autocomplete}&term=%00",
            f"/admin/archive/article/?films__id__exact={2**70}",
            f"/admin/archive/film/{2**70}/change/",
        ):
            with self.subTest(url=url):
                self.assertLess(self.client.get(url).status_code, 500)
