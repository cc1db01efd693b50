"""System checks of what the settings alone cannot tell: how they meet the site's addresses."""

from django.conf import settings
from django.core import checks
from django.urls import Resolver404, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern


@checks.register(checks.Tags.urls)
def admin_address_is_its_own(app_configs=None, **kwargs):
    """DJANGO_ADMIN_URL must not be an address of the site's own pages: the admin's patterns
    come first, so `films/` put every film page behind the admin's sign-in, and `api/v1/` the
    whole API."""
    admin = settings.ADMIN_URL
    others = [
        pattern
        for pattern in get_resolver().url_patterns
        if getattr(pattern, "namespace", None) != "admin"
    ]
    site = URLResolver(RegexPattern(r"^/"), others)
    for path in (admin, f"{admin}login/"):
        try:
            site.resolve(f"/{path}")
        except Resolver404:
            continue
        return [
            checks.Error(
                f"DJANGO_ADMIN_URL is {admin!r}, an address of the site's own pages (/{path} "
                "would be the admin's, and readers sent to its sign-in).",
                hint="Choose an address of its own, such as desk/.",
                id="archive.E001",
            )
        ]
    return []
