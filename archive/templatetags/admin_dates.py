"""The admin's date hierarchy for lists of any length."""

import copy

from django import template
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.utils import timezone

from ..models.aggregates import date_span, distinct_months, distinct_years

register = template.Library()


def date_hierarchy(cl):
    """Django's date hierarchy (`admin_list.date_hierarchy`), starting where it does (at the
    years; at the months, or the days, when every row of the list falls in one year, or one
    month), with its first level read along the date's index: Django reads every row of the
    list for the first and last dates, then again for the years (0.3 s on SQLite at 100,000
    articles). Within a year, Django's own reads the year's rows.

    A searched list's matches are found once, for their months: checked year by year, the
    search would be run again for each year.
    """
    field = cl.date_hierarchy
    if not field or any(cl.params.get(f"{field}__{part}") for part in ("year", "month", "day")):
        return admin_list.date_hierarchy(cl)
    if cl.query:
        months = distinct_months(cl.queryset, field)
        years = sorted({year for year, _ in months})
    else:
        span = date_span(cl.queryset, field)
        months = [(end.year, end.month) for end in map(timezone.localtime, filter(None, span))]
        years = None  # read below if the list spans years
    if months and months[0][0] == months[-1][0]:
        first, last = months[0], months[-1]
        return started_at(cl, first[0], first[1] if first == last else None)
    if years is None:
        years = distinct_years(cl.queryset, field, span)[::-1]
    return {
        "show": True,
        "back": None,
        "choices": [
            {"link": cl.get_query_string({f"{field}__year": str(year)}, [f"{field}__"]),
             "title": str(year)}
            for year in years
        ],
    }  # fmt: skip


def started_at(cl, year, month=None):
    """Django's date hierarchy as it starts when every row falls in one year (or month): at
    that year's months (or that month's days)."""
    started = copy.copy(cl)
    started.params = {**cl.params, f"{cl.date_hierarchy}__year": str(year)}
    if month is not None:
        started.params[f"{cl.date_hierarchy}__month"] = str(month)
    return admin_list.date_hierarchy(started)


@register.tag(name="date_hierarchy")
def date_hierarchy_tag(parser, token):
    return InclusionAdminNode(
        parser, token, func=date_hierarchy, template_name="date_hierarchy.html", takes_context=False
    )
