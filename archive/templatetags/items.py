"""The items of the public lists — films, articles, quotes — and an article's byline.

Lists show a page of items (24 films, 20 articles, 30 quotes), and the pages that link many
objects (a film, a person, a theme) show several lists. Written as template partials, each
item cost more than everything else its page does per item: on the article list, 80 µs an
item against 10 µs written here, most of it the template engine looking up each variable in
turn. Django's admin writes its change list rows the same way (`items_for_result`), for the
same reason. The markup is what the partials wrote; every text is escaped (`escape`), and the
addresses come from `get_absolute_url`, remembered per worker (`archive/addresses.py`).
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe

from .dates import time_element

register = template.Library()


def link(url, text, inner=""):
    """`<a href="url">text</a>`, the text in `<inner>` if given."""
    text = escape(text)
    if inner:
        text = f"<{inner}>{text}</{inner}>"
    return f'<a href="{escape(url)}">{text}</a>'


def byline_html(article):
    authors, published = article.author_list, article.published_at
    if not authors and not published:
        return ""
    parts = []
    if authors:
        names = ", ".join(link(author.get_absolute_url(), author.name) for author in authors)
        parts.append(f"By {names}")
    if published:
        parts.append(time_element(published))
    return f'<p class="meta">{" · ".join(parts)}</p>'


def film_item_html(film):
    return (
        f'<li class="film-item">{link(film.get_absolute_url(), film.title, "cite")} '
        f'<span class="meta">{film.year} · {escape(film.get_kind_display())}</span></li>'
    )


def article_item_html(article, show_films):
    parts = [
        f'<p class="kind">{escape(article.get_kind_display())}</p>',
        f"<h3>{link(article.get_absolute_url(), article.title)}</h3>",
    ]
    if article.standfirst:
        parts.append(f'<p class="standfirst">{escape(article.standfirst)}</p>')
    if byline := byline_html(article):
        parts.append(byline)
    if show_films and (films := article.film_list):
        names = ", ".join(link(film.get_absolute_url(), film.title) for film in films)
        parts.append(f'<p class="about">On {names}</p>')
    return '<article class="article-item">\n  ' + "\n  ".join(parts) + "\n</article>"


def quote_html(quote, show_film):
    source = quote.article
    passage = escape(quote.passage_url)
    if quote.speaker:
        who = f"{link(quote.speaker.get_absolute_url(), quote.speaker.name)}, in"
    elif authors := source.author_list:
        who = f"{', '.join(escape(author.name) for author in authors)}, in"
    else:
        who = "from"
    film = ""
    if show_film:
        film = f", on {link(quote.film.get_absolute_url(), quote.film.title, 'cite')}"
    kind = escape(str(source.get_kind_display()).lower())
    return (
        f'<figure class="quote">\n  <blockquote cite="{passage}"><p>{escape(quote.text)}</p>'
        f"</blockquote>\n  <figcaption>— {who} the "
        f'<a href="{passage}">{kind} “{escape(source.title)}”</a>{film}</figcaption>\n</figure>'
    )


# Every value above is escaped where it enters the markup.
@register.simple_tag
def film_items(films):
    """`<li>` of each film: its title, year and kind."""
    return mark_safe("\n".join(film_item_html(film) for film in films))  # noqa: S308


@register.simple_tag
def article_items(articles, show_films=False):
    """Each article's kind, title, standfirst, byline and (with `show_films`) its films."""
    return mark_safe(  # noqa: S308
        "\n".join(article_item_html(article, show_films) for article in articles)
    )


@register.simple_tag
def quote_items(quotes, show_film=False):
    """Each quote with who said it, where (a link to the passage) and (with `show_film`) on
    which film."""
    return mark_safe("\n".join(quote_html(quote, show_film) for quote in quotes))  # noqa: S308


@register.simple_tag
def byline(article):
    """The authors, linked, and the date of publication."""
    return mark_safe(byline_html(article))  # noqa: S308
