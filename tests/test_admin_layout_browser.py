"""Every admin list and form fits the screen: at 1280 px (a laptop) nothing is wider than the
window, so no column ("Last changed", "Preview") hides behind the filter and no table (a film's
credits) pushes the page sideways. Checked in Chromium on the demo archive, signed in as a
superuser, on every changelist, add form and the change form of an object of every model.
"""

import pytest
from django.urls import reverse

from archive.models import Article, Film

from .admin_pages import admin_addresses

pytestmark = pytest.mark.once

OVERFLOW = """() => {
    const width = window.innerWidth;
    const wide = [...document.querySelectorAll("body *")]
        .filter((element) => element.getBoundingClientRect().right > width + 1)
        .slice(0, 5)
        .map((element) => element.tagName + "#" + element.id + "." + element.className);
    // A list wider than its own box hides its last columns behind a scroll bar.
    const results = document.querySelector("#changelist .results");
    const hidden = results ? results.scrollWidth - results.clientWidth : 0;
    return {scrollWidth: document.documentElement.scrollWidth, width, wide, hidden};
}"""


def overflowing(page, base, addresses, lists_scroll=False):
    """The pages wider than the window, and (unless `lists_scroll`) the lists wider than their
    box, with the first elements that stick out."""
    found = []
    for address in addresses:
        response = page.goto(base + address)
        assert response.status == 200, address
        page.wait_for_load_state("load")
        measured = page.evaluate(OVERFLOW)
        hidden = 0 if lists_scroll else measured["hidden"]
        if measured["scrollWidth"] > measured["width"] or hidden > 0:
            found.append((address, measured["scrollWidth"], hidden, measured["wide"]))
    return found


def test_no_admin_page_is_wider_than_a_1280_px_window(signed_in):
    base, page, _ = signed_in
    found = overflowing(page, base, admin_addresses())
    assert not found, "\n".join(map(str, found))


def test_forms_fit_a_phone(signed_in):
    """At 390 px the admin's own responsive layout applies: the forms editors use on the go
    (an article, a film with its credits) fit; lists scroll inside their own box."""
    base, page, _ = signed_in
    page.set_viewport_size({"width": 390, "height": 844})
    film = Film.objects.get(slug="last-men-in-aleppo")
    interview = Article.objects.get(slug="feras-fayyad-interview")
    addresses = [
        reverse("admin:archive_film_change", args=[film.pk]),
        reverse("admin:archive_article_change", args=[interview.pk]),
        reverse("admin:archive_article_changelist"),
        reverse("admin:archive_person_changelist"),
    ]
    found = overflowing(page, base, addresses, lists_scroll=True)
    assert not found, "\n".join(map(str, found))
