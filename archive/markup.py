"""
The one place where editor-written text (Markdown) becomes HTML for readers.

Markdown lets editors write paragraphs, emphasis, links and lists in a plain textarea; whatever
it produces, and any raw HTML an editor types, then passes through nh3 with a short allow-list,
so a `<script>`, an event handler or a `javascript:` link never reaches a reader.
"""

import functools
import html
import re
import threading
from html.parser import HTMLParser
from urllib.parse import urljoin

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
    return mark_safe(sanitised_html(text))  # noqa: S308 - nh3 has sanitised it


def plain_text(text):
    """Editor Markdown as the words a reader sees, without markup."""
    if not text:
        return ""
    return words_of(text)


# A link whose address nh3 removed (a scheme not allowed) keeps the `rel` it adds to every
# link, and HTML allows no `rel` on an `<a>` without `href`: such a link becomes its words.
# nh3 writes each tag it keeps one way (each attribute's value in double quotes, a quotation
# mark inside it escaped) and never nests one `<a>` in another.
LINK = re.compile(r'<a((?:\s[\w-]+="[^"]*")*)>(.*?)</a>', re.DOTALL)


def unwrap_links_without_address(html_text):
    return LINK.sub(
        lambda link: link[0] if ' href="' in link[1] else link[2],
        html_text,
    )


ADDRESS = re.compile(r'(<a\s[^>]*?\bhref=")([^"]*)"')


def absolute_links(html_text, base):
    """Rendered HTML (`render_markdown`'s) with each link's address resolved against `base`, an
    absolute address: "/films/…/" names the site, "#…" the page at `base`, and an address
    that names its site stays as it is. For text read away from the site (a feed reader)."""
    return ADDRESS.sub(
        lambda link: f'{link[1]}{html.escape(urljoin(base, html.unescape(link[2])))}"',
        html_text,
    )


# The same text always gives the same HTML, and converting it costs more than the rest of a
# page's text: each worker remembers the texts it has converted lately (a few hundred, keyed by
# the text itself, so an edited text is simply a new key and nothing can go stale).
@functools.lru_cache(maxsize=512)
def sanitised_html(text):
    cleaned = nh3.clean(
        to_html(text),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return unwrap_links_without_address(cleaned)


@functools.lru_cache(maxsize=512)
def words_of(text):
    return html.unescape(nh3.clean(to_html(text), tags=set()))


QUOTE_MARK_VARIANTS = {
    "'": "['\u2018\u2019]",
    "\u2018": "['\u2018\u2019]",
    "\u2019": "['\u2018\u2019]",
    '"': '["\u201c\u201d]',
    "\u201c": '["\u201c\u201d]',
    "\u201d": '["\u201c\u201d]',
}


def passage_pattern(text):
    """A pattern finding `text` in a page's text, whatever its spacing and quotation marks."""
    parts = []
    for char in " ".join(text.split()):
        if char == " ":
            parts.append(r"\s+")
        else:
            parts.append(QUOTE_MARK_VARIANTS.get(char, re.escape(char)))
    return re.compile("".join(parts))


class Fragment(HTMLParser):
    """Sanitised HTML as a list of its pieces: tags kept as written (`str`), text runs decoded
    (`Text`), so that passages are looked for in what a reader reads and nowhere else."""

    def __init__(self, html_text):
        super().__init__(convert_charrefs=True)
        self.pieces = []
        self.feed(html_text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.pieces.append(self.get_starttag_text())

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        self.pieces.append(f"</{tag}>")

    def handle_data(self, data):
        self.pieces.append(Text(data))

    def __str__(self):
        return "".join(
            html.escape(piece, quote=False).replace("\xa0", "&nbsp;")
            if isinstance(piece, Text)
            else piece
            for piece in self.pieces
        )


class Text(str):
    """A run of text between two tags, decoded."""


# Elements that end a run of reading: a passage is never looked for across them.
BLOCKS = {"p", "li", "ul", "ol", "blockquote", "h2", "h3", "h4", "pre", "hr", "br"}
VOID = {"br", "hr"}


def tag_name(tag):
    return re.match(r"</?([a-zA-Z0-9]+)", tag)[1].lower()


def mark_passages(rendered, passages):
    """Wrap each quoted passage found in already-sanitised HTML in a `<mark>`.

    `passages` are (element id, text) pairs. Only the text a reader reads is searched, never a
    tag or an attribute (a passage that happens to be in a link's address or title stays
    unmarked), within a paragraph or an item, across inline markup: a quote holding a film's
    title in italics is marked whole, the `<em>` inside the `<mark>`. A passage that would
    break the markup (it begins inside a link and ends after it, or overlaps a passage marked
    already) is anchored instead: an empty element with its id opens the paragraph (or item)
    where it begins. Returns the HTML and the ids placed; ids are the site's own.
    """
    fragment = None
    placed, unmarkable = set(), []
    for element_id, text in passages:
        if fragment is None:
            fragment = Fragment(rendered)
        pattern = passage_pattern(text)
        if mark_passage(fragment.pieces, pattern, element_id):
            placed.add(element_id)
        elif find_passage(fragment.pieces, pattern):
            unmarkable.append((element_id, pattern))
    for element_id, pattern in unmarkable:
        if anchor_passage(fragment.pieces, pattern, element_id):
            placed.add(element_id)
    if not placed:
        return rendered, placed
    return mark_safe(str(fragment)), placed  # noqa: S308 - sanitised input, our own tags around it


def find_passage(pieces, pattern):
    """The first match of `pattern` in the text of `pieces` (a Fragment's), never across a
    block, and the runs of text it was read from: (offset in the reading, piece index)."""
    runs, reading, position = [], [], 0
    for index, piece in enumerate(pieces):
        if isinstance(piece, Text):
            runs.append((position, index))
            reading.append(piece)
            position += len(piece)
        elif tag_name(piece) in BLOCKS:
            reading.append("\0")  # no pattern matches it: passages stay within a block
            position += 1
    match = pattern.search("".join(reading))
    if not match or not match.group(0):
        return None
    return match, runs


def run_at(runs, offset, ending=False):
    """The piece holding `offset` of the reading, and the offset within it."""
    for start, index in reversed(runs):
        if start < offset or (not ending and start == offset):
            return index, offset - start
    return runs[0][1], 0


def anchor_passage(pieces, pattern, element_id):
    """Open the block (paragraph, item, quotation) where `pattern` first matches with an empty
    element carrying `element_id`, in place."""
    found = find_passage(pieces, pattern)
    if not found:
        return False
    match, runs = found
    index, _ = run_at(runs, match.start())
    while index > 0 and not opens_block(pieces[index - 1]):
        index -= 1
    pieces.insert(index, f'<span id="{html.escape(element_id)}"></span>')
    return True


def opens_block(piece):
    return not isinstance(piece, Text) and not piece.startswith("</") and tag_name(piece) in BLOCKS


def mark_passage(pieces, pattern, element_id):
    """Mark the first match of `pattern` in the text of `pieces` (a Fragment's), in place."""
    found = find_passage(pieces, pattern)
    if not found:
        return False
    match, runs = found

    first, first_at = run_at(runs, match.start())
    last, last_at = run_at(runs, match.end(), ending=True)

    def inline(piece, closing):
        return (
            not isinstance(piece, Text)
            and piece.startswith("</") == closing
            and tag_name(piece) not in BLOCKS
        )

    # A passage beginning where an element begins (a title in italics) takes the element in.
    low, high = first, last
    while first_at == 0 and low > 0 and inline(pieces[low - 1], closing=False):
        low -= 1
    while (
        last_at == len(pieces[last]) and high + 1 < len(pieces) and inline(pieces[high + 1], True)
    ):
        high += 1
    open_tags = []
    for piece in pieces[low : high + 1]:
        if isinstance(piece, Text) or tag_name(piece) in VOID:
            continue
        if not piece.startswith("</"):
            open_tags.append(tag_name(piece))
        elif not open_tags or open_tags.pop() != tag_name(piece):
            return False
    if open_tags:
        return False
    opening = f'<mark class="quoted" id="{html.escape(element_id)}">'
    start_piece, end_piece = pieces[first], pieces[last]
    if first == last:
        inside = [Text(start_piece[first_at:last_at])]
    else:
        inside = [
            Text(start_piece[first_at:]),
            *pieces[first + 1 : last],
            Text(end_piece[:last_at]),
        ]
    pieces[low : high + 1] = [
        Text(start_piece[:first_at]),  # empty when the mark takes opening tags in
        opening,
        *pieces[low:first],
        *inside,
        *pieces[last + 1 : high + 1],
        "</mark>",
        Text(end_piece[last_at:]),  # empty when it takes closing tags in
    ]
    return True
