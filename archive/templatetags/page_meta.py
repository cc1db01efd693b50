from django import template
from django.utils.encoding import escape_uri_path
from django.utils.translation import get_language_info

from archive.structured_data import as_script

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's one address: its path, plus its position past the first page of a list.

    Written as scheme, host and escaped path rather than through `build_absolute_uri()`, which
    reads a path beginning with `//` (as `/%2F…` decodes to) as an address on another host.
    """
    request = context["request"]
    url = f"{request.scheme}://{request.get_host()}{escape_uri_path(request.path)}"
    page = context.get("page_obj")
    if page is None:
        return url
    position = getattr(page, "query", None)  # a keyset page (archive.pagination) says it
    if position is not None:
        return f"{url}?{position}" if position else url
    if page.number > 1:
        url += f"?page={page.number}"
    return url


@register.filter
def text_direction(language_code):
    """`rtl` for a right-to-left language (Arabic, Hebrew, Persian…), otherwise `ltr`."""
    try:
        return "rtl" if get_language_info(language_code)["bidi"] else "ltr"
    except KeyError:
        return "auto"


@register.filter
def json_ld(data):
    """Structured data as a JSON-LD data block (see archive.structured_data)."""
    return as_script(data)
