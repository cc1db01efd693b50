from django.contrib.contenttypes.models import ContentType
from django.db import connections, models
from django.db.models import Count, Exists, Lookup, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower
from django.db.models.lookups import IExact
from taggit.models import GenericTaggedItemBase, NaturalKeyManager, TagBase

from ..addresses import page_path
from .slugs import EarlierSlug, KeepsEarlierSlugs, slugify


class ThemeQuerySet(models.QuerySet):
    def with_public_counts(self):
        """Each theme with how many films, public articles and public quotes carry it.

        Articles and quotes count only as the public may see them, so a theme used only by
        drafts counts zero and stays out of public lists. As in `public_item_counts()`, each
        count reads the theme's items in the themed-item index less those of the hidden
        articles and their quotes (a few, found through the article's status and time index):
        checking each item for being public read every article of a large theme (88 ms for
        the largest at 100,000 articles on PostgreSQL).
        """
        from .article import Article
        from .film import Film
        from .quote import Quote

        hidden, hidden_quotes = hidden_items()

        def counted(model, hidden_ids=None):
            found = carrying(OuterRef("pk"), model)
            if hidden_ids is not None:
                found = found.exclude(object_id__in=hidden_ids)
            count = found.values("tag").annotate(count=Count("pk")).values("count")
            return Coalesce(Subquery(count), 0)

        return self.annotate(
            film_count=counted(Film),
            article_count=counted(Article, hidden),
            quote_count=counted(Quote, hidden_quotes),
        )

    def public(self):
        """Themes that something a reader may see carries: a film, a public article or quote.

        Each theme is checked for one such item (see `first_carrier`), films first: a theme on
        a film is found in the themed-item index alone.
        """
        from .article import Article
        from .film import Film
        from .quote import Quote

        carriers = {
            f"first_{items.model._meta.model_name}": first_carrier(items)
            for items in (
                Film.objects.all(),
                Article.objects.published(),
                Quote.objects.published(),
            )
        }
        carried = Q()
        for name in carriers:
            carried |= Q(**{f"{name}__isnull": False})
        return self.alias(**carriers).filter(carried).order_by(Lower("name"))

    def current_names(self, names):
        """`names`, the themes of a film, article or quote as one of its versions kept them, as
        those themes are called now.

        A version keeps names, not ids. A name no theme has any more, but that a theme renamed
        since or merged into another had, is that theme's name now: its earlier slugs record
        the slug the old name made. Restoring the version then gives the object the theme it
        had, not the old theme created anew (taking back a renamed theme's old address). A name
        a theme has now is that theme, whatever it was once; a name nothing records stays as it
        is, for taggit to create. Two queries at most, however many names.
        """
        if not names:
            return []
        existing = Q()
        for name in names:
            existing |= Q(name__iexact=name)
        found = {theme.name.casefold(): theme.name for theme in self.filter(existing)}
        missing = {
            name: self.model().slugify(name) for name in names if name.casefold() not in found
        }
        if missing:
            became = dict(
                EarlierSlug.objects.filter(
                    content_type=ContentType.objects.get_for_model(self.model),
                    slug__in=missing.values(),
                )
                .annotate(name=Subquery(self.filter(pk=OuterRef("object_id")).values("name")))
                .values_list("slug", "name")
            )
            found.update(
                (name.casefold(), became[slug])
                for name, slug in missing.items()
                if became.get(slug)  # None: the theme has since been deleted
            )
        current = {}
        for name in names:
            now = found.get(name.casefold(), name)
            current.setdefault(now.casefold(), now)
        return list(current.values())

    def carried_by(self, items):
        """Themes that at least one of `items` (films, articles or quotes) carries, checked per
        theme for one such item (see `first_carrier`)."""
        return (
            self.alias(first_item=first_carrier(items))
            .filter(first_item__isnull=False)
            .order_by(Lower("name"))
        )


def hidden_items():
    """The ids of the articles a reader may not see (drafts, scheduled pieces) and of the quotes
    from them, as subqueries: a few, found through the article's status and time index."""
    from .article import Article
    from .quote import Quote

    hidden = Article.objects.hidden().values("pk")
    return hidden, Quote.objects.filter(article__in=hidden).values("pk")


def public_item_counts():
    """Every theme's count of films, public articles and public quotes: {theme id: (films,
    articles, quotes)}, for the themes something carries.

    For a list of every theme, in one query (one snapshot, whatever is written meanwhile): one
    pass over the themed-item index, each theme's articles and quotes counted less those a
    reader may not see, the hidden articles and the quotes from them (`Article.objects.hidden()`,
    read through the article's status and time index; a few beside the rest). Joining every
    public article and quote to its themes instead read the whole archive (0.36 s at 100,000
    articles and 200,000 quotes on PostgreSQL). Like `Theme.objects.public()` for films, it
    trusts the themed items: one left behind by an object deleted outside Django (raw SQL),
    which Django's own deletions remove, would count until removed.
    """
    from .article import Article
    from .film import Film
    from .quote import Quote

    kinds = ContentType.objects.get_for_models(Film, Article, Quote)
    film, article, quote = (kinds[model].pk for model in (Film, Article, Quote))
    hidden, hidden_quotes = hidden_items()
    rows = (
        ThemedItem.objects.filter(content_type_id__in=[film, article, quote])
        .order_by()
        .values("tag")
        .annotate(
            films=Count("pk", filter=Q(content_type_id=film)),
            articles=Count("pk", filter=Q(content_type_id=article) & ~Q(object_id__in=hidden)),
            quotes=Count("pk", filter=Q(content_type_id=quote) & ~Q(object_id__in=hidden_quotes)),
        )
        .values_list("tag", "films", "articles", "quotes")
    )
    return {theme: tuple(numbers) for theme, *numbers in rows if any(numbers)}


def carried_items(model):
    """The themed items of `model`'s objects (films, articles or quotes)."""
    return ThemedItem.objects.filter(content_type_id=ContentTypeId(model)).order_by()


def carrying(theme, model):
    """The ids of `model`'s objects (films, articles or quotes) that carry `theme`, read from
    the themed-item index by theme, for `pk__in`.

    For a list in its own key's order (quotes, latest first), so that the database reads the
    theme's items and then each object by its key: as a join, SQLite read each of the theme's
    quotes with its article and sorted them (54 ms for 6 of a large theme's quotes, against 5).
    """
    return carried_items(model).filter(tag=theme).values("object_id")


def first_carrier(items):
    """One of `items` (a queryset of films, articles or quotes) that carries the theme of the
    outer query, as a subquery: its id, or NULL when none of them carries the theme.

    Asked per theme, it reads the themed-item index by theme (`themed_item_by_theme_idx`) and
    checks each item found there, by its primary key, for being one of `items`, stopping at the
    first: a list of themes costs a few index probes per theme, however many films, articles
    and quotes the archive holds. Unfiltered items (every film) are found in that index alone.

    Written from the themed items, with `items` checked inside, so that both databases start
    from the theme: SQLite otherwise reads every public article for each theme, checking each
    against the theme. And a subquery whose value is compared, not `Exists()`: PostgreSQL
    turns an EXISTS into a join, or a hashed subplan, over every item of the model when it
    expects most themes to be carried (as it does for films), reading all of them; a scalar
    subquery with a LIMIT is run per theme, and stops at the first item it finds.
    """
    found = ThemedItem.objects.filter(
        tag=OuterRef("pk"), content_type_id=ContentTypeId(items.model)
    )
    if items.query.has_filters():
        found = found.filter(Exists(items.filter(pk=OuterRef("object_id"))))
    return Subquery(found.order_by().values("object_id")[:1])


class ContentTypeId(models.Expression):
    """The id of `model`'s content type, looked up (through ContentType's cache) when the query
    is compiled, as taggit looks it up for its joins: querysets built at import time, such as
    a form field's, do not query the database then."""

    output_field = models.IntegerField()

    def __init__(self, model):
        super().__init__()
        self.model = model

    def as_sql(self, compiler, connection):
        return "%s", [ContentType.objects.get_for_model(self.model).pk]


class Theme(KeepsEarlierSlugs, TagBase):
    """A theme that films, articles and quotes are tagged with ("civil defence", "Syria")."""

    objects = NaturalKeyManager.from_queryset(ThemeQuerySet)()

    class Meta:
        verbose_name = "theme"
        verbose_name_plural = "themes"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="theme_name_unique_ignoring_case"),
        ]

    def get_absolute_url(self, path=page_path):
        return path("archive:theme_detail", slug=self.slug)

    def slugify(self, tag, i=None):
        """As taggit's, Unicode kept ("حلب"), but with Latin letters in ASCII ("Århus" → arhus),
        and never empty: a name of symbols alone ("★", "🎬", "—") is "theme", as taggit
        numbers it apart from others ("theme_1"). An empty slug has no address, and every page
        that linked to the theme (the home page, the film's, the list of themes, the sitemap)
        was a server error. Cut to fit its field with the number: a name's slug can be longer
        than the name ("ß" is "ss", "ﬁ" "fi"), and a long one refused by PostgreSQL lost the
        editor's whole form (a server error)."""
        suffix = "" if i is None else f"_{i}"
        slug = slugify(tag, allow_unicode=True) or self._meta.model_name
        return slug[: self._meta.get_field("slug").max_length - len(suffix)] + suffix


# Theme names are one theme whatever their case, as taggit is told (TAGGIT_CASE_INSENSITIVE),
# and taggit, the theme fields and the rename form find a name's theme with `iexact`. On
# PostgreSQL that compares UPPER() of both, for every script; SQLite's LIKE folds ASCII letters
# only, so "égypte" made a second theme beside "Égypte". There a theme's name is compared
# folded as Python folds it, by a function registered on each connection.
CASEFOLD_FUNCTION = "archive_casefold"


def casefold(value):
    return None if value is None else str(value).casefold()


def install_casefold(connection, **kwargs):
    """Register CASEFOLD_FUNCTION on a new SQLite connection (connected to
    `connection_created`)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(CASEFOLD_FUNCTION, 1, casefold, deterministic=True)


def install_casefold_everywhere():
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:
            install_casefold(connection)


class FoldedIExact(IExact):
    """`iexact` on a theme's name, in every script on SQLite too (see CASEFOLD_FUNCTION)."""

    def as_sqlite(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # As `exact` reads its value: `iexact`'s escapes LIKE's wildcards, not used here.
        rhs, rhs_params = Lookup.process_rhs(self, compiler, connection)
        return (
            f"{CASEFOLD_FUNCTION}({lhs}) = {CASEFOLD_FUNCTION}({rhs})",
            (*lhs_params, *rhs_params),
        )


Theme._meta.get_field("name").register_lookup(FoldedIExact)


# A film's, an article's or a quote's themes in the order its editor gave them (their links'
# ids), read for one object or prefetched for many: taggit orders them so only for one object,
# and a prefetch (list pages, feeds, the film and article pages) read them in whatever order
# the database's plan gave ("war, Syria" by the themes' ids, for "Syria, war"), which SQLite's
# statistics or a restored backup could change.
GIVEN_ORDER = ["themed_items__pk"]


class ThemedItem(GenericTaggedItemBase):
    """Links a theme to a film, an article or a quote."""

    # The ids' own type (taggit's default is a 32-bit integer): joins from films, articles and
    # quotes to their themes then compare like with like and can use the indexes below, where
    # PostgreSQL would otherwise cast every row's object_id and read the table through.
    object_id = models.BigIntegerField("object ID", db_index=True)
    tag = models.ForeignKey(
        Theme, on_delete=models.CASCADE, related_name="themed_items", verbose_name="theme"
    )

    class Meta:
        verbose_name = "themed item"
        verbose_name_plural = "themed items"
        # What carries a theme, by model: checked per theme when listing the public themes.
        indexes = [
            models.Index(
                fields=["tag", "content_type", "object_id"], name="themed_item_by_theme_idx"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "tag"], name="theme_once_per_item"
            ),
        ]
