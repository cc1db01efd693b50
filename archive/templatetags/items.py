"""The items of the public lists — films, articles, quotes — and an article's byline.

Lists show a page of items (24 films, 20 articles, 30 quotes), and the pages that link many
objects (a film, a person, a theme) show several lists. Written as template partials, each
item cost more than everything else its page does per item: on the article list, 80 µs an
item against 10 µs written here, most of it the template engine looking up each variable in
turn. Django's admin writes its change list rows the same way (`items_for_result`), for the
same reason. The markup is what the partials wrote; every text is escaped (`escape`), and the
addresses come from `get_absolute_url`, remembered per worker (`archive/addresses.py`).

What every item of a list reads alike — its addresses' URLconf and script prefix, the time zone
of its dates, the names of the months, the labels of the kinds — is read once per list by an
`ItemWriter`: each is a lookup of the request's context, and item by item they cost three
times the rest of the markup (an article item: 30 µs against 7).
"""

from html import escape

from django import template
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.safestring import mark_safe

from ..addresses import PagePaths
from ..text import sort_key

register = template.Library()


class ItemWriter:
    """Writes the items of one list, as markup."""

    def __init__(self):
        self.path = PagePaths()
        self.zone = timezone.get_current_timezone()
        self.labels = {}

    def label(self, obj, field):
        """`obj.get_FIELD_display()`, each choice's label read once."""
        value = getattr(obj, field)
        key = (type(obj), field, value)
        if key not in self.labels:
            self.labels[key] = str(getattr(obj, f"get_{field}_display")())
        return self.labels[key]

    def month(self, number):
        key = ("month", number)
        if key not in self.labels:
            self.labels[key] = str(MONTHS[number])
        return self.labels[key]

    def link(self, obj, text, inner=""):
        """`<a href="obj's address">text</a>`, the text in `<inner>` if given."""
        return link(obj.get_absolute_url(self.path), text, inner)

    def time(self, value):
        """`<time datetime="2026-11-30T10:00:00+00:00">30 November 2026</time>` for an aware
        datetime, in the current time zone, to the second (HTML allows at most three digits of
        a fraction of a second, and a piece published "now" has six). Nothing in it needs
        escaping."""
        local = value.astimezone(self.zone)
        return (
            f'<time datetime="{local.isoformat(timespec="seconds")}">'
            f"{local.day} {self.month(local.month)} {local.year}</time>"
        )

    def byline(self, article):
        authors, published = article.author_list, article.published_at
        if not authors and not published:
            return ""
        parts = []
        if authors:
            parts.append(f"By {', '.join(self.link(author, author.name) for author in authors)}")
        if published:
            parts.append(self.time(published))
        return f'<p class="meta">{" · ".join(parts)}</p>'

    def film(self, film):
        return (
            f'<li class="film-item">{self.link(film, film.title, "cite")} '
            f'<span class="meta">{film.year} · {escape(self.label(film, "kind"))}</span></li>'
        )

    def article(self, article, show_films):
        parts = [
            f'<p class="kind">{escape(self.label(article, "kind"))}</p>',
            f"<h3>{self.link(article, article.title)}</h3>",
        ]
        if article.standfirst:
            parts.append(f'<p class="standfirst">{escape(article.standfirst)}</p>')
        if byline := self.byline(article):
            parts.append(byline)
        if show_films and (films := article.film_list):
            names = ", ".join(self.link(film, film.title, "cite") for film in films)
            parts.append(f'<p class="about">On {names}</p>')
        return '<article class="article-item">\n  ' + "\n  ".join(parts) + "\n</article>"

    def quote(self, quote, show_film):
        source = quote.article
        passage = escape(quote.passage_path(self.path))
        if quote.speaker:
            who = f"{self.link(quote.speaker, quote.speaker.name)}, in"
        elif authors := source.author_list:
            names = (f"<bdi>{escape(author.name)}</bdi>" for author in authors)
            who = f"{', '.join(names)}, in"
        else:
            who = "from"
        film = f", on {self.link(quote.film, quote.film.title, 'cite')}" if show_film else ""
        kind = escape(self.label(source, "kind").lower())
        return (
            f'<figure class="quote">\n  <blockquote cite="{passage}"><p>{escape(quote.text)}</p>'
            f"</blockquote>\n  <figcaption>— {who} the "
            f'<a href="{passage}">{kind} “{escape(source.title)}”</a>{film}</figcaption>\n</figure>'
        )

    def theme_row(self, theme, anchor=None):
        where = f' id="{anchor}"' if anchor else ""
        return (
            f'<tr{where}><th scope="row">{self.link(theme, theme.name)}</th><td>{theme.film_count}'
            f"</td><td>{theme.article_count}</td><td>{theme.quote_count}</td></tr>"
        )


def link(url, text, inner=""):
    """`<a href="url">text</a>`, the text in `<inner>` if given."""
    text = escape(text)
    if inner:
        text = f"<{inner}>{text}</{inner}>"
    return f'<a href="{escape(url)}">{text}</a>'


# Every value above is escaped where it enters the markup.
@register.simple_tag
def film_items(films):
    """`<li>` of each film: its title, year and kind."""
    writer = ItemWriter()
    return mark_safe("\n".join(writer.film(film) for film in films))  # noqa: S308


@register.simple_tag
def article_items(articles, show_films=False):
    """Each article's kind, title, standfirst, byline and (with `show_films`) its films."""
    writer = ItemWriter()
    return mark_safe(  # noqa: S308
        "\n".join(writer.article(article, show_films) for article in articles)
    )


@register.simple_tag
def quote_items(quotes, show_film=False):
    """Each quote with who said it, where (a link to the passage) and (with `show_film`) on
    which film."""
    writer = ItemWriter()
    return mark_safe("\n".join(writer.quote(quote, show_film) for quote in quotes))  # noqa: S308


@register.simple_tag
def byline(article):
    """The authors, linked, and the date of publication."""
    return mark_safe(ItemWriter().byline(article))  # noqa: S308


@register.simple_tag
def theme_rows(themes, initials=None):
    """A row of the themes table for each theme: its name and counts; the first theme of each
    initial in `initials` (initial, anchor) carries the anchor."""
    writer = ItemWriter()
    anchors = dict(initials or ())
    rows = []
    for theme in themes:
        anchor = anchors.pop(initial_of(theme.name), None)
        rows.append(writer.theme_row(theme, anchor))
    return mark_safe("\n".join(rows))  # noqa: S308


def initial_of(name):
    """A name's initial as an index of names shows it, where the name is sorted
    (archive.text.sort_key): its first letter in capitals, a Latin one in ASCII ("Égypte"
    under E, "#MeToo" under M), "#" for a name that begins with no letter."""
    first = sort_key(name)[:1]
    return first.upper() if first.isalpha() else "#"
