"""The admin as a signed-in superuser sees it on the demo archive, for the browser tests that
walk every admin page (Content Security Policy, layout)."""

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


def admin_addresses():
    """Each registered model's list, add form and one change form (the demo's busiest film and
    its interview, where there are most inlines), and the interview's preview."""
    addresses = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if opts.app_label not in ("archive", "auth"):
            continue
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        addresses.append(reverse(f"{prefix}_changelist"))
        if model_admin.has_add_permission(FakeRequest()):
            addresses.append(reverse(f"{prefix}_add"))
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            addresses.append(reverse(f"{prefix}_change", args=[obj.pk]))
    addresses.append(
        reverse("admin:archive_film_change", args=[Film.objects.get(slug="last-men-in-aleppo").pk])
    )
    interview = Article.objects.get(slug="feras-fayyad-interview")
    addresses.append(reverse("admin:archive_article_change", args=[interview.pk]))
    addresses.append(reverse("archive:article_preview", args=[interview.pk]))
    return addresses


@pytest.fixture
def signed_in(browser, transactional_db, live_server):
    """The demo loaded, a superuser signed in at 1280 px: (address, page, CSP violations)."""
    call_command("loaddata", "demo", verbosity=0)
    get_user_model().objects.create_superuser("chief", "chief@example.org", "a-long-passphrase")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
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
