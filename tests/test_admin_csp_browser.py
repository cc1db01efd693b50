"""The admin keeps working under the site's strict Content Security Policy, in Chromium.

An editor signs in through the real form and opens every changelist and add form, the demo
film's and interview's change forms (inlines, autocompletes) and uses an autocomplete: the
browser must report no Content Security Policy violation anywhere.
"""

import pytest
from django.urls import reverse

from archive.models import Film

from .admin_pages import admin_addresses

pytestmark = pytest.mark.once


def test_admin_pages_raise_no_csp_violations(signed_in):
    base, page, violations = signed_in
    for url in admin_addresses():
        response = page.goto(base + url)
        assert response.status == 200, url
        page.wait_for_load_state("load")
    # An autocomplete (select2, from the admin's own static files) opens and searches.
    page.goto(
        base
        + reverse(
            "admin:archive_film_change", args=[Film.objects.get(slug="last-men-in-aleppo").pk]
        )
    )
    page.locator(".select2-selection--single").first.click()
    page.locator(".select2-container--open .select2-search__field").fill("Feras")
    page.wait_for_selector(".select2-results__option:has-text('Feras Fayyad')")
    assert violations == []
