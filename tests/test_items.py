"""The items of the public lists, written by template tags: what a reader sees of each film,
article and quote, every editor-written text shown as text."""

from django.template import engines
from django.test import TestCase

from archive.models import Article

from .factories import make_article, make_film, make_person, make_quote

HOSTILE = '<img src=x onerror="alert(1)"> & "quoted"'
ESCAPED = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &quot;quoted&quot;"


def render(source, **context):
    return engines["django"].from_string("{% load items %}" + source).render(context)


class ItemTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.film = make_film(title=HOSTILE, year=2017, kind="documentary")
        cls.author = make_person(name=HOSTILE, slug="critic")
        cls.speaker = make_person(name="Khaled Omar Harrah", slug="khaled")
        cls.article = make_article(films=[cls.film], title=HOSTILE, standfirst=HOSTILE)
        cls.article.bylines.create(person=cls.author)
        cls.unsigned = make_article(films=[cls.film], title="Unsigned", standfirst="")
        cls.quote = make_quote(cls.article, cls.film, HOSTILE, speaker=cls.speaker)
        cls.unattributed = make_quote(cls.unsigned, cls.film, "Words without a speaker")

    def test_film_item(self):
        html = render("{% film_items films %}", films=[self.film])
        self.assertHTMLEqual(
            html,
            f'<li class="film-item"><a href="{self.film.get_absolute_url()}"><cite>{ESCAPED}'
            "</cite></a> <span class=meta>2017 · Documentary</span></li>",
        )

    def test_article_item_with_byline_and_films(self):
        """A piece's films are named as titles, in italics (`<cite>`), as the film lists, the
        quotes and the article's own page name them: under "On" they were set in roman, so that
        the home page's latest pieces, a theme's or a person's read "On Last Men in Aleppo" as
        if the words were the magazine's own."""
        article = Article.objects.get(pk=self.article.pk)
        published = article.published_at
        self.assertTrue(published.microsecond)  # HTML allows three digits at most: none written
        html = render("{% article_items articles show_films=True %}", articles=[article])
        self.assertHTMLEqual(
            html,
            f"""<article class="article-item"><p class="kind">Review</p>
            <h3><a href="{article.get_absolute_url()}">{ESCAPED}</a></h3>
            <p class="standfirst">{ESCAPED}</p>
            <p class="meta">By <a href="/people/critic/">{ESCAPED}</a> ·
              <time datetime="{published.isoformat(timespec="seconds")}">{published.day}
              {published.strftime("%B")} {published.year}</time></p>
            <p class="about">On
              <a href="{self.film.get_absolute_url()}"><cite>{ESCAPED}</cite></a></p>
            </article>""",
        )
        self.assertNotIn('class="about"', render("{% article_items a %}", a=[article]))

    def test_an_unsigned_piece_has_its_date_alone(self):
        html = render("{% byline article %}", article=self.unsigned)
        self.assertTrue(html.startswith('<p class="meta"><time '), html)
        self.assertNotIn("By", html)

    def test_quotes_say_who_and_where(self):
        html = render("{% quote_items quotes show_film=True %}", quotes=[self.quote])
        passage = self.quote.passage_url
        self.assertHTMLEqual(
            html,
            f"""<figure class="quote"><blockquote cite="{passage}"><p>{ESCAPED}</p></blockquote>
            <figcaption>— <a href="/people/khaled/">Khaled Omar Harrah</a>, in the
            <a href="{passage}">review “{ESCAPED}”</a>, on
            <a href="{self.film.get_absolute_url()}"><cite>{ESCAPED}</cite></a></figcaption>
            </figure>""",
        )
        # No speaker: the source's authors, else "from"; the film only where asked for.
        html = render("{% quote_items quotes %}", quotes=[self.unattributed])
        self.assertIn("— from the <a", html)
        self.assertNotIn("<cite>", html)

    def test_no_items_write_nothing(self):
        for tag in ("film_items", "article_items", "quote_items"):
            self.assertEqual(render(f"{{% {tag} items %}}", items=[]), "")
