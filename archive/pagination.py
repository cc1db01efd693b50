"""
Keyset pagination for the long public lists (films, articles, quotes).

A numbered page deep in a list is read with an OFFSET, and an OFFSET reads every row it skips:
the last of 4,000 pages of articles cost as much as reading them all. Here a page starts where
the page before it ended instead — "the 20 articles after this one" — which an index answers
directly, so the last page costs what the first one does, and nothing is counted.

The address says where a page starts: `?after=KEY` (the items following the one named by KEY,
in the list's order), `?before=KEY` (the items preceding it) or `?page=last`. KEY is a slug, or
an id for quotes. A key that names nothing, or names something the list cannot show, is a 404.

The API's links name a position instead of an item (`positions=True`): a token holding the
ordering values of the item a page ends or begins with, so that a client's `next` link still
works once that item is unpublished, renamed or no longer matches the filters. A key is read
there too. The site signs the tokens its links give (`issued`), so that the page cache can
store the pages they lead to: a made-up position is answered too, never stored, or a stream of
them would fill the cache.
"""

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass, field

from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.http import urlencode

POSITION_MARK = "~"  # never begins a slug or an id
# Its signatures follow the token after a dot, which base64 for addresses never writes.
POSITION_SIGNER = signing.Signer(salt="archive.pagination.position", sep=".")

PAGE_PARAMETERS = ("after", "before", "page")


@dataclass
class KeysetPage:
    """One page of a list, with the addresses (query strings) of its neighbours."""

    object_list: list
    has_previous: bool
    has_next: bool
    filters: str = ""
    query: str = ""  # this page's own position, for its canonical address
    first_key: str = field(default="", repr=False)
    last_key: str = field(default="", repr=False)

    def has_other_pages(self):
        return self.has_previous or self.has_next

    def _link(self, **position):
        query = QueryDict(self.filters, mutable=True)
        query.update(position)
        return query.urlencode()

    @property
    def first_query(self):
        return self._link()

    @property
    def previous_query(self):
        """The page before this one: the list's last page if this one, past its end, is
        empty (every item after the position it names has gone)."""
        return self._link(before=self.first_key) if self.first_key else self.last_query

    @property
    def next_query(self):
        return self._link(after=self.last_key) if self.last_key else self.first_query

    @property
    def last_query(self):
        return self._link(page="last")


class KeysetPaginator:
    """Pages of a queryset in a fixed order whose last field is unique.

    `ordering` is a list of field names as for `order_by()` ("-published_at", "-pk"); `key` is
    the field a page's address names an item by ("slug", "pk").
    """

    def __init__(self, ordering, key="slug", positions=False):
        self.ordering = [(name.lstrip("-"), name.startswith("-")) for name in ordering]
        self.key = key
        self.positions = positions

    def page(self, queryset, params, per_page, filters=""):
        """The page of `per_page` items that `params` (the request's GET) asks for, or Http404.

        An item named in the address is looked up among the list's own items. `filters` is the
        list's query string without its position, kept in the links to other pages.
        """
        after, before, page = (params.get(name, "") for name in PAGE_PARAMETERS)
        if page not in ("", "1", "last") or sum(map(bool, (after, before, page == "last"))) > 1:
            raise Http404("No such page: use the list's own page links.")
        backwards = bool(before) or page == "last"
        if after:
            position = {"after": after}
        elif before:
            position = {"before": before}
        else:
            position = {"page": "last"} if backwards else {}
        cursor = after or before
        if cursor:
            if self.positions and cursor.startswith(POSITION_MARK):
                values = self.read_token(queryset.model, cursor)
            else:
                values = self.position(queryset, cursor)
            queryset = queryset.filter(self.beyond(values, bool(before)))
        ordering = [
            ("-" if descending != backwards else "") + name for name, descending in self.ordering
        ]
        items = list(queryset.order_by(*ordering)[: per_page + 1])
        more = len(items) > per_page
        items = items[:per_page]
        if backwards:
            items.reverse()
        return KeysetPage(
            object_list=items,
            has_previous=more if backwards else bool(after),
            has_next=bool(before) or (more and not backwards),
            filters=filters,
            query=urlencode(position),
            first_key=self.item_key(items[0]) if items else "",
            last_key=self.item_key(items[-1]) if items else "",
        )

    def item_key(self, item):
        """What a link names `item` by: its key, or with `positions` its position's token."""
        if self.positions:
            values = [getattr(item, name) for name, _ in self.ordering]
            if None not in values:
                return self.token(values)
        return str(getattr(item, self.key))

    @staticmethod
    def token(values):
        written = [v.isoformat() if isinstance(v, dt.datetime) else v for v in values]
        data = json.dumps(written, separators=(",", ":"), ensure_ascii=False).encode()
        encoded = base64.urlsafe_b64encode(data).decode().rstrip("=")
        return POSITION_MARK + POSITION_SIGNER.sign(encoded)

    def read_token(self, model, token):
        """The ordering values a token holds, each read by its field as a form would; signed
        or not (the signature says only that the site's own links gave it)."""
        try:
            data = token[len(POSITION_MARK) :].partition(".")[0]
            values = json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
            if not isinstance(values, list) or len(values) != len(self.ordering):
                raise ValueError
            if not all(isinstance(value, int) or storable(value) for value in values):
                raise ValueError
            values = [
                read(model, name, value)
                for (name, _), value in zip(self.ordering, values, strict=True)
            ]
        except (ValueError, TypeError, OverflowError, ValidationError, binascii.Error):
            raise Http404("No such page: use the list's own page links.") from None
        return values

    def position(self, queryset, cursor):
        """The ordering values of the item named `cursor`."""
        names = [name for name, _ in self.ordering]
        try:
            values = queryset.order_by().prefetch_related(None).values_list(*names)
            return values.get(**{self.key: cursor})
        except (queryset.model.DoesNotExist, ValueError):
            raise Http404("No such page: the item it started from is gone.") from None

    def beyond(self, values, before=False):
        """Rows strictly after `values` in the list's order (before them if `before`).

        Written as `first >= v1 AND (first > v1 OR (first = v1 AND second > v2) ...)`: the
        redundant first condition lets the database start reading its index at the cursor.
        """
        condition, equal = Q(), {}
        for (name, descending), value in zip(self.ordering, values, strict=True):
            comparison = "lt" if descending != before else "gt"
            condition |= Q(**equal, **{f"{name}__{comparison}": value})
            equal[name] = value
        first, descending = self.ordering[0]
        bound = "lte" if descending != before else "gte"
        return Q(**{f"{first}__{bound}": values[0]}) & condition


def issued(token):
    """Whether `token` is a position the site's own links gave."""
    if not token.startswith(POSITION_MARK):
        return False
    try:
        POSITION_SIGNER.unsign(token[len(POSITION_MARK) :])
    except signing.BadSignature:
        return False
    return True


def storable(value):
    """Whether `value` is text a database can take. JSON can spell what no link holds: a lone
    surrogate ("\\ud800", which no database driver can encode) or a NUL (which PostgreSQL
    refuses)."""
    if not isinstance(value, str) or "\x00" in value:
        return False
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def read(model, name, value):
    """A value of the field `name` of `model` (or of an annotation, kept as it is)."""
    if name == "pk":
        field = model._meta.pk
    else:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return value
    value = field.to_python(value)
    if value is None:
        raise ValueError
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        # In UTC, as the database is sent it: a time at an end of the calendar in another zone
        # ("0001-01-01T00:00+14:00") is none there (OverflowError, from SQLite's driver).
        value = value.astimezone(dt.UTC)
    return value
