"""Every admin list and form fits the screen: at 1280 px (a laptop, the navigation open) nothing
is wider than the window or than its own box, so no column ("Preview", a credit's "Delete?")
hides behind a scroll bar inside the list or the inline, and the words of a list stay whole.
Checked in Chromium on the demo archive, signed in as a superuser, on every changelist, add
form and the change form of an object of every model.
"""

import pytest
import reversion
from django.contrib.auth import get_user_model
from django.urls import reverse

from archive.models import Article, Film, Theme

from .admin_pages import admin_addresses
from .factories import make_article
from .layout import broken_words, overflow

pytestmark = pytest.mark.once

# On a phone a list scrolls in its own box, and so does a tabular inline (a film's credits).
PHONE_SCROLLS = "#changelist .results, .inline-group .tabular fieldset.module"


@pytest.fixture
def long_words(signed_in):
    """A draft with a long word in its title, and the interview's history after a few edits,
    one of them to a quote with a long word in it."""
    make_article(title="Cinematographers remember Aleppo", status=Article.Status.DRAFT)
    interview = Article.objects.get(slug="feras-fayyad-interview")
    chief = get_user_model().objects.get(username="chief")
    for comment in [
        "Changed Standfirst.",
        "Changed Answer for exchange “Can you describe the shooting process? Were you in Aleppo…”.",
        "Changed Text for quote “Aleppo Media Center: local journalists, video journalists, "
        "cinematographers…”.",
    ]:
        with reversion.create_revision():
            interview.save()
            reversion.set_user(chief)
            reversion.set_comment(comment)
    return signed_in


def overflowing(page, base, addresses, scrolls=None):
    """The pages, among `addresses`, with something wider than the window or its own box."""
    found = []
    for address in addresses:
        response = page.goto(base + address)
        assert response.status == 200, address
        page.wait_for_load_state("load")
        wide = overflow(page, scrolls)
        if wide:
            found.append((address, wide))
    return found


def test_no_admin_page_is_wider_than_a_1280_px_window(long_words):
    base, page, _ = long_words
    found = overflowing(page, base, admin_addresses())
    assert not found, "\n".join(map(str, found))


def test_list_columns_keep_their_words_whole(long_words):
    """At 1280 px the article list's eight columns fit beside the navigation and the filter
    without breaking a title, a film or a theme in the middle of a word."""
    base, page, _ = long_words
    page.goto(base + reverse("admin:archive_article_changelist"))
    assert "Cinematographers remember Aleppo" in page.locator("#result_list").inner_text()
    assert broken_words(page, "#result_list") == []


def test_forms_fit_a_phone(long_words):
    """At 390 px the admin's own responsive layout applies: the forms editors use on the go
    (an article, a film with its credits) and an article's history fit; lists and tabular
    inlines scroll inside their own box."""
    base, page, _ = long_words
    page.set_viewport_size({"width": 390, "height": 844})
    film = Film.objects.get(slug="last-men-in-aleppo")
    interview = Article.objects.get(slug="feras-fayyad-interview")
    addresses = [
        reverse("admin:archive_film_change", args=[film.pk]),
        reverse("admin:archive_article_change", args=[interview.pk]),
        reverse("admin:archive_article_history", args=[interview.pk]),
        reverse("admin:archive_article_changelist"),
        reverse("admin:archive_person_changelist"),
    ]
    found = overflowing(page, base, addresses, scrolls=PHONE_SCROLLS)
    assert not found, "\n".join(map(str, found))


# Where the words of a link are drawn (its box may be taller).
TEXT_BOX = """(link) => {
    const range = document.createRange();
    range.selectNodeContents(link);
    const box = range.getBoundingClientRect();
    return {y: box.y, height: box.height};
}"""


def middle(box):
    return box["y"] + box["height"] / 2


def test_the_archives_own_screens_line_their_buttons_up(signed_in):
    """On the screens the archive adds (renaming and merging themes, importing text, pasting a
    transcript), the word "Cancel" sat at the top of its button, above the line of the button
    beside it; on the merge screen each theme's name sat on the line below its radio button.
    Both buttons' words are now on one line, and each name is beside its radio button."""
    base, page, _ = signed_in
    syria, aleppo = Theme.objects.get(name="Syria"), Theme.objects.get(name="Aleppo")
    merge = reverse("admin:archive_theme_merge") + f"?ids={syria.pk},{aleppo.pk}"
    screens = [
        reverse("admin:archive_theme_rename", args=[syria.pk]),
        merge,
        reverse("admin:archive_article_import"),
        reverse(
            "admin:archive_article_transcript",
            args=[Article.objects.get(slug="feras-fayyad-interview").pk],
        ),
    ]
    for address in screens:
        page.goto(base + address)
        button = page.locator(".submit-row input[type=submit]").first.bounding_box()
        cancel = page.locator(".submit-row a.cancel-link").first.evaluate(TEXT_BOX)
        assert abs(middle(cancel) - middle(button)) <= 2, address
    page.goto(base + merge)
    for row in page.locator("#content-main tbody tr").all():
        radio = row.locator("input[type=radio]").bounding_box()
        label = row.locator("label").bounding_box()
        assert label["y"] < radio["y"] + radio["height"] and label["x"] > radio["x"], row
