"""The admin keeps working under the site's strict Content Security Policy, in Chromium.

An editor signs in through the real form and opens every changelist and add form, the demo
film's and interview's change forms (inlines, autocompletes) and uses an autocomplete: the
browser must report no Content Security Policy violation anywhere.
"""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from archive.models import Article, Film


class FakeRequest:
    """Enough of a request for has_add_permission() of a superuser."""

    class user:  # noqa: N801
        is_active = is_staff = is_superuser = True

        @staticmethod
        def has_perm(*args):
            return True


@pytest.fixture
def signed_in(browser, transactional_db, live_server):
    call_command("loaddata", "demo", verbosity=0)
    get_user_model().objects.create_superuser("chief", "chief@example.org", "a-long-passphrase")
    context = browser.new_context()
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and violations.append(f"{page.url}: {message.text}")
        ),
    )
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", "chief")
    page.fill("#id_password", "a-long-passphrase")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + reverse("admin:index"))
    yield live_server.url, page, violations
    context.close()


def test_admin_pages_raise_no_csp_violations(signed_in):
    base, page, violations = signed_in
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("archive", "auth"):
            continue
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        if model_admin.has_add_permission(FakeRequest()):
            urls.append(reverse(f"{prefix}_add"))
    urls.append(
        reverse("admin:archive_film_change", args=[Film.objects.get(slug="last-men-in-aleppo").pk])
    )
    interview = Article.objects.get(slug="feras-fayyad-interview")
    urls.append(reverse("admin:archive_article_change", args=[interview.pk]))
    for url in urls:
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
