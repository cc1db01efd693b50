"""What every answer under the API's address gets, whoever made it — the view, the page cache
(a cached copy, a 304) or this middleware itself: the rate limit and the CORS headers."""

from functools import cache

from csp.constants import HEADER as CSP_HEADER
from csp.utils import build_policy
from django.conf import settings
from django.urls import reverse

from .problems import problem_response
from .throttling import AddressRateThrottle

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Retry-After, Cache-Status",
}


@cache
def api_prefix():
    return reverse("api:reference")


class ContentAPIMiddleware:
    """Counts every API request against its client address's rate, and answers 429 (with
    Retry-After) beyond it; gives every API answer the CORS headers (it is public data, read
    without cookies: any site's pages may read it).

    It stands before the page cache (settings.MIDDLEWARE), so that every request counts, also
    one the cache answers: a client asking for one cached address over and over reaches the
    limit as one asking for many; and a 304 made by the cache carries the CORS headers too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(api_prefix()):
            return self.get_response(request)
        throttle = AddressRateThrottle()
        if throttle.allow_request(request, None):
            response = as_problem(request, self.get_response(request))
        else:
            wait = int(throttle.wait() or 0) + 1
            response = problem_response(
                request,
                429,
                f"More than {settings.API_RATE} requests from this address; "
                f"try again in {wait} seconds.",
                headers={"Retry-After": str(wait), "Cache-Control": "no-store"},
            )
            with_site_policy(response)
        for name, value in CORS_HEADERS.items():
            response[name] = value
        return response


ERRORS_OUTSIDE_THE_API = {
    400: "The request could not be read (too many query parameters, for instance).",
    500: "Something went wrong on our side; try again later.",
    503: "The archive's database cannot be reached just now; try again shortly.",
}


def as_problem(request, response):
    """An error answered before or around the API's own views (the site's 503 page while the
    database is away, Django's 400 for a query string too long to read, a 500) as a problem,
    like every other API error: never an HTML page."""
    if response.status_code < 400 or response.get("Content-Type", "").startswith(
        "application/problem+json"
    ):
        return response
    status = response.status_code
    headers = {"Cache-Control": "no-store"}
    if response.has_header("Retry-After"):
        headers["Retry-After"] = response["Retry-After"]
    detail = ERRORS_OUTSIDE_THE_API.get(status, "The request could not be answered.")
    return with_site_policy(problem_response(request, status, detail, headers=headers))


def with_site_policy(response):
    """A problem made here, above Django's CSP middleware, with the site's
    Content-Security-Policy all the same, as every other API answer (archive.views'
    error pages likewise)."""
    if CSP_HEADER not in response:
        response[CSP_HEADER] = build_policy()
    return response
