"""Text editors type is stored one way only: a browser's CRLF, trailing spaces and decomposed
accents are not differences, whether the text comes from a form, a fixture or an older row."""

from importlib import import_module

from django.apps import apps
from django.core import serializers
from django.test import TestCase

from archive.models import Article, Exchange, Person
from archive.text import NormalisedFormField, normalise_text, sort_key

from .factories import make_article, make_exchange, make_person

CAFE_DECOMPOSED = "Cafe\u0301"  # "Café" with the accent as a separate character
CAFE = "Caf\u00e9"


class NormaliseTextTests(TestCase):
    def test_line_endings_trailing_spaces_blank_lines_and_nfc(self):
        self.assertEqual(
            normalise_text(f"\r\n  {CAFE_DECOMPOSED} \t\r\nline two  \rthree\r\n\r\n \n"),
            f"{CAFE}\nline two\nthree",
        )

    def test_paragraphs_and_indentation_inside_the_text_are_kept(self):
        text = "First paragraph.\n\n    indented code\n- a list"
        self.assertEqual(normalise_text(text), text)

    def test_control_characters_pasted_along_are_left_out(self):
        """A word processor's line break within a paragraph (a vertical tab), a page break
        (a form feed) and other control characters come along with pasted text; HTML may not
        hold them (the Nu HTML Checker: "Forbidden code point") nor XML. A break stands between
        two words and becomes a space; the rest are dropped. Tabs and line breaks stay."""
        self.assertEqual(
            normalise_text("Aleppo,\x0bSyria.\x0cNext\x02 page\x7f\x85.\n\tIndented"),
            "Aleppo, Syria. Next page.\n\tIndented",
        )

    def test_noncharacters_are_left_out(self):
        """Unicode's noncharacters are never text, and U+FFFE and U+FFFF may not be in XML (a
        feed holding one is refused whole by feed readers): they are dropped, the rest of a
        plane's last code points (U+FFFD, the replacement character) kept."""
        self.assertEqual(
            normalise_text("Al\ufffeep\uffffpo\ufdd0 \U0010ffff\ufffd"), "Aleppo \ufffd"
        )

    def test_normalising_twice_changes_nothing(self):
        once = normalise_text(" a \r\n\r\n b\u0301 ")
        self.assertEqual(normalise_text(once), once)


class StoredTextTests(TestCase):
    def test_saving_stores_normalised_text(self):
        article = make_article(title=f"{CAFE_DECOMPOSED} ", body="One.  \r\nTwo.\r\n")
        article.refresh_from_db()
        self.assertEqual((article.title, article.body), (CAFE, "One.\nTwo."))

    def test_every_text_an_editor_types_is_normalised(self):
        person = make_person(name="Feras Fayyad ", biography="Born in Syria. \r\n")
        exchange = make_exchange(
            make_article(kind=Article.Kind.INTERVIEW), person, question="Why?\r\n", answer="So. "
        )
        person.refresh_from_db()
        exchange.refresh_from_db()
        self.assertEqual(
            (person.name, person.biography, exchange.question, exchange.answer),
            ("Feras Fayyad", "Born in Syria.", "Why?", "So."),
        )

    def test_pasted_control_characters_never_reach_a_page(self):
        article = make_article(title="Last Men\x0bin Aleppo", body="Raw\x0bfootage.\x02")
        article.refresh_from_db()
        self.assertEqual((article.title, article.body), ("Last Men in Aleppo", "Raw footage."))
        self.assertNotIn(b"\x0b", self.client.get(article.get_absolute_url()).content)

    def test_fixtures_and_versions_are_read_normalised(self):
        data = (
            '[{"model": "archive.person", "fields": {"name": "Subhi", "slug": "subhi", '
            '"biography": "A rescuer.\\r\\nIn Aleppo.  ", "created_at": "2026-11-22T07:40:30Z", '
            '"updated_at": "2026-11-22T07:40:30Z"}}]'
        )
        [row] = serializers.deserialize("json", data)
        row.save()
        self.assertEqual(Person.objects.get(slug="subhi").biography, "A rescuer.\nIn Aleppo.")

    def test_a_form_sent_with_crlf_has_not_changed(self):
        field = NormalisedFormField(required=False)
        self.assertFalse(field.has_changed("One.\nTwo.", "One.\r\nTwo.\r\n"))
        self.assertFalse(field.has_changed(f"{CAFE}", CAFE_DECOMPOSED))
        self.assertTrue(field.has_changed("One.\nTwo.", "One.\r\nTwo!"))
        self.assertEqual(field.clean("One. \r\nTwo.\r\n"), "One.\nTwo.")


class NormaliseStoredTextMigrationTests(TestCase):
    """The data migration normalises what was stored before, without touching "last changed"."""

    def test_stored_text_is_normalised(self):
        article = make_article(body="x")
        exchange = make_exchange(make_article(kind=Article.Kind.INTERVIEW), make_person())
        # As saved before normalisation: straight into the table.
        Article.objects.filter(pk=article.pk).update(body="One.\r\nTwo.  \r\n")
        Exchange.objects.filter(pk=exchange.pk).update(answer=f"{CAFE_DECOMPOSED}\r\n")
        changed_at = Article.objects.get(pk=article.pk).updated_at

        migration = import_module("archive.migrations.0008_normalise_stored_text")
        migration.normalise_stored_text(apps, None)

        article.refresh_from_db()
        exchange.refresh_from_db()
        self.assertEqual((article.body, exchange.answer), ("One.\nTwo.", CAFE))
        self.assertEqual(article.updated_at, changed_at)


class SortKeyTests(TestCase):
    """A person's or a film's place in an A–Z list follows its name or title however it is
    saved: a form's or a command's save, a bulk insert, a fixture (a raw save)."""

    def test_every_save_keeps_the_key(self):
        person = make_person(name="Émile Zola")
        self.assertEqual(person.sort_name, "emile zola")
        person.name = "Søren Kierkegaard"
        person.save()
        person.refresh_from_db()
        self.assertEqual(person.sort_name, "soren kierkegaard")
        Person.objects.bulk_create([Person(name="bell hooks", slug="bell-hooks")])
        self.assertEqual(Person.objects.get(slug="bell-hooks").sort_name, "bell hooks")
        data = (
            '[{"model": "archive.person", "pk": 900, "fields": {"name": "Ólafur", "slug": "o", '
            '"created_at": "2026-11-22T07:40:30Z", "updated_at": "2026-11-22T07:40:30Z"}}]'
        )
        [row] = serializers.deserialize("json", data)
        row.save()  # raw, as loaddata saves
        self.assertEqual(Person.objects.get(pk=900).sort_name, "olafur")
        self.assertEqual(sort_key("خالد عمر"), "خالد عمر")  # other scripts keep their letters
        self.assertEqual(sort_key("¡Alambrista!"), "alambrista!")
        self.assertEqual(sort_key("“Weird Al” Yankovic"), "weird al” yankovic")
        self.assertEqual(sort_key("?!"), "?!")  # nothing to read past
