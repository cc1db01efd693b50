"""Small related lists fetched with their owner, as JSON, in the owner's own query.

A film's languages or an award's named recipients are a handful of rows each: asking for them
as a JSON array in a correlated subquery (`json_list`) costs far less than one more query each,
and keeps a page's query count fixed.
"""

from django.db.models import Aggregate, JSONField, OuterRef, Subquery
from django.db.models.functions import JSONObject


class JSONList(Aggregate):
    """The aggregated values as a JSON array (SQLite's json_group_array, PostgreSQL's jsonb_agg)."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def json_list(through, owner, **fields):
    """The rows of `through` that point to the outer query's row by `owner`, as a list of
    objects with `fields` (name=lookup); None when there are none."""
    rows = through.objects.filter(**{owner: OuterRef("pk")}).order_by().values(owner)
    return Subquery(rows.annotate(items=JSONList(JSONObject(**fields))).values("items"))
