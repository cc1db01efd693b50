from django import template
from django.http import QueryDict
from django.utils.encoding import escape_uri_path
from django.utils.translation import get_language_info

from archive import text
from archive.structured_data import as_script

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's one address: its path, plus, on a list, the filters it understood (the
    page holds what they select) and its position past the first page.

    Written as scheme, host and escaped path rather than through `build_absolute_uri()`, which
    reads a path beginning with `//` (as `/%2F…` decodes to) as an address on another host.
    """
    request = context["request"]
    url = f"{request.scheme}://{request.get_host()}{escape_uri_path(request.path)}"
    page = context.get("page_obj")
    if page is None:
        return url
    # The list's query string without its position (unread parameters are already dropped,
    # see archive.pagecache), less any filter the page reports it did not understand.
    query = QueryDict(context.get("query", ""), mutable=True)
    filters = context.get("filters")
    for name in filters.errors if filters is not None else ():
        query.pop(name, None)
    # Each filter understood written one way (`?year=2012`, not `2012.0` or `+2012`).
    for name, value in getattr(filters, "cleaned_data", {}).items():
        if name in query and value not in (None, ""):
            query[name] = str(filters.fields[name].prepare_value(value))
    position = getattr(page, "query", None)  # a keyset page (archive.pagination) says it
    if position is not None:
        query.update(QueryDict(position))
    elif page.number > 1:
        query["page"] = page.number
    return f"{url}?{query.urlencode()}" if query else url


@register.filter
def text_direction(language_code):
    """`rtl` for a right-to-left language (Arabic, Hebrew, Persian…), otherwise `ltr`."""
    try:
        return "rtl" if get_language_info(language_code)["bidi"] else "ltr"
    except KeyError:
        return "auto"


@register.filter
def isolated(value):
    """An editor's title or name in the plain text of a page's title (see text.isolated)."""
    return text.isolated(value)


@register.filter
def json_ld(data):
    """Structured data as a JSON-LD data block (see archive.structured_data)."""
    return as_script(data)
