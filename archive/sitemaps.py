"""
The sitemap: an index (`/sitemap.xml`) pointing to one sitemap per section, each cut into pages
of at most LIMIT addresses (`/sitemap-articles.xml?p=2`), each section with its `lastmod`.

Long sections are cut by ranges of ids rather than by counting and skipping: the ids from the
first one are cut in runs of LIMIT, and page n holds the items of the nth run that has any.
The index learns a section's pages from the first id of each such run, each found by one
probe of the primary key index (`IdRangePaginator.runs`), and each page is one range of that
index, however deep in the section it is. A page may hold fewer than LIMIT addresses (the ids
of deleted or unpublished items leave gaps), never more, and never none: a run without a
public item (deleted or unpublished in a row, or ids PostgreSQL skipped) is no page, as an
empty urlset is refused by the sitemap schema.
"""

import datetime
from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import connections
from django.db.models import BigIntegerField, Exists, OuterRef, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from .models import (
    Article,
    ArticleAuthor,
    ArticleFilm,
    ArticlePerson,
    Credit,
    Exchange,
    Film,
    Person,
    Quote,
    Theme,
)
from .models.article import unlisted_people

LIMIT = 2_000


def along_index(queryset):
    """`queryset`'s rows, for reading in the order of an index of their table from one end
    (`ORDER BY ... LIMIT 1`): on SQLite, the table's rows, each checked by its primary key for
    being one of `queryset`, so that SQLite walks the index and stops at the first.

    SQLite otherwise reads a filtered queryset (public articles) through the index of its
    filter and sorts every row that passes: 14 ms for the latest change among 10,000 public
    articles, against 0.1 ms. PostgreSQL walks the index either way, and is given `queryset`
    as it is (the check costs it 0.7 ms of compiling a lookup). Only for reading from one end:
    a section page's range of ids read this way would cost PostgreSQL a probe per row, and
    SQLite reads such a range through its filter's index (6 ms at 10,000 public articles, well
    under the sitemap's budget).
    """
    if not queryset.query.has_filters() or connections[queryset.db].vendor != "sqlite":
        return queryset
    return queryset.model._base_manager.filter(Exists(queryset.filter(pk=OuterRef("pk"))))


def latest_of(times):
    """The latest of `times`, leaving out those there are not (None); None if none is."""
    return max((time for time in times if time), default=None)


def latest(queryset, field):
    """The latest value of `field` (which leads an index) among `queryset`."""
    rows = along_index(queryset).order_by(f"-{field}")
    return rows.values_list(field, flat=True).first()


class IdRangePaginator:
    """Pages of a queryset by runs of `per_page` ids, with the paginator API sitemaps use.

    `span`, when given, is the same rows as `queryset` written to be read from either end of
    the primary key index (see `along_index`): the runs are read from it.
    """

    def __init__(self, queryset, per_page, span=None, rows=None):
        self.queryset = queryset.order_by("pk")
        self.span = span if span is not None else self.queryset
        self.per_page = per_page
        self.rows = rows or (lambda page: page)

    @cached_property
    def runs(self):
        """The first id of the section and the first id of each run holding a row, in one
        query: a recursive one jumping from each such id to the first row at or past the next
        run's start (a loose index scan), one probe of the primary key index per page rather
        than a read of every row. A run without a row is jumped over by the next probe."""
        first_row = self.span.order_by("pk").values("pk")[:1]
        next_start = RawSQL(
            "runs.first_id + ((runs.run_id - runs.first_id) / %s + 1) * %s",
            (self.per_page, self.per_page),
            output_field=BigIntegerField(),
        )
        next_row = self.span.filter(pk__gte=next_start).order_by("pk").values("pk")[:1]
        connection = connections[self.span.db]
        first_sql, first_params = first_row.query.get_compiler(connection=connection).as_sql()
        next_sql, next_params = next_row.query.get_compiler(connection=connection).as_sql()
        with connection.cursor() as cursor:
            cursor.execute(
                "WITH RECURSIVE runs(first_id, run_id) AS ("
                f"SELECT found.id, found.id FROM (SELECT ({first_sql}) AS id) found "
                f"UNION ALL SELECT runs.first_id, ({next_sql}) FROM runs "
                "WHERE runs.run_id IS NOT NULL"
                ") SELECT first_id, run_id FROM runs WHERE run_id IS NOT NULL",
                (*first_params, *next_params),
            )
            return [run_id for _first, run_id in cursor.fetchall()]

    @property
    def num_pages(self):
        return len(self.runs)  # an empty section has no page: see `index`

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer.") from None
        if not 1 <= number <= self.num_pages:
            raise EmptyPage("That page contains no results.")
        first = self.runs[0]
        start = first + (self.runs[number - 1] - first) // self.per_page * self.per_page
        page = self.queryset.filter(pk__gte=start, pk__lt=start + self.per_page)
        return IdRangePage(self.rows(page))


class IdRangePage:
    """A page of a section: what the sitemap views read of it is its items."""

    def __init__(self, object_list):
        self.object_list = object_list


class IdRangeSitemap(Sitemap):
    """A section in pages of id ranges (see IdRangePaginator)."""

    limit = LIMIT

    @cached_property
    def paginator(self):
        return IdRangePaginator(self.items(), self.limit)


class ModelSitemap(IdRangeSitemap):
    """A long section of one model; lastmod is each item's last change."""

    @cached_property
    def paginator(self):
        return IdRangePaginator(
            self.items(), self.limit, span=along_index(self.items()), rows=self.page_rows
        )

    def page_rows(self, page):
        """A page's rows as its addresses need them: only a page's rows need what their lastmod
        is read from, not the section's span."""
        return page

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        """The section's lastmod in the index, from the `updated_at` index (not every item)."""
        return latest(self.items(), "updated_at")


class FilmSitemap(ModelSitemap):
    """A film's lastmod is its own last change or, if later, the last change readers saw in a
    public piece about it (published or edited): its page lists them."""

    def items(self):
        return Film.objects.only("slug", "updated_at")

    def page_rows(self, page):
        pieces = Article.objects.published().filter(films=OuterRef("pk")).order_by()
        last_piece = pieces.annotate(changed=Greatest("updated_at", "published_at"))
        return page.annotate(
            covered=Subquery(last_piece.order_by("-changed").values("changed")[:1])
        )

    def lastmod(self, item):
        return latest_of([item.updated_at, item.covered])

    def get_latest_lastmod(self):
        """The latest of the films' own changes and of the pieces about films (each from its
        index, as `latest_public_change` reads them)."""
        covering = Article.objects.published().filter(
            Exists(ArticleFilm.objects.filter(article=OuterRef("pk")))
        )
        times = [
            latest(Film.objects.all(), "updated_at"),
            latest(covering, "updated_at"),
            latest_publication(covering),
        ]
        return latest_of(times)


class ArticleSitemap(ModelSitemap):
    """Public pieces; a piece's lastmod is its last change for readers (`modified_at`): a
    piece scheduled ahead changed when it appeared."""

    def items(self):
        return Article.objects.published().only("slug", "updated_at", "published_at")

    def lastmod(self, item):
        return item.modified_at

    def get_latest_lastmod(self):
        published = self.items()
        times = [latest(published, "updated_at"), latest_publication(published)]
        return latest_of(times)


# How a person is in a piece their page lists: its byline, its interviewer, a question asked or
# an answer given in it, or among the people it is about (the row, the person's field in it and
# the way from it to the piece).
PERSON_IN_PIECE = (
    (ArticleAuthor, "person", "article"),
    (Article, "interviewer", ""),
    (Exchange, "interviewer", "article"),
    (Exchange, "interviewee", "article"),
    (ArticlePerson, "person", "article"),
)


def last_piece_change(model, person_field, to_piece):
    """The latest change readers saw (published or edited) among the public pieces a person
    is in through `model`'s `person_field`, for each person of the outer query. Read from the
    person's index: the public rule is checked piece by piece (EXISTS) rather than joined, as
    SQLite otherwise read all public pieces along the rule's own index for every person."""
    prefix = f"{to_piece}__" if to_piece else ""
    public = Article.objects.published().filter(pk=OuterRef(f"{prefix}pk"))
    rows = model._default_manager.filter(Exists(public), **{person_field: OuterRef("pk")})
    changed = Greatest(f"{prefix}updated_at", f"{prefix}published_at")
    return Subquery(rows.annotate(changed=changed).order_by("-changed").values("changed")[:1])


class PersonSitemap(ModelSitemap):
    """A person's lastmod is the latest of their own last change, of the films they are credited
    on, and of the public pieces by, with or about them or quoting them (published or edited:
    a quote changed changes its piece, QuoteAdmin.save_model): their page lists all of these.
    One subquery for each way of being in a piece, each read through its index."""

    def items(self):
        return Person.objects.exclude(pk__in=self.unlisted).only("slug", "updated_at")

    @cached_property
    def unlisted(self):
        """Those whom only hidden pieces name (`Person.objects.public()`): a few ids, read once
        rather than planned into each of the section's queries."""
        return unlisted_people()

    def page_rows(self, page):
        """Annotated for a page only: the subqueries cost more to build than the section's
        span costs to read (25 ms of the index's 60 on the demo)."""
        films = Credit.objects.filter(person=OuterRef("pk")).order_by("-film__updated_at")
        return page.annotate(
            credited=Subquery(films.values("film__updated_at")[:1]),
            quoted=last_piece_change(Quote, "speaker", "article"),
            **{
                f"in_piece_{number}": last_piece_change(*way)
                for number, way in enumerate(PERSON_IN_PIECE)
            },
        )

    def lastmod(self, item):
        pieces = [getattr(item, f"in_piece_{number}") for number in range(len(PERSON_IN_PIECE))]
        return latest_of([item.updated_at, item.credited, item.quoted, *pieces])

    def get_latest_lastmod(self):
        """The latest of the people's own changes and of every public change (films and
        pieces, `latest_public_change`): a bound that is never earlier than a person's."""
        times = [latest(Person.objects.all(), "updated_at"), latest_public_change()]
        return latest_of(times)


def latest_public_change():
    """When the newest change readers can see happened: a film edited, a piece published or
    edited. Lists and theme pages show these; each lookup reads one entry of an index."""
    published = Article.objects.published()
    times = [
        latest(Film.objects.all(), "updated_at"),
        latest(published, "updated_at"),
        latest_publication(published),
    ]
    return latest_of(times)


def latest_publication(published):
    """The newest publication time: the public rule's own index (status, publication time)
    ends at it."""
    return published.order_by("-published_at").values_list("published_at", flat=True).first()


class ListSitemap(Sitemap):
    """The home page and the lists, last changed with the newest public change."""

    changefreq = "daily"

    def items(self):
        return [
            "archive:home",
            "archive:film_list",
            "archive:article_list",
            "archive:person_list",
            "archive:theme_list",
            "archive:quote_list",
        ]

    def location(self, item):
        return reverse(item)

    @cached_property
    def lastmod(self):
        return latest_public_change()


class ThemeSitemap(IdRangeSitemap):
    """Public themes. A theme page shows what carries it: its lastmod is the newest change."""

    def items(self):
        return Theme.objects.public().order_by("pk")

    @cached_property
    def lastmod(self):
        return latest_public_change()


sitemaps = {
    "lists": ListSitemap,
    "films": FilmSitemap,
    "articles": ArticleSitemap,
    "people": PersonSitemap,
    "themes": ThemeSitemap,
}


def index(request):
    """The index of the sections that have addresses. A section with none (no public piece
    yet, no theme) would be an empty urlset, which validators refuse: it is left out, and its
    page is not found (its paginator has no page)."""
    sections = {name: sitemap() for name, sitemap in sitemaps.items()}
    present = {
        name: sitemap
        for name, sitemap in sections.items()
        if not isinstance(sitemap, IdRangeSitemap) or sitemap.paginator.num_pages
    }
    return sitemap_views.index(request, present, sitemap_url_name="sitemap_section")


def section(request, section):
    """A page of one section: Django's sitemap view (its pages, lastmods and headers), with the
    addresses written here rather than by its template, which took three fifths of a page of
    2,000 addresses (0.3 s) to write them. The same XML, each `lastmod` a date."""
    response = sitemap_views.sitemap(request, sitemaps, section=section)
    response.content = urlset(response.context_data["urlset"])
    return response


def urlset(urls):
    entries = []
    for url in urls:
        entry = [f"<url><loc>{escape(url['location'])}</loc>"]
        if lastmod := url.get("lastmod"):
            if isinstance(lastmod, datetime.datetime) and timezone.is_aware(lastmod):
                lastmod = timezone.localtime(lastmod)
            entry.append(f"<lastmod>{lastmod:%Y-%m-%d}</lastmod>")
        if changefreq := url.get("changefreq"):
            entry.append(f"<changefreq>{escape(changefreq)}</changefreq>")
        if priority := url.get("priority"):
            entry.append(f"<priority>{escape(priority)}</priority>")
        entries.append("".join(entry) + "</url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(entries)
        + "</urlset>\n"
    )
