"""The API's errors as problem details (RFC 9457): `application/problem+json` with type, title,
status, detail and instance, for a bad parameter (400), an unknown object or address (404), a
write method (405) and a client over its rate (429) alike; never the site's HTML pages."""

from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response

CONTENT_TYPE = "application/problem+json"


def details(request, status, detail, **extensions):
    """The members of a problem. Its type is `about:blank`: the status says what went wrong,
    `detail` what to change, and a bad parameter's messages are under `errors`."""
    return {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.get_full_path(),
        **extensions,
    }


def problem_response(request, status, detail, headers=None, **extensions):
    """A problem answered outside a REST framework view (a middleware, a plain view)."""
    response = JsonResponse(
        details(request, status, detail, **extensions),
        status=status,
        content_type=CONTENT_TYPE,
        json_dumps_params={"separators": (",", ":"), "ensure_ascii": False},  # as REST framework's
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class BadParameters(exceptions.ValidationError):
    """Query parameters the API cannot use: `errors` maps each to what is wrong with it."""


def exception_handler(exc, context):
    """REST framework's exception handler (settings.REST_FRAMEWORK): every error it knows as a
    problem. Anything else is a bug and is left to raise."""
    request = context["request"]
    headers = {}
    extensions = {}
    if isinstance(exc, Http404):
        status, detail = 404, "There is nothing at this address."
    elif isinstance(exc, PermissionDenied):
        status, detail = 403, "This is not public."
    elif isinstance(exc, exceptions.ValidationError):
        status = 400
        detail = "A query parameter has a value this list cannot use; see `errors`."
        extensions["errors"] = exc.detail
    elif isinstance(exc, exceptions.APIException):
        status, detail = exc.status_code, str(exc.detail)
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(int(exc.wait) + 1)
        if isinstance(exc, exceptions.NotFound):
            detail = "There is nothing at this address."
    else:
        return None
    return Response(
        details(request, status, detail, **extensions),
        status=status,
        headers=headers,
        content_type=CONTENT_TYPE,
    )


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An error, as problem details (RFC 9457).",
    "required": ["type", "title", "status", "detail", "instance"],
    "properties": {
        "type": {"type": "string", "description": "`about:blank`: the status says it all."},
        "title": {"type": "string", "description": "The status's own phrase, such as Not Found."},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "What went wrong, for a person."},
        "instance": {"type": "string", "description": "The address that was asked for."},
        "errors": {
            "type": "object",
            "description": "For a 400: each bad query parameter, with what is wrong with it.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}
PROBLEMS = {
    "400": "A query parameter has a value the list cannot use.",
    "404": "Nothing public at this address.",
    "405": "The API is read-only: GET, HEAD and OPTIONS only.",
    "429": "Too many requests from this address; see Retry-After.",
    "503": "The archive's database cannot be reached just now; see Retry-After.",
}


def document_problems(result, generator, request, public):
    """A drf-spectacular postprocessing hook: the problems each operation may answer with."""
    result["components"]["schemas"]["Problem"] = PROBLEM_SCHEMA
    problem = {CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, operations in result["paths"].items():
        for operation in operations.values():
            operation["responses"]["304"] = {
                "description": "Not modified: the ETag sent in If-None-Match is current; no body."
            }
            if "{slug}" in path:
                operation["responses"]["301"] = {
                    "description": "An earlier slug: the current address is in Location."
                }
            has_parameters = any(p["in"] == "query" for p in operation.get("parameters", []))
            for status, description in PROBLEMS.items():
                if status == "400" and not has_parameters:
                    continue
                operation["responses"][status] = {"description": description, "content": problem}
    return result
