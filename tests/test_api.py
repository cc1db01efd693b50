"""The content API (/api/v1/): what another program finds at each address, and what it never
finds — drafts and scheduled pieces, not even as links from a film, person, theme or quote."""

import base64
import datetime as dt
import json
from unittest import mock

from django.conf import settings
from django.core.cache import cache
from django.test import TestCase
from django.utils import timezone

from archive import search
from archive.models import Article, Theme
from archive.pagination import KeysetPaginator

from .factories import make_article, make_film, make_person, make_quote
from .public_data import BAYT, BAYT_REVIEW, WONG, build_archive, build_other_scripts

API = "/api/v1"
HIDDEN = [
    "Secret draft review",
    "secret-draft-review",
    "Unpublished words here",
    "Scheduled interview",
    "scheduled-interview",
    "Scheduled question",
    "draft-only theme",
    "draft-only-theme",
]


class APITestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_archive(cls)

    def setUp(self):
        cache.delete("throttle_api_127.0.0.1")

    def get(self, url, status=200, **headers):
        response = self.client.get(url, headers=headers)
        self.assertEqual(response.status_code, status, (url, response.content[:300]))
        return response

    def json(self, url, status=200):
        response = self.get(url, status)
        return json.loads(response.content)

    def results(self, url):
        return self.json(url)["results"]

    def assertProblem(self, response, status):
        self.assertEqual(response.status_code, status, response.content[:300])
        self.assertEqual(response["Content-Type"], "application/problem+json")
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        problem = json.loads(response.content)
        self.assertEqual(problem["status"], status)
        self.assertEqual(problem["type"], "about:blank")
        self.assertTrue(problem["title"] and problem["detail"] and problem["instance"])
        return problem

    def assertNothingHidden(self, response):
        text = response.content.decode()
        for hidden in HIDDEN:
            self.assertNotIn(hidden, text, response.wsgi_request.get_full_path())
        for quote in (self.draft_quote, self.scheduled_quote):
            self.assertNotIn(f"/quotes/{quote.pk}/", text)


class FilmTests(APITestCase):
    def test_list(self):
        films = self.results(f"{API}/films/")
        self.assertEqual(
            [film["title"] for film in films], ["Last Men in Aleppo", "The White Helmets"]
        )
        first = films[0]
        self.assertEqual(first["url"], "http://testserver/films/last-men-in-aleppo/")
        self.assertEqual(first["api_url"], "http://testserver/api/v1/films/last-men-in-aleppo/")
        self.assertEqual(first["original_title"], "آخر الرجال في حلب")
        self.assertEqual(first["original_title_language"], "ar")

    def test_detail(self):
        """Titles, facts, credits with their Wikidata and schema.org properties, awards,
        themes and the film's public pieces by kind."""
        film = self.json(f"{API}/films/last-men-in-aleppo/")
        self.assertEqual(film["year"], 2017)
        self.assertEqual(film["runtime_minutes"], 104)
        self.assertEqual(film["kind"], "documentary")
        self.assertEqual(
            film["countries"], [{"code": "DK", "name": "Denmark"}, {"code": "SY", "name": "Syria"}]
        )
        self.assertEqual(film["languages"], [{"code": "ar", "name": "Arabic"}])
        self.assertEqual(film["synopsis_html"], "<p>Rescuers in <em>Aleppo</em>.</p>")
        self.assertEqual(film["synopsis_text"], "Rescuers in Aleppo.")
        self.assertIsNone(film["image"])
        director, subject = film["credits"]
        self.assertEqual(director["person"]["name"], "Feras Fayyad")
        self.assertEqual(
            director["person"]["api_url"], "http://testserver/api/v1/people/feras-fayyad/"
        )
        self.assertEqual(
            (director["role"], director["wikidata_property"], director["schema_org_property"]),
            ("director", "P57", "director"),
        )
        self.assertEqual((subject["role"], subject["wikidata_property"]), ("self", "P161"))
        self.assertEqual(
            [award["event"] for award in film["awards"]],
            ["Sundance Film Festival, 2017", "90th Academy Awards, 2018"],
        )
        self.assertEqual({theme["slug"] for theme in film["themes"]}, {"syria", "civil-defence"})
        self.assertEqual([a["title"] for a in film["reviews"]], ["An unforgettable portrait"])
        self.assertEqual([a["title"] for a in film["interviews"]], ["Fayyad on filming"])
        self.assertEqual(film["features"], [])
        self.assertEqual(
            film["articles_api_url"], "http://testserver/api/v1/articles/?film=last-men-in-aleppo"
        )

    def test_image(self):
        film = make_film(
            title="Pictured",
            image="films/still.jpg",
            image_alt="A rescuer",
            image_credit="Grasshopper Film",
        )
        image = self.json(f"{API}/films/{film.slug}/")["image"]
        self.assertEqual(
            image,
            {
                "url": "http://testserver/media/films/still.jpg",
                "alt": "A rescuer",
                "credit": "Grasshopper Film",
            },
        )

    def test_filters(self):
        def titles(query):
            return [film["title"] for film in self.results(f"{API}/films/?{query}")]

        self.assertEqual(titles("year=2016"), ["The White Helmets"])
        self.assertEqual(titles("kind=documentary"), ["Last Men in Aleppo"])
        self.assertEqual(titles("theme=syria"), ["Last Men in Aleppo"])
        self.assertEqual(titles("theme=civil-defence&year=2017"), ["Last Men in Aleppo"])
        self.assertEqual(titles("q=helmets"), ["The White Helmets"])
        self.assertEqual(titles("year=1999"), [])

    def test_a_filter_naming_its_object_otherwise_leads_to_its_current_slug(self):
        """`?theme=Syria`, `?film=Last-Men-In-Aleppo` or a film's earlier slug name their object,
        as its own address spelt so does (`/api/v1/films/Last-Men-In-Aleppo/`). The list
        answered as if the slug were given, but its `next` and `previous` links kept the
        spelling: each page had addresses of its own, where the object's address answers 301
        with its current one, as the site's lists do. The list answers 301 likewise, the
        filter naming the current slug, the other parameters kept."""
        for given, current in [
            ("films/?theme=Syria", "films/?theme=syria"),
            ("films/?theme=SYRIA&kind=documentary", "films/?kind=documentary&theme=syria"),
            (
                "articles/?film=l%C3%A1st-men-in-aleppo&person=Feras-Fayyad",
                "articles/?film=last-men-in-aleppo&person=feras-fayyad",
            ),
        ]:
            with self.subTest(given):
                response = self.get(f"{API}/{given}", status=301)
                self.assertEqual(response["Location"], f"{API}/{current}")
                self.assertTrue(self.results(response["Location"]))
        self.assertProblem(self.client.get(f"{API}/films/?theme=No-Such-Theme"), 400)

        self.film.slug = "last-men"
        self.film.save()
        response = self.get(f"{API}/quotes/?film=Last-Men-In-Aleppo&after=1", status=301)
        self.assertEqual(response["Location"], f"{API}/quotes/?film=last-men&after=1")

        for number in range(20):
            make_film(title=f"Aleppo {number:02}").themes.add("syria")
        response = self.client.get(f"{API}/films/?theme=Syria", follow=True)
        following = json.loads(response.content)["next"]
        self.assertIn("theme=syria&", following)
        self.assertTrue(self.results(following))

    def test_unknown_film_is_a_problem(self):
        problem = self.assertProblem(self.client.get(f"{API}/films/no-such-film/"), 404)
        self.assertEqual(problem["instance"], "/api/v1/films/no-such-film/")

    def test_earlier_slug_redirects(self):
        self.film.slug = "last-men"
        self.film.save()
        response = self.get(f"{API}/films/last-men-in-aleppo/?x=1", status=301)
        self.assertEqual(response["Location"], "/api/v1/films/last-men/?x=1")


class PersonTests(APITestCase):
    def test_list_and_filters(self):
        def names(query=""):
            return [person["name"] for person in self.results(f"{API}/people/?{query}")]

        self.assertEqual(names(), ["Ada Critic", "Feras Fayyad", "Khaled Omar Harrah"])
        self.assertEqual(names("role=director"), ["Feras Fayyad"])
        self.assertEqual(names("role=critic"), ["Ada Critic"])
        self.assertEqual(names("letter=k"), ["Khaled Omar Harrah"])
        self.assertEqual(names("q=umar+harah"), ["Khaled Omar Harrah"])

    def test_detail(self):
        person = self.json(f"{API}/people/khaled-omar-harrah/")
        self.assertEqual(person["native_name"], "خالد عمر حرح")
        self.assertEqual(person["alternative_names"], ["Umar Harah"])
        self.assertEqual(person["death_date"], "2016-08-11")
        credit = person["credits"][0]
        self.assertEqual(credit["film"]["slug"], "last-men-in-aleppo")
        self.assertEqual((credit["role"], credit["schema_org_property"]), ("self", "actor"))
        # About him: the review; the draft about him and the scheduled interview are not.
        self.assertEqual([a["title"] for a in person["articles"]], ["An unforgettable portrait"])
        self.assertEqual(
            person["quotes_api_url"], "http://testserver/api/v1/quotes/?person=khaled-omar-harrah"
        )


class ArticleTests(APITestCase):
    def test_list_newest_first_with_byline_films_and_themes(self):
        articles = self.results(f"{API}/articles/")
        self.assertEqual(
            [a["title"] for a in articles], ["Fayyad on filming", "An unforgettable portrait"]
        )
        review = articles[1]
        self.assertEqual([p["name"] for p in review["byline"]], ["Ada Critic"])
        self.assertEqual([f["slug"] for f in review["films"]], ["last-men-in-aleppo"])
        self.assertEqual({t["slug"] for t in review["themes"]}, {"syria", "cinematography"})
        self.assertEqual(
            review["published_at"], self.review.published_at.isoformat().replace("+00:00", "Z")
        )

    def test_filters(self):
        def titles(query):
            return [a["title"] for a in self.results(f"{API}/articles/?{query}")]

        year = timezone.now().year
        self.assertEqual(titles("kind=interview"), ["Fayyad on filming"])
        self.assertEqual(titles("film=the-white-helmets"), ["Fayyad on filming"])
        self.assertEqual(titles("person=ada-critic"), ["An unforgettable portrait"])
        self.assertEqual(titles("person=khaled-omar-harrah"), ["An unforgettable portrait"])
        self.assertEqual(titles("theme=documentary-ethics"), ["Fayyad on filming"])
        self.assertIn("An unforgettable portrait", titles(f"year={self.review.published_at.year}"))
        self.assertEqual(titles(f"year={year - 10}"), [])
        self.assertEqual(titles("q=humanity"), ["Fayyad on filming"])
        self.assertEqual(titles("q=unpublished"), [])

    def test_a_q_of_spaces_is_no_search(self):
        """A search box sent as it was left (`q=+`) asks for nothing, as an empty `q` does and
        as the site's search reads it: it was a 400, "This field may not be blank"."""
        for path in ("films", "people", "articles", "quotes"):
            with self.subTest(path=path):
                self.assertEqual(
                    self.results(f"{API}/{path}/?q=+%20"), self.results(f"{API}/{path}/?q=")
                )

    def test_q_narrows_the_list_to_every_match_in_the_lists_order(self):
        """`q` is the site's search as a filter: every public piece matching it, newest first,
        combined with the other filters, however many more match than the search page ranks."""
        now = timezone.now()
        for number in range(7):
            make_article(
                title=f"Rubble {number}",
                kind=Article.Kind.FEATURE if number % 2 else Article.Kind.REVIEW,
                body="Common words.",
                published_at=now - dt.timedelta(hours=number + 1),
            )
        with mock.patch.object(search, "CANDIDATES", 2):
            found = []
            url = f"{API}/articles/?q=common+words&kind=review"
            while url:
                page = self.json(url)
                found += [article["title"] for article in page["results"]]
                url = page["next"]
        self.assertEqual(found, ["Rubble 0", "Rubble 2", "Rubble 4", "Rubble 6"])

    def test_review(self):
        """Its quotes as every object is: with the address of its page on the site (`url`,
        which a quote's summary lacked) and its own in the API."""
        review = self.json(f"{API}/articles/an-unforgettable-portrait/")
        self.assertEqual(review["kind"], "review")
        self.assertEqual(review["standfirst"], "A review of the rescuers' film.")
        self.assertIn("<em>amazing</em>", review["body_html"])
        self.assertIn("is an amazing accomplishment", review["body_text"])
        self.assertEqual([p["slug"] for p in review["people"]], ["khaled-omar-harrah"])
        self.assertEqual(review["exchanges"], [])
        self.assertEqual(
            review["quotes"],
            [
                {
                    "id": self.body_quote.pk,
                    "text": self.body_quote.text,
                    "url": f"http://testserver/quotes/{self.body_quote.pk}/",
                    "passage_url": f"http://testserver/articles/an-unforgettable-portrait/#quote-{self.body_quote.pk}",
                    "api_url": f"http://testserver/api/v1/quotes/{self.body_quote.pk}/",
                }
            ],
        )

    def test_interview_exchanges_in_order_with_speakers(self):
        self.interview.interviewer = self.critic
        self.interview.save()
        interview = self.json(f"{API}/articles/fayyad-on-filming/")
        first, second = interview["exchanges"]
        self.assertEqual(first["anchor"], self.exchange.anchor)
        self.assertEqual(
            first["url"], f"http://testserver/articles/fayyad-on-filming/#{self.exchange.anchor}"
        )
        self.assertEqual(first["question_text"], "Did you put the cameras down?")
        self.assertEqual(
            first["answer_html"],
            "<p>Yes, many times.</p>\n<p>It's not about journalism. It's about humanity.</p>",
        )
        self.assertEqual(first["asked_by"]["slug"], "ada-critic")
        self.assertEqual(first["answered_by"]["slug"], "feras-fayyad")
        self.assertEqual(second["question_text"], "Are you hopeful?")
        self.assertEqual(interview["interviewer"]["name"], "Ada Critic")

    def test_unnamed_interviewer(self):
        exchange = self.json(f"{API}/articles/fayyad-on-filming/")["exchanges"][0]
        self.assertIsNone(exchange["asked_by"])
        self.assertEqual(exchange["asked_by_name"], "Interviewer")

    def test_body_html_is_sanitised(self):
        article = make_article(body='Hello <script>alert(1)</script><a href="javascript:x">y</a>')
        body = self.json(f"{API}/articles/{article.slug}/")["body_html"]
        self.assertNotIn("<script", body)
        self.assertNotIn("javascript:", body)


class QuoteTests(APITestCase):
    def test_list_latest_first(self):
        quotes = self.results(f"{API}/quotes/")
        self.assertEqual([q["id"] for q in quotes], [self.answer_quote.pk, self.body_quote.pk])

    def test_detail_links_to_its_exact_passage(self):
        quote = self.json(f"{API}/quotes/{self.answer_quote.pk}/")
        self.assertEqual(
            quote["passage_url"],
            f"http://testserver/articles/fayyad-on-filming/#quote-{self.answer_quote.pk}",
        )
        self.assertEqual(quote["speaker"]["slug"], "feras-fayyad")
        self.assertEqual(quote["attribution"], "Feras Fayyad")
        self.assertEqual(quote["film"]["slug"], "last-men-in-aleppo")
        self.assertEqual(
            quote["article"]["api_url"], "http://testserver/api/v1/articles/fayyad-on-filming/"
        )
        self.assertEqual(quote["exchange"]["anchor"], self.exchange.anchor)
        unsigned = self.json(f"{API}/quotes/{self.body_quote.pk}/")
        self.assertIsNone(unsigned["speaker"])
        self.assertIsNone(unsigned["exchange"])
        self.assertEqual(unsigned["attribution"], "Ada Critic")  # the review's byline

    def test_filters(self):
        def ids(query):
            return [q["id"] for q in self.results(f"{API}/quotes/?{query}")]

        self.assertEqual(ids("person=feras-fayyad"), [self.answer_quote.pk])
        # Credited to the review's byline (its attribution), the review's own words are the
        # critic's, as on the site.
        self.assertEqual(ids("person=ada-critic"), [self.body_quote.pk])
        self.assertEqual(ids("theme=syria"), [self.body_quote.pk])
        self.assertEqual(ids("film=the-white-helmets"), [])
        self.assertEqual(ids("q=humanity"), [self.answer_quote.pk])


class ThemeTests(APITestCase):
    def test_list_with_counts(self):
        themes = {theme["slug"]: theme for theme in self.results(f"{API}/themes/")}
        self.assertNotIn("draft-only-theme", themes)
        syria = themes["syria"]
        self.assertEqual(
            (syria["film_count"], syria["article_count"], syria["quote_count"]), (1, 1, 1)
        )
        self.assertEqual(syria["films_api_url"], "http://testserver/api/v1/films/?theme=syria")

    def test_in_the_sites_order_whatever_the_capitals(self):
        names = [theme["name"] for theme in self.results(f"{API}/themes/")]
        self.assertEqual(names, sorted(names, key=str.lower))
        self.assertLess(names.index("civil defence"), names.index("Syria"))

    def test_counts_leave_out_drafts_scheduled_pieces_and_their_quotes(self):
        later = timezone.now() + dt.timedelta(days=2)
        public = make_article(films=[self.film], body="Rescuers at work.")
        draft = make_article(films=[self.film], status=Article.Status.DRAFT, body="Rescuers.")
        scheduled = make_article(films=[self.film], published_at=later, body="Rescuers.")
        for article in (public, draft, scheduled):
            article.themes.add("rescue work")
            make_quote(article, self.film, "Rescuers").themes.add("rescue work")
        listed = {theme["slug"]: theme for theme in self.results(f"{API}/themes/")}
        for theme in (self.json(f"{API}/themes/rescue-work/"), listed["rescue-work"]):
            counts = (theme["film_count"], theme["article_count"], theme["quote_count"])
            self.assertEqual(counts, (0, 1, 1))

    def test_detail(self):
        theme = self.json(f"{API}/themes/civil-defence/")
        self.assertEqual((theme["name"], theme["film_count"]), ("civil defence", 2))

    def test_theme_in_another_script(self):
        self.film.themes.add("حلب")
        theme = self.json(f"{API}/themes/حلب/")
        self.assertEqual(theme["name"], "حلب")


class AddressTests(APITestCase):
    def test_every_object_has_its_page_and_its_api_address(self):
        """Each film, person, article, quote and theme, whole or as a summary inside another,
        carries both absolute addresses: a quote listed in its article had no `url`."""

        def objects(value):
            if isinstance(value, dict):
                yield value
                value = list(value.values())
            if isinstance(value, list):
                for item in value:
                    yield from objects(item)

        for url in (
            f"{API}/films/last-men-in-aleppo/",
            f"{API}/people/feras-fayyad/",
            f"{API}/articles/",
            f"{API}/articles/an-unforgettable-portrait/",
            f"{API}/articles/fayyad-on-filming/",
            f"{API}/quotes/",
            f"{API}/themes/",
        ):
            for found in objects(self.json(url)):
                if "api_url" in found:
                    with self.subTest(url=url, object=found.get("slug", found.get("id"))):
                        self.assertTrue(found.get("url", "").startswith("http://testserver/"))
                        self.assertTrue(found["api_url"].startswith("http://testserver/api/"))


class OtherScriptTests(APITestCase):
    """Films, people and pieces whose slugs are in other scripts, at their addresses and as
    filters; the addresses the API gives are absolute and percent-encoded."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        build_other_scripts(cls)

    def test_details(self):
        site = "http://testserver"
        film = self.json(f"{API}/films/{BAYT}/")
        self.assertEqual((film["slug"], film["title"]), ("بيت", "بيت"))
        self.assertEqual(film["url"], f"{site}/films/{BAYT}/")
        self.assertEqual(film["api_url"], f"{site}{API}/films/{BAYT}/")
        self.assertEqual(film["articles_api_url"], f"{site}{API}/articles/?film={BAYT}")
        self.assertEqual(film["credits"][0]["person"]["api_url"], f"{site}{API}/people/{WONG}/")
        self.assertEqual(self.json(f"{API}/films/بيت/")["title"], "بيت")
        person = self.json(f"{API}/people/{WONG}/")
        self.assertEqual(person["url"], f"{site}/people/{WONG}/")
        self.assertEqual(person["quotes_api_url"], f"{site}{API}/quotes/?person={WONG}")
        article = self.json(f"{API}/articles/{BAYT_REVIEW}/")
        self.assertEqual(article["url"], f"{site}/articles/{BAYT_REVIEW}/")
        self.assertEqual(article["films"][0]["api_url"], f"{site}{API}/films/{BAYT}/")
        self.assertProblem(self.client.get(f"{API}/films/{BAYT}-x/"), 404)

    def test_filters(self):
        for url in (
            f"{API}/articles/?film={BAYT}",
            f"{API}/articles/?person={WONG}",
            f"{API}/quotes/?film={BAYT}",
            f"{API}/quotes/?person={WONG}",
        ):
            with self.subTest(url=url):
                self.assertEqual(len(self.results(url)), 1)
        self.assertEqual(self.results(f"{API}/articles/?film={BAYT}")[0]["slug"], "مراجعة-بيت")


class PublishedRuleTests(APITestCase):
    """A draft and a scheduled piece, both about the film, one about a person, with quotes and
    a theme of their own: nowhere in the API."""

    def public_addresses(self):
        yield from (
            f"{API}/films/",
            f"{API}/films/last-men-in-aleppo/",
            f"{API}/films/the-white-helmets/",
            f"{API}/people/",
            f"{API}/people/?role=subject",
            f"{API}/people/khaled-omar-harrah/",
            f"{API}/people/feras-fayyad/",
            f"{API}/articles/",
            f"{API}/articles/?film=last-men-in-aleppo",
            f"{API}/articles/?person=khaled-omar-harrah",
            f"{API}/articles/?kind=interview",
            f"{API}/articles/?q=words",
            f"{API}/quotes/",
            f"{API}/quotes/?film=last-men-in-aleppo",
            f"{API}/quotes/?person=khaled-omar-harrah",
            f"{API}/themes/",
            f"{API}/schema/",
        )
        for theme in Theme.objects.public():
            yield f"{API}/themes/{theme.slug}/"
        for article in Article.objects.published():
            yield f"{API}/articles/{article.slug}/"
        for quote in (self.body_quote, self.answer_quote):
            yield f"{API}/quotes/{quote.pk}/"

    def test_never_listed_nor_linked(self):
        for url in self.public_addresses():
            with self.subTest(url=url):
                self.assertNothingHidden(self.get(url))

    def test_their_addresses_are_not_found(self):
        for url in (
            f"{API}/articles/secret-draft-review/",
            f"{API}/articles/scheduled-interview/",
            f"{API}/quotes/{self.draft_quote.pk}/",
            f"{API}/quotes/{self.scheduled_quote.pk}/",
            f"{API}/themes/draft-only-theme/",
        ):
            with self.subTest(url=url):
                self.assertProblem(self.client.get(url), 404)

    def test_a_theme_only_drafts_carry_is_not_a_filter(self):
        for url in (
            f"{API}/articles/?theme=draft-only-theme",
            f"{API}/films/?theme=draft-only-theme",
        ):
            with self.subTest(url=url):
                problem = self.assertProblem(self.client.get(url), 400)
                self.assertIn("theme", problem["errors"])

    def test_a_scheduled_piece_appears_when_its_time_comes(self):
        self.scheduled.published_at = timezone.now() - dt.timedelta(minutes=1)
        self.scheduled.save()
        titles = [a["title"] for a in self.results(f"{API}/articles/?film=last-men-in-aleppo")]
        self.assertIn("Scheduled interview", titles)


class PaginationTests(TestCase):
    """Pages of 20 that follow one another by `next` and `previous`, the last one included."""

    @classmethod
    def setUpTestData(cls):
        now = timezone.now()
        cls.articles = [
            make_article(title=f"Piece {number:02}", published_at=now - dt.timedelta(hours=number))
            for number in range(45)
        ]
        cls.people = [make_person(name=f"Someone {number:02}") for number in range(25)]

    def setUp(self):
        cache.delete("throttle_api_127.0.0.1")

    def walk(self, url, direction="next"):
        pages = []
        while url:
            page = json.loads(self.client.get(url).content)
            pages.append([item["slug"] for item in page["results"]])
            url = page[direction]
        return pages

    def test_next_and_previous(self):
        pages = self.walk(f"{API}/articles/")
        self.assertEqual([len(page) for page in pages], [20, 20, 5])
        self.assertEqual([slug for page in pages for slug in page], [a.slug for a in self.articles])
        backwards = self.walk(f"{API}/articles/?page=last", "previous")
        self.assertEqual([slug for page in reversed(backwards) for slug in page][-5:], pages[-1])
        self.assertEqual(
            sorted(slug for page in backwards for slug in page),
            sorted(a.slug for a in self.articles),
        )

    def test_links_outlive_the_item_they_start_from(self):
        """A client holding a `next` link gets the next page even if the piece the page ended
        with has since been unpublished or renamed, and the `previous` link likewise."""
        first = json.loads(self.client.get(f"{API}/articles/").content)
        second = json.loads(self.client.get(first["next"]).content)
        last_of_first, first_of_second = self.articles[19], self.articles[20]
        last_of_first.status, last_of_first.published_at = Article.Status.DRAFT, None
        last_of_first.save()
        first_of_second.slug = "renamed-piece"
        first_of_second.save()
        again = json.loads(self.client.get(first["next"]).content)
        self.assertEqual(
            [item["slug"] for item in again["results"]],
            ["renamed-piece"] + [item["slug"] for item in second["results"][1:]],
        )
        back = json.loads(self.client.get(second["previous"]).content)
        self.assertEqual(
            [item["slug"] for item in back["results"]],
            [item["slug"] for item in first["results"][:19]],
        )
        # Positions no link gives: a time that is no time, a number for a time.
        for token in ("~WyJub3QgYSB0aW1lIiwxXQ", "~WzUsMV0", "~W3RydWUsMV0"):
            for word in ("after", "before"):
                with self.subTest(word=word, token=token):
                    response = self.client.get(f"{API}/articles/?{word}={token}")
                    self.assertEqual(response.status_code, 400)
        # Past the end (everything after it gone): no items, and the previous page is the last.
        last = json.loads(self.client.get(f"{API}/articles/?page=last").content)
        end = KeysetPaginator.token([dt.datetime(1900, 1, 1, tzinfo=dt.UTC), 1])
        past = json.loads(self.client.get(f"{API}/articles/?after={end}").content)
        self.assertEqual(past["results"], [])
        self.assertEqual(json.loads(self.client.get(past["previous"]).content), last)

    def test_positions_holding_text_no_database_takes_are_problems(self):
        """A crafted position whose text is a lone surrogate (which JSON can spell, no database
        driver can send) or a NUL is a bad parameter, on every list ordered by text: it was a
        500 on both databases (the surrogate) and a 400 blaming the query string's length on
        PostgreSQL (the NUL)."""
        for path, values in (
            ("people", ["\ud800", 1]),
            ("people", ["a\x00", 1]),
            ("films", ["\udcff", 2017, 1]),
            ("themes", ["\ud800", 1]),
        ):
            token = "~" + base64.urlsafe_b64encode(json.dumps(values).encode()).decode()
            for word in ("after", "before"):
                with self.subTest(path=path, values=ascii(values), word=word):
                    response = self.client.get(f"{API}/{path}/?{word}={token.rstrip('=')}")
                    self.assertEqual(response.status_code, 400)
                    self.assertEqual(response["Content-Type"], "application/problem+json")
                    self.assertEqual(list(json.loads(response.content)["errors"]), [word])

    def test_positions_at_the_ends_of_the_calendar_are_problems(self):
        """A crafted position whose time is a valid one in its own zone but outside the
        calendar in UTC, as the database is sent it, is a bad position naming its parameter: on
        SQLite it was a 400 blaming the query string's length, naming none."""
        for time in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"):
            token = "~" + base64.urlsafe_b64encode(json.dumps([time, 1]).encode()).decode()
            for word in ("after", "before"):
                with self.subTest(time=time, word=word):
                    response = self.client.get(f"{API}/articles/?{word}={token.rstrip('=')}")
                    self.assertEqual(response.status_code, 400)
                    self.assertEqual(list(json.loads(response.content)["errors"]), [word])

    def test_links_keep_the_filters(self):
        page = json.loads(self.client.get(f"{API}/people/?letter=s").content)
        self.assertEqual(len(page["results"]), 20)
        self.assertIsNone(page["previous"])
        self.assertIn("letter=s", page["next"])
        self.assertTrue(page["next"].startswith("http://testserver/api/v1/people/?"))
        second = json.loads(self.client.get(page["next"]).content)
        self.assertEqual(len(second["results"]), 5)
        self.assertIsNone(second["next"])
        self.assertIn("letter=s", second["previous"])

    def test_bad_positions_are_problems(self):
        """Each names the parameter given."""
        for query, named in (
            ("page=-1", ["page"]),
            ("page=2", ["page"]),
            ("page=0", ["page"]),
            ("after=nothing-here", ["after"]),
            ("after=x&before=y", ["after", "before"]),
            ("before=%00", ["before"]),
        ):
            with self.subTest(query=query):
                response = self.client.get(f"{API}/articles/?{query}")
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response["Content-Type"], "application/problem+json")
                self.assertEqual(sorted(json.loads(response.content)["errors"]), named)
        response = self.client.get(f"{API}/quotes/?after=abc")
        self.assertEqual(response.status_code, 400)


class ErrorTests(APITestCase):
    def test_bad_parameters(self):
        for url, parameter in (
            (f"{API}/films/?year=abc", "year"),
            (f"{API}/films/?year=1200", "year"),
            (f"{API}/films/?kind=musical", "kind"),
            (f"{API}/films/?theme=nothing", "theme"),
            (f"{API}/articles/?film=no-such-film", "film"),
            (f"{API}/articles/?person=nobody", "person"),
            (f"{API}/articles/?kind=poem", "kind"),
            (f"{API}/people/?role=king", "role"),
            (f"{API}/people/?letter=ab", "letter"),
            (f"{API}/quotes/?film=no-such-film", "film"),
            (f"{API}/articles/?q={'x' * 201}", "q"),
        ):
            with self.subTest(url=url[:80]):
                problem = self.assertProblem(self.client.get(url), 400)
                self.assertEqual(list(problem["errors"]), [parameter])

    def test_a_query_string_too_long_to_read_is_a_problem_too(self):
        fields = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1
        query = "&".join(f"x{number}=1" for number in range(fields))
        self.assertProblem(self.client.get(f"{API}/films/?{query}"), 400)

    def test_unknown_addresses(self):
        for url in (f"{API}/anything-unknown", f"{API}/films/x/y/z/", f"{API}/quotes/abc/"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertProblem(response, 404)
                self.assertNotIn(b"<html", response.content)

    def test_missing_final_slash_redirects(self):
        response = self.get(f"{API}/films?year=2017", status=301)
        self.assertEqual(response["Location"], f"{API}/films/?year=2017")

    def test_write_methods_are_not_allowed(self):
        for method in ("post", "put", "patch", "delete"):
            for url in (f"{API}/films/", f"{API}/films/last-men-in-aleppo/"):
                with self.subTest(method=method, url=url):
                    response = getattr(self.client, method)(url)
                    self.assertProblem(response, 405)
                    self.assertEqual(response["Allow"], "GET, HEAD, OPTIONS")
        response = self.client.post(f"{API}/")
        self.assertProblem(response, 405)
        self.assertEqual(response["Allow"], "GET, HEAD, OPTIONS")


class CrossOriginTests(APITestCase):
    def test_any_site_may_read(self):
        for url in (f"{API}/films/", f"{API}/films/last-men-in-aleppo/", f"{API}/schema/"):
            with self.subTest(url=url):
                response = self.get(url, Origin="https://partner.example")
                self.assertEqual(response["Access-Control-Allow-Origin"], "*")
                self.assertNotIn("Access-Control-Allow-Credentials", response)
                self.assertFalse(response.cookies)

    def test_preflight(self):
        response = self.client.options(
            f"{API}/articles/",
            headers={
                "Origin": "https://partner.example",
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "If-None-Match",
            },
        )
        self.assertEqual(response.status_code, 204)
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        self.assertEqual(response["Access-Control-Allow-Methods"], "GET, HEAD, OPTIONS")
        self.assertIn("If-None-Match", response["Access-Control-Allow-Headers"])

    def test_preflight_of_the_reference(self):
        """A partner's page reading the reference with a header of its own asks first, as it
        does of every other address under the API: it was refused (405, `Allow: GET, HEAD`),
        though OPTIONS writes nothing."""
        response = self.client.options(
            f"{API}/",
            headers={
                "Origin": "https://partner.example",
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "If-None-Match",
            },
        )
        self.assertEqual(response.status_code, 204)
        self.assertEqual(response["Allow"], "GET, HEAD, OPTIONS")
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        self.assertEqual(response["Access-Control-Allow-Methods"], "GET, HEAD, OPTIONS")
        self.assertIn("If-None-Match", response["Access-Control-Allow-Headers"])
        self.assertEqual(response.content, b"")

    def test_head(self):
        response = self.client.head(f"{API}/films/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
