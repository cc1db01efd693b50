"""The API's rate limit: so many requests per client address, shared by every worker.

The counts are kept in the default cache, which all workers and app servers share (files on
one machine, Redis on several). Applied to every API request by archive.api.middleware, before
the page cache answers.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from ..pagecache import CACHE_ERRORS
from ..proxies import client_address


class AddressRateThrottle(SimpleRateThrottle):
    """settings.API_RATE (DJANGO_API_RATE) requests per client address, as the site finds the
    address behind its trusted proxies (archive.proxies)."""

    scope = "api"

    def get_rate(self):
        return settings.API_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}

    def allow_request(self, request, view):
        """Allowed, uncounted, while the shared cache that holds the counts cannot be reached:
        the data is public, and an outage of the cache must not become one of the API."""
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS:
            return True
