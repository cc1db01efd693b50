from io import StringIO

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.http.request import split_domain_port
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from .markup import absolute_links, render_markdown
from .models import Article, Exchange, Film, Person, Theme
from .structured_data import SITE_NAME
from .text import isolated, without_controls
from .views import PERSON_ITEM, ascii_slug_redirect, earlier_slug_redirect

FEED_LENGTH = 30


def feed_articles():
    """Published articles with what an entry carries: byline, themes, and an interview's
    exchanges with who asks and who answers."""
    return (
        Article.objects.published()
        .select_related("interviewer")
        .prefetch_related(
            Article.author_list.prefetch(Person.objects.only(*PERSON_ITEM)),
            Article.theme_list.prefetch(),
            Article.exchange_list.prefetch(
                Exchange.objects.select_related("interviewer", "interviewee").only(
                    "article", "question", "answer", "interviewer__name", "interviewee__name"
                )
            ),
        )
    )


class WrittenAtOnce:
    """A feed that reaches the response in one write. Django's generators write it element by
    element, and each write to a response is a conversion to bytes and one more chunk: a feed
    of thirty entries made a thousand (1 ms, a tenth of the feed)."""

    def write(self, outfile, encoding):
        written = StringIO()
        super().write(written, encoding)
        outfile.write(written.getvalue())


def xml_text(value):
    """`value` (a text, a list of them, or anything else, left as it is) as XML can hold it:
    without control characters (`without_controls`, as editors' text is saved)."""
    if isinstance(value, str):
        return without_controls(value)
    if isinstance(value, (list, tuple)):
        return [xml_text(item) for item in value]
    return value


class XmlText:
    """A feed whose texts XML can hold. Editors' text may bring control characters along
    (pasted from a word processor, or typed into a theme or a name), which Django's feed
    writer refuses rather than writes (UnserializableContentError): one in any title,
    standfirst, body, name or theme made every feed it reached answer 500."""

    def __init__(self, *args, **kwargs):
        super().__init__(*map(xml_text, args), **{k: xml_text(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*map(xml_text, args), **{k: xml_text(v) for k, v in kwargs.items()})


class ArticleRssFeed(XmlText, WrittenAtOnce, Rss201rev2Feed):
    pass


class ArticleAtomFeed(XmlText, WrittenAtOnce, Atom1Feed):
    """Atom entries with the whole article as `<content type="html">`; the standfirst stays
    their `<summary>`."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


class LatestArticlesFeed(Feed):
    """The latest public reviews, interviews and features (RSS), each with its full text.

    The publication is the feed's author: an unsigned piece is the publication's, and Atom
    (RFC 4287, 4.1.1) requires an author on every entry or on the feed.
    """

    feed_type = ArticleRssFeed
    title = "Film Archive: latest articles"
    description = "New reviews, interviews and features from the Film Archive."
    author_name = SITE_NAME

    def link(self):
        return reverse("archive:home")

    def items(self):
        return feed_articles()[:FEED_LENGTH]

    # An entry's id is the article's number, not its link: feed readers take an entry with an
    # id they have not seen for a new piece, and a link changes with the slug.
    item_guid_is_permalink = False

    def item_guid(self, item):
        return f"article-{item.pk}"

    def item_title(self, item):
        return f"{item.get_kind_display()}: {isolated(item.title)}"

    def item_description(self, item):
        return self.item_content(item)

    def item_content(self, item):
        """The article as its page reads: the body (an interview's introduction), then each
        exchange, question and answer, under its speaker's name; sanitised by the one
        Markdown renderer, the names escaped. Written here rather than by a template: a feed
        holds thirty of them."""
        parts = [render_markdown(item.body)]
        for exchange in item.exchange_list:
            parts += [
                f"<p><strong>{escape(exchange.question_speaker_name)}:</strong></p>",
                render_markdown(exchange.question),
                f"<p><strong>{escape(exchange.interviewee.name)}:</strong></p>",
                render_markdown(exchange.answer),
            ]
        return "\n".join(parts)

    def get_feed(self, obj, request):
        """The feed, each entry's links made absolute against the entry's own address (a feed
        reader resolves "/films/…/" against nothing), and its id a tag URI (RFC 4151) on the
        site's host: an id of the site's own, as Atom requires, that no change of slug or
        title moves."""
        feed = super().get_feed(obj, request)
        host = split_domain_port(request.get_host())[0] or "localhost"
        for entry in feed.items:
            entry["unique_id"] = f"tag:{host},2026:{entry['unique_id']}"
            for text in ("description", "content"):
                if entry.get(text):
                    entry[text] = absolute_links(entry[text], entry["link"])
        return feed

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.modified_at

    def item_author_name(self, item):
        return ", ".join(person.name for person in item.author_list) or None

    def item_categories(self, item):
        return [theme.name for theme in item.theme_list]


class AtomEntries:
    """An article feed in Atom: the full text as each entry's content, the standfirst as its
    summary."""

    feed_type = ArticleAtomFeed

    def subtitle(self, obj):
        return self._get_dynamic_attr("description", obj)

    def item_description(self, item):
        return escape(item.standfirst) if item.standfirst else None

    def item_extra_kwargs(self, item):
        return {"content": self.item_content(item)}


class LatestArticlesAtomFeed(AtomEntries, LatestArticlesFeed):
    pass


class FollowsEarlierSlugs:
    """The feed of one film or theme, found by slug among `objects()`: an earlier slug of one
    of them redirects to its feed's current address, as its page does."""

    def objects(self):
        raise NotImplementedError

    def get_object(self, request, slug):
        return get_object_or_404(self.objects(), slug=slug)

    def __call__(self, request, *args, **kwargs):
        moved = ascii_slug_redirect(request, self.objects())
        if moved is not None:
            return moved
        try:
            return super().__call__(request, *args, **kwargs)
        except Http404:
            moved = earlier_slug_redirect(request, self.objects())
            if moved is None:
                raise
            return moved


class ThemeArticlesFeed(FollowsEarlierSlugs, LatestArticlesFeed):
    """Public articles carrying one theme."""

    def objects(self):
        return Theme.objects.public()

    def title(self, obj):
        return f"Film Archive: {isolated(obj.name)}"

    def description(self, obj):
        return f"Reviews, interviews and features on {isolated(obj.name)}."

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return feed_articles().filter(themes=obj)[:FEED_LENGTH]


class ThemeArticlesAtomFeed(AtomEntries, ThemeArticlesFeed):
    pass


class FilmArticlesFeed(FollowsEarlierSlugs, LatestArticlesFeed):
    """Public articles about one film."""

    def objects(self):
        return Film.objects.all()

    def title(self, obj):
        return f"Film Archive: {isolated(obj.title)} ({obj.year})"

    def description(self, obj):
        return f"Reviews, interviews and features about {isolated(obj.title)}."

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return feed_articles().filter(films=obj)[:FEED_LENGTH]


class FilmArticlesAtomFeed(AtomEntries, FilmArticlesFeed):
    pass
