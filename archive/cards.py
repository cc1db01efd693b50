"""
Title cards: the picture a shared link shows for a film or an article without an image.

A card is type on the site's paper, drawn with Pillow at 1200×630 (the size Open Graph readers
show largest): the site's name over its double rule, the kind, the title (a film's in italics,
as the site sets it in <cite>), the year and who directed. It shows no picture, and its alt text
calls it a title card, so it never passes for a photograph of the film.

The font is DejaVu Serif, bundled in archive/fonts/ with its licence (no download, no system
font needed): the nearest free face to the site's Georgia and Times. It has no Arabic or Hebrew
letters: a text in those scripts is set in DejaVu Sans (bundled likewise), which has them, and a
title that reads from right to left is set from the right margin (shaped by Pillow's Raqm
layout, in its wheels). Scripts neither face has (Chinese, Japanese…) still show empty boxes.
Cards are public pages: the page cache stores each one and renders it afresh when the content
generation moves on. Only what the public may see has a card; a draft's is a 404.
"""

import io
import unicodedata
from functools import cache
from pathlib import Path

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from PIL import Image, ImageDraw, ImageFont, features

from .models import Article, Credit, Film
from .models.images import CARD_SIZE
from .views import ascii_slug_redirect, earlier_slug_redirect

FONTS = Path(__file__).resolve().parent / "fonts"
# The site's colours (static/css/site.css).
INK, PAPER, ACCENT, MUTED = "#1d1d1b", "#fdfcf9", "#8a1c1c", "#55554f"
MARGIN = 80
TITLE_SIZES = (76, 66, 56, 48)
TITLE_LINES = 3
# Whether Pillow lays text out with Raqm (its wheels do), which takes a direction.
RAQM = features.check("raqm")


# Arabic (with its supplements and presentation forms) and Hebrew: in DejaVu Sans, not Serif.
SANS_RANGES = [
    (0x0590, 0x05FF),
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x08A0, 0x08FF),
    (0xFB1D, 0xFDFF),
    (0xFE70, 0xFEFF),
]


@cache
def font(size, italic=False, sans=False):
    if sans:  # DejaVu Sans's oblique has no Arabic: upright, as those scripts are set
        name = "DejaVuSans.ttf"
    else:
        name = "DejaVuSerif-Italic.ttf" if italic else "DejaVuSerif.ttf"
    return ImageFont.truetype(str(FONTS / name), size)


def needs_sans(text):
    return any(start <= ord(letter) <= end for letter in text for start, end in SANS_RANGES)


def right_to_left(text):
    """Whether `text` begins, as Unicode's bidirectional algorithm reads a paragraph, with a
    letter of a right-to-left script."""
    for letter in text:
        direction = unicodedata.bidirectional(letter)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def wrapped(draw, text, typeface, width):
    """`text` in lines no wider than `width`, broken between words, and within a word too
    long for a line of its own."""
    lines = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=typeface) <= width:
            lines[-1] = candidate
        else:
            lines.extend(pieces(draw, word, typeface, width))
    return lines


def pieces(draw, word, typeface, width):
    """`word` cut into runs of letters no wider than `width` (the whole word if it fits)."""
    runs = [""]
    for letter in word:
        if runs[-1] and draw.textlength(runs[-1] + letter, font=typeface) > width:
            runs.append("")
        runs[-1] += letter
    return runs


def title_lines(draw, title, italic, width):
    """The title at the largest size that fits in three lines; cut short at the smallest."""
    sans = needs_sans(title)
    for size in TITLE_SIZES:
        typeface = font(size, italic, sans)
        lines = wrapped(draw, title, typeface, width)
        if len(lines) <= TITLE_LINES:
            return typeface, lines
    lines = lines[:TITLE_LINES]
    last = lines[-1].split()
    while len(last) > 1 and draw.textlength(" ".join(last) + " …", font=typeface) > width:
        last.pop()
    lines[-1] = " ".join(last) + " …"
    return typeface, lines


def start(draw, line, typeface, y, rtl):
    """Where `line` begins: at the left margin, or so that it ends at the right one in a text
    that reads from right to left."""
    if rtl:
        return (CARD_SIZE[0] - MARGIN - draw.textlength(line, font=typeface), y)
    return (MARGIN, y)


def write(draw, lines, typeface, y, step, fill, rtl):
    """`lines` from `y`, `step` apart, each in the direction of the whole text they are of
    (`rtl`: a Hebrew title with English words in it reads from the right on every line).
    Where the next line would begin, or None once the card is full."""
    direction = {"direction": "rtl" if rtl else "ltr"} if RAQM else {}
    for line in lines:
        if y > CARD_SIZE[1] - 60:
            return None
        draw.text(start(draw, line, typeface, y, rtl), line, font=typeface, fill=fill, **direction)
        y += step
    return y


def draw_card(kind, title, details, italic_title=False):
    """A title card as PNG bytes: `kind` above the title, `details` (lines) below it."""
    card = Image.new("RGB", CARD_SIZE, PAPER)
    draw = ImageDraw.Draw(card)
    width = CARD_SIZE[0] - 2 * MARGIN
    draw.text((MARGIN, 56), "Film Archive", font=font(40), fill=INK)
    for y in (122, 130):  # the header's double rule
        draw.line([(MARGIN, y), (CARD_SIZE[0] - MARGIN, y)], fill=INK, width=3)
    draw.text((MARGIN, 168), kind.upper(), font=font(28), fill=ACCENT)
    typeface, lines = title_lines(draw, title, italic_title, width)
    y = write(draw, lines, typeface, 220, round(typeface.size * 1.2), INK, right_to_left(title))
    y += 24
    for detail in details:
        typeface = font(32, sans=needs_sans(detail))
        lines = wrapped(draw, detail, typeface, width)[:2]
        y = write(draw, lines, typeface, y, 44, MUTED, right_to_left(detail))
        if y is None:
            break
    draw.rectangle([(0, CARD_SIZE[1] - 12), (CARD_SIZE[0], CARD_SIZE[1])], fill=ACCENT)
    buffer = io.BytesIO()
    card.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def directed_by(film):
    """“directed by A and B”, from the film's `director_credits`; empty if none is credited."""
    names = [credit.person.name for credit in film.director_credits]
    if not names:
        return ""
    if len(names) > 1:
        names = [", ".join(names[:-1]), names[-1]]
    return "directed by " + " and ".join(names)


def with_directors(prefix=""):
    directors = Credit.objects.filter(
        role__in=[Credit.Role.DIRECTOR, Credit.Role.CO_DIRECTOR]
    ).select_related("person")
    return Prefetch(f"{prefix}credits", queryset=directors, to_attr="director_credits")


def png(data):
    return HttpResponse(data, content_type="image/png")


def moved_or_404(request, queryset):
    """A redirect to the card at its current slug when the address has an earlier one of an
    object of `queryset`, as its page does; else Http404."""
    moved = earlier_slug_redirect(request, queryset)
    if moved is None:
        raise Http404("No such card.")
    return moved


def film_card(request, slug):
    if moved := ascii_slug_redirect(request, Film.objects.all()):
        return moved
    film = Film.objects.prefetch_related(with_directors()).filter(slug=slug).first()
    if film is None:
        return moved_or_404(request, Film.objects.all())
    details = [" · ".join(part for part in (str(film.year), capfirst(directed_by(film))) if part)]
    return png(draw_card(film.get_kind_display(), film.title, details, italic_title=True))


def article_card(request, slug):
    if moved := ascii_slug_redirect(request, Article.objects.published()):
        return moved
    articles = Article.objects.published()
    article = (
        articles.prefetch_related(
            Article.film_list.prefetch(Film.objects.prefetch_related(with_directors()))
        )
        .filter(slug=slug)
        .first()
    )
    if article is None:
        return moved_or_404(request, articles)
    year = timezone.localtime(article.published_at).year
    details = [
        ", ".join(part for part in (f"{film.title} ({film.year})", directed_by(film)) if part)
        for film in article.film_list[:2]
    ]
    return png(draw_card(f"{article.get_kind_display()} · {year}", article.title, details))
