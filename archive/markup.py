"""
The one place where editor-written text (Markdown) becomes HTML for readers.

Markdown lets editors write paragraphs, emphasis, links and lists in a plain textarea; whatever
it produces, and any raw HTML an editor types, then passes through nh3 with a short allow-list,
so a `<script>`, an event handler or a `javascript:` link never reaches a reader.
"""

import html

import markdown
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p", "br", "em", "strong", "i", "b", "a", "blockquote", "q", "cite", "ul", "ol", "li",
    "h2", "h3", "h4", "hr", "code", "pre", "abbr", "sub", "sup",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text):
    """Editor Markdown as sanitised HTML, safe to insert into a page."""
    if not text:
        return mark_safe("")
    converted = markdown.markdown(text, output_format="html")
    cleaned = nh3.clean(
        converted,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 has just sanitised it


def plain_text(text):
    """Editor Markdown as the words a reader sees, without markup."""
    if not text:
        return ""
    converted = markdown.markdown(text, output_format="html")
    return html.unescape(nh3.clean(converted, tags=set()))
