import functools
import heapq
import operator
from dataclasses import dataclass

from csp.constants import HEADER as CSP_HEADER
from csp.utils import build_policy
from django import forms
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import DatabaseError, connection, connections, router
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Exists, F, Max, OuterRef, Prefetch, Q, Window, prefetch_related_objects
from django.db.models.functions import RowNumber, Substr
from django.http import (
    Http404,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.encoding import iri_to_uri
from django.utils.html import escape
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView, TemplateView

from . import pagecache, search, structured_data
from .markup import mark_passages, render_markdown
from .models import (
    Article,
    ArticleFilm,
    ArticlePerson,
    Award,
    Credit,
    EarlierSlug,
    Exchange,
    Film,
    Language,
    Person,
    Quote,
    SearchDocument,
    Theme,
)
from .models.aggregates import json_list
from .models.article import public_condition, writing, written_by
from .models.slugs import TransliteratedSlugField, transliterated
from .models.theme import carrying, public_item_counts
from .pagination import PAGE_PARAMETERS, KeysetPaginator
from .templatetags.choices import rendered_options
from .templatetags.items import initial_of
from .text import isolated, sort_key, without_controls

# The columns the items of a list show (templatetags/items.py): a list reads only these, as
# a page of 30 quotes builds four objects per quote, and whole rows (biographies, synopses,
# bodies) cost half as much again to read and build (30 quotes: 2.4 ms against 1.5 ms).
PERSON_ITEM = ("id", "name", "slug")
FILM_LINK = ("id", "title", "slug")
FILM_ITEM = (*FILM_LINK, "year", "kind")
ARTICLE_ITEM = ("id", "kind", "title", "slug", "standfirst", "status", "published_at")


def item_prefetches():
    """What an item of a list of articles shows (`article_items`, templatetags/items.py): its
    byline and its films."""
    return [
        Article.author_list.prefetch(Person.objects.only(*PERSON_ITEM)),
        Article.film_list.prefetch(Film.objects.only(*FILM_LINK)),
    ]


def public_articles():
    """Published articles with their authors, films and themes, whole (the API's)."""
    return Article.objects.published().prefetch_related(
        Article.author_list.prefetch(), Article.film_list.prefetch(), Article.theme_list.prefetch()
    )


def public_quotes():
    """Published quotes with their speaker, source and film, as lists of quotes show them."""
    return (
        Quote.objects.published()
        .select_related("speaker", "article", "film")
        .prefetch_related(Article.author_list.prefetch(through="article"))
    )


def listed_quotes(bylines=True):
    """Published quotes with what an item of a list shows (`quote_items`): who said them,
    where and on which film. A quote without a speaker is its source's byline's: without
    `bylines`, the caller reads those (`prefetch_items`), or knows every quote has a speaker."""
    quotes = (
        Quote.objects.published()
        .select_related("speaker", "article", "film")
        .only(
            "text",
            *(f"speaker__{name}" for name in PERSON_ITEM),
            *(f"article__{name}" for name in ("id", "kind", "title", "slug")),
            *(f"film__{name}" for name in FILM_LINK),
        )
    )
    if bylines:
        quotes = quotes.prefetch_related(
            Article.author_list.prefetch(Person.objects.only(*PERSON_ITEM), through="article")
        )
    return quotes


def prefetch_items(articles, quotes=()):
    """What the items of a page's lists show beyond their own columns, for every list at
    once: the bylines of the articles and of the quotes' sources (one query), and the
    articles' films (one more)."""
    bylines, films = item_prefetches()
    prefetch_related_objects([*articles, *(quote.article for quote in quotes)], bylines)
    prefetch_related_objects(articles, films)


def slug_redirect(request, slug):
    """A permanent redirect to the same page (a detail page or its feed) at `slug`, query
    string kept."""
    match = request.resolver_match
    url = reverse(match.view_name, args=match.args, kwargs={**match.kwargs, "slug": slug})
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{url}?{iri_to_uri(query)}" if query else url)


def earlier_slug_redirect(request, queryset):
    """A permanent redirect from an earlier slug of one of `queryset` to the same page (a
    detail page or its feed) at its current slug, query string kept; None if the slug in the
    address was never one of theirs. A slug spelled with capitals or with Latin letters
    outside ASCII ("Last-Men", "Égypte") is read as slugs are made, in lower-case ASCII
    ("last-men", "egypte"), when no object has it as it is spelled."""
    slug = request.resolver_match.kwargs.get("slug")
    found = EarlierSlug.objects.named(queryset, slug) if slug else None
    return None if found is None or found.slug == slug else slug_redirect(request, found.slug)


def ascii_slug_redirect(request, queryset):
    """A permanent redirect from a slug with Latin letters outside ASCII ("søren-…") to the
    same address with them written in ASCII, as the slugs of `queryset`'s model are saved,
    and in lower case ("Ème-…" → "eme-…") unless one of `queryset` has it in capitals; None
    for any other slug. A lookup by such a slug reads it in ASCII too
    (TransliteratedSlugField), and would otherwise serve the page at a second address naming
    itself canonical."""
    slug = request.resolver_match.kwargs.get("slug")
    if not slug or not isinstance(queryset.model._meta.get_field("slug"), TransliteratedSlugField):
        return None
    spelled = transliterated(slug)
    if spelled == slug:
        return None
    if spelled != spelled.lower() and not queryset.filter(slug=spelled).exists():
        spelled = spelled.lower()
    return slug_redirect(request, spelled)


def moved_filters_redirect(request, form):
    """A permanent redirect to the same list when a filter names a film, person or theme other
    than by its current slug: by an earlier one (the "All reviews of …" link of a page from
    before a rename or a merge), or spelled with capitals or Latin letters outside ASCII
    (`?theme=Égypte`), read as the object's own address reads it (EarlierSlug.objects.named);
    the filter then naming it by its current slug. A choice spelled so (`?letter=É`,
    `?role=Director`) leads to the list's spelling of it, and so does one the list knows but
    does not offer now (`?role=Writer`, see PersonFilterForm.absent_role). None if no filter
    does."""
    form.is_valid()
    query, moved = request.GET.copy(), False
    for name, field in form.fields.items():
        value = request.GET.get(name, "")
        if not pagecache.SLUG_LIKE.fullmatch(value):
            continue
        if isinstance(field, forms.ModelChoiceField) and field.to_field_name == "slug":
            if name in form.errors:
                found = EarlierSlug.objects.named(field.queryset, value)
            else:  # found as given, or as the slug field reads it ("Lást-men" as "last-men")
                found = form.cleaned_data.get(name)
            if found is not None and found.slug != value:
                query[name], moved = found.slug, True
        elif (
            isinstance(field, forms.ChoiceField)
            and not isinstance(field, forms.ModelChoiceField)
            and name in form.errors
        ):
            spelled = transliterated(value).lower()
            if spelled != value and (
                field.valid_value(spelled)
                or spelled in getattr(form, "known_choices", {}).get(name, ())
            ):
                query[name], moved = spelled, True
    if not moved:
        return None
    return HttpResponsePermanentRedirect(f"{request.path}?{query.urlencode()}")


class FollowsEarlierSlugs:
    """A detail page found by slug, whose earlier addresses lead to it (see EarlierSlug).

    Looked up only when no object has the slug, so a page found at once costs nothing more.
    """

    def get(self, request, *args, **kwargs):
        slug = kwargs.get("slug", "")
        # The queryset is made only for an address that may need it (it costs a film page a
        # tenth of its time): a slug already in ASCII is never redirected to its ASCII form.
        if not slug.isascii():
            moved = ascii_slug_redirect(request, self.get_queryset())
            if moved is not None:
                return moved
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            moved = earlier_slug_redirect(request, self.get_queryset())
            if moved is None:
                raise
            return moved


@dataclass
class Shortlist:
    """The first items of a list a page shows in part, and whether the full list has more."""

    items: list
    more: bool


def shortlist(queryset, length=10):
    items = list(queryset[: length + 1])
    return Shortlist(items[:length], len(items) > length)


def grouped_credits(credits):
    """Credits grouped by role, in the order roles are listed in `Credit.Role`."""
    groups = {role: [] for role in Credit.Role}
    for credit in credits:
        groups[Credit.Role(credit.role)].append(credit)
    return [(role.label, members) for role, members in groups.items() if members]


def query_without_page(request):
    """The list's filters as a query string, for links to its other pages."""
    query = request.GET.copy()
    for name in PAGE_PARAMETERS:
        query.pop(name, None)
    return query.urlencode()


class PublicListView(ListView):
    """A long public list: filters read from the address by a form, pages by keyset.

    Subclasses name their `filter_form`, their `keyset` (see archive.pagination) and return
    the filtered items from `filtered(cleaned_data)`. A filter value that makes no sense is
    reported on the page and ignored.
    """

    filter_form = None
    keyset = None

    def get(self, request, *args, **kwargs):
        self.filters = self.filter_form(request.GET)
        if moved := moved_filters_redirect(request, self.filters):
            return moved
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if not self.filters.is_valid():
            pagecache.do_not_store(self.request)
        return self.filtered(self.filters.cleaned_data)

    def paginate_queryset(self, queryset, page_size):
        page = self.keyset.page(
            queryset, self.request.GET, page_size, filters=query_without_page(self.request)
        )
        return None, page, page.object_list, page.has_other_pages()

    def filtered_by(self):
        """What the list is narrowed to, for its title: each filter given and understood, in
        the form's order ("Review, Last Men in Aleppo (2017)"). A filtered list is a page of
        its own (its canonical address keeps the filters), so it has a title of its own."""
        cleaned = getattr(self.filters, "cleaned_data", {})
        given = []
        for name, field in self.filters.fields.items():
            value = cleaned.get(name)
            if value in (None, ""):
                continue
            if isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.ModelChoiceField
            ):
                value = dict(field.choices).get(value, value)
            given.append(isolated(str(value)))
        return ", ".join(given)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filters=self.filters,
            filtered_by=self.filtered_by(),
            # The templates write the theme options out themselves: a form widget renders each
            # of hundreds of options through templates of its own, several times slower.
            themes=self.filters.offered_options()
            if isinstance(self.filters, ThemeFilterForm)
            else None,
            query=query_without_page(self.request),
            **kwargs,
        )


class HomeView(TemplateView):
    template_name = "archive/home.html"

    def get_context_data(self, **kwargs):
        """The latest articles; the films of the latest pieces; the themes of both.

        Everything is read from the latest pieces only, never from every film or article, so
        the page costs the same however large the archive grows.
        """
        prefetches = [*item_prefetches(), Article.theme_list.prefetch()]
        articles = list(listed_articles().prefetch_related(*prefetches)[:10])
        latest = Article.objects.published().order_by("-published_at").values("pk")[:30]
        featured_films = list(
            Film.objects.filter(article_links__article__in=latest)
            .only(*FILM_ITEM)
            .annotate(covered=Max("article_links__article__published_at"))
            .order_by("-covered", "sort_title")
            .prefetch_related(Film.theme_list.prefetch())[:6]
        )
        themes = {
            theme.pk: theme for item in [*articles, *featured_films] for theme in item.theme_list
        }
        counts = theme_counts()
        for theme in themes.values():
            theme.item_count = sum(counts.get(theme.pk, ()))
        return super().get_context_data(
            articles=articles,
            featured_films=featured_films,
            themes=sorted(themes.values(), key=lambda theme: sort_key(theme.name)),
            **kwargs,
        )


# The distinct values of an indexed column, in order, read by skipping through its index: each
# step reads the one index entry of the next value, so the cost follows the number of values,
# not of rows, where SELECT DISTINCT reads every row's entry (films' kinds: 0.2 ms against 0.9,
# years: 0.3 ms against 0.5, on 10,000 films on PostgreSQL; both grow with the films). Raw SQL
# because the ORM cannot write a recursive query. Its other way, one EXISTS per value, needs
# the values known beforehand (the years' span is one more query) and cost 2.8 ms for 76 years.
DISTINCT_VALUES_SQL = """
WITH RECURSIVE found (value) AS (
    SELECT {first}({column}) FROM {table}
    UNION ALL
    SELECT (
        SELECT item.{column} FROM {table} item
        WHERE item.{column} {beyond} found.value ORDER BY item.{column} {order} LIMIT 1
    )
    FROM found WHERE found.value IS NOT NULL
)
SELECT value FROM found WHERE value IS NOT NULL
"""


def distinct_values(model, field, descending=False):
    """The values `model`'s objects have for `field`, each once, in order (the largest first
    with `descending`). The field must lead an index (see DISTINCT_VALUES_SQL)."""
    database = connections[router.db_for_read(model)]
    quote = database.ops.quote_name
    sql = DISTINCT_VALUES_SQL.format(
        table=quote(model._meta.db_table),
        column=quote(model._meta.get_field(field).column),
        first="MAX" if descending else "MIN",
        beyond="<" if descending else ">",
        order="DESC" if descending else "ASC",
    )
    with database.cursor() as cursor:
        cursor.execute(sql)
        return [value for (value,) in cursor.fetchall()]


THEME_OPTIONS_AT_MOST = 100


@dataclass(frozen=True)
class ThemeOptions:
    """A theme select's `<option>`s, written, and how many themes it might have offered."""

    html: str
    carried: int

    @property
    def all_offered(self):
        return self.carried <= THEME_OPTIONS_AT_MOST

    @property
    def all_label(self):
        return f"All {self.carried:,} themes"

    def including(self, theme):
        """The options with `theme`, the one chosen, among them even where it is not one the
        select offers (one of the themes left out of a long list, named in the address by a
        theme page's link), first."""
        if theme is None or f'<option value="{escape(theme.slug)}">' in self.html:
            return self
        return ThemeOptions(rendered_options([(theme.slug, theme.name)]) + self.html, self.carried)


def offered_themes(themes, counted=None):
    """The options of a theme select for `themes`, A to Z (`sort_key`): all of them, or past
    THEME_OPTIONS_AT_MOST, the most used of them (by `counted`, the index of the count that
    matters in `theme_counts`: a film's, an article's or a quote's; all three if None). A
    select of 2,000 themes is no way to find one, and was most of its page (110 KB of a list
    page's 150); the themes page lists them all, and a theme's page is its items."""
    rows = sorted(themes.values_list("pk", "slug", "name"), key=lambda row: sort_key(row[2]))
    carried = len(rows)
    if carried > THEME_OPTIONS_AT_MOST:
        counts = theme_counts()
        used = (lambda n: sum(n)) if counted is None else operator.itemgetter(counted)
        most = set(
            heapq.nlargest(
                THEME_OPTIONS_AT_MOST,
                rows,
                key=lambda row: (used(counts.get(row[0], (0, 0, 0))), -row[0]),
            )
        )
        rows = [row for row in rows if row in most]
    return ThemeOptions(rendered_options((slug, name) for _, slug, name in rows), carried)


# A filter's value that is not one of its choices is reported without being repeated: it comes
# from the address, and Django's message put it in the page as it came, a NUL or a
# right-to-left override (which reversed the rest of the message) included.
NOT_A_CHOICE = {
    "invalid_choice": "Select a valid choice. That choice is not one of the available choices."
}


class ThemeFilterForm(forms.Form):
    """A list's filters, one of them a theme: a theme some item of the list carries.

    Subclasses name the list's items in `items()`. Which themes they carry is asked of the
    database only to check a theme named in the address; the page's options come from
    `theme_options()`, once per change for every page of the list.
    """

    theme = forms.ModelChoiceField(
        required=False, queryset=Theme.objects.none(), to_field_name="slug"
    )
    counted = None  # which of a theme's counts (`theme_counts`) is of the list's items

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.data.get("theme"):
            # Made per request: what is public depends on the time (scheduled pieces).
            self.fields["theme"].queryset = self.carried_themes()
        if "person" in self.fields and self.data.get("person"):
            self.fields["person"].queryset = Person.objects.public()

    @classmethod
    def carried_themes(cls):
        return Theme.objects.carried_by(cls.items())

    @classmethod
    def theme_options(cls):
        """The themes the filter offers, the same on every page of the list (`offered_themes`),
        kept written for the `options` tag."""
        return pagecache.shared_value(
            f"{cls.__name__}:theme-options",
            lambda: offered_themes(cls.carried_themes(), cls.counted),
        )

    def offered_options(self):
        """This page's theme options: the list's, with the theme chosen."""
        return self.theme_options().including(getattr(self, "cleaned_data", {}).get("theme"))


class FilmFilterForm(ThemeFilterForm):
    """The film list's filters; a value that makes no sense is reported and ignored."""

    field_order = ["year", "kind", "theme"]
    year = forms.IntegerField(required=False, min_value=1870, max_value=2100)
    kind = forms.ChoiceField(
        required=False, choices=[("", "Any kind"), *Film.Kind.choices], error_messages=NOT_A_CHOICE
    )

    counted = 0

    @staticmethod
    def items():
        return Film.objects.all()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the kinds some film has (themes likewise, by `carried_themes`).
        kinds = set(pagecache.shared_value("film-kinds", lambda: distinct_values(Film, "kind")))
        self.fields["kind"].choices = [
            ("", "Any kind"),
            *((kind, kind.label) for kind in Film.Kind if kind in kinds),
        ]


class FilmListView(PublicListView):
    model = Film
    paginate_by = 24
    filter_form = FilmFilterForm
    keyset = KeysetPaginator(["sort_title", "year", "pk"])

    def filtered(self, cleaned):
        films = Film.objects.only(*FILM_ITEM)
        if cleaned.get("year"):
            films = films.filter(year=cleaned["year"])
        if cleaned.get("kind"):
            films = films.filter(kind=cleaned["kind"])
        if cleaned.get("theme"):
            films = films.filter(themes=cleaned["theme"])
        return films

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            years=pagecache.shared_value(
                "film-years", lambda: distinct_values(Film, "year", descending=True)
            ),
            **kwargs,
        )


class ArticleFilterForm(ThemeFilterForm):
    """The article list's filters. Kind, year and theme are offered on the page; a film or a
    person (by, about or interviewing them) is given by the links of their own pages."""

    field_order = ["kind", "year", "theme", "film", "person"]
    kind = forms.ChoiceField(
        required=False,
        choices=[("", "Any kind"), *Article.Kind.choices],
        error_messages=NOT_A_CHOICE,
    )
    year = forms.IntegerField(required=False, min_value=1870, max_value=2100)
    film = forms.ModelChoiceField(
        required=False, queryset=Film.objects.all(), to_field_name="slug", widget=forms.HiddenInput
    )
    person = forms.ModelChoiceField(
        required=False,
        queryset=Person.objects.none(),  # public ones, per request (see `__init__`)
        to_field_name="slug",
        widget=forms.HiddenInput,
    )

    counted = 1

    @staticmethod
    def items():
        return Article.objects.published()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the kinds some public piece has (read once per change).
        kinds = set(pagecache.shared_value("article-kinds", public_article_kinds))
        self.fields["kind"].choices = [
            ("", "Any kind"),
            *((kind, kind.label) for kind in Article.Kind if kind in kinds),
        ]


def public_article_kinds():
    """The kinds (reviews, interviews, features) some public piece has, in one query however
    many pieces there are: whether one exists, for each kind, along the publication index."""
    public = Article.objects.published()
    found = (
        Article.objects.order_by()
        .annotate(**{kind.value: Exists(public.filter(kind=kind)) for kind in Article.Kind})
        .values(*Article.Kind.values)
        .first()
    )
    return [kind for kind in Article.Kind if found and found[kind.value]]


class ArticleListView(PublicListView):
    """Every public review, interview and feature, newest first."""

    model = Article
    paginate_by = 20
    filter_form = ArticleFilterForm
    keyset = KeysetPaginator(["-published_at", "-pk"])

    def filtered(self, cleaned):
        articles = listed_articles().prefetch_related(*item_prefetches())
        if cleaned.get("kind"):
            articles = articles.filter(kind=cleaned["kind"])
        if cleaned.get("year"):
            articles = articles.filter(published_at__year=cleaned["year"])
        if cleaned.get("theme"):
            articles = articles.filter(themes=cleaned["theme"])
        if cleaned.get("film"):
            articles = articles.filter(films=cleaned["film"])
        if cleaned.get("person"):
            articles = articles.involving(cleaned["person"])
        return articles

    def get_context_data(self, **kwargs):
        years = pagecache.shared_value("article-years", lambda: Article.objects.published().years())
        return super().get_context_data(years=years, wider_feed=self.wider_feed(), **kwargs)

    def wider_feed(self):
        """Whether the feed the list offers (its theme's, else its film's, else every new
        article's) carries more than the list shows. A feed carries every piece on its
        subject, of every kind and year: a list filtered further (a theme's reviews, a year, a
        person, a film within a theme) has no feed of its own."""
        cleaned = getattr(self.filters, "cleaned_data", {})
        subject = "theme" if cleaned.get("theme") else "film"
        return any(value not in (None, "") for name, value in cleaned.items() if name != subject)


class FilmDetailView(FollowsEarlierSlugs, DetailView):
    """A film page in a fixed number of queries, however much links to the film.

    The film with its languages; its themes; its credits; its awards with their recipients;
    its public articles; their bylines; its featured quotes; and related films. The quotes'
    articles are the page's own (a quote's film is one its article is about).
    """

    queryset = Film.objects.annotate(
        language_rows=json_list(Film.languages.through, "film", code="language__code",
                                name="language__name"),
    ).prefetch_related(
        "themes",
        Prefetch("credits", queryset=Credit.objects.select_related("person")),
        Prefetch("awards", queryset=Award.objects.annotate(
            recipient_rows=json_list(Award.recipients.through, "award", id="person_id",
                                     name="person__name", slug="person__slug"),
        )),
    )  # fmt: skip

    def get_queryset(self):
        # Whether a public quote is about the film beyond its pull quotes, read with the film:
        # made per request, as what is public depends on the time (scheduled pieces).
        others = Quote.objects.published().filter(film=OuterRef("pk"), featured=False)
        return super().get_queryset().annotate(other_quotes=Exists(others))

    def get_object(self, queryset=None):
        film = super().get_object(queryset)
        film.language_list = sorted(
            (Language(**row) for row in film.language_rows or []), key=lambda x: x.name
        )
        for award in film.awards.all():
            award.recipient_list = sorted(
                (Person(**row) for row in award.recipient_rows or []),
                key=lambda x: sort_key(x.name),
            )
        return film

    articles_per_kind = 10
    featured_quotes = 12

    def get_context_data(self, **kwargs):
        film = self.object
        # The latest few of each kind (and whether there are more), in one query.
        latest = Window(
            RowNumber(), partition_by=F("kind"), order_by=[F("published_at").desc(), F("pk").desc()]
        )
        articles = list(
            Article.objects.published()
            .filter(films=film)
            .annotate(latest=latest)
            .filter(latest__lte=self.articles_per_kind + 1)
        )
        by_id = {article.pk: article for article in articles}
        featured = shortlist(
            Quote.objects.published()
            .filter(film=film, featured=True)
            .select_related("speaker", "article"),
            self.featured_quotes,
        )
        quotes = featured.items
        for quote in quotes:
            quote.film = film
            quote.article = by_id.setdefault(quote.article_id, quote.article)
        # One query for the bylines of the listed pieces and of the quotes' sources.
        prefetch_related_objects(list(by_id.values()), Article.author_list.prefetch())

        def of_kind(kind):
            found = [a for a in articles if a.kind == kind]
            return Shortlist(found[: self.articles_per_kind], len(found) > self.articles_per_kind)

        reviews = of_kind(Article.Kind.REVIEW)
        directing = (Credit.Role.DIRECTOR, Credit.Role.CO_DIRECTOR)
        return super().get_context_data(
            credit_groups=grouped_credits(film.credits.all()),
            directors=[c.person for c in film.credits.all() if c.role in directing],
            reviews=reviews,
            interviews=of_kind(Article.Kind.INTERVIEW),
            other_articles=of_kind(Article.Kind.FEATURE),
            featured_quotes=quotes,
            # The rest are in the quotes list, filtered by the film: a link from here is the
            # only way to it.
            more_quotes=featured.more or film.other_quotes,
            related_films=film.related_films(),
            structured_data=structured_data.movie(self.request, film, reviews.items),
            **kwargs,
        )


def neighbours_of_kind(article):
    """The public pieces of the article's kind published just before and just after it (or
    None), one query each, read along the publication-time index. A draft's, in its preview,
    are those it would have if published now."""
    same_kind = Article.objects.published().filter(kind=article.kind).exclude(pk=article.pk)
    at, pk = article.published_at or timezone.now(), article.pk
    earlier = (
        same_kind.filter(Q(published_at__lt=at) | Q(published_at=at, pk__lt=pk))
        .order_by("-published_at", "-pk")
        .first()
    )
    later = (
        same_kind.filter(Q(published_at__gt=at) | Q(published_at=at, pk__gt=pk))
        .order_by("published_at", "pk")
        .first()
    )
    return earlier, later


def more_on_films(article, length=6):
    """The latest other public pieces about any of the article's films, with their bylines.

    The films are the article's prefetched ones: no query at all when it is about none.
    """
    film_ids = [film.pk for film in article.film_list]
    if not film_ids:
        return []
    about_them = ArticleFilm.objects.filter(film__in=film_ids).values("article_id")
    return list(
        Article.objects.published()
        .filter(pk__in=about_them)
        .exclude(pk=article.pk)
        .order_by("-published_at", "-pk")
        .prefetch_related(Article.author_list.prefetch())[:length]
    )


class ArticleDetailView(FollowsEarlierSlugs, DetailView):
    preview = False

    def get_queryset(self):
        articles = Article.objects.all() if self.preview else Article.objects.published()
        return articles.select_related("interviewer").prefetch_related(
            Article.author_list.prefetch(),
            Article.people_list.prefetch(),
            "themes",
            Article.film_list.prefetch(
                Film.objects.prefetch_related(
                    Prefetch("credits", queryset=Credit.objects.select_related("person"))
                ),
            ),
            Prefetch(
                "exchanges",
                queryset=Exchange.objects.select_related("interviewer", "interviewee"),
            ),
            Prefetch("quotes", queryset=Quote.objects.order_by("pk")),
        )

    def get_context_data(self, **kwargs):
        """The article's text with each quote's passage marked (its `#quote-N` target)."""
        article = self.object
        quotes = list(article.quotes.all())
        placed = set()

        def marked(text, passages):
            html, ids = mark_passages(
                render_markdown(text), [p for p in passages if p[0] not in placed]
            )
            placed.update(ids)
            return html

        def unplaced(passages):
            return [element_id for element_id, _ in passages if element_id not in placed]

        body_quotes = [(f"quote-{q.pk}", q.text) for q in quotes if not q.exchange_id]
        body_html = marked(article.body, body_quotes)
        exchanges = list(article.exchanges.all())
        for exchange in exchanges:
            own = [(f"quote-{q.pk}", q.text) for q in quotes if q.exchange_id == exchange.pk]
            exchange.answer_html = marked(exchange.answer, own)
            exchange.question_html = marked(exchange.question, own)
            exchange.unmarked_quotes = unplaced(own)
        earlier, later = neighbours_of_kind(article)
        return super().get_context_data(
            body_html=body_html,
            unmarked_quotes=unplaced(body_quotes),
            exchanges=exchanges,
            earlier_of_kind=earlier,
            later_of_kind=later,
            more_on_films=more_on_films(article),
            preview=self.preview,
            structured_data=None
            if self.preview
            else structured_data.article(self.request, article),
            **kwargs,
        )


@method_decorator(never_cache, name="dispatch")
class ArticlePreviewView(ArticleDetailView):
    """An article as readers will see it, for staff only, whatever its status or time.

    Anyone else gets a 404, not a redirect to the admin's sign-in page: that would tell them
    the admin's address, which DJANGO_ADMIN_URL may keep private.
    """

    preview = True
    pk_url_kwarg = "pk"

    def get_object(self, queryset=None):
        user = self.request.user
        if not (user.is_active and user.is_staff and user.has_perm("archive.view_article")):
            raise Http404("No article found.")
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


def listed_articles():
    """Published articles with the columns an item of a list shows; their bylines and films
    come with `item_prefetches()`, for one list or for several at once."""
    return Article.objects.published().only(*ARTICLE_ITEM)


class PersonDetailView(FollowsEarlierSlugs, DetailView):
    """A person's credits, and the latest pieces and quotes by, about or with them.

    The lists of pieces and quotes show the latest few and link to the full lists, so that a
    prolific person's page stays as quick as anyone's.
    """

    def get_queryset(self):
        # Made per request: whom only hidden pieces name depends on the time (scheduled ones).
        return Person.objects.public().with_credits()

    def get_context_data(self, **kwargs):
        person = self.object
        # Each piece once, under the heading that fits best: an interview the person gave,
        # else a piece they wrote, else one about them (subqueries, not more queries). "Not an
        # interview they gave" is NOT EXISTS: as NOT IN, PostgreSQL costed it on every row and
        # read a critic's whole byline index in parallel (7 ms for a page of none).
        answers = Exchange.objects.filter(interviewee=person)
        gave = Exists(answers.filter(article=OuterRef("pk")))
        listed = listed_articles()
        interviews = shortlist(listed.filter(pk__in=answers.values("article_id")))
        written = shortlist(listed.by(person).exclude(gave))
        about = shortlist(
            listed.filter(people=person).exclude(gave).exclude(pk__in=written_by(person))
        )
        # The quotes credited to them: theirs, and their pieces' own words (Quote.attribution).
        quotes = shortlist(listed_quotes(bylines=False).by(person).order_by("-pk"))
        # Bylines and films for the three lists at once, and the bylines of the quotes' sources.
        prefetch_items([*interviews.items, *written.items, *about.items], quotes.items)
        return super().get_context_data(
            credit_groups=grouped_credits(person.credits.all()),
            articles_written=written,
            interviews_given=interviews,
            articles_about=about,
            quotes=quotes,
            structured_data=structured_data.person(self.request, person),
            **kwargs,
        )


# The people list's roles: a credit's role, or what a public piece makes of someone.
PERSON_ROLES = {
    Credit.Role.DIRECTOR: "Directors",
    Credit.Role.CO_DIRECTOR: "Co-directors",
    Credit.Role.WRITER: "Writers",
    Credit.Role.PRODUCER: "Producers",
    Credit.Role.CINEMATOGRAPHER: "Directors of photography",
    Credit.Role.EDITOR: "Editors",
    Credit.Role.COMPOSER: "Composers",
    Credit.Role.CAST: "Cast",
    Credit.Role.SELF: "Appearing as themselves",
    "critic": "Critics",
    "subject": "Subjects of articles and interviewees",
}
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def any_of(querysets):
    """Whether any of `querysets` has a row: one EXISTS each, joined by OR."""
    return functools.reduce(operator.or_, (Exists(queryset) for queryset in querysets))


def critics():
    """The ids of everyone who wrote a public piece (see `writing`), read once per change: as a
    condition on each person, PostgreSQL hashed every public byline and exchange for each page
    of the list (0.1–0.2 s at 100,000 articles); the writers are a few hundred."""

    def read():
        bylines, conducted, asked = writing(public=True, ids="person")
        return sorted(bylines.union(conducted, asked).values_list("person", flat=True))

    return pagecache.shared_value("critics", read)


def role_condition(role):
    """People in `role`: a credit role, "critic" (a byline on a public piece, or an interview
    they conducted) or "subject" (a public piece is about them, or interviews them)."""
    if role == "critic":
        return Q(pk__in=critics())
    if role == "subject":
        return Exists(
            ArticlePerson.objects.filter(public_condition("article__"), person=OuterRef("pk"))
        ) | Exists(
            Exchange.objects.filter(public_condition("article__"), interviewee=OuterRef("pk"))
        )
    return Exists(Credit.objects.filter(role=role, person=OuterRef("pk")))


def people_roles():
    """The roles (PERSON_ROLES' keys) someone has, in two queries however many people there
    are: the credit roles in use, then whether any public piece has a byline or a subject."""
    used = set(Credit.objects.order_by().values_list("role", flat=True).distinct())
    public = {
        "critic": any_of(writing(public=True)),
        "subject": Exists(ArticlePerson.objects.filter(public_condition("article__")))
        | Exists(Exchange.objects.filter(public_condition("article__"))),
    }
    found = Article.objects.order_by().annotate(**public).values(*public).first() or {}
    used.update(name for name, present in found.items() if present)
    return [role for role in PERSON_ROLES if role in used]


def people_letters(people):
    """The initials (a–z) some of `people` have, in one pass over them. A name's initial is its
    slug's, where letters are spelled in ASCII: Søren is under S, Émile under E."""
    initials = (
        people.order_by()
        .annotate(initial=Substr("slug", 1, 1))
        .values_list("initial", flat=True)
        .distinct()
    )
    return sorted(set(initials) & set(LETTERS))


class PersonFilterForm(forms.Form):
    """The people list's filters: a role, and an initial. Only roles someone has are offered."""

    known_choices = {"role": PERSON_ROLES}
    role = forms.ChoiceField(required=False, choices=[], error_messages=NOT_A_CHOICE)
    letter = forms.ChoiceField(
        required=False,
        choices=[("", "All"), *((x, x) for x in LETTERS)],
        error_messages=NOT_A_CHOICE,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read once per change: critics and subjects depend on what is public now.
        self.fields["role"].choices = [
            ("", "Everyone"),
            *(
                (role, PERSON_ROLES[role])
                for role in pagecache.shared_value("people-roles", people_roles)
            ),
        ]

    @property
    def absent_role(self):
        """The label of a role the address names that no one in the archive has now (a
        bookmark of the critics from before the last critic's piece was unpublished): not a
        misunderstood filter, but a list that is empty today."""
        role = self.data.get("role")
        if self.has_error("role") and role in self.known_choices["role"]:
            return PERSON_ROLES[role]
        return None

    def not_understood(self):
        """The filters given that mean nothing (the absent role aside, said on its own)."""
        return [
            field
            for field in self
            if field.errors and not (field.name == "role" and self.absent_role)
        ]


class PersonListView(PublicListView):
    """Everyone the archive names, A to Z, by role and by initial, in pages by keyset."""

    model = Person
    paginate_by = 60
    filter_form = PersonFilterForm
    keyset = KeysetPaginator(["sort_name", "pk"])

    def in_role(self, cleaned):
        """Everyone in the role chosen (for the page and for the initials it offers)."""
        if not hasattr(self, "public_people"):
            self.public_people = Person.objects.public()
        if not cleaned.get("role"):
            return self.public_people
        if not hasattr(self, "role_condition"):
            self.role_condition = role_condition(cleaned["role"])
        return self.public_people.filter(self.role_condition)

    def filtered(self, cleaned):
        people = self.in_role(cleaned)
        if cleaned.get("letter"):
            people = people.filter(slug__startswith=cleaned["letter"])
        return people

    def get_context_data(self, **kwargs):
        cleaned = self.filters.cleaned_data
        role_query = QueryDict(mutable=True)
        if cleaned.get("role"):
            role_query["role"] = cleaned["role"]
        role = cleaned.get("role") or ""
        letters = pagecache.shared_value(
            f"people-letters:{role}", lambda: people_letters(self.in_role(cleaned))
        )
        return super().get_context_data(
            letters=letters,
            current_letter=cleaned.get("letter", ""),
            role_query=role_query.urlencode(),
            role_label=PERSON_ROLES.get(cleaned.get("role")),
            **kwargs,
        )


def theme_counts():
    """Every theme's count of films, public articles and public quotes (`public_item_counts`),
    read once per change for the themes page and the home page: counting reads every theme's
    items (60 ms at 100,000 articles and 200,000 quotes on PostgreSQL)."""
    return pagecache.shared_value("theme-counts", public_item_counts)


class ThemeListView(ListView):
    template_name = "archive/theme_list.html"
    context_object_name = "themes"

    def get_queryset(self):
        return Theme.objects.public()

    def get_context_data(self, **kwargs):
        # A to Z as people and films go (accents and case folded), which no database order of
        # the names gives: in theirs, accented initials came after Z.
        themes = sorted(self.object_list, key=lambda theme: sort_key(theme.name))
        counts = theme_counts()
        for theme in themes:
            films, articles, quotes = counts.get(theme.pk, (0, 0, 0))
            theme.film_count, theme.article_count, theme.quote_count = films, articles, quotes
        return super().get_context_data(themes=themes, initials=theme_initials(themes), **kwargs)


def theme_initials(themes):
    """(initial, anchor) of the initials of a long list of `themes`, for a row of links to
    where each begins; a short list has none."""
    if len(themes) <= THEME_OPTIONS_AT_MOST:
        return []
    initials = dict.fromkeys(initial_of(theme.name) for theme in themes)
    return [(initial, f"initial-{n}") for n, initial in enumerate(initials, start=1)]


class ThemeDetailView(FollowsEarlierSlugs, DetailView):
    """What carries a theme: the first films, the latest pieces of each kind and quotes, each
    list linking to the full list filtered by the theme."""

    def get_queryset(self):
        return Theme.objects.public()

    def get_context_data(self, **kwargs):
        theme = self.object
        listed = listed_articles()
        groups = [
            (kind, shortlist(listed.filter(themes=theme, kind=kind), 6)) for kind in Article.Kind
        ]
        quotes = listed_quotes(bylines=False).filter(pk__in=carrying(theme, Quote))
        quotes = shortlist(quotes.order_by("-pk"), 6)
        prefetch_items([a for _, group in groups for a in group.items], quotes.items)
        return super().get_context_data(
            films=shortlist(Film.objects.filter(themes=theme).only(*FILM_ITEM), 12),
            article_groups=[(kind, group) for kind, group in groups if group.items],
            quotes=quotes,
            **kwargs,
        )


class QuoteFilterForm(ThemeFilterForm):
    """The quote list's filters. The theme is offered on the page; a film or a speaker is
    given by the links of their own pages (a list of every one would outgrow the page)."""

    film = forms.ModelChoiceField(
        required=False, queryset=Film.objects.all(), to_field_name="slug", widget=forms.HiddenInput
    )
    person = forms.ModelChoiceField(
        required=False,
        queryset=Person.objects.none(),  # public ones, per request (see `__init__`)
        to_field_name="slug",
        widget=forms.HiddenInput,
    )
    field_order = ["film", "person", "theme"]

    counted = 2

    @staticmethod
    def items():
        return Quote.objects.published()


class QuoteListView(PublicListView):
    """Public quotes, the latest chosen first."""

    template_name = "archive/quote_list.html"
    context_object_name = "quotes"
    paginate_by = 30
    filter_form = QuoteFilterForm
    keyset = KeysetPaginator(["-pk"], key="pk")

    def filtered(self, cleaned):
        quotes = listed_quotes()
        if cleaned.get("film"):
            quotes = quotes.filter(film=cleaned["film"])
        if cleaned.get("person"):
            quotes = quotes.by(cleaned["person"])
        if cleaned.get("theme"):
            quotes = quotes.filter(pk__in=carrying(cleaned["theme"], Quote))
        return quotes


class QuoteDetailView(DetailView):
    """A quote's own address leads to its passage in the source."""

    def get_queryset(self):
        return public_quotes()

    def get(self, request, *args, **kwargs):
        return redirect(self.get_object().passage_url)


def with_site_policy(handler):
    """An error page with the site's Content-Security-Policy, like every other page. An error
    raised above the CSP middleware skips it: a request naming a host the site does not serve
    is refused (400) by CommonMiddleware, which stands above it."""

    @functools.wraps(handler)
    def view(request, *args, **kwargs):
        response = handler(request, *args, **kwargs)
        if CSP_HEADER not in response:
            response[CSP_HEADER] = build_policy()
        return response

    return view


bad_request = with_site_policy(defaults.bad_request)
permission_denied = with_site_policy(defaults.permission_denied)
page_not_found = with_site_policy(defaults.page_not_found)
server_error = with_site_policy(defaults.server_error)


def robots_txt(request):
    lines = [
        "User-agent: *",
        # The admin is not named: its address may be kept private (DJANGO_ADMIN_URL), and its
        # pages carry their own noindex.
        "Disallow: /preview/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@never_cache
def healthz(request):
    """For load balancers and monitoring: 200 when the database answers and holds this
    release's migrations, 503 when it doesn't answer or lacks them (a new release started
    before `migrate`, an empty database), whose pages would fail."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        connection.close()
        return JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
    if not migrated():
        return JsonResponse({"status": "unavailable", "database": "not migrated"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@functools.cache
def latest_migrations():
    """Each app's last migration in this release (read from its files, once per process)."""
    return MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()


def migrated():
    """Whether the database has applied each app's last migration: one query."""
    latest = latest_migrations()
    wanted = functools.reduce(operator.or_, (Q(app=app, name=name) for app, name in latest))
    try:
        return MigrationRecorder(connection).migration_qs.filter(wanted).count() == len(latest)
    except DatabaseError:  # no table of migrations at all
        return False


class SearchText(forms.CharField):
    """A search's words without control characters (a NUL, a backspace, from a pasted text or
    an address written by hand), read as the archive's stored text reads them
    (`text.without_controls`): nothing is searched for them, and nothing shows them back (a NUL in
    the search box, and the search refused as if the reader had typed one)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = without_controls(value)
        return super().to_python(value)


class SearchForm(forms.Form):
    q = SearchText(
        label="Search the archive",
        required=False,
        max_length=search.MAX_QUERY_LENGTH,
        error_messages={
            "max_length": "Searches are limited to %(limit_value)d characters; "
            "this one has %(show_value)d. Try a few distinctive words."
        },
    )
    kind = forms.ChoiceField(
        label="Kind",
        required=False,
        choices=[
            ("", "Everything"),
            (SearchDocument.Kind.FILM, "Films"),
            (SearchDocument.Kind.PERSON, "People"),
            (SearchDocument.Kind.ARTICLE, "All articles"),
            (Article.Kind.REVIEW, "Reviews"),
            (Article.Kind.INTERVIEW, "Interviews"),
            (Article.Kind.FEATURE, "Features"),
            (SearchDocument.Kind.QUOTE, "Quotes"),
        ],
        error_messages=NOT_A_CHOICE,
    )
    theme = forms.ModelChoiceField(
        label="Theme",
        required=False,
        queryset=Theme.objects.none(),
        to_field_name="slug",
        empty_label="Any theme",
    )
    year = forms.IntegerField(label="Year", required=False, min_value=1870, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Made per request: what is public depends on the time (scheduled pieces).
        self.fields["theme"].queryset = Theme.objects.public()


def search_view(request):
    """Ranked search over films, people, public articles and quotes (see archive.search)."""
    form = SearchForm(request.GET)
    if moved := moved_filters_redirect(request, form):
        return moved
    cleaned = form.cleaned_data
    text = cleaned.get("q", "").strip()
    ids = []
    if text:
        ids = search.search(
            text, kind=cleaned.get("kind"), theme=cleaned.get("theme"), year=cleaned.get("year")
        )
    paginator = Paginator(ids, 20)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except (EmptyPage, PageNotAnInteger):
        page = paginator.page(1) if not ids else None
        if page is None:
            raise Http404("No such page of results.") from None
    response = render(
        request,
        "archive/search.html",
        {
            "form": form,
            "text": text,
            # What the reader typed, as searched for: a search too long to run included.
            "typed": form.fields["q"].to_python(form.data.get("q", "")),
            "understood": text and not search.parse_query(text).is_empty,
            "results": search.results(text, list(page.object_list)) if ids else [],
            "page_obj": page,
            "paginator": paginator,
            "more_matches": getattr(ids, "more", False),
            "query": query_without_page(request),
            "themes": Theme.objects.public()[:12] if not ids else [],
            # Written out like the lists' filters: a form widget renders each of hundreds of
            # themes through templates of its own (25 ms on a large archive).
            "theme_options": pagecache.shared_value(
                "search:theme-options", lambda: offered_themes(Theme.objects.public())
            ).including(cleaned.get("theme")),
            "noindex": True,
        },
    )
    response["X-Robots-Tag"] = "noindex"
    return response
