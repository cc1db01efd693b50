"""
The one place where editor-written text (Markdown) becomes HTML for readers.

Markdown lets editors write paragraphs, emphasis, links and lists in a plain textarea; whatever
it produces, and any raw HTML an editor types, then passes through nh3 with a short allow-list,
so a `<script>`, an event handler or a `javascript:` link never reaches a reader.
"""

import html
import re
import threading

import markdown
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p", "br", "em", "strong", "i", "b", "a", "blockquote", "q", "cite", "ul", "ol", "li",
    "h2", "h3", "h4", "hr", "code", "pre", "abbr", "sub", "sup",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


_converters = threading.local()


def to_html(text):
    """Markdown to (unsanitised) HTML, with one converter per thread: making a converter costs
    more than converting a few paragraphs."""
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown.Markdown(output_format="html")
    return converter.reset().convert(text)


def render_markdown(text):
    """Editor Markdown as sanitised HTML, safe to insert into a page."""
    if not text:
        return mark_safe("")
    converted = to_html(text)
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
    converted = to_html(text)
    return html.unescape(nh3.clean(converted, tags=set()))


QUOTE_MARK_VARIANTS = {
    "'": "['\u2018\u2019]",
    "\u2018": "['\u2018\u2019]",
    "\u2019": "['\u2018\u2019]",
    '"': '(?:"|&quot;|[\u201c\u201d])',
    "\u201c": '(?:"|&quot;|[\u201c\u201d])',
    "\u201d": '(?:"|&quot;|[\u201c\u201d])',
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
}


def passage_pattern(text):
    """A pattern finding `text` in rendered HTML, whatever its spacing and quotation marks."""
    parts = []
    for char in " ".join(text.split()):
        if char == " ":
            parts.append(r"\s+")
        else:
            parts.append(QUOTE_MARK_VARIANTS.get(char, re.escape(char)))
    return re.compile("".join(parts))


def mark_passages(rendered, passages):
    """Wrap each quoted passage found in already-sanitised HTML in a `<mark>`.

    `passages` are (element id, text) pairs. Returns the HTML and the ids placed: a passage
    that crosses markup (say, half in italics) is left unmarked rather than breaking the HTML,
    and the caller anchors it nearby instead. Ids are the site's own.
    """
    placed = set()
    for element_id, text in passages:
        match = passage_pattern(text).search(rendered)
        if match:
            rendered = (
                f'{rendered[: match.start()]}<mark class="quoted" id="{element_id}">'
                f"{match.group(0)}</mark>{rendered[match.end() :]}"
            )
            placed.add(element_id)
    return mark_safe(rendered), placed  # noqa: S308 - sanitised input, our own tags around it
