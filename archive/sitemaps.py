"""
The sitemap: an index (`/sitemap.xml`) pointing to one sitemap per section, each cut into pages
of at most LIMIT addresses (`/sitemap-articles.xml?p=2`), each section with its `lastmod`.

Long sections are cut by ranges of ids rather than by counting and skipping: page n holds the
items whose ids fall in the nth run of LIMIT ids from the first one. The index then needs only
a section's first and last id to know its pages, and each page is one range of the primary
key index, however deep in the section it is. A page may hold fewer than LIMIT addresses (the
ids of deleted or unpublished items leave gaps), never more.
"""

from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max, Min
from django.urls import reverse

from .models import Article, Film, Person, Theme

LIMIT = 2_000


class IdRangePaginator:
    """Pages of a queryset by runs of `per_page` ids, with the paginator API sitemaps use."""

    def __init__(self, queryset, per_page):
        self.queryset = queryset.order_by("pk")
        self.per_page = per_page

    @cached_property
    def ids(self):
        """The first and last ids (one entry each of the primary key index)."""
        span = self.queryset.aggregate(first=Min("pk"), last=Max("pk"))
        return span["first"], span["last"]

    @property
    def num_pages(self):
        first, last = self.ids
        if first is None:
            return 1  # an empty section still has its (empty) first page
        return (last - first) // self.per_page + 1

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer.") from None
        if not 1 <= number <= self.num_pages:
            raise EmptyPage("That page contains no results.")
        start = (self.ids[0] or 0) + (number - 1) * self.per_page
        return IdRangePage(self.queryset.filter(pk__gte=start, pk__lt=start + self.per_page))


class IdRangePage:
    """A page of a section: what the sitemap views read of it is its items."""

    def __init__(self, object_list):
        self.object_list = object_list


class IdRangeSitemap(Sitemap):
    """A section in pages of id ranges (see IdRangePaginator)."""

    limit = LIMIT

    @property
    def paginator(self):
        return IdRangePaginator(self.items(), self.limit)


class ModelSitemap(IdRangeSitemap):
    """A long section of one model; lastmod is each item's last change."""

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        """The section's lastmod in the index, from the `updated_at` index (not every item)."""
        return self.items().order_by("-updated_at").values_list("updated_at", flat=True).first()


class FilmSitemap(ModelSitemap):
    def items(self):
        return Film.objects.only("slug", "updated_at")


class ArticleSitemap(ModelSitemap):
    def items(self):
        return Article.objects.published().only("slug", "updated_at")


class PersonSitemap(ModelSitemap):
    def items(self):
        return Person.objects.only("slug", "updated_at")


def latest_public_change():
    """When the newest change readers can see happened: a film edited, a piece published or
    edited. Lists and theme pages show these; each lookup reads one entry of an index."""
    published = Article.objects.published()
    times = [
        Film.objects.order_by("-updated_at").values_list("updated_at", flat=True).first(),
        published.order_by("-updated_at").values_list("updated_at", flat=True).first(),
        published.order_by("-published_at").values_list("published_at", flat=True).first(),
    ]
    return max((time for time in times if time), default=None)


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
