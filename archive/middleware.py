import logging
import re

from django.conf import settings
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    InterfaceError,
    OperationalError,
    connections,
)
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django.views.defaults import bad_request

from .replicas import REPLICA_IF_IT_ANSWERS, replica_failed, request_reads

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    """While the database cannot be reached, answer 503 with a friendly page, not a 500.

    The broken connections are closed so that the next request opens fresh ones: when the
    database comes back, the site recovers by itself, without restarting the app.

    A middleware above it that found the database unreachable before the view ran (the page
    cache, asking when the next piece is scheduled or whether a session is signed in) says so
    with `unreachable_database()`: the 503 is then answered before the view, which would only
    wait on the database once more.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        error = getattr(request, "unreachable_database", None)
        return None if error is None else self.process_exception(request, error)

    def process_exception(self, request, exception):
        if not is_unreachable_database(exception):
            return None
        if replica_failed(request, exception):
            # A reader's page (GET or HEAD, which change nothing) met the replica gone after
            # its first read, while the primary may well answer: the view runs once more, from
            # the start, reading from the primary; if that fails too, the answer is the 503.
            return self.get_response(request)
        logger.warning("Database unavailable: %s", exception)
        for connection in connections.all(initialized_only=True):
            try:
                connection.close()
            except DatabaseError:
                pass
        response = TemplateResponse(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response


def is_unreachable_database(error):
    return isinstance(error, OperationalError | InterfaceError)


def unreachable_database(request, error):
    """Note that `error`, raised before the view ran, says the database cannot be reached:
    DatabaseUnavailableMiddleware answers the request with its 503 without running the view.
    Any other error is left to the view to meet again."""
    if is_unreachable_database(error):
        request.unreachable_database = error


class PermissionsPolicyMiddleware:
    """Every response refuses its page, and whatever the page embeds, the browser features
    the site never uses (settings.PERMISSIONS_POLICY); one that sets its own keeps it.

    Django's SecurityMiddleware sets the other security headers but not this one. It stands
    above the page cache and the static files, so that pages served from the cache and the
    static files carry it too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY and not response.has_header("Permissions-Policy"):
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        return response


class UnstorableValueMiddleware:
    """A value the database cannot take, in a crafted address or form, is the request's fault:
    400, not a server error. Two such values: a number too large (an id of 2**70; SQLite's
    driver cannot even send it, OverflowError) and, on PostgreSQL, a text holding a NUL
    character (psycopg2 refuses it, ValueError), which the admin's list filters and
    autocomplete pass on as they are. No page, select or link ever offers one. Logged with its
    traceback, so that one from the code itself would still be seen."""

    NUL_REFUSED = "cannot contain NUL"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        unstorable = isinstance(exception, OverflowError) or (
            isinstance(exception, ValueError) and self.NUL_REFUSED in str(exception)
        )
        if not unstorable:
            return None
        logger.warning("Unstorable value: %s %s", request.method, request.path, exc_info=True)
        return bad_request(request, exception)


class ReplicaReadsMiddleware:
    """Anonymous readers' public pages read from the read replica (see archive/replicas.py).

    Installed only with DATABASE_REPLICA_URL. Decided once the view is known, before it runs:
    GET and HEAD requests, outside the admin and previews, from someone without a session
    cookie. Whoever has one (a signed-in editor) reads from the primary and sees what they have
    just saved; the session itself is not loaded for this, so anonymous pages cost no query
    and do not start varying on Cookie. If the replica does not answer when the page first
    reads, the page is read from the primary; if it fails later in the page, the page is read
    again from the primary (see DatabaseUnavailableMiddleware).
    """

    PRIMARY_VIEWS = {"archive:article_preview"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_reads.set(DEFAULT_DB_ALIAS)
        try:
            return self.get_response(request)
        finally:
            request_reads.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if self.is_public_read(request):
            request_reads.set(REPLICA_IF_IT_ANSWERS)

    def is_public_read(self, request):
        return (
            request.method in ("GET", "HEAD")
            and not getattr(request, "reads_from_primary", False)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path_info.startswith(f"/{settings.ADMIN_URL}")
            and request.resolver_match.view_name not in self.PRIMARY_VIEWS
        )


class CompressionMiddleware(GZipMiddleware):
    """HTML and other text compressed with gzip for clients that accept it, except a response
    that carries a CSRF token.

    It stands above the page cache, which therefore stores pages uncompressed and each answer
    is compressed for its own client (the cache key need not vary on Accept-Encoding; the
    response says `Vary: Accept-Encoding` for other caches). A compressed response's ETag is
    made weak: the page cache compares `If-None-Match` weakly, so it still answers 304.

    BREACH: compressing a page that reflects what a request sent beside a secret lets an
    attacker guess the secret from the compressed length. Public pages carry no secret (no
    CSRF token, no session); the admin's forms carry a CSRF token, and those responses are
    left uncompressed (Django's random padding alone is only a mitigation).
    """

    def process_response(self, request, response):
        if carries_csrf_token(request, response):
            return response
        if response.status_code == 304:
            return self.not_modified(request, response)
        if not gzip_accepted(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            # Django's reading of Accept-Encoding takes "gzip;q=0" for yes: only its Vary.
            if not response.has_header("Content-Encoding"):
                patch_vary_headers(response, ("Accept-Encoding",))
            return response
        return super().process_response(request, response)

    def not_modified(self, request, response):
        """A 304 (made below, by the page cache) as the answer it stands for would have been
        sent: varying by Accept-Encoding and, to a client that accepts gzip, with the weak
        ETag of the compressed copy. A cache holding that copy finds it named and keeps it."""
        patch_vary_headers(response, ("Accept-Encoding",))
        accepted = request.META.get("HTTP_ACCEPT_ENCODING", "")
        etag = response.get("ETag", "")
        if gzip_accepted(accepted) and etag.startswith('"'):
            response["ETag"] = f"W/{etag}"
        return response


QUALITY = re.compile(r"\s*q\s*=\s*([0-9.]+)\s*$", re.IGNORECASE)


def gzip_accepted(accept_encoding):
    """Whether a client's Accept-Encoding takes gzip: named, as Django's GZipMiddleware looks
    for it, and not refused with a quality of 0 ("gzip;q=0", RFC 9110, 12.4.2), which Django
    reads as yes. A quality that cannot be read counts as given."""
    if not re_accepts_gzip.search(accept_encoding):
        return False
    for coding in accept_encoding.split(","):
        name, *parameters = coding.split(";")
        if name.strip().lower() not in ("gzip", "x-gzip"):
            continue
        qualities = [match[1] for p in parameters if (match := QUALITY.match(p))]
        try:
            if not qualities or float(qualities[0]) > 0:
                return True
        except ValueError:
            return True
    return False


def carries_csrf_token(request, response):
    """Whether a CSRF token was put in this response. The CSRF middleware (further down) sends
    its cookie with every response that asked for the token, then clears its own flag."""
    return (
        settings.CSRF_COOKIE_NAME in response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False)
        or (settings.CSRF_USE_SESSIONS and "CSRF_COOKIE" in request.META)
    )
