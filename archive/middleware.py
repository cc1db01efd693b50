import logging

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.template.response import TemplateResponse

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
