import re
import unicodedata
from unittest import mock

from django import forms
from django.db import IntegrityError, transaction
from django.test import TestCase

from archive.forms import RenameThemeForm
from archive.models import Article, Film, Theme
from archive.themes import parse_themes, split_names, themes_to_string

from .factories import make_article, make_film


class ParsingTests(TestCase):
    def test_multi_word_themes_are_kept_whole(self):
        self.assertEqual(parse_themes("civil defence"), ["civil defence"])
        self.assertEqual(
            parse_themes("civil defence, Syria;children in war\nAleppo"),
            ["civil defence", "Syria", "children in war", "Aleppo"],
        )

    def test_spacing_quotes_and_repeats_are_tidied(self):
        self.assertEqual(parse_themes('  "civil   war" , Civil War, ,'), ["civil war"])
        self.assertEqual(parse_themes(""), [])

    def test_control_characters_pasted_into_a_name_are_not_kept(self):
        """A theme's name is written into every page that carries it: a control character
        (pasted from a word processor) would make those pages invalid HTML. A vertical tab or
        form feed is a space; the others go, as in every other text (archive.text)."""
        self.assertEqual(parse_themes("civil\x0bdefence, Sy\x01ria"), ["civil defence", "Syria"])
        self.assertEqual(split_names('The \x07"Arab Spring"\x9f'), ['The "Arab Spring"'])
        theme = Theme.objects.create(name="War", slug="war")
        form = RenameThemeForm(data={"name": "War\x07 \x1bcrimes"}, theme=theme)
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.cleaned_data["name"], "War crimes")

    def test_quoted_themes_as_in_taggit(self):
        self.assertEqual(parse_themes('"civil defence" Syria'), ["civil defence", "Syria"])
        self.assertEqual(
            parse_themes('"civil defence", "children in war"'), ["civil defence", "children in war"]
        )

    def test_edit_string(self):
        film = make_film()
        film.themes.add("Syria", "civil defence")
        self.assertEqual(themes_to_string(film.themes.all()), "civil defence, Syria")


class ThemeFieldTests(TestCase):
    """What an editor types in a themes field is what gets saved."""

    class FilmForm(forms.ModelForm):
        class Meta:
            model = Film
            fields = ["title", "year", "kind", "themes"]

    def test_form_keeps_multi_word_themes(self):
        form = self.FilmForm(
            data={
                "title": "A",
                "year": 2017,
                "kind": "documentary",
                "themes": "civil defence, Syria",
            }
        )
        self.assertTrue(form.is_valid(), form.errors)
        film = form.save()
        self.assertEqual(sorted(t.name for t in film.themes.all()), ["Syria", "civil defence"])

    def test_case_variants_resolve_to_the_existing_theme(self):
        make_film().themes.add("Syria")
        form = self.FilmForm(
            data={"title": "B", "year": 2017, "kind": "documentary", "themes": "SYRIA, syria"}
        )
        self.assertTrue(form.is_valid(), form.errors)
        film = form.save()
        self.assertEqual([t.name for t in film.themes.all()], ["Syria"])
        self.assertEqual(Theme.objects.count(), 1)

    def test_case_variants_in_any_script_are_one_theme(self):
        """On SQLite too, whose own comparison folds ASCII letters only."""
        make_film().themes.add("Égypte", "Ωμέγα")
        make_article().themes.add("égypte", "ΩΜΈΓΑ")
        form = self.FilmForm(
            data={"title": "B", "year": 2017, "kind": "documentary", "themes": "ÉGYPTE, ωμέγα"}
        )
        self.assertTrue(form.is_valid(), form.errors)
        film = form.save()
        self.assertEqual(sorted(t.name for t in film.themes.all()), ["Égypte", "Ωμέγα"])
        self.assertEqual(Theme.objects.count(), 2)
        # Compared as they are written: no wildcard of LIKE's.
        for pattern in ("Ég%", "_gypte", "%"):
            self.assertFalse(Theme.objects.filter(name__iexact=pattern).exists(), pattern)

    def test_an_accent_typed_as_two_characters_is_the_same_theme(self):
        """A name pasted with its accents decomposed (e + a combining accent, as some systems
        write it) looks the same: it made a second "Café society" beside the first, with an
        address of its own, and the rename form stored it so."""
        make_film().themes.add("Café society", "Égypte")
        decomposed = unicodedata.normalize("NFD", "café society, ÉGYPTE")
        form = self.FilmForm(
            data={"title": "B", "year": 2017, "kind": "documentary", "themes": decomposed}
        )
        self.assertTrue(form.is_valid(), form.errors)
        film = form.save()
        self.assertEqual(sorted(t.name for t in film.themes.all()), ["Café society", "Égypte"])
        self.assertEqual(Theme.objects.count(), 2)
        theme = Theme.objects.get(name="Égypte")
        form = RenameThemeForm(
            data={"name": unicodedata.normalize("NFD", "Égypte ancienne")}, theme=theme
        )
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.cleaned_data["name"], "Égypte ancienne")

    def test_themes_shared_across_films_articles_and_quotes(self):
        make_film().themes.add("Aleppo")
        make_article().themes.add("aleppo")
        self.assertEqual(Theme.objects.get().name, "Aleppo")
        self.assertEqual(Article.objects.filter(themes__slug="aleppo").count(), 1)


class ThemeModelTests(TestCase):
    def test_database_refuses_a_case_variant(self):
        Theme.objects.create(name="Syria")
        with self.assertRaises(IntegrityError), transaction.atomic():
            Theme.objects.create(name="syria", slug="syria-2")

    def test_unicode_slugs(self):
        theme = Theme.objects.create(name="حلب")
        self.assertEqual(theme.slug, "حلب")
        self.assertEqual(theme.get_absolute_url(), "/themes/%D8%AD%D9%84%D8%A8/")

    def test_latin_letters_in_slugs_are_ascii(self):
        """Other scripts keep their letters; Latin letters with diacritics are transliterated."""
        self.assertEqual(Theme.objects.create(name="Khāled’s Århus").slug, "khaleds-arhus")
        self.assertEqual(Theme.objects.create(name="Søren i حلب").slug, "soren-i-حلب")

    def test_unicode_theme_page(self):
        film = make_film(title="Aleppo film")
        film.themes.add("حلب")
        response = self.client.get(Theme.objects.get().get_absolute_url())
        self.assertContains(response, "Aleppo film")


class PublicCountTests(TestCase):
    """The themes page counts what a reader may see of each theme: every film, the public
    articles and the quotes from them; drafts and scheduled pieces, and their quotes, not."""

    @classmethod
    def setUpTestData(cls):
        import datetime as dt

        from django.utils import timezone

        from .factories import make_quote

        now = timezone.now()
        films = [make_film(title=f"Film {n}") for n in range(3)]
        films[0].themes.add("Syria", "siege")
        films[1].themes.add("Syria")
        pieces = {
            "public": make_article(films=[films[0]]),
            "draft": make_article(films=[films[0]], status=Article.Status.DRAFT),
            "scheduled": make_article(films=[films[1]], published_at=now + dt.timedelta(hours=1)),
            "older": make_article(films=[films[2]], published_at=now - dt.timedelta(days=900)),
            "withdrawn": make_article(films=[films[2]]),
        }
        for name, article in pieces.items():
            article.body = f"Words from the {name} piece."
            article.save()
            article.themes.add("Syria", f"only {name}")
            quote = make_quote(article, article.films.first(), f"the {name} piece")
            quote.themes.add("Syria", f"quoted {name}")
        pieces["public"].themes.add("siege")
        # A status outside today's choices (an earlier one, or written by raw SQL) is not public.
        Article.objects.filter(pk=pieces["withdrawn"].pk).update(status="withdrawn")

    def test_counts_follow_the_public_rule(self):
        from archive.models import Quote
        from archive.models.theme import public_item_counts

        expected = {}
        for theme in Theme.objects.all():
            numbers = (
                Film.objects.filter(themes=theme).count(),
                Article.objects.published().filter(themes=theme).count(),
                Quote.objects.published().filter(themes=theme).count(),
            )
            if any(numbers):
                expected[theme.pk] = numbers
        counts = public_item_counts()
        self.assertEqual(counts, expected)
        syria = Theme.objects.get(name="Syria")
        self.assertEqual(counts[syria.pk], (2, 2, 2))
        self.assertNotIn(Theme.objects.get(name="only draft").pk, counts)
        self.assertNotIn(Theme.objects.get(name="quoted scheduled").pk, counts)

    def test_hidden_is_exactly_what_is_not_published(self):
        public = set(Article.objects.published().values_list("pk", flat=True))
        hidden = set(Article.objects.hidden().values_list("pk", flat=True))
        self.assertEqual(public & hidden, set())
        self.assertEqual(public | hidden, set(Article.objects.values_list("pk", flat=True)))
        self.assertEqual(len(hidden), 3)


class ThemesPageTests(TestCase):
    """The themes page lists every public theme with its counts; past a hundred themes
    (THEME_OPTIONS_AT_MOST, made 3 here) it begins with a link to where each initial begins."""

    @classmethod
    def setUpTestData(cls):
        make_film(title="Salt").themes.add("Aleppo", "art", "Beirut", "1948", "Zagreb")

    def rows(self, response):
        return re.findall(
            r'<tr( id="[^"]+")?><th scope="row"><a href="([^"]+)">', response.content.decode()
        )

    def test_a_short_list_has_no_initials(self):
        response = self.client.get("/themes/")
        self.assertNotContains(response, 'aria-label="Themes by initial"')
        self.assertEqual(len(self.rows(response)), 5)

    def test_initials_lead_to_where_each_begins(self):
        with mock.patch("archive.views.THEME_OPTIONS_AT_MOST", 3):
            response = self.client.get("/themes/")
        links = re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', response.content.decode())
        self.assertEqual([initial for _, initial in links], ["#", "A", "B", "Z"])
        anchored = {anchor.strip()[4:-1]: url for anchor, url in self.rows(response) if anchor}
        self.assertEqual(
            {initial: anchored[anchor] for anchor, initial in links},
            {
                "#": "/themes/1948/",
                "A": "/themes/aleppo/",
                "B": "/themes/beirut/",
                "Z": "/themes/zagreb/",
            },
        )

    def test_accented_names_are_listed_among_their_letters(self):
        """Themes go A to Z as people and films do, accents and case folded: "Ärzte" among
        the As, "Égypte" and "émigrés" among the Es. In the database's order of names,
        accented initials came after Z, each under an initial of its own ("Ä", "É")."""
        make_film(title="Nile").themes.add("Égypte", "exile", "Ärzte", "émigrés")
        with mock.patch("archive.views.THEME_OPTIONS_AT_MOST", 3):
            response = self.client.get("/themes/")
        self.assertEqual(
            [url for _, url in self.rows(response)],
            [
                "/themes/1948/",
                "/themes/aleppo/",
                "/themes/art/",
                "/themes/arzte/",
                "/themes/beirut/",
                "/themes/egypte/",
                "/themes/emigres/",
                "/themes/exile/",
                "/themes/zagreb/",
            ],
        )
        links = re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', response.content.decode())
        self.assertEqual([initial for _, initial in links], ["#", "A", "B", "E", "Z"])

    def test_a_name_opening_with_punctuation_is_under_its_first_letter(self):
        """A theme opening with punctuation, "#MeToo", is among the Ms and under M in the
        initials, as a reader looks for it; "1948", which has no letter, stays first, under
        "#"."""
        make_film(title="Tarana").themes.add("#MeToo")
        with mock.patch("archive.views.THEME_OPTIONS_AT_MOST", 3):
            response = self.client.get("/themes/")
        self.assertEqual(
            [url for _, url in self.rows(response)],
            [
                "/themes/1948/",
                "/themes/aleppo/",
                "/themes/art/",
                "/themes/beirut/",
                "/themes/metoo/",
                "/themes/zagreb/",
            ],
        )
        links = re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', response.content.decode())
        self.assertEqual([initial for _, initial in links], ["#", "A", "B", "M", "Z"])


class GivenOrderTests(TestCase):
    """An object's themes show in the order its editor gave them, as the admin's field shows
    them, on every page and feed: read for a page with others' (prefetched), they came in
    whatever order the database's plan gave, here that of the themes' ids, and a restored
    backup or SQLite's statistics could change it."""

    @classmethod
    def setUpTestData(cls):
        Theme.objects.create(name="war", slug="war")  # an older theme, given second below
        cls.film = make_film(title="Order")
        cls.article = make_article(films=[cls.film], title="Ordered piece")
        for obj in (cls.film, cls.article):
            obj.themes.add("Syria")
            obj.themes.add("war")

    def test_pages_and_feeds_show_the_themes_in_the_order_given(self):
        self.assertEqual([theme.name for theme in self.film.themes.all()], ["Syria", "war"])
        for url in ("/films/order/", f"/articles/{self.article.slug}/"):
            with self.subTest(url=url):
                content = self.client.get(url).content.decode()
                listed = re.search(r'<ul class="themes"[^>]*>(.*?)</ul>', content, re.S)[1]
                self.assertEqual(re.findall(r">([^<]+)</a>", listed), ["Syria", "war"])
        feed = self.client.get("/feeds/articles/").content.decode()
        self.assertEqual(re.findall(r"<category>([^<]*)</category>", feed), ["Syria", "war"])
