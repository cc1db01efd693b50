"""Hostile values in every parameter of every API address never make a 5xx: a bad value is a
problem (400 or 404, as JSON), whatever it holds. The addresses and their parameters are read
from the API's own OpenAPI description, so a new parameter is fuzzed as soon as it exists."""

import json
from urllib.parse import quote

from django.test import Client, TestCase, override_settings

from .public_data import build_archive

API = "/api/v1"
HOSTILE_VALUES = [
    "x" * 3_000,
    "\x00",
    "a\x00b",
    "\r\nSet-Cookie: evil=1",
    "\x01\x02\x1f\x7f",
    "../../etc/passwd",
    "' OR 1=1 --",
    "1; DROP TABLE archive_film",
    '"unbalanced',
    "NEAR(a b) OR * AND -",
    "\u202e\u2066",
    "🎬",
    "حلب",
    "\udcff",
    "-1",
    "0",
    "99999999999999999999999999",
    "-99999999999999999999999999",
    "9223372036854775808",
    "1e309",
    "NaN",
    "1.5",
    "<script>alert(1)</script>",
    "%",
    "null",
    "[]",
    "{}",
]


def encoded(value):
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


@override_settings(API_RATE="1000000/min")
class APIFuzzTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_archive(cls)

    def setUp(self):
        self.client = Client(raise_request_exception=False)
        schema = json.loads(self.client.get(f"{API}/schema/").content)
        self.operations = {path: item["get"] for path, item in schema["paths"].items()}

    def assertAnswered(self, url):
        response = self.client.get(url)
        self.assertLess(response.status_code, 500, url[:200])
        if response.status_code >= 400:
            self.assertEqual(response["Content-Type"], "application/problem+json", url[:200])
            self.assertEqual(json.loads(response.content)["status"], response.status_code)
        return response

    def example_path(self, path):
        return (
            path.replace("{slug}", "last-men-in-aleppo")
            .replace("{id}", str(self.body_quote.pk))
            .replace("/themes/last-men-in-aleppo/", "/themes/syria/")
        )

    def test_every_query_parameter(self):
        self.assertEqual(len(self.operations), 10)
        for path, operation in self.operations.items():
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            for name in [*names, "format", "page_size", "ordering"]:
                for value in HOSTILE_VALUES:
                    with self.subTest(path=path, name=name, value=value[:20]):
                        self.assertAnswered(f"{self.example_path(path)}?{name}={encoded(value)}")

    def test_every_path_parameter(self):
        for path in self.operations:
            if "{" not in path:
                continue
            for value in HOSTILE_VALUES:
                with self.subTest(path=path, value=value[:20]):
                    filled = path.replace("{slug}", encoded(value)).replace("{id}", encoded(value))
                    self.assertAnswered(filled)

    def test_repeated_odd_and_unknown_parameters(self):
        for query in (
            "year=1&year=2",
            "year=2017&year=abc",
            "theme=syria&theme=nothing",
            "after=a&after=b",
            "page=1&page=last",
            "year[]=1",
            "page",
            "=",
            "&&&",
            "q",
            "unknown=1",
            f"{'p' * 2000}=1",
        ):
            for path in self.operations:
                with self.subTest(path=path, query=query):
                    self.assertAnswered(f"{self.example_path(path)}?{query}")

    def test_hostile_session_cookies(self):
        """A session cookie is read before the page cache answers, to know whether an editor
        is signed in: one holding a NUL (sent quoted, `sessionid="abcdefgh\\000ijkl"`) made
        every address of the API a 500 on PostgreSQL, whose driver refuses the character. No
        session has such a key: the request is answered as anyone's."""
        addresses = [self.example_path(path) for path in self.operations]
        anyones = [self.client.get(address).content for address in addresses]
        for cookie in ("abcdefgh\x00ijkl", "\x00" * 8, "x" * 5_000):
            self.client.cookies["sessionid"] = cookie
            for address, content in zip(addresses, anyones, strict=True):
                with self.subTest(address=address, cookie=cookie[:20]):
                    self.assertEqual(self.assertAnswered(address).content, content)

    def test_odd_addresses_under_the_api(self):
        for address in (
            "nothing",
            "films/last-men-in-aleppo/extra/",
            "films//",
            "films/%2F..%2F/",
            "quotes/-1/",
            "quotes/99999999999999999999999999/",
            "quotes/1.5/",
            "themes/%00/",
            "%F0%9F%8E%AC/",
            "%ED%A0%80/",
            "schema/extra/",
            ".env",
        ):
            with self.subTest(address=address):
                response = self.assertAnswered(f"{API}/{address}")
                self.assertIn(response.status_code, (301, 404))
