"""The theme filter and column shared by the lists of films, articles and quotes, their
paginator, their rows' checkboxes and the reading of every list's address."""

from datetime import MAXYEAR, MINYEAR

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..models import Theme, ThemedItem
from ..models.aggregates import distinct_years, year_of
from ..themes import spaced
from .widgets import storable

# Lookups no filter or link of the admin offers, whose value only the database reads when the
# list is read: a pattern it cannot compile, a range that is no pair.
UNOFFERED_LOOKUPS = {"regex", "iregex", "range"}
# Longer than any title or name: SQLite refuses a pattern past 50,000 bytes.
LONGEST_FILTER_VALUE = 10_000


class ArchiveChangeList(ChangeList):
    """Every list's reading of its address: a filter typed into it that cannot be run is one
    not understood, as Django treats a field that does not exist. The list is shown again
    without it, rather than a server error (or, on SQLite, a page saying that the database
    could not be reached)."""

    def get_filters(self, request):
        """Django's, with an impossible date in the date hierarchy (year 99999), a lookup of
        UNOFFERED_LOOKUPS or a value past LONGEST_FILTER_VALUE treated like any other bad
        filter."""
        try:
            filters = super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error
        remaining = filters[2]
        for key, values in remaining.items():
            if key.rsplit("__", 1)[-1] in UNOFFERED_LOOKUPS:
                raise IncorrectLookupParameters(f"No filter {key!r}.")
            for value in values if isinstance(values, list) else [values]:
                if isinstance(value, str) and len(value) > LONGEST_FILTER_VALUE:
                    raise IncorrectLookupParameters(f"A value of {key!r} too long to filter by.")
        return filters


class ThemeFilter(admin.SimpleListFilter):
    """The list's items by theme. While the list's items carry a few dozen themes, each is a
    link, as in Django's own filters; past that, the filter is a field that finds a theme by
    name (suggesting names as the editor types, from the themes field's autocomplete), since a
    column of 2,000 links is no way to find one, and was most of the page (250 KB and a
    tenth of a second at 2,000 themes)."""

    title = "theme"
    parameter_name = "theme"
    template = "admin/archive/theme_filter.html"
    LINKS_AT_MOST = 30

    def lookups(self, request, model_admin):
        """The themes some item of the list carries: each theme checked for one item (along
        the themed items' theme index), not every themed item read and made distinct. The
        filter's value may be a theme's slug (a link) or its name (typed in the field): the
        theme named is chosen by its slug from then on."""
        self.autocomplete_url = reverse(f"{model_admin.admin_site.name}:archive_theme_autocomplete")
        self.not_found = None
        typed = self.value()
        chosen = None
        if typed:
            chosen = Theme.objects.filter(Q(slug=typed) | Q(name__iexact=spaced(typed))).first()
            if chosen is None:
                self.not_found = typed
            else:
                self.used_parameters[self.parameter_name] = chosen.slug
        content_type = ContentType.objects.get_for_model(model_admin.model)
        carried = ThemedItem.objects.filter(tag=OuterRef("pk"), content_type=content_type)
        themes = list(
            Theme.objects.filter(Exists(carried))
            .order_by(Lower("name"))
            .values_list("slug", "name")[: self.LINKS_AT_MOST + 1]
        )
        self.finder = len(themes) > self.LINKS_AT_MOST
        if not self.finder:
            return themes
        return [(chosen.slug, chosen.name)] if chosen else []

    def has_output(self):
        return self.finder or super().has_output()

    def choices(self, changelist):
        """Django's links, and what the field keeps of the list when it is sent: the other
        filters, the search, the order."""
        self.kept_parameters = [
            (name, value)
            for name, value in changelist.params.items()
            if name != self.parameter_name
        ]
        yield from super().choices(changelist)

    def queryset(self, request, queryset):
        """The items carrying the theme: joined, and not made distinct, since an item carries
        a theme once (`theme_once_per_item`). Made distinct, every column of every matching
        row was compared for the count (0.33 s for a theme on 20,000 of 100,000 articles on
        PostgreSQL). No theme of the name typed: no item."""
        if self.not_found:
            return queryset.none()
        if self.value():
            return queryset.filter(themes__slug=self.value())
        return queryset

    def get_facet_queryset(self, changelist):
        """The counts beside each theme ("Show counts"), read in one query grouped by theme.
        Django's own way asks for one count per theme in a single row: past 1,664 themes
        PostgreSQL refuses the query (its limit on a row's columns), and the list failed."""
        listed = facet_rows(self, changelist)
        counts = dict(
            ThemedItem.objects.filter(
                content_type=ContentType.objects.get_for_model(changelist.model),
                object_id__in=listed.order_by().values("pk"),
            )
            .filter(tag__slug__in=[slug for slug, _name in self.lookup_choices])
            .values_list("tag__slug")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return facets(self, counts)


def facet_rows(list_filter, changelist):
    """The rows `list_filter`'s counts are of: the list with every other filter applied."""
    return changelist.get_queryset(
        list_filter.request, exclude_parameters=list_filter.expected_parameters()
    )


def facets(list_filter, counts):
    """`counts` ({choice's value: count}) as Django's facets name them for `list_filter`'s
    choices, in their order; a choice with no row counts 0."""
    return {
        f"{i}__c": counts.get(value, 0)
        for i, (value, _label) in enumerate(list_filter.lookup_choices)
    }


@admin.display(description="themes")
def theme_names(obj):
    """Read from the prefetch (taggit's .names() would query again for each row)."""
    return ", ".join(theme.name for theme in obj.themes.all())


class PublicationYearFilter(admin.SimpleListFilter):
    """Articles by the year they were published (or are scheduled for)."""

    title = "year published"
    parameter_name = "year"
    field = "published_at"

    def lookups(self, request, model_admin):
        years = distinct_years(model_admin.model._default_manager.all(), self.field)
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        """A value that is no year of the calendar (0, 99999, "²", which Python counts as a
        digit) is a filter not understood, as in Django's own filters: the list is shown again
        without it, saying so, rather than failing to find the year's first day."""
        value = self.value()
        if value is None:
            return queryset
        if not (value.isascii() and value.isdigit() and MINYEAR <= int(value) <= MAXYEAR):
            raise IncorrectLookupParameters(f"No year {value!r}.")
        return queryset.filter(**{f"{self.field}__year": int(value)})

    def get_facet_queryset(self, changelist):
        """The counts beside each year, read in one query grouped by year (in the current time
        zone, as the filter reads a year: `year_of`). Django's own way counts each year's rows in a
        subquery of its own: 1.7 s for the quotes of 30 years at 200,000 quotes."""
        listed = facet_rows(self, changelist)
        counts = dict(
            listed.order_by()
            .annotate(facet_year=year_of(listed, self.field))
            .values_list("facet_year")
            .annotate(n=Count("pk"))
        )
        return facets(self, {str(year): n for year, n in counts.items()})


class QuoteYearFilter(PublicationYearFilter):
    """Quotes by the year their article was published."""

    field = "article__published_at"


class DeepPagePaginator(Paginator):
    """Django's paginator, but for a deep page, the page's ids are read first (in the list's
    order, from the index that keeps it where there is one), then its rows by those ids.

    Read whole, a deep page made the database build every row it skips, with the rows each
    joins (a quote's speaker, article and film): 2.3 s for page 1,900 of 200,000 quotes on
    PostgreSQL. The first pages, which editors mostly read, are read in one query as before.
    """

    SHALLOW_PAGES = 10

    def page(self, number):
        page = super().page(number)
        if page.number <= self.SHALLOW_PAGES or not hasattr(self.object_list, "values_list"):
            return page
        ids = list(page.object_list.values_list("pk", flat=True))
        # The same order again: the admin always ends a list's ordering with the primary key.
        page.object_list = self.object_list.filter(pk__in=ids)
        return page


class WrittenCheckboxes:
    """A list's action checkboxes written as Django's widget writes them, without the widget:
    rendered through the form renderer's templates, each cost 0.9 ms, 90 ms for a page of 100
    rows. What they send is read back as ids before any action runs."""

    def response_action(self, request, queryset):
        """A selection that does not read as ids the database can hold (a damaged or crafted
        form: "abc", "9" * 30) changes nothing, and the list says so: Django looked the rows up
        with it, a server error (a bare 400 on SQLite, which cannot send such a number).
        Rows deleted since the list was shown are said to be gone: the action's own message
        ("none of the selected needed it") read as if they had been looked at."""
        pk = self.model._meta.pk
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(storable(pk, value) for value in selected):
            self.message_user(
                request,
                "The selection sent could not be read: nothing was changed. Select the rows "
                "again and choose the action.",
                messages.WARNING,
            )
            return None
        ids = {pk.to_python(value) for value in selected}
        if ids and request.POST.get("select_across") != "1":
            gone = len(ids) - self.model._default_manager.filter(pk__in=ids).count()
            opts = self.model._meta
            if gone == len(ids):
                self.message_user(
                    request,
                    f"None of the {opts.verbose_name_plural} selected exists any more: deleted "
                    "since the list was shown. Nothing was changed.",
                    messages.WARNING,
                )
                return None
            if gone:
                self.message_user(
                    request,
                    f"{gone} of the {len(ids)} {opts.verbose_name_plural} selected "
                    f"{'no longer exists' if gone == 1 else 'no longer exist'}: deleted since "
                    "the list was shown.",
                    messages.WARNING,
                )
        return super().response_action(request, queryset)

    def action_checkbox(self, obj):
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(_("Select this object for an action - {}"), str(obj)),
        )
