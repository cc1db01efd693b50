"""Pages of the API's lists, read as the site's lists are: by keyset (archive.pagination).

A page starts where the one before it ended (`?after=POSITION`), so the last page of 100,000
articles costs what the first does. `next` and `previous` are the addresses of the neighbouring
pages, null at either end; `?page=last` is the last page. The links name positions, not items:
a `next` link still works after the item it starts from is unpublished or renamed. A position
that names nothing the list shows is a bad parameter (400).
"""

from django.http import Http404
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from ..pagination import PAGE_PARAMETERS
from .problems import BadParameters


class KeysetPagination(BasePagination):
    """The view names its `keyset` (an archive.pagination.KeysetPaginator) and `page_size`."""

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        filters = request.query_params.copy()
        for name in PAGE_PARAMETERS:
            filters.pop(name, None)
        try:
            self.page = view.keyset.page(
                queryset, request.query_params, view.page_size, filters=filters.urlencode()
            )
        except Http404:
            given = [name for name in PAGE_PARAMETERS if name in request.query_params]
            message = (
                "Use the `next` and `previous` links of the list's own pages: this position "
                "names nothing the list shows, or `page` is not `last`, or several positions "
                "are given."
            )
            raise BadParameters({name: [message] for name in given or ["after"]}) from None
        return self.page.object_list

    def link(self, query, present):
        return self.request.build_absolute_uri(f"{self.request.path}?{query}") if present else None

    def get_paginated_response(self, data):
        return Response(
            {
                "next": self.link(self.page.next_query, self.page.has_next),
                "previous": self.link(self.page.previous_query, self.page.has_previous),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": ["string", "null"], "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view):
        key = "id" if view.keyset.key == "pk" else "slug"

        def parameter(name, description, **schema):
            return {
                "name": name,
                "in": "query",
                "required": False,
                "description": description,
                "schema": {"type": "string", **schema},
            }

        return [
            parameter(
                "after",
                "The page after this position: the `next` link's, or the "
                f"{key} of an item of the list.",
            ),
            parameter(
                "before",
                "The page before this position: the `previous` link's, or the "
                f"{key} of an item of the list.",
            ),
            parameter("page", "`last`: the list's last page.", enum=["last"]),
        ]
