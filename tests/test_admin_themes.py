"""Themes in the admin: chosen with autocomplete while tagging, and kept tidy on the theme
screens (rename, merge, remove unused), each showing what it will change before it does."""

from importlib import import_module
from urllib.parse import quote

from django.apps import apps as django_apps
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from reversion.models import Version

from archive.models import Article, Theme, ThemedItem

from .factories import make_article, make_exchange, make_film, make_quote
from .test_admin import BODY, AdminTestCase, admin_url, form_data, make_user


def names(obj):
    return sorted(theme.name for theme in obj.themes.all())


class ThemeScreenTests(AdminTestCase):
    def setUp(self):
        self.login(self.editor)
        self.syria = Theme.objects.get(name="Syria")
        self.war = Theme.objects.create(name="Syrian war", slug="syrian-war")
        self.conflict = Theme.objects.create(name="conflict", slug="conflict")
        self.unused = Theme.objects.create(name="forgotten", slug="forgotten")
        self.film.themes.add(self.syria, self.war)
        self.article = make_article(films=[self.film], body=BODY)
        self.article.themes.add(self.war, self.conflict)
        self.quote = make_quote(self.article, self.film, "The camera never looks away.")
        self.quote.themes.add(self.conflict)

    def test_the_list_counts_use_per_kind(self):
        response = self.client.get(admin_url("theme_changelist"))
        rows = {theme.name: theme for theme in response.context["cl"].result_list}
        self.assertEqual((rows["Syrian war"].film_count, rows["Syrian war"].article_count), (1, 1))
        self.assertEqual((rows["conflict"].quote_count, rows["forgotten"].total), (1, 0))
        response = self.client.get(admin_url("theme_changelist", query="?used=no"))
        self.assertEqual([t.name for t in response.context["cl"].result_list], ["forgotten"])

    def test_renaming_shows_what_changes_then_renames_everywhere(self):
        url = admin_url("theme_rename", self.war.pk)
        self.assertContains(self.client.get(url), "new name")
        response = self.client.post(url, {"name": "Syrian civil war"})
        self.assertContains(response, "Shown with the new name: 1 film, 1 article.")
        self.assertContains(response, "/themes/syrian-war/")
        self.assertContains(response, "/themes/syrian-civil-war/")
        self.assertContains(response, "links to the old address will lead there")
        self.assertNotContains(response, "no longer work")
        self.war.refresh_from_db()
        self.assertEqual(self.war.name, "Syrian war")

        response = self.client.post(url, {"name": "Syrian civil war", "confirm": "yes"})
        self.assertRedirects(response, admin_url("theme_change", self.war.pk))
        self.war.refresh_from_db()
        self.assertEqual((self.war.name, self.war.slug), ("Syrian civil war", "syrian-civil-war"))
        self.assertEqual(names(self.article), ["Syrian civil war", "conflict"])
        # What carries the theme is unchanged but for its name: the theme's history says so.
        self.assertFalse(Version.objects.get_for_object(self.article).exists())
        self.assertContains(
            self.client.get(admin_url("theme_history", self.war.pk)),
            "Renamed “Syrian war” to “Syrian civil war”.",
        )
        # Links to the old address lead readers to the renamed theme.
        self.assertRedirects(
            self.client.get("/themes/syrian-war/"),
            "/themes/syrian-civil-war/",
            status_code=301,
        )

    def test_a_rename_made_meanwhile_is_not_renamed_over_unseen(self):
        """Two editors renaming the same theme: the second one's confirmation renamed the
        first one's new name without a word ("Syrian war" renamed "Syrian civil war" by one
        editor, then "War in Syria" by the other, who had opened the page before). The second
        is told, and renames it knowingly by asking again."""
        url = admin_url("theme_rename", self.war.pk)
        self.assertContains(
            self.client.get(url), '<input type="hidden" name="renaming" value="Syrian war"'
        )
        preview = self.client.post(url, {"name": "War in Syria", "renaming": "Syrian war"})
        self.assertContains(
            preview, '<input type="hidden" name="renaming" value="Syrian war"', html=False
        )
        self.client.force_login(self.second_editor)
        self.client.post(url, {"name": "Syrian civil war", "confirm": "yes"})
        self.login(self.editor)

        response = self.client.post(
            url, {"name": "War in Syria", "renaming": "Syrian war", "confirm": "yes"}
        )
        self.assertContains(response, "Someone renamed “Syrian war” to “Syrian civil war”")
        self.assertContains(response, 'name="renaming" value="Syrian civil war"')
        self.war.refresh_from_db()
        self.assertEqual(self.war.name, "Syrian civil war")

        self.client.post(url, {"name": "War in Syria", "renaming": "Syrian civil war"})
        self.client.post(
            url, {"name": "War in Syria", "renaming": "Syrian civil war", "confirm": "yes"}
        )
        self.war.refresh_from_db()
        self.assertEqual(self.war.name, "War in Syria")

    def test_a_rename_confirmed_after_a_merge_leads_to_the_theme_it_went_into(self):
        """An editor opens "Syrian war" to rename it; another merges it into "Syria". The first
        one's confirmation was a bare "No such theme" page: it now names "Syria" and leads
        there, and nothing is renamed."""
        url = admin_url("theme_rename", self.war.pk)
        preview = self.client.post(url, {"name": "War in Syria", "renaming": "Syrian war"})
        data = {**form_data(preview, "theme-rename"), "confirm": ["yes"]}
        self.assertEqual(data["address"], ["syrian-war"])
        merge = f"{admin_url('theme_merge')}?ids={self.syria.pk},{self.war.pk}"
        self.client.force_login(self.second_editor)
        self.client.post(merge, {"into": str(self.syria.pk), "confirm": "yes"})
        self.login(self.editor)

        response = self.client.post(url, data, follow=True)
        self.assertRedirects(response, admin_url("theme_change", self.syria.pk))
        self.assertContains(response, "“Syrian war” was merged into “Syria”")
        self.assertContains(response, "nothing was renamed")
        self.assertFalse(Theme.objects.filter(name="War in Syria").exists())
        # A form from before the address was carried: its name makes the same slug.
        response = self.client.post(url, {"name": "War", "renaming": "Syrian war", "confirm": "1"})
        self.assertRedirects(response, admin_url("theme_change", self.syria.pk))
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_name_that_does_not_show_is_refused(self):
        response = self.client.post(
            admin_url("theme_rename", self.war.pk), {"name": "\u200b\ufeff", "confirm": "yes"}
        )
        self.assertContains(response, "what was typed has only characters that do not show")
        self.war.refresh_from_db()
        self.assertEqual(self.war.name, "Syrian war")

    def test_renaming_to_another_themes_name_suggests_merging(self):
        response = self.client.post(
            admin_url("theme_rename", self.war.pk), {"name": "SYRIA", "confirm": "yes"}
        )
        self.assertContains(response, "There is already a theme “Syria”")
        self.assertContains(response, "merge them")
        self.assertEqual(Theme.objects.filter(name__iexact="syria").count(), 1)

    def test_changing_only_capitals_keeps_the_address(self):
        url = admin_url("theme_rename", self.conflict.pk)
        response = self.client.post(url, {"name": "Conflict"})
        self.assertContains(response, "page stays at")
        self.client.post(url, {"name": "Conflict", "confirm": "yes"})
        self.conflict.refresh_from_db()
        self.assertEqual((self.conflict.name, self.conflict.slug), ("Conflict", "conflict"))

    def test_merging_moves_every_item_without_duplicates(self):
        selected = [self.syria, self.war, self.conflict]
        response = self.client.post(
            admin_url("theme_changelist"),
            {"action": "merge_themes", ACTION_CHECKBOX_NAME: [str(t.pk) for t in selected]},
        )
        merge = response.url
        self.assertTrue(merge.startswith(admin_url("theme_merge")))
        response = self.client.get(merge)
        self.assertContains(response, "Choose the theme to keep")

        response = self.client.post(merge, {"into": str(self.syria.pk)})
        plan = response.content.decode()
        self.assertContains(response, "Merging into “Syria”")
        # The film carries both Syria and Syrian war: it only loses the latter.
        plan = " ".join(plan.split())
        self.assertIn("“Syrian war” — moving to “Syria”: 1 article.", plan)
        self.assertIn("Already tagged “Syria”, so they just lose “Syrian war”: 1 film.", plan)
        self.assertIn("“conflict” — moving to “Syria”: 1 article, 1 quote.", plan)
        self.assertIn("links to its page will lead to the page of “Syria”", plan)
        self.assertTrue(Theme.objects.filter(pk=self.war.pk).exists())

        response = self.client.post(merge, {"into": str(self.syria.pk), "confirm": "yes"})
        self.assertRedirects(response, admin_url("theme_changelist"))
        self.assertEqual(set(Theme.objects.values_list("name", flat=True)), {"forgotten", "Syria"})
        self.assertEqual(names(self.film), ["Syria"])
        self.assertEqual(names(self.article), ["Syria"])
        self.assertEqual(names(self.quote), ["Syria"])
        self.assertEqual(ThemedItem.objects.count(), 3)
        self.assertFalse(Version.objects.get_for_object(self.quote).exists())
        self.assertContains(
            self.client.get(admin_url("theme_history", self.syria.pk)),
            "Merged “conflict”, “Syrian war” into this theme.",
        )
        # The merged themes' addresses lead to the kept theme's page.
        for address in ["/themes/syrian-war/", "/themes/conflict/"]:
            self.assertRedirects(
                self.client.get(address), "/themes/syria/", status_code=301, msg_prefix=address
            )

    def test_a_merge_confirmed_twice_says_it_is_done(self):
        """ "Yes, merge" sent twice (a double click, or the page sent again from the history):
        the second sending found one theme left and answered "Choose at least two themes to
        merge" beside it alone, the first one's "Merged" never shown (its answer was not
        read), as if nothing had been merged. The list is shown, saying the others are gone
        since the page was shown and that nothing more was changed."""
        merge = admin_url("theme_merge", query=f"?ids={self.syria.pk},{self.war.pk}")
        confirm = {"into": str(self.syria.pk), "confirm": "yes"}
        self.client.post(merge, confirm)
        response = self.client.post(merge, confirm, follow=True)
        self.assertRedirects(response, admin_url("theme_changelist"))
        self.assertContains(
            response,
            "Of the themes this page was shown for, only “Syria” is left: the others were "
            "merged or removed since (the form sent twice, or another editor). Nothing more "
            "has been changed.",
        )
        self.assertEqual(names(self.film), ["Syria"])
        self.assertEqual(names(self.article), ["Syria", "conflict"])

    def test_merging_needs_two_themes_and_survives_bad_input(self):
        for query in ["", "?ids=", f"?ids={self.syria.pk}", "?ids=abc,%00,99999999999999999999,²"]:
            response = self.client.get(admin_url("theme_merge", query=query))
            self.assertEqual(response.status_code, 200, query)
        response = self.client.post(
            admin_url("theme_merge", query=f"?ids={self.syria.pk}"),
            {"into": str(self.syria.pk), "confirm": "yes"},
        )
        self.assertContains(response, "Choose at least two themes to merge")
        self.assertEqual(Theme.objects.count(), 4)

    def test_removing_unused_themes(self):
        self.assertContains(self.client.get(admin_url("theme_changelist")), "Remove unused themes…")
        response = self.client.get(admin_url("theme_remove_unused"))
        self.assertContains(response, "forgotten")
        self.assertNotContains(response, "conflict</li>")
        response = self.client.post(
            admin_url("theme_remove_unused"), form_data(response, "remove-unused-form")
        )
        self.assertRedirects(response, admin_url("theme_changelist"))
        self.assertFalse(Theme.objects.filter(name="forgotten").exists())
        self.assertEqual(Theme.objects.count(), 3)

    def test_removing_unused_themes_removes_only_those_listed(self):
        """A theme made, or left unused, while the editor read the list is not removed with
        the themes they confirmed; a theme used meanwhile is kept too."""
        response = self.client.get(admin_url("theme_remove_unused"))
        data = form_data(response, "remove-unused-form")
        Theme.objects.create(name="Yemen", slug="yemen")
        make_film().themes.add("forgotten")
        response = self.client.post(admin_url("theme_remove_unused"), data)
        self.assertRedirects(response, admin_url("theme_changelist"))
        self.assertTrue(Theme.objects.filter(name="Yemen").exists())
        self.assertTrue(Theme.objects.filter(name="forgotten").exists())
        for bad in [["abc", "\x00", "99999999999999999999", "²"], []]:
            response = self.client.post(admin_url("theme_remove_unused"), {"theme": bad})
            self.assertRedirects(response, admin_url("theme_changelist"))
        self.assertTrue(Theme.objects.filter(name="Yemen").exists())

    def test_a_theme_added_here_gets_its_address_in_plain_letters(self):
        """Themes made by tagging get slugs with Latin letters in ASCII ("Århus" → arhus),
        the letters of other scripts kept (Theme.slugify). A theme added here kept the slug
        as sent ("århus" from a browser without the slug script, or typed): an address unlike
        every other theme's, which the site sends on to its ASCII spelling, another theme's
        when one has it. It is now saved as tagging makes it, and refused if that is taken."""
        for name, typed, saved in (
            ("Århus", "århus", "arhus"),
            ("Straße", "straße", "strasse"),
            ("حلب", "حلب", "حلب"),
        ):
            with self.subTest(name=name):
                response = self.client.post(admin_url("theme_add"), {"name": name, "slug": typed})
                self.assertRedirects(response, admin_url("theme_changelist"))
                self.assertEqual(Theme.objects.get(name=name).slug, saved)
        response = self.client.post(admin_url("theme_add"), {"name": "Arhus", "slug": "århus"})
        self.assertContains(response, "Theme with this Slug already exists.")
        self.assertFalse(Theme.objects.filter(name="Arhus").exists())

    def test_a_theme_cannot_be_added_twice_in_different_capitals(self):
        response = self.client.post(admin_url("theme_add"), {"name": "syria", "slug": "syria-2"})
        self.assertContains(response, "There is already a theme “Syria”")


class LargeThemeTests(AdminTestCase):
    """Renaming, merging or deleting a theme costs the same number of queries whether it is on
    a few items or on thousands (it once read and versioned each of them, one at a time)."""

    def setUp(self):
        self.login(self.editor)
        self.kept = Theme.objects.create(name="war", slug="war")

    def theme_on(self, count, name):
        """A theme on `count` films, `count` interviews (with their parts) and `count` quotes,
        a third of which also carry the theme "war"."""
        theme = Theme.objects.create(name=name, slug=name)
        for number in range(count):
            film = make_film(title=f"{name} film {number}")
            interview = make_article(films=[film], kind=Article.Kind.INTERVIEW)
            interview.bylines.create(person=self.film_critic)
            make_exchange(interview, self.director)
            quote = make_quote(interview, film, "Everything we saw.")
            for item in (film, interview, quote):
                item.themes.add(theme)
                if number % 3 == 0:
                    item.themes.add(self.kept)
        return theme

    def queries(self, method, url, data=None):
        ContentType.objects.clear_cache()  # each request reads the kinds of object it needs
        with CaptureQueriesContext(connection) as queries:
            response = getattr(self.client, method)(url, data)
        self.assertIn(response.status_code, (200, 302), url)
        return len(queries)

    def test_renaming(self):
        counts = [
            self.queries(
                "post",
                admin_url("theme_rename", self.theme_on(count, f"theme-{count}").pk),
                {"name": f"Renamed {count}", "confirm": "yes"},
            )
            for count in (1, 10)
        ]
        self.assertEqual(counts[0], counts[1])
        self.assertEqual(Theme.objects.get(name="Renamed 10").themed_items.count(), 30)

    def test_merging(self):
        counts = []
        for count in (1, 10):
            merged = self.theme_on(count, f"theme-{count}")
            url = admin_url("theme_merge", query=f"?ids={merged.pk},{self.kept.pk}")
            counts.append(self.queries("post", url, {"into": self.kept.pk, "confirm": "yes"}))
        self.assertEqual(counts[0], counts[1])
        self.assertEqual(self.kept.themed_items.count(), 33)

    def test_the_deletion_page_counts_what_carries_the_theme(self):
        counts = [
            self.queries("get", admin_url("theme_delete", self.theme_on(count, f"t{count}").pk))
            for count in (1, 10)
        ]
        self.assertEqual(counts[0], counts[1])
        response = self.client.get(admin_url("theme_delete", Theme.objects.get(name="t10").pk))
        self.assertContains(response, "Its links to 10 films, 10 articles, 10 quotes")
        self.assertContains(response, "Themed items: 30")


class TaggingTests(AdminTestCase):
    """Themes entered on a film, an article or a quote: suggested, whole, and never doubled."""

    def test_autocomplete_suggests_existing_themes_beginning_with_the_words_first(self):
        self.login(self.editor)
        for name in ["civil defence", "civil war", "war in Syria", "children in war"]:
            Theme.objects.create(name=name, slug=name.replace(" ", "-"))
        response = self.client.get(admin_url("theme_autocomplete", query="?term=WAR"))
        self.assertEqual(
            [result["id"] for result in response.json()["results"]],
            ["war in Syria", "children in war", "civil war"],
        )
        self.assertFalse(response.json()["pagination"]["more"])
        response = self.client.get(admin_url("theme_autocomplete", query="?page=x&term=%00"))
        self.assertEqual(response.status_code, 200)

    def test_autocomplete_finds_a_theme_typed_with_its_accent_decomposed(self):
        """ "café" typed as "cafe" and a combining accent (as some keyboards and systems send
        it) offered only to create a new theme, though saving it gives the existing one."""
        self.login(self.editor)
        Theme.objects.create(name="Café society", slug="cafe-society")
        response = self.client.get(
            admin_url("theme_autocomplete", query="?term=" + quote("cafe\u0301"))
        )
        self.assertEqual([result["id"] for result in response.json()["results"]], ["Café society"])

    def test_autocomplete_is_for_staff_who_tag(self):
        self.assertEqual(self.client.get(admin_url("theme_autocomplete")).status_code, 302)
        self.login(make_user("visitor"))
        self.assertEqual(self.client.get(admin_url("theme_autocomplete")).status_code, 403)

    def test_film_themes_resolve_to_existing_ones_and_keep_their_words(self):
        self.login(self.editor)
        url = admin_url("film_change", self.film.pk)
        data = self.open_form(url, "film_form")
        data["themes"] = ["syria", "civil defence", "Civil Defence", "war; peace"]
        self.assertRedirects(self.client.post(url, data), admin_url("film_changelist"))
        self.assertEqual(names(self.film), ["Syria", "civil defence", "peace", "war"])
        self.assertContains(self.client.get(url), '<option value="civil defence" selected>')

    def test_a_theme_created_whole_keeps_its_quotes_and_apostrophes(self):
        """A theme chosen in the field ("Create new theme “…”") is one theme as typed: one
        with double quotes was split in two (taggit's quoting: `The "Arab Spring"` made “The”
        and “Arab Spring”), and an apostrophe at either end was dropped ("'68 generation"
        became "68 generation"). Renaming a theme keeps them too."""
        self.login(self.editor)
        url = admin_url("film_change", self.film.pk)
        data = self.open_form(url, "film_form")
        data["themes"] = ['The "Arab Spring"', "'68 generation", "war; peace"]
        self.assertRedirects(self.client.post(url, data), admin_url("film_changelist"))
        self.assertEqual(names(self.film), ["'68 generation", 'The "Arab Spring"', "peace", "war"])
        theme = Theme.objects.get(name="'68 generation")
        rename = admin_url("theme_rename", theme.pk)
        response = self.client.post(rename, {"name": 'The "68 generation"', "confirm": "1"})
        self.assertRedirects(response, admin_url("theme_change", theme.pk))
        theme.refresh_from_db()
        self.assertEqual(theme.name, 'The "68 generation"')
        response = self.client.post(rename, {"name": "war, peace"})
        self.assertContains(response, "cannot contain commas or semicolons")

    def test_a_theme_of_symbols_alone_has_an_address(self):
        """A theme named with symbols alone ("★", "🎬") got an empty slug, which no address
        can be made of: the film's page, the list of themes and the sitemap were server
        errors from then on."""
        self.login(self.editor)
        url = admin_url("film_change", self.film.pk)
        data = self.open_form(url, "film_form")
        data["themes"] = ["★", "🎬"]
        self.assertRedirects(self.client.post(url, data), admin_url("film_changelist"))
        self.assertEqual(
            sorted(Theme.objects.filter(name__in=["★", "🎬"]).values_list("slug", flat=True)),
            ["theme", "theme_1"],
        )
        for page in (self.film.get_absolute_url(), "/themes/", "/sitemap-themes.xml"):
            self.assertContains(self.client.get(page), "/themes/theme_1/")
        self.assertContains(self.client.get("/themes/theme_1/"), self.film.title)

    def test_a_theme_saved_before_with_an_empty_slug_is_given_one(self):
        """A theme of symbols alone saved before Theme.slugify gave it an address kept its
        empty slug (one theme at most: slugs are unique), and the pages linking to it stayed
        server errors: migration 0029 gives it one, numbered apart from the slugs taken, and
        leaves the other themes alone."""
        self.film.themes.add("★", "Syria")
        Theme.objects.filter(name="★").update(slug="")
        Theme.objects.create(name="Theme", slug="theme")
        migration = import_module("archive.migrations.0029_themes_without_a_slug_get_one")
        migration.give_slugs(django_apps, None)
        self.assertEqual(
            dict(Theme.objects.values_list("name", "slug")),
            {"★": "theme_1", "Syria": "syria", "Theme": "theme"},
        )
        self.assertContains(self.client.get(self.film.get_absolute_url()), "/themes/theme_1/")

    def test_a_theme_whose_address_is_longer_than_its_name(self):
        """A name of a hundred characters can make a longer slug ("ß" is written "ss"), or
        need a number to tell it from another's: PostgreSQL refused the slug, and the film's
        form was a server error, with everything the editor had entered lost. The slug is cut
        to fit, for a theme made by tagging as for one renamed."""
        self.login(self.editor)
        url = admin_url("film_change", self.film.pk)
        data = self.open_form(url, "film_form")
        data["themes"] = ["ß" * 99 + "a", "ß" * 99 + "b"]
        self.assertRedirects(self.client.post(url, data), admin_url("film_changelist"))
        self.assertEqual(
            {theme.slug for theme in self.film.themes.all()},
            {"ss" * 50, "ss" * 49 + "_1"},
        )
        theme = Theme.objects.create(name="c", slug="c")
        response = self.client.post(
            admin_url("theme_rename", theme.pk), {"name": "ß" * 99 + "c", "confirm": "yes"}
        )
        self.assertRedirects(response, admin_url("theme_change", theme.pk))
        theme.refresh_from_db()
        self.assertEqual(theme.slug, "ss" * 49 + "-2")
        self.film.themes.add(theme)
        self.assertContains(self.client.get(theme.get_absolute_url()), self.film.title)

    def test_themes_are_in_each_version(self):
        self.login(self.editor)
        url = admin_url("film_change", self.film.pk)
        data = self.open_form(url, "film_form")
        data["themes"] = ["Syria", "rescue"]
        self.client.post(url, data)
        version = Version.objects.get_for_object(self.film).first()
        self.assertEqual(version._object_version.m2m_data["themes"], ["rescue", "Syria"])

    def test_a_theme_can_be_too_long(self):
        self.login(self.editor)
        url = admin_url("film_change", self.film.pk)
        data = self.open_form(url, "film_form")
        data["themes"] = ["x" * 101]
        self.assertContains(self.client.post(url, data), "too long for a theme")
        data["themes"] = ["nul\x00"]
        self.assertContains(self.client.post(url, data), "cannot contain null characters")

    def test_contributors_tag_without_managing_themes(self):
        contributor = make_user("casual", "Contributors")
        contributor.user_permissions.remove(Permission.objects.get(codename="view_theme"))
        self.login(contributor)
        response = self.client.get(admin_url("theme_autocomplete", query="?term=syr"))
        self.assertEqual(response.json()["results"], [{"id": "Syria", "text": "Syria"}])
        article = make_article(status=Article.Status.DRAFT)
        url = admin_url("article_change", article.pk)
        data = self.open_form(url, "article_form")
        data["themes"] = ["a brand new theme"]
        self.assertRedirects(self.client.post(url, data), admin_url("article_changelist"))
        self.assertEqual(names(article), ["a brand new theme"])
