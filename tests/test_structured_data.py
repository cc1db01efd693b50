"""JSON-LD on public pages uses real schema.org types and properties, and only public facts."""

import datetime as dt
import json
import re
from pathlib import Path

import time_machine

from archive.models import Article, Credit

from .factories import make_credit, make_person
from .public_data import BAYT, BAYT_REVIEW, WONG, build_other_scripts
from .test_pages import PublicPageTestCase

VOCABULARY = json.loads((Path(__file__).parent / "data" / "schemaorg.json").read_text())
TYPES, PROPERTIES = VOCABULARY["types"], VOCABULARY["properties"]


def supertypes(type_name):
    seen, pending = set(), [type_name]
    while pending:
        current = pending.pop()
        if current not in seen:
            seen.add(current)
            pending.extend(TYPES.get(current, {}).get("super", []))
    return seen


def vocabulary_problems(node, path="$"):
    """Every type that doesn't exist and every property used on a type it doesn't belong to."""
    problems = []
    if isinstance(node, list):
        for index, item in enumerate(node):
            problems += vocabulary_problems(item, f"{path}[{index}]")
        return problems
    if not isinstance(node, dict):
        return problems
    type_name = node.get("@type")
    if type_name not in TYPES:
        return [f"{path}: unknown type {type_name!r}"]
    ancestry = supertypes(type_name)
    for key, value in node.items():
        if key.startswith("@"):
            continue
        prop = PROPERTIES.get(key)
        if prop is None:
            problems.append(f"{path}.{key}: unknown property")
        elif prop.get("superseded"):
            problems.append(f"{path}.{key}: superseded property")
        elif not ancestry & set(prop["domain"]):
            problems.append(f"{path}.{key}: not a property of {type_name}")
        problems += vocabulary_problems(value, f"{path}.{key}")
    return problems


class StructuredDataTests(PublicPageTestCase):
    def json_ld(self, url):
        content = self.client.get(url).content.decode()
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
        self.assertEqual(len(blocks), 1, url)
        data = json.loads(blocks[0])
        self.assertEqual(data["@context"], "https://schema.org")
        self.assertEqual(vocabulary_problems(data), [])
        return data

    def test_checker_catches_mistakes(self):
        self.assertEqual(
            vocabulary_problems({"@type": "Movie", "headline": "x", "duration": "PT1M"}), []
        )
        self.assertTrue(vocabulary_problems({"@type": "Movie", "reviewBody": "x"}))
        self.assertTrue(vocabulary_problems({"@type": "Film"}))

    def test_movie(self):
        data = self.json_ld("/films/last-men-in-aleppo/")
        self.assertEqual(data["@type"], "Movie")
        self.assertEqual(data["name"], "Last Men in Aleppo")
        self.assertEqual(data["alternateName"], "آخر الرجال في حلب")
        self.assertEqual(data["duration"], "PT1H44M")
        self.assertEqual(data["dateCreated"], "2017")
        self.assertEqual([c["name"] for c in data["countryOfOrigin"]], ["Denmark", "Syria"])
        self.assertEqual(data["inLanguage"], ["ar"])
        self.assertEqual([p["name"] for p in data["director"]], ["Feras Fayyad"])
        self.assertEqual([p["name"] for p in data["actor"]], ["Khaled Omar Harrah"])
        self.assertEqual(
            data["award"],
            ["World Cinema Grand Jury Prize: Documentary, Sundance Film Festival, 2017"],
        )
        self.assertEqual([r["name"] for r in data["review"]], ["An unforgettable portrait"])
        self.assertEqual(data["review"][0]["author"][0]["name"], "Ada Critic")
        self.assertNotIn("Secret draft review", json.dumps(data))

    def test_a_person_in_two_roles_of_one_property_is_named_once(self):
        """A documentary's cinematographer often edits it too: both roles are schema.org's
        `contributor`, and the Movie named the same person twice there."""
        both = make_person(name="Steen Johannessen")
        make_credit(self.film, both, Credit.Role.CINEMATOGRAPHER, order=2)
        make_credit(self.film, both, Credit.Role.EDITOR, order=3)
        data = self.json_ld("/films/last-men-in-aleppo/")
        self.assertEqual([p["name"] for p in data["contributor"]], ["Steen Johannessen"])

    def test_review(self):
        data = self.json_ld(self.review.get_absolute_url())
        self.assertEqual(data["@type"], "Review")
        self.assertEqual(data["itemReviewed"]["@type"], "Movie")
        self.assertEqual(data["itemReviewed"]["name"], "Last Men in Aleppo")
        self.assertNotIn("reviewRating", data)
        self.assertEqual(
            data["author"],
            [
                {
                    "@type": "Person",
                    "name": "Ada Critic",
                    "url": "http://testserver/people/ada-critic/",
                }
            ],
        )

    def test_unsigned_pieces_are_the_publications(self):
        """Google's review results require an author: an unsigned review names the publishing
        Organization, never an invented person."""
        self.review.bylines.all().delete()
        publication = {"@type": "Organization", "name": "Film Archive"}
        data = self.json_ld(self.review.get_absolute_url())
        self.assertEqual(data["author"], publication)
        film = self.json_ld("/films/last-men-in-aleppo/")
        self.assertEqual(film["review"][0]["author"], publication)

    def test_images_an_article_its_own_or_its_title_card_a_film_only_its_own(self):
        """An article's image is its lead image, else its title card (an image of the article);
        a film's is only ever its own: a generated card is never offered as a picture of it."""
        review = self.review.get_absolute_url()
        self.assertEqual(self.json_ld(review)["image"], f"http://testserver{review}card.png")
        self.assertNotIn("image", self.json_ld("/films/last-men-in-aleppo/"))
        Article.objects.filter(pk=self.review.pk).update(
            image="articles/portrait.jpg", image_alt="Rescuers in the rubble"
        )
        image = self.json_ld(review)["image"]
        self.assertTrue(image.startswith("http://testserver/media/"), image)
        self.film.image = "films/still.jpg"
        self.film.image_alt = "Rescuers in the rubble"
        self.film.save()
        image = self.json_ld("/films/last-men-in-aleppo/")["image"]
        self.assertTrue(image.startswith("http://testserver/media/"), image)

    def test_a_piece_scheduled_ahead_was_modified_when_it_appeared(self):
        """dateModified (and Open Graph's modified time) is never before datePublished."""
        published_at = self.scheduled.published_at
        with time_machine.travel(published_at + dt.timedelta(minutes=1)):
            url = self.scheduled.get_absolute_url()
            data = self.json_ld(url)
            self.assertEqual(data["dateModified"], data["datePublished"])
            self.assertEqual(dt.datetime.fromisoformat(data["dateModified"]), published_at)
            self.assertContains(
                self.client.get(url),
                f'<meta property="article:modified_time" content="{published_at.isoformat()}">',
            )

    def test_interview(self):
        data = self.json_ld(self.interview.get_absolute_url())
        self.assertEqual(data["@type"], "NewsArticle")
        self.assertEqual(
            [item["name"] for item in data["about"]], ["Last Men in Aleppo", "The White Helmets"]
        )
        self.assertEqual(data["author"], {"@type": "Organization", "name": "Film Archive"})

    def test_person(self):
        data = self.json_ld(self.subject.get_absolute_url())
        self.assertEqual(data["@type"], "Person")
        self.assertEqual(data["deathDate"], "2016-08-11")
        self.assertEqual(data["alternateName"], ["Umar Harah", "خالد عمر حرح"])

    def test_text_cannot_close_the_script_element(self):
        self.film.synopsis = "</script><script>alert(1)</script>"
        self.film.save()
        content = self.client.get("/films/last-men-in-aleppo/").content.decode()
        self.assertNotIn("<script>alert(1)", content)
        self.json_ld("/films/last-men-in-aleppo/")


def addresses_in(node):
    """Every absolute address in structured data."""
    if isinstance(node, dict):
        return [url for value in node.values() for url in addresses_in(value)]
    if isinstance(node, list):
        return [url for value in node for url in addresses_in(value)]
    return [node] if isinstance(node, str) and node.startswith("http") else []


class OtherScriptAddressTests(PublicPageTestCase):
    """The JSON-LD, Open Graph and canonical addresses of a film, a person and a piece whose
    slugs are in other scripts: absolute, percent-encoded, as valid URLs must be."""

    json_ld = StructuredDataTests.json_ld

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        build_other_scripts(cls)

    def meta_addresses(self, url):
        content = self.client.get(url).content.decode()
        found = re.findall(r'<meta property="og:(?:url|image)" content="([^"]*)"', content)
        found += re.findall(r'<link rel="canonical" href="([^"]*)"', content)
        return found

    def test_addresses_are_absolute_and_encoded(self):
        site = "http://testserver"
        film, person = f"{site}/films/{BAYT}/", f"{site}/people/{WONG}/"
        review = f"{site}/articles/{BAYT_REVIEW}/"
        for url, data_urls, meta_urls in (
            (film, {film, person, review}, {film, f"{film}card.png"}),
            (person, {person}, {person}),
            (review, {review, film, person}, {review, f"{review}card.png"}),
        ):
            with self.subTest(url=url):
                found = addresses_in(self.json_ld(url.removeprefix(site)))
                self.assertLessEqual(data_urls, set(found))
                meta = self.meta_addresses(url.removeprefix(site))
                self.assertEqual(set(meta), meta_urls)
                for address in found + meta:
                    self.assertTrue(address.isascii(), address)
                    self.assertNotRegex(address, r"\s")
