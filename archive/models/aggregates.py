"""Small related lists fetched with their owner, as JSON, in the owner's own query.

A film's languages or an award's named recipients are a handful of rows each: asking for them
as a JSON array in a correlated subquery (`json_list`) costs far less than one more query each,
and keeps a page's query count fixed.
"""

from django.db.models import Aggregate, Count, JSONField, OuterRef, Subquery
from django.db.models.functions import Coalesce, JSONObject


class JSONList(Aggregate):
    """The aggregated values as a JSON array (SQLite's json_group_array, PostgreSQL's jsonb_agg)."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def json_list(rows, owner, **fields):
    """The rows (a model or a queryset) that point to the outer query's row by `owner`, as a
    list of objects with `fields` (name=lookup); None when there are none."""
    rows = rows._default_manager.all() if isinstance(rows, type) else rows
    rows = rows.filter(**{owner: OuterRef("pk")}).order_by().values(owner)
    return Subquery(rows.annotate(items=JSONList(JSONObject(**fields))).values("items"))


def count_of(rows, owner, distinct="pk"):
    """How many different `distinct` values the rows (a queryset) that point to the outer
    query's row by `owner` hold (0 if none)."""
    rows = rows.filter(**{owner: OuterRef("pk")}).order_by().values(owner)
    counted = rows.annotate(count=Count(distinct, distinct=True)).values("count")
    return Coalesce(Subquery(counted), 0)
