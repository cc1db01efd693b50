"""The API's OpenAPI description is valid and says what is served: real answers, errors
included, are checked against it. Its reference page is a page of the site that needs nothing
from elsewhere and keeps to the site's Content Security Policy."""

import json
import re
import subprocess

import pytest
from django.core.cache import cache
from django.test import TestCase, override_settings
from jsonschema import Draft202012Validator, ValidationError, validators
from openapi_core import Config, OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .conftest import csp_recording_page
from .public_data import BAYT, BAYT_REVIEW, WONG, build_archive, build_other_scripts

API = "/api/v1"


class SchemaTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_archive(cls)
        cls.interview.interviewer = cls.critic
        cls.interview.save()

    def setUp(self):
        cache.delete("throttle_api_127.0.0.1")

    def schema(self):
        response = self.client.get(f"{API}/schema/")
        self.assertEqual(response.status_code, 200)
        return json.loads(response.content)

    def test_the_description_is_valid_openapi_3(self):
        schema = self.schema()
        self.assertTrue(schema["openapi"].startswith("3."))
        validate(schema)
        self.assertEqual(
            sorted(schema["paths"]),
            [
                f"{API}/articles/", f"{API}/articles/{{slug}}/", f"{API}/films/",
                f"{API}/films/{{slug}}/", f"{API}/people/", f"{API}/people/{{slug}}/",
                f"{API}/quotes/", f"{API}/quotes/{{id}}/", f"{API}/themes/",
                f"{API}/themes/{{slug}}/",
            ],
        )  # fmt: skip

    def test_answers_match_the_description(self):
        openapi = OpenAPI.from_dict(
            self.schema(),
            config=Config(extra_media_type_deserializers={"application/problem+json": json.loads}),
        )
        urls = [
            f"{API}/films/",
            f"{API}/films/?year=2017&kind=documentary&theme=syria&q=aleppo",
            f"{API}/films/last-men-in-aleppo/",
            f"{API}/films/the-white-helmets/",
            f"{API}/people/",
            f"{API}/people/?role=critic&letter=a",
            f"{API}/people/feras-fayyad/",
            f"{API}/people/khaled-omar-harrah/",
            f"{API}/articles/",
            f"{API}/articles/?kind=interview&person=feras-fayyad&film=last-men-in-aleppo",
            f"{API}/articles/?page=last",
            f"{API}/articles/an-unforgettable-portrait/",
            f"{API}/articles/fayyad-on-filming/",
            f"{API}/quotes/",
            f"{API}/quotes/{self.body_quote.pk}/",
            f"{API}/quotes/{self.answer_quote.pk}/",
            f"{API}/themes/",
            f"{API}/themes/syria/",
            # Problems are described too.
            f"{API}/films/?year=abc",
            f"{API}/articles/?after=nothing",
            f"{API}/films/nothing/",
            f"{API}/quotes/{self.draft_quote.pk}/",
        ]
        for url in urls:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertIn(response.status_code, (200, 400, 404))
                openapi.validate_response(
                    DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
                )
        # Asked again with the ETag: a 304, described too.
        response = self.client.get(f"{API}/films/")
        again = self.client.get(f"{API}/films/", headers={"If-None-Match": response["ETag"]})
        self.assertEqual(again.status_code, 304)
        openapi.validate_response(
            DjangoOpenAPIRequest(again.wsgi_request), DjangoOpenAPIResponse(again)
        )

    def test_a_write_is_described_as_405(self):
        operation = self.schema()["paths"][f"{API}/films/"]["get"]
        for code in ("400", "404", "405", "429"):
            self.assertIn("application/problem+json", operation["responses"][code]["content"])

    def test_reference_page(self):
        """Every address and every object of the description, on a page of the site with no
        script and nothing fetched from elsewhere."""
        response = self.client.get(f"{API}/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<h1>The content API</h1>", html=True)
        for path in self.schema()["paths"]:
            self.assertContains(response, f"<code>GET {path}</code>")
        self.assertContains(response, 'id="object-FilmDetail"')
        self.assertContains(response, "wikidata_property")
        self.assertNotContains(response, "<script")
        self.assertNotContains(response, " style=")
        for address in re.findall(r'(?:src|href)="([^"#]+)"', response.content.decode()):
            self.assertTrue(address.startswith(("/", "http://testserver/")), address)
        self.assertIn("script-src 'self'", response["Content-Security-Policy"])

    @override_settings(API_RATE="5000/hour")
    def test_reference_page_states_the_rate_limit(self):
        """The page says how many requests a client may make, as DJANGO_API_RATE sets it, and
        that they are counted across the API: it said each address allowed so many a minute,
        whatever the rate, as if each address had a budget of its own."""
        response = self.client.get(f"{API}/")
        self.assertContains(response, "may make <code>5000/hour</code> requests to the API")
        self.assertNotContains(response, "a minute")


def ecma_pattern(validator, pattern, instance, schema):
    """JSON Schema's `pattern` as JSON Schema reads it, in ECMA-262's dialect: there `\\w` and
    `\\d` are ASCII only, as with Python's re.ASCII (a JavaScript client's validator, ajv)."""
    if validator.is_type(instance, "string") and not re.search(pattern, instance, re.ASCII):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


ECMAValidator = validators.extend(Draft202012Validator, {"pattern": ecma_pattern})


class OtherScriptSchemaTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_other_scripts(cls)

    def setUp(self):
        cache.delete("throttle_api_127.0.0.1")

    def test_slugs_in_other_scripts_match_the_description_as_json_schema_reads_it(self):
        """A client checking answers against the description with a JavaScript validator
        accepts a film, person, piece and theme whose slugs are in Arabic or Chinese script:
        the description's slugs had the pattern `^[-\\w]+$`, which JSON Schema reads as
        ECMA-262 does, ASCII letters only, and refused every one of them."""
        description = json.loads(self.client.get(f"{API}/schema/").content)
        registry = Registry().with_resource(
            "urn:api", Resource.from_contents(description, default_specification=DRAFT202012)
        )
        self.bayt.themes.add("سوريا")
        for url, component, path in (
            (f"{API}/films/{BAYT}/", "FilmDetail", f"{API}/films/{{slug}}/"),
            (f"{API}/people/{WONG}/", "PersonDetail", f"{API}/people/{{slug}}/"),
            (f"{API}/articles/{BAYT_REVIEW}/", "ArticleDetail", f"{API}/articles/{{slug}}/"),
            (f"{API}/themes/", "PaginatedThemeList", f"{API}/themes/{{slug}}/"),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                answer = json.loads(response.content)
                schema = {"$ref": f"urn:api#/components/schemas/{component}"}
                ECMAValidator(schema, registry=registry).validate(answer)
                slug = answer["results"][0]["slug"] if "results" in answer else answer["slug"]
                (parameter,) = description["paths"][path]["get"]["parameters"]
                ECMAValidator(parameter["schema"]).validate(slug)


@pytest.mark.once
@pytest.mark.django_db(transaction=True)
def test_reference_page_in_a_browser_keeps_the_policy(browser, live_server):
    cache.delete("throttle_api_127.0.0.1")  # the API's rate limit, counted across tests
    with csp_recording_page(browser) as page:
        page.goto(f"{live_server.url}{API}/")
        assert page.locator("h1").inner_text() == "The content API"
        assert page.locator("#films_list").count() == 1
        # The site's stylesheet applies.
        assert page.evaluate("document.styleSheets.length") >= 1


@pytest.mark.once
@pytest.mark.django_db
def test_reference_page_is_valid_html(client, vnu, tmp_path):
    page = tmp_path / "reference.html"
    page.write_bytes(client.get(f"{API}/").content)
    result = subprocess.run(
        [*vnu, "--errors-only", "--format", "json", str(page)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    assert [m["message"] for m in messages] == []
