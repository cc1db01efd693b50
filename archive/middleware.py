import logging

from django.conf import settings
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    InterfaceError,
    OperationalError,
    connections,
)
from django.template.response import TemplateResponse

from .replicas import REPLICA_IF_IT_ANSWERS, request_reads

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    """While the database cannot be reached, answer 503 with a friendly page, not a 500.

    The broken connections are closed so that the next request opens fresh ones: when the
    database comes back, the site recovers by itself, without restarting the app.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
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


class ReplicaReadsMiddleware:
    """Anonymous readers' public pages read from the read replica (see archive/replicas.py).

    Installed only with DATABASE_REPLICA_URL. Decided once the view is known, before it runs:
    GET and HEAD requests, outside the admin and previews, from someone without a session
    cookie. Whoever has one (a signed-in editor) reads from the primary and sees what they have
    just saved; the session itself is not loaded for this, so anonymous pages cost no query
    and do not start varying on Cookie. If the replica does not answer when the page first
    reads, the page is read from the primary.
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
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path_info.startswith(f"/{settings.ADMIN_URL}")
            and request.resolver_match.view_name not in self.PRIMARY_VIEWS
        )
